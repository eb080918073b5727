/**
 * A minimal protobuf writer for the Analyzer requests `aa check` sends in bulk (AnalyzeRequest,
 * AnalyzeStackRequest with google.protobuf.Struct properties). It writes the same wire format as
 * the generated google-protobuf classes, straight from plain data, without building a message
 * object per value: for a stack of 200,000 resources that is the difference between seconds and
 * minutes. The tests check it byte-for-byte against what the generated classes decode.
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  string(field: number, value: string): void {
    if (value === "") return; // proto3: empty strings are not written
    this.stringAlways(field, value);
  }

  bool(field: number, value: boolean): void {
    if (!value) return;
    this.tag(field, WIRE_VARINT);
    this.byte(1);
  }

  /** A length-delimited sub-message written by `body`. */
  message(field: number, body: () => void): void {
    this.tag(field, WIRE_LEN);
    const lengthAt = this.pos;
    this.byte(0); // room for a one-byte length; moved below if the body is longer
    const start = this.pos;
    body();
    const length = this.pos - start;
    const size = varintSize(length);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size - 1, start, this.pos);
      this.pos += size - 1;
    }
    writeVarintAt(this.buf, lengthAt, length);
  }

  /** Bytes already encoded (e.g. a message body shared by many requests). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A google.protobuf.Struct holding plain data. */
  struct(field: number, value: Record<string, unknown>): void {
    this.message(field, () => this.structBody(value));
  }

  private structBody(value: Record<string, unknown>): void {
    for (const key in value) {
      const v = value[key];
      if (v === undefined) continue;
      // map<string, Value> fields = 1: each entry is a message { key = 1; value = 2 }.
      this.message(1, () => {
        this.stringAlways(1, key);
        this.message(2, () => this.valueBody(v));
      });
    }
  }

  /** The body of a google.protobuf.Value. */
  private valueBody(v: unknown): void {
    if (v === null || v === undefined) {
      this.tag(1, WIRE_VARINT);
      this.byte(0);
    } else if (typeof v === "number") {
      this.tag(2, WIRE_FIXED64);
      this.ensure(8);
      this.buf.writeDoubleLE(Number.isFinite(v) ? v : 0, this.pos);
      this.pos += 8;
    } else if (typeof v === "string") {
      this.stringAlways(3, v);
    } else if (typeof v === "boolean") {
      this.tag(4, WIRE_VARINT);
      this.byte(v ? 1 : 0);
    } else if (Array.isArray(v)) {
      this.message(6, () => {
        for (const item of v)
          this.message(1, () => this.valueBody(item === undefined ? null : item));
      });
    } else if (typeof v === "bigint" || typeof v === "symbol" || typeof v === "function") {
      // No Value kind of its own: sent as its text.
      this.stringAlways(3, String(v));
    } else {
      this.message(5, () => this.structBody(v as Record<string, unknown>));
    }
  }

  private stringAlways(field: number, value: string): void {
    this.tag(field, WIRE_LEN);
    const length = Buffer.byteLength(value, "utf8");
    this.varint(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, length, "utf8");
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  private varint(value: number): void {
    this.ensure(10);
    this.pos = writeVarintAt(this.buf, this.pos, value);
  }

  private byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

function writeVarintAt(buf: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    buf[at++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[at++] = value;
  return at;
}
