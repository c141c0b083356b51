import { describe, expect, it } from 'vitest';
import { bitwiseCrc32c, bitwiseMaskedCrc32c } from '../testing/tfevents-reader';
import { crc32c, maskedCrc32c } from './crc32c';

describe('CRC-32C', () => {
  it('matches the RFC 3720 (B.4) test vectors and the bitwise reference', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const r = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
    expect(crc32c(r)).toBe(bitwiseCrc32c(r));
    expect(maskedCrc32c(r)).toBe(bitwiseMaskedCrc32c(r));
  });
});
