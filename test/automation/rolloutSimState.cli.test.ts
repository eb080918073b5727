import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RolloutEvent } from "../../automation/rollout/events";
import { aa, CLI, hasStackTrace, ROOT, type CliResult } from "../_cli";

// `aa rollout --simulate --sim-state FILE`: durable after every update, and held by one
// rehearsal at a time. The CLI runs as a separate process; _interrupt.ts stops it at exact points.

/** The test hook preloaded into `aa` to kill or hold it (see the file). */
const INTERRUPT = ["-r", path.join(__dirname, "_interrupt.js")];

/** The events of `aa rollout --json`, one JSON object per line. */
const lines = (stdout: string): RolloutEvent[] =>
  stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RolloutEvent);

/** The clusters whose update was applied in a run: `update-finished` follows each applied `up`. */
const applied = (events: RolloutEvent[]) =>
  events.filter((e) => e.event === "update-finished").map((e) => e.cluster);

/** A fresh --sim-state path in a folder of its own. */
const freshState = () =>
  path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-simstate-")), "gameday.json");

const rehearse = (file: string, more: string[] = []) => [
  "rollout",
  "dev",
  "--simulate",
  "--sim-state",
  file,
  "--json",
  ...more,
];

const rehearsal = (file: string, env: Record<string, string> = {}, more: string[] = []) =>
  aa(rehearse(file, more), { nodeArgs: INTERRUPT, env });

/** What a kill test compares: the events of each run, and the file at the end. */
interface Killed {
  runs: CliResult[];
  events: RolloutEvent[];
  /** What the killed run left in the folder: the file's text and each temporary file's. */
  left: { state?: string; temps: string[] };
  final: unknown;
}

/**
 * Runs a rehearsal killed at a point, then the same command until it succeeds (at most three
 * times). The killed run must really have been killed there, leaving its lock behind.
 */
function killThenResume(file: string, kill: Record<string, string>): Killed {
  const killed = rehearsal(file, kill);
  assert.equal(killed.signal, "SIGKILL", `killed at ${JSON.stringify(kill)}: ${killed.stderr}`);
  assert.ok(fs.existsSync(`${file}.lock`), "a killed rehearsal leaves its lock");
  const dir = path.dirname(file);
  const left = {
    state: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined,
    temps: fs
      .readdirSync(dir)
      .filter((n) => n.endsWith(".tmp"))
      .map((n) => fs.readFileSync(path.join(dir, n), "utf8")),
  };
  const runs = [killed];
  for (let i = 0; i < 3 && runs.at(-1)!.code !== 0; i++) {
    const resumed = rehearsal(file);
    if (i === 0) {
      assert.match(
        resumed.stderr,
        new RegExp(
          `aa: took over the lock of --sim-state .*gameday\\.json .* from a rehearsal that is no longer running: \\S+@\\S+, pid ${killed.pid}, since `,
        ),
      );
    }
    runs.push(resumed);
  }
  assert.equal(runs.at(-1)!.code, 0, runs.at(-1)!.stderr);
  return {
    runs,
    events: runs.flatMap((r) => lines(r.stdout)),
    left,
    final: JSON.parse(fs.readFileSync(file, "utf8")),
  };
}

/** Nothing but the state file is left in its folder: no lock, no temporary file. */
function assertTidy(file: string) {
  assert.deepEqual(fs.readdirSync(path.dirname(file)), [path.basename(file)]);
}

describe("aa rollout --simulate --sim-state: durable after every update, one rehearsal at a time", () => {
  let baseline: { events: RolloutEvent[]; final: unknown };

  before(() => {
    const file = freshState();
    const r = aa(rehearse(file));
    assert.equal(r.code, 0, r.stderr);
    baseline = { events: lines(r.stdout), final: JSON.parse(fs.readFileSync(file, "utf8")) };
    assert.deepEqual(applied(baseline.events), ["a", "b", "c"]);
    assertTidy(file);
  });

  // Kill points across the run, at event boundaries; the last is the issue's case (c's update
  // done, the process killed before anything else): the resume must not apply it again.
  const points: [string, string][] = [
    ["right after rollout-started", "rollout-started"],
    ["right after a's update", "update-finished:a"],
    ["right after b is drained", "drain:b"],
    ["right after c's update", "update-finished:c"],
  ];
  for (const [title, event] of points) {
    it(`killed ${title}: the resume applies every update once and ends as an unkilled run`, () => {
      const file = freshState();
      const run = killThenResume(file, { AA_TEST_KILL_AFTER_EVENT: event });
      const killedAt = lines(run.runs[0].stdout).at(-1);
      assert.equal(`${killedAt?.event}${killedAt?.cluster ? `:${killedAt.cluster}` : ""}`, event);
      assert.deepEqual(applied(run.events), ["a", "b", "c"], "each update applied exactly once");
      assert.deepEqual(run.final, baseline.final);
      assertTidy(file);
    });
  }

  // A kill in the middle of a write: the temporary file is written and flushed, not renamed yet.
  for (const n of [2, 8]) {
    it(`killed in the middle of writing update ${n}: the file holds the update before it`, () => {
      const file = freshState();
      const run = killThenResume(file, {
        AA_TEST_KILL_BEFORE_RENAME: String(n),
        AA_TEST_RENAME_TARGET: file,
      });
      // Killed with update n whole in its temporary file, the file still whole at update n-1.
      const { state, temps } = run.left;
      assert.equal(temps.length, 1, "the write that was cut left its temporary file");
      assert.ok(state !== undefined && state !== temps[0], "the file is not update n");
      for (const text of [state, temps[0]]) JSON.parse(text);
      assert.deepEqual(applied(run.events), ["a", "b", "c"], "each update applied exactly once");
      assert.deepEqual(run.final, baseline.final);
      assertTidy(file);
    });
  }

  it("a halted game day, killed after c's update as it resumes, finishes with every update applied once", () => {
    const file = freshState();
    const halted = rehearsal(file, {}, ["--fault", "b:gate-fails"]);
    assert.equal(halted.code, 4, halted.stderr);
    const haltedEvents = lines(halted.stdout);
    assert.deepEqual(applied(haltedEvents), ["a", "b"]);
    // The resume recovers b (health wait, back into service, soak), then updates c: killed
    // right after c's update.
    const resumed = killThenResume(file, { AA_TEST_KILL_AFTER_EVENT: "update-finished:c" });
    assert.ok(lines(resumed.runs[0].stdout).some((e) => e.event === "recovering"));
    assert.deepEqual(applied([...haltedEvents, ...resumed.events]), ["a", "b", "c"]);
    assert.deepEqual(resumed.final, baseline.final);
    assertTidy(file);
  });

  it("refuses a second rehearsal on the same file while the first runs (exit 5, naming the holder)", async () => {
    const file = freshState();
    const go = `${file}.go`;
    const first = start(rehearse(file), {
      AA_TEST_HOLD_AFTER_EVENT: "rollout-started",
      AA_TEST_HOLD_UNTIL: go,
    });
    await first.events(1);
    const second = aa(rehearse(file));
    assert.equal(second.code, 5, second.stderr);
    assert.equal(second.stdout, "", "nothing ran");
    assert.match(
      second.stderr,
      new RegExp(
        `^aa: --sim-state .*gameday\\.json is in use by another rehearsal: \\S+@${os.hostname()}, pid ${first.pid}, since \\d{4}-\\d\\d-\\d\\dT[^ ]+ \\(lock file .*gameday\\.json\\.lock\\); wait for it to finish`,
      ),
    );
    assert.ok(!hasStackTrace(second.stderr));
    fs.writeFileSync(go, "");
    const done = await first.exit;
    assert.equal(done.code, 0, done.stderr);
    fs.rmSync(go);
    assertTidy(file);
  });

  it("two rehearsals started together on one file: exactly one runs, the other exits 5", async () => {
    const file = freshState();
    const go = `${file}.go`;
    const hold = { AA_TEST_HOLD_AFTER_EVENT: "rollout-started", AA_TEST_HOLD_UNTIL: go };
    const both = [start(rehearse(file), hold), start(rehearse(file), hold)];
    // The winner holds after its first event until told to go on; the loser ends on its own.
    const loser = await Promise.race(both.map((r, i) => r.exit.then(() => i)));
    const winner = both[1 - loser];
    await winner.events(1);
    fs.writeFileSync(go, "");
    const [a, b] = await Promise.all(both.map((r) => r.exit));
    assert.deepEqual([a.code, b.code].sort(), [0, 5], `${a.stderr}\n${b.stderr}`);
    const refused = loser === 0 ? a : b;
    assert.match(refused.stderr, /is in use by another rehearsal/);
    assert.equal(refused.stdout, "");
    fs.rmSync(go);
    assertTidy(file);
  });
});

/** `aa` started in the background with the test hook: its pid, its events as they come, its end. */
function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [...INTERRUPT, CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, AA_DEBUG: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
  child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
  const exit = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    pid: child.pid,
    exit,
    /** Resolves once the process has written n events. */
    async events(n: number) {
      const deadline = Date.now() + 60_000;
      while (stdout.split("\n").length - 1 < n) {
        if (child.exitCode !== null || Date.now() > deadline) {
          assert.fail(`no event ${n} from aa ${args.join(" ")}: ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
