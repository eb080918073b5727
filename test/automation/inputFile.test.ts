import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkInputFile, readCapped, sizeText } from "../../automation/inputFile";
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
      /--deployed .*big\.json is 2048 bytes, above the 1 KiB aa reads/,
    );
    assert.doesNotThrow(() => checkInputFile(file, "--deployed", 4096));
    assert.doesNotThrow(() => checkInputFile(path.join(file, "missing"), "x", 1));
    assert.equal(sizeText(64 * 1024 ** 2), "64 MiB");
    assert.equal(sizeText(2 * 1024 ** 3), "2 GiB");
    assert.equal(sizeText(512 * 1024), "512 KiB");
    assert.equal(sizeText(100), "100 bytes");
  });

  it("reads standard input up to a cap, and stops an endless one there", () => {
    const zero = fs.openSync("/dev/zero", "r");
    try {
      assert.throws(
        () => readCapped(zero, "standard input (--state -)", 3 * 1024 ** 2),
        /^UsageError: standard input \(--state -\) is more than the 3 MiB aa reads; check what is piped in$/,
      );
    } finally {
      fs.closeSync(zero);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-input-")), "in.json");
    fs.writeFileSync(file, "y".repeat(2500));
    for (const cap of [2500, 4096, 1024 ** 2]) {
      const fd = fs.openSync(file, "r");
      try {
        assert.equal(readCapped(fd, "x", cap).toString(), "y".repeat(2500), `cap ${cap}`);
      } finally {
        fs.closeSync(fd);
      }
    }
    const fd = fs.openSync(file, "r");
    try {
      assert.throws(() => readCapped(fd, "standard input", 2499), /more than the 2499 bytes/);
    } finally {
      fs.closeSync(fd);
    }
  });

  it("reads a piped state on standard input (aa check --state -)", () => {
    const state = fs.readFileSync(
      path.join(
        __dirname,
        "..",
        "..",
        "..",
        "test",
        "fixtures",
        "real",
        "state",
        "checkpoint-v3-pulumi-testdata.json",
      ),
    );
    const result = aa(["check", "--state", "-", "--json"], { input: state });
    assert.ok([0, 1].includes(result.code ?? -1), result.stderr);
    assert.ok(JSON.parse(result.stdout));
  });

  for (const args of [
    ["check", "--state", "/dev/zero"],
    ["plan", "dev", "--deployed", "/dev/zero"],
    ["rollout", "dev", "--simulate", "--deployed", "/dev/zero"],
    ["rollout", "dev", "--simulate", "--sim-state", "/dev/zero"],
  ]) {
    it(`aa ${args.join(" ")}: exit 2 at once, not a read without end`, () => {
      const r = aa(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\/dev\/zero is not a regular file/);
    });
  }
});
