import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackFile } from "../../automation/project";
import { aa } from "../_cli";

/** Writes `text` as a stack file in a fresh folder; its path. */
function stackFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-stackfile-"));
  const file = path.join(dir, "Pulumi.t.yaml");
  fs.writeFileSync(file, text);
  return file;
}

describe("reading a stack file", () => {
  it("refuses a key YAML reads as a number, with the line and the quoted fix", () => {
    const file = stackFile(
      'config:\n  active-active:addonMatrix:\n    1.30:\n      vpcCni: ["v1.19.5-eksbuild.1"]\n',
    );
    assert.throws(
      () => readStackFile(file),
      /Pulumi\.t\.yaml: line 3: the key 1\.30 is not a string \(YAML reads it as 1\.3\); quote it: "1\.30"/,
    );
  });

  it("refuses __proto__, constructor and prototype as keys, anywhere, by name", () => {
    for (const [yaml, key, line] of [
      ["config:\n  active-active:services:\n    - env:\n        __proto__: x\n", "__proto__", 4],
      ["config:\n  active-active:kyverno:\n    values:\n      constructor: 1\n", "constructor", 4],
      ["config:\n  prototype: 1\n", "prototype", 2],
    ] as const) {
      assert.throws(
        () => readStackFile(stackFile(yaml)),
        new RegExp(`line ${line}: "${key}" cannot be a key in a stack file; rename it`),
      );
    }
  });

  it("names a config key that is a forbidden name after its namespace, and exits 2", () => {
    const file = stackFile("config:\n  active-active:__proto__:\n    kubernetesVersion: '1.33'\n");
    const r = aa(["check", "--stack-file", file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /active-active:__proto__: "__proto__" cannot be a key/);
  });

  it("keeps duplicate keys an error, as YAML says", () => {
    assert.throws(
      () => readStackFile(stackFile("config:\n  a: 1\n  a: 2\n")),
      /is not valid YAML: Map keys must be unique/,
    );
  });
});

describe("reading a stack file: what it is made of", () => {
  it("reads only regular files, up to the cap it names", () => {
    assert.throws(() => readStackFile("/dev/zero"), /\/dev\/zero is not a regular file/);
    const big = stackFile("#".repeat(5 * 1024 * 1024));
    assert.throws(
      () => readStackFile(big),
      /is 5242880 bytes, above the 4 MiB a stack file may have/,
    );
  });

  it("accepts a byte-order mark and refuses UTF-16 with the fix", () => {
    const dev = fs.readFileSync(
      path.join(__dirname, "..", "..", "..", "stacks", "Pulumi.dev.yaml"),
    );
    const bom = stackFile("\ufeff" + dev.toString("utf8"));
    assert.equal(typeof readStackFile(bom).config["active-active:kubernetesVersion"], "string");
    const utf16 = stackFile("");
    fs.writeFileSync(
      utf16,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(dev.toString("utf8"), "utf16le")]),
    );
    assert.throws(() => readStackFile(utf16), /is UTF-16; save it as UTF-8/);
  });
});
