import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  removeLeftovers,
  temporaryName,
  temporaryOf,
  writeFileAtomic,
} from "../../../automation/files/atomicWrite";

/** The pid of a process that has ended (it ran and was reaped). */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

describe("writeFileAtomic: a reader or a kill finds the old content or the new, never half", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-atomic-"))));

  it("writes a new file, then replaces it, leaving nothing else in the folder", () => {
    const file = path.join(dir, "state.json");
    writeFileAtomic(file, "one\n");
    assert.equal(fs.readFileSync(file, "utf8"), "one\n");
    writeFileAtomic(file, "two\n");
    assert.equal(fs.readFileSync(file, "utf8"), "two\n");
    assert.deepEqual(fs.readdirSync(dir), ["state.json"]);
  });

  it("gives the file exactly the mode asked for, whatever the umask", () => {
    const file = path.join(dir, "config");
    writeFileAtomic(file, "secret", { mode: 0o600 });
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it("keeps the old file and removes its temporary file when the write fails", () => {
    const file = path.join(dir, "state.json");
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, "inside"), "x"); // a folder in the way: the rename fails
    assert.throws(() => writeFileAtomic(file, "new"), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(fs.readdirSync(dir), ["state.json"]);
    assert.deepEqual(fs.readdirSync(file), ["inside"]);
  });

  it("never shows a reader half a file while another process rewrites it", async () => {
    const file = path.join(dir, "state.json");
    const big = (c: string) => JSON.stringify({ fill: c.repeat(256 * 1024) });
    writeFileAtomic(file, big("a"));
    // Alternates between the two contents, 200 writes.
    const writer = spawn(process.execPath, [
      "-e",
      `const { writeFileAtomic } = require(${JSON.stringify(require.resolve("../../../automation/files/atomicWrite"))});
       const big = (c) => JSON.stringify({ fill: c.repeat(256 * 1024) });
       for (let i = 0; i < 200; i++) writeFileAtomic(${JSON.stringify(file)}, big(i % 2 ? "a" : "b"));`,
    ]);
    const ended = new Promise<number | null>((resolve) => writer.on("close", resolve));
    let reads = 0;
    let running = true;
    void ended.then(() => (running = false));
    while (running) {
      const text = fs.readFileSync(file, "utf8");
      assert.ok(text === big("a") || text === big("b"), `read ${text.length} characters`);
      reads++;
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(await ended, 0);
    assert.ok(reads > 0);
  });
});

describe("temporary files: named for their process, removed once it is gone", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-leftover-"))));

  it("names a temporary file <file>.<pid>.<random>.tmp and reads the pid back", () => {
    const file = path.join(dir, "s.json");
    const temp = temporaryName(file);
    assert.match(
      path.basename(temp),
      new RegExp(`^s\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`),
    );
    assert.deepEqual(temporaryOf(file, path.basename(temp)), { pid: process.pid });
    assert.equal(temporaryOf(file, "s.json.lock"), undefined);
    assert.equal(temporaryOf(file, "s.json.bak.1.ab.tmp"), undefined);
    assert.equal(temporaryOf(file, "other.json.1.ab.tmp"), undefined);
  });

  it("removes those of processes that are gone, keeps those of running ones and every other file", () => {
    const file = path.join(dir, "s.json");
    const dead = deadPid();
    const names = [
      "s.json",
      "s.json.lock",
      `s.json.${dead}.0badf00d.tmp`,
      `s.json.${process.pid}.0000beef.tmp`,
      `s.json.${process.ppid}.00c0ffee.tmp`,
      `t.json.${dead}.0badf00d.tmp`,
    ];
    for (const n of names) fs.writeFileSync(path.join(dir, n), "");
    const removed = removeLeftovers(file, (pid) => pid !== dead);
    assert.deepEqual(removed, [path.join(dir, `s.json.${dead}.0badf00d.tmp`)]);
    assert.deepEqual(
      fs.readdirSync(dir).sort(),
      names.filter((n) => !n.includes(`s.json.${dead}`)).sort(),
    );
  });
});
