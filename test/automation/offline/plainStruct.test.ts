import * as assert from "node:assert/strict";
import fc from "fast-check";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PlainStruct, structCopy } from "../../../automation/offline/_plainStruct";

/** What a protobuf round trip gives back: the engine's answer as the SDK reads it. */
function roundTrip(value: Record<string, unknown>): unknown {
  return Struct.fromJavaScript(value as never).toJavaScript();
}

/** Plain values a Struct holds, keys of every kind (integer-like ones sort apart in JS). */
const fields = fc.dictionary(
  fc.oneof(fc.string(), fc.nat().map(String)),
  fc.jsonValue() as fc.Arbitrary<unknown>,
);

describe("PlainStruct", () => {
  it("reads back as a protobuf Struct's round trip does: same values, keys in the same order", () => {
    fc.assert(
      fc.property(fields, (value) => {
        const read = new PlainStruct(value).toJavaScript();
        assert.equal(JSON.stringify(read), JSON.stringify(roundTrip(value)));
      }),
    );
  });

  it("gives a fresh copy on every read, as a Struct does", () => {
    const struct = new PlainStruct({ tags: { Name: "a" }, list: [1] });
    const first = struct.toJavaScript() as Record<string, { Name?: string }>;
    first.tags.Name = "changed";
    assert.deepEqual(struct.toJavaScript(), { list: [1], tags: { Name: "a" } });
  });

  it("has the protobuf fields of the same value for a reader of fields", () => {
    const value = { b: "x", a: [true, null, 2], c: { d: "e" } };
    assert.deepEqual(
      new PlainStruct(value).getFieldsMap().toArray(),
      Struct.fromJavaScript(value).getFieldsMap().toArray(),
    );
  });

  it("rejects what a Struct cannot hold, with the Struct's error", () => {
    assert.throws(() => structCopy({ a: undefined }), /Unexpected struct type\./);
    assert.throws(() => structCopy({ a: () => 1 }), /Unexpected struct type\./);
  });
});
