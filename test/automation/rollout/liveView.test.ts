import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { RolloutEvent } from "../../../automation/rollout/events";
import { EMPTY_STATUS, nextStatus, renderStatus } from "../../../automation/rollout/liveStatus";
import { canRedraw, LiveView, type Redraw } from "../../../automation/rollout/liveView";
import { createRenderer } from "../../../automation/rollout/render";
import { aa, ROOT } from "../../_cli";

/** ESC: terminal control sequences start with it. */
const ESC = String.fromCharCode(27);
/** Every control sequence (CSI), to read what a terminal would show. */
const CSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, "g");

/** The events of a real rehearsal: dev's Kubernetes upgrade, a through c. */
function rehearsal(args: string[] = []): RolloutEvent[] {
  const r = aa(["rollout", "dev", "--simulate", "--json", ...args]);
  assert.ok(r.code === 0 || r.code === 4, r.stderr);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as RolloutEvent);
}

/** A redraw that records what it was asked to draw. */
function recorder() {
  const calls: { kind: "draw" | "persist" | "done"; text?: string }[] = [];
  const redraw = Object.assign((text: string) => void calls.push({ kind: "draw", text }), {
    persist: (text: string) => void calls.push({ kind: "persist", text }),
    done: () => void calls.push({ kind: "done" }),
  }) as Redraw;
  return { calls, redraw };
}

describe("the rollout's live status", () => {
  const events = rehearsal();

  it("follows each cluster through its step: state, step, activity, gates, time in step", () => {
    let status = EMPTY_STATUS;
    let seenSoak = false;
    for (const e of events) {
      status = nextStatus(status, e);
      if (e.event === "soak" && e.cluster === "b" && e.remainingSeconds > 0 && !seenSoak) {
        seenSoak = true;
        const b = status.clusters.find((c) => c.name === "b")!;
        assert.equal(b.state, "running");
        assert.equal(b.step?.number, 2);
        assert.match(String(b.activity), /^soak: \d+s left$/);
        assert.equal(status.clusters.find((c) => c.name === "a")!.state, "done");
        assert.equal(status.clusters.find((c) => c.name === "c")!.state, "waiting");
        const block = renderStatus(status, e.elapsedMs + 5000).split("\n");
        assert.match(block[0], /^rollout \S+: step 2 of 3 \[\d+:\d\d\]$/);
        assert.match(
          block[2],
          /^ {2}b +running +step 2 \S+ +soak: \d+s left · gates \d+\/\d+ ok · \d\d:\d\d in step$/,
        );
        assert.match(block[3], /^ {2}c +waiting\b/);
      }
    }
    assert.ok(seenSoak, "the rehearsal soaks b");
    assert.equal(status.result, "succeeded");
    assert.deepEqual(
      status.clusters.map((c) => [c.name, c.state]),
      [
        ["a", "done"],
        ["b", "done"],
        ["c", "done"],
      ],
    );
  });

  it("shows a halted cluster and the failing gate", () => {
    let status = EMPTY_STATUS;
    for (const e of rehearsal(["--fault", "b:gate-fails"])) status = nextStatus(status, e);
    assert.equal(status.result, "halted");
    const b = status.clusters.find((c) => c.name === "b")!;
    assert.equal(b.state, "halted");
    const block = renderStatus(status, status.elapsedMs, 400);
    assert.match(
      block,
      /\n {2}b +halted +step 2 upgrade +cluster b did not pass health gate "\w+"/,
    );
    assert.match(block, / · failing: b \w+: /);
    assert.equal(status.clusters.find((c) => c.name === "c")!.state, "pending");
  });

  it("cuts lines to the terminal's width", () => {
    let status = EMPTY_STATUS;
    for (const e of events.slice(0, 5)) status = nextStatus(status, e);
    for (const line of renderStatus(status, 0, 40).split("\n").slice(1)) {
      assert.ok(line.length <= 40, line);
    }
  });
});

describe("LiveView", () => {
  it("persists each event's log line above the block and redraws the block after it", () => {
    const { calls, redraw } = recorder();
    const view = new LiveView(
      redraw,
      () => 120,
      () => 0,
      60_000,
    );
    const render = createRenderer();
    const events = rehearsal();
    for (const e of events) view.event(e, render(e));
    const persisted = calls.filter((c) => c.kind === "persist").map((c) => c.text);
    const plain = events.map((e) => createRenderer()(e)).filter((l) => l !== undefined);
    assert.deepEqual(persisted.slice(0, 3), plain.slice(0, 3));
    assert.equal(calls.at(-1)?.kind, "done");
    const lastDraw = calls.filter((c) => c.kind === "draw").at(-1)?.text ?? "";
    assert.match(lastDraw, /^rollout \S+ succeeded/);
  });

  it("moves a running step's clock between events", async () => {
    const { calls, redraw } = recorder();
    let now = 1_000_000;
    const view = new LiveView(
      redraw,
      () => 120,
      () => now,
      5,
    );
    const events = rehearsal();
    const started = events.findIndex((e) => e.event === "step-started");
    for (const e of events.slice(0, started + 1)) view.event(e, undefined);
    const before = calls.length;
    now += 65_000;
    await new Promise((resolve) => setTimeout(resolve, 30));
    view.finish();
    const ticked = calls.slice(before).filter((c) => c.kind === "draw");
    assert.ok(ticked.length > 0, "redrawn between events");
    assert.match(ticked.at(-1)!.text!, /01:05 in step/);
  });

  it("draws only on a terminal that reports its size", () => {
    assert.equal(canRedraw(undefined), false);
    assert.equal(canRedraw({ write: () => true, rows: 0, columns: 0 }), false);
    assert.equal(canRedraw({ write: () => true, rows: 40, columns: 120 }), true);
  });
});

describe("aa rollout on a terminal", () => {
  const script = spawnSync("script", ["--version"], { encoding: "utf8" });
  const available = script.status === 0;

  it("prints the plain log, without escape sequences, when stdout is not a terminal", () => {
    const r = aa(["rollout", "dev", "--simulate"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(ESC), "no escape sequences");
    assert.match(r.stdout, /rollout succeeded/);
  });

  (available ? it : it.skip)(
    `redraws a status block in place under a pseudo-terminal${available ? "" : " (skipped: no script(1) from util-linux here)"}`,
    () => {
      const cli = path.join(ROOT, "dist", "automation", "cli.js");
      const r = spawnSync(
        "script",
        [
          "-q",
          "-e",
          "-c",
          `stty rows 40 cols 140; '${process.execPath}' '${cli}' rollout dev --simulate`,
          "/dev/null",
        ],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, AA_DEBUG: "" } },
      );
      assert.equal(r.status, 0, r.stderr);
      // Lines erased and the cursor moved up: the block is redrawn, not appended.
      assert.ok(r.stdout.includes(`${ESC}[2K${ESC}[1A`), "erase line, cursor up");
      const text = r.stdout.replace(CSI, "").replace(/\r/g, "");
      assert.match(text, /\[\d+:\d\d\] rollout succeeded/);
      assert.match(text, /rollout \S+ succeeded \[\d+:\d\d\]\n {2}a +done +step 1 upgrade/);
    },
  );
});
