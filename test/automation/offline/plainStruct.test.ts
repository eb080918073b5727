import * as assert from "node:assert/strict";
import fc from "fast-check";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  PlainStruct,
  structCopy,
  withPlainStructs,
} from "../../../automation/offline/_plainStruct";

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

describe("withPlainStructs", () => {
  it("builds the SDK's requests as plain structs that read as the protobuf ones", async () => {
    const value = { b: "x", a: [true, null, 2], c: { d: "e" } };
    await withPlainStructs(() => {
      const struct = Struct.fromJavaScript(value);
      assert.ok(struct instanceof PlainStruct);
      value.b = "changed after";
      assert.deepEqual(struct.toJavaScript(), { a: [true, null, 2], b: "x", c: { d: "e" } });
      assert.deepEqual(
        struct.getFieldsMap().toArray(),
        new PlainStruct({ a: [true, null, 2], b: "x", c: { d: "e" } }).getFieldsMap().toArray(),
      );
      assert.throws(
        () => Struct.fromJavaScript({ a: undefined } as never),
        /Unexpected struct type\./,
      );
      return Promise.resolve();
    });
  });

  it("puts google-protobuf's own fromJavaScript back, also when the run fails", async () => {
    const fromJavaScript = (): unknown =>
      Object.getOwnPropertyDescriptor(Struct, "fromJavaScript")?.value;
    const built = fromJavaScript();
    await assert.rejects(
      withPlainStructs(() => Promise.reject(new Error("program failed"))),
      /program failed/,
    );
    assert.equal(fromJavaScript(), built);
    assert.ok(!(Struct.fromJavaScript({ a: 1 }) instanceof PlainStruct));
  });
});
