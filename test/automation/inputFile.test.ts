import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkInputFile, sizeText } from "../../automation/inputFile";
import { aa } from "../_cli";

describe("input files: regular files, up to a cap", () => {
  it("refuses a device or a folder, and a file above the cap, saying the cap", () => {
    assert.throws(
      () => checkInputFile("/dev/zero", "state file", 1024),
      /state file \/dev\/zero is not a regular file; give the path of a file \(or - for standard input\)/,
    );
    assert.throws(() => checkInputFile(os.tmpdir(), "--deployed", 1024), /is not a regular file/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-input-")), "big.json");
    fs.writeFileSync(file, "x".repeat(2048));
    assert.throws(
      () => checkInputFile(file, "--deployed", 1024 ** 2 / 1024),
      /--deployed .*big\.json is 2048 bytes, above the 0\.0009765625 MiB aa reads/,
    );
    assert.doesNotThrow(() => checkInputFile(file, "--deployed", 4096));
    assert.doesNotThrow(() => checkInputFile(path.join(file, "missing"), "x", 1));
    assert.equal(sizeText(64 * 1024 ** 2), "64 MiB");
    assert.equal(sizeText(2 * 1024 ** 3), "2 GiB");
  });

  for (const args of [
    ["check", "--state", "/dev/zero"],
    ["plan", "dev", "--deployed", "/dev/zero"],
    ["rollout", "dev", "--simulate", "--deployed", "/dev/zero"],
  ]) {
    it(`aa ${args.join(" ")}: exit 2 at once, not a read without end`, () => {
      const r = aa(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\/dev\/zero is not a regular file/);
    });
  }
});
