import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { acquireLockFile, LockFileHeldError } from "../../../automation/files/lockFile";
import type { LockRecord } from "../../../automation/files/lockRecord";
import { ExitCode } from "../../../errors/aaError";

/** The pid of a process that has ended (it ran and was reaped): a holder killed long ago. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;

const recordFixture = (more: Partial<LockRecord> = {}): LockRecord => ({
  pid: process.pid,
  host: os.hostname(),
  user: "alice",
  since: "2026-11-25T10:00:00.000Z",
  id: "held-elsewhere",
  ...more,
});

/** The record a lock file holds now. */
const holding = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as LockRecord;

const write = (file: string, record: LockRecord) =>
  fs.writeFileSync(file, JSON.stringify(record) + "\n");

/** Asserts a refusal: exit 5, one message matching `message`. */
function refuses(take: () => unknown, message: RegExp) {
  assert.throws(take, (err: unknown) => {
    assert.ok(err instanceof LockFileHeldError, String(err));
    assert.equal(err.exit, ExitCode.Refused);
    assert.equal(err.code, "AA_LOCK_FILE_HELD");
    assert.match(err.message, message);
    return true;
  });
}

describe("acquireLockFile: one holder at a time, a dead holder's lock taken over", () => {
  let dir: string;
  let lock: string;
  const args = (more: { notice?: (m: string) => void } = {}) => ({
    file: lock,
    subject: "--sim-state s.json",
    holder: "rehearsal",
    user: "bob",
    ...more,
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-lock-"));
    lock = path.join(dir, "s.json.lock");
  });

  it("takes a free lock, recording who holds it, and gives it back", () => {
    const held = acquireLockFile(args());
    const record = holding(lock);
    assert.deepEqual(record, held.record);
    assert.equal(record.pid, process.pid);
    assert.equal(record.host, os.hostname());
    assert.equal(record.user, "bob");
    assert.ok(!Number.isNaN(Date.parse(record.since)));
    assert.match(record.id, /^[0-9a-f-]{36}$/);
    held.verify();
    held.release();
    held.release();
    assert.deepEqual(fs.readdirSync(dir), [], "no lock, no temporary file");
  });

  it("refuses while a running process holds it, naming the holder and the lock file", () => {
    write(lock, recordFixture());
    refuses(
      () => acquireLockFile(args()),
      new RegExp(
        `^--sim-state s\\.json is in use by another rehearsal: alice@${os.hostname()}, pid ${process.pid}, since 2026-11-25T10:00:00\\.000Z \\(lock file ${lock}\\); wait for it to finish`,
      ),
    );
    assert.equal(holding(lock).id, "held-elsewhere", "left alone");
  });

  it("takes over the lock of a holder on this host whose process is gone, and says so", () => {
    const pid = deadPid();
    write(lock, recordFixture({ pid }));
    const notices: string[] = [];
    const held = acquireLockFile(args({ notice: (m) => notices.push(m) }));
    assert.equal(held.record.pid, process.pid);
    assert.deepEqual(notices, [
      `took over the lock of --sim-state s.json (${lock}) from a rehearsal that is no longer running: alice@${os.hostname()}, pid ${pid}, since 2026-11-25T10:00:00.000Z`,
    ]);
    held.release();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("refuses a holder on another host, and says to remove the lock file if it is dead", () => {
    write(lock, recordFixture({ host: "build-8.example", pid: deadPid() }));
    refuses(
      () => acquireLockFile(args()),
      new RegExp(
        `in use by a rehearsal on another host: alice@build-8\\.example, .*If that rehearsal is dead, remove ${lock} and run again$`,
      ),
    );
    assert.ok(fs.existsSync(lock));
  });

  for (const [what, text] of [
    ["not a lock record", "locked by hand\n"],
    ["empty", ""],
  ]) {
    it(`refuses a lock file that is ${what}, and says to remove it if nothing uses it`, () => {
      fs.writeFileSync(lock, text);
      refuses(
        () => acquireLockFile(args()),
        new RegExp(
          `^--sim-state s\\.json is locked, but its lock file ${lock} cannot be read \\(.*\\); if no rehearsal is using it, remove ${lock} and run again$`,
        ),
      );
      assert.equal(fs.readFileSync(lock, "utf8"), text, "left alone");
    });
  }

  it("releases only its own lock: another holder's is left in place", () => {
    const held = acquireLockFile(args());
    write(lock, recordFixture({ id: "taken-by-hand" }));
    held.release();
    assert.equal(holding(lock).id, "taken-by-hand");
    assert.deepEqual(fs.readdirSync(dir), ["s.json.lock"]);
  });

  it("tells a holder that lost its lock: removed, or held by someone else now", () => {
    const held = acquireLockFile(args());
    fs.rmSync(lock);
    refuses(() => held.verify(), /no longer held by this rehearsal: the lock file was removed/);
    write(lock, recordFixture({ user: "carol" }));
    refuses(() => held.verify(), /no longer held by this rehearsal: it is held by carol@/);
    held.release();
  });

  describe("in separate processes", function () {
    this.timeout(60_000);

    it("lets exactly one of several contenders for a free lock have it", async () => {
      const results = await contend(lock, 6);
      assert.equal(results.filter((r) => r === "won").length, 1, results.join("\n"));
      for (const r of results.filter((x) => x !== "won")) {
        assert.match(r, /^refused --sim-state s\.json is in use by another rehearsal: contender@/);
      }
    });

    it("lets exactly one of several contenders take over one stale lock", async () => {
      write(lock, recordFixture({ pid: deadPid() }));
      const results = await contend(lock, 6);
      assert.equal(results.filter((r) => r === "won").length, 1, results.join("\n"));
      assert.ok(results.filter((r) => r.startsWith("notice")).length <= 1, results.join("\n"));
      for (const r of results.filter((x) => x.startsWith("refused"))) {
        assert.match(r, /in use by another rehearsal: contender@/);
      }
    });

    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      it(`removes the lock when its holder is stopped with ${signal}`, async () => {
        const holder = contender(lock, "hold");
        await holder.said("won");
        holder.child.kill(signal);
        const ended = await holder.ended;
        assert.equal(ended.signal, signal, "then stops as the signal says");
        assert.ok(!fs.existsSync(lock));
      });
    }

    it("removes the lock when its holder exits without releasing it", async () => {
      const holder = contender(lock, "exit");
      await holder.said("won");
      assert.equal((await holder.ended).code, 0);
      assert.ok(!fs.existsSync(lock));
    });

    it("leaves the lock of a holder killed with SIGKILL, and the next run takes it over", async () => {
      const holder = contender(lock, "hold");
      await holder.said("won");
      holder.child.kill("SIGKILL");
      await holder.ended;
      assert.equal(holding(lock).pid, holder.child.pid);
      const notices: string[] = [];
      acquireLockFile(args({ notice: (m) => notices.push(m) })).release();
      assert.match(notices[0] ?? "", new RegExp(`pid ${holder.child.pid}, since`));
    });
  });
});

/** A contender process (_lockContender.ts), started now; it tries the lock once `<lock>.go` exists. */
function contender(lock: string, end: "release" | "exit" | "hold") {
  const go = `${lock}.go`;
  if (end !== "release") fs.writeFileSync(go, "");
  const child = spawn(process.execPath, [path.join(__dirname, "_lockContender.js"), lock, go, end]);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (t: string) => (out += t));
  child.stderr.setEncoding("utf8").on("data", (t: string) => (out += t));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    ended,
    lines: () => out.split("\n").filter(Boolean),
    /** Resolves once the contender has printed a line starting with `prefix`. */
    async said(prefix: string) {
      const deadline = Date.now() + 30_000;
      while (!out.split("\n").some((l) => l.startsWith(prefix))) {
        if (child.exitCode !== null || Date.now() > deadline) assert.fail(`no "${prefix}": ${out}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

/**
 * Starts n contenders, lets them all try at once, and returns what each said ("won",
 * "refused ...", "notice ..."), after the winner released the lock.
 */
async function contend(lock: string, n: number): Promise<string[]> {
  const go = `${lock}.go`;
  const all = Array.from({ length: n }, () => contender(lock, "release"));
  await Promise.all(all.map((c) => c.said("ready")));
  fs.writeFileSync(go, "");
  // Every contender has decided once each has said "won" or "refused".
  const deadline = Date.now() + 30_000;
  while (!all.every((c) => c.lines().some((l) => l === "won" || l.startsWith("refused")))) {
    if (Date.now() > deadline) assert.fail(all.map((c) => c.lines().join(" | ")).join("\n"));
    await new Promise((r) => setTimeout(r, 5));
  }
  fs.writeFileSync(`${go}.done`, "");
  await Promise.all(all.map((c) => c.ended));
  fs.rmSync(go);
  fs.rmSync(`${go}.done`);
  assert.ok(!fs.existsSync(lock), "the winner released it");
  return all.flatMap((c) => c.lines().filter((l) => l !== "ready"));
}
