import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { UsageError } from "../../../automation/exitCodes";
import { parseLargeJson } from "../../../automation/stackExport/largeJson";
import { parseState } from "../../../automation/stackExport/readStackExport";
import { REAL_STATE_DIR, REAL_STATE_FILES } from "./_realStateFiles";

const ARRAYS = [
  ["deployment", "resources"],
  ["checkpoint", "latest", "resources"],
];

const piecewise = (text: string) => parseLargeJson(Buffer.from(text), ARRAYS);

describe("state files larger than one string (parsed one resource at a time)", () => {
  for (const { file } of REAL_STATE_FILES) {
    it(`reads real ${file} exactly as JSON.parse does`, () => {
      const bytes = fs.readFileSync(path.join(REAL_STATE_DIR, file));
      assert.deepEqual(parseLargeJson(bytes, ARRAYS), JSON.parse(bytes.toString()));
    });
  }

  it("reads any JSON under a deployment's resources, indented or not, as JSON.parse does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue()),
        fc.jsonValue(),
        fc.constantFrom(0, 2, 4, "\t"),
        fc.boolean(),
        (resources, manifest, indent, checkpoint) => {
          const deployment = { manifest, resources };
          const doc = checkpoint
            ? { version: 3, checkpoint: { stack: "dev", latest: deployment } }
            : { version: 3, deployment };
          const text = JSON.stringify(doc, null, indent);
          assert.deepEqual(piecewise(text), JSON.parse(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps what strings hold: quotes, backslashes, brackets and multi-byte characters", () => {
    const text = String.raw`{"deployment": {"resources": [
      {"urn": "a\"]}", "x": "\\", "y": "\\\"[{", "z": "é😀\u00e9"},
      [], {}, "]", 1.5e3, -0, true, false, null
    ]}, "__proto__": {"polluted": true}, "k": 1, "k": 2}`;
    const parsed = piecewise(text) as Record<string, unknown>;
    assert.deepEqual(parsed, JSON.parse(text));
    // Like JSON.parse, "__proto__" is an own property, not the object's prototype.
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.ok(Object.prototype.hasOwnProperty.call(parsed, "__proto__"));
    assert.equal(parsed.k, 2);
  });

  it("refuses malformed JSON with the byte where it is wrong", () => {
    const cases: [string, RegExp][] = [
      ['{"deployment": {"resources": [{"urn": "a"}', /unterminated|expected ',' or '\]'/],
      [
        '{"deployment": {"resources": [{"urn": "a"}]}} x',
        /unexpected data after the JSON value at byte 46/,
      ],
      ['{"deployment": {"resources": [{"urn": }]}}', /in the value at byte 30/],
      ['{"deployment": {"resources": [1 2]}}', /expected ',' or '\]' in an array at byte 32/],
      ['{"deployment" {"resources": []}}', /expected ':' after a property name at byte 14/],
      ['{"deployment": {"resources": ["a]}}', /unterminated string at byte 30/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => piecewise(text), message, text);
    }
  });

  it("is chosen for a file longer than the longest string, and reads it as the whole file", () => {
    for (const { file } of REAL_STATE_FILES) {
      const bytes = fs.readFileSync(path.join(REAL_STATE_DIR, file));
      // A limit below every file stands for V8's (about 512 MiB), which no test file reaches.
      assert.deepEqual(parseState(bytes, file, 0), parseState(bytes, file), file);
    }
    assert.throws(
      () => parseState(Buffer.from('{"deployment": {"resources": [}'), "big.json", 0),
      (err: unknown) =>
        err instanceof UsageError &&
        /^big\.json is not valid JSON \(.* at byte \d+\); aa reads the output of `pulumi stack export`/.test(
          err.message,
        ),
    );
    assert.throws(
      () => parseState(Buffer.from("   \n"), "blank.json", 0),
      /blank\.json is not valid JSON/,
    );
  });
});
