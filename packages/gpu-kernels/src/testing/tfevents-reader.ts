/**
 * Test helper: an independent TensorBoard event-file reader. It decodes with TensorFlow's own proto definitions
 * (parsed by protobufjs) and checks each record with a bitwise, table-free CRC-32C, so a mistake in our encoder
 * or in our CRC table cannot cancel out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package tensorflow;
message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true]; repeated double bucket = 7 [packed = true]; }
message Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }
message Value { string node_name = 7; string tag = 1;
  oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; Image image = 4; HistogramProto histo = 5; } }
message Summary { repeated Value value = 1; }
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
`;
const Event = protobuf.parse(PROTO).root.lookupType('tensorflow.Event');

/** CRC-32C (Castagnoli) computed bit by bit: the reference the table-driven `crc32c` is checked against. */
export function bitwiseCrc32c(bytes: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return ~c >>> 0;
}

/** TFRecord's masked CRC-32C of `bytes` (rotate right by 15, add 0xa282ead8), from {@link bitwiseCrc32c}. */
export function bitwiseMaskedCrc32c(bytes: Uint8Array): number {
  const c = bitwiseCrc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One decoded event; proto3 leaves out fields at their default, so step 0 reads as absent. */
export interface DecodedEvent {
  wallTime: number;
  step?: number;
  fileVersion?: string;
  summary?: { value: DecodedValue[] };
}

/** One summary value of a {@link DecodedEvent}: a scalar, a histogram or an image. */
export interface DecodedValue {
  tag: string;
  simpleValue?: number;
  histo?: { num: number; sum: number; min: number; max: number; bucket: number[]; bucketLimit: number[] };
  image?: { height: number; width: number; colorspace: number; encodedImageString: Uint8Array };
}

/**
 * Decodes every record of an event file, checking both masked CRC-32Cs of each (of the 8-byte length and of the
 * data) and that the records end exactly at the end of the file; throws naming the file and byte offset otherwise.
 */
export function readEventFile(file: string): DecodedEvent[] {
  const bytes = new Uint8Array(readFileSync(file));
  const out: DecodedEvent[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off < bytes.length) {
    if (off + 12 > bytes.length) throw new Error(`${file}: truncated record header at byte ${off}`);
    const len = Number(dv.getBigUint64(off, true));
    if (dv.getUint32(off + 8, true) !== bitwiseMaskedCrc32c(bytes.subarray(off, off + 8))) throw new Error(`${file}: bad length CRC at byte ${off}`);
    if (off + 16 + len > bytes.length) throw new Error(`${file}: truncated record at byte ${off}`);
    const data = bytes.subarray(off + 12, off + 12 + len);
    if (dv.getUint32(off + 12 + len, true) !== bitwiseMaskedCrc32c(data)) throw new Error(`${file}: bad data CRC at byte ${off}`);
    out.push(Event.toObject(Event.decode(data), { longs: Number }) as DecodedEvent);
    off += 16 + len;
  }
  return out;
}

/** The scalars of one tag in decoded events, as [step, value] pairs in file order (absent step or value: 0). */
export function scalarsOf(events: DecodedEvent[], tag: string): [number, number][] {
  return events.flatMap((e) => (e.summary?.value ?? []).filter((v) => v.tag === tag).map((v) => [e.step ?? 0, v.simpleValue ?? 0] as [number, number]));
}

/** Every event file below `dir`, as sorted paths relative to it (the runs are their folders). */
export function eventFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (name.startsWith('events.out.tfevents.')) out.push(r);
    }
  };
  walk('');
  return out;
}
