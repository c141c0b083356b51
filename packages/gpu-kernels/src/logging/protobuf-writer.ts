/** The few protobuf wire-format encodings a TensorBoard event needs (varint, fixed64 double, fixed32 float, bytes). */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  private varint(v: number): this {
    // Non-negative integers up to 2^53: 7 bits a byte, low group first.
    const out: number[] = [];
    let x = v;
    while (x >= 0x80) {
      out.push((x % 0x80) | 0x80);
      x = Math.floor(x / 0x80);
    }
    out.push(x);
    return this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** int32/int64/enum field (wire type 0); negative values are not needed here and rejected. */
  uint(field: number, v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`ProtoWriter: field ${field} must be a non-negative safe integer, got ${v}`);
    return this.tag(field, 0).varint(v);
  }

  /** double field (wire type 1). */
  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    return this.tag(field, 1).push(b);
  }

  /** float field (wire type 5). */
  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    return this.tag(field, 5).push(b);
  }

  /** bytes / string / embedded message field (wire type 2). */
  bytes(field: number, b: Uint8Array): this {
    return this.tag(field, 2).varint(b.length).push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** packed repeated double (wire type 2). */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(8 * values.length);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat64(8 * i, values[i]!, true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}
