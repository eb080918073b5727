import * as assert from "node:assert/strict";
import { fanOut, type FanOutTarget, type KubectlOutcome } from "../../../automation/kube/fanOut";

const targets: FanOutTarget[] = ["a", "b", "c"].map((c) => ({ cluster: c, context: `dev-${c}` }));

/**
 * A scripted run: each cluster finishes when the test releases it, so the order of events is the
 * test's choice, not the scheduler's. Records what started when.
 */
function scripted(exitCodes: Record<string, number> = {}) {
  const log: string[] = [];
  const release = new Map<string, () => void>();
  let clock = 0;
  return {
    log,
    now: () => (clock += 100),
    release: (cluster: string) => release.get(cluster)?.(),
    started: (cluster: string) => release.has(cluster),
    run: (t: FanOutTarget): Promise<KubectlOutcome> => {
      log.push(`start ${t.cluster}`);
      return new Promise((resolve) =>
        release.set(t.cluster, () => {
          log.push(`end ${t.cluster}`);
          resolve({
            exitCode: exitCodes[t.cluster] ?? 0,
            signal: null,
            stdout: `${t.cluster}\n`,
            stderr: "",
          });
        }),
      );
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("fanOut", () => {
  it("starts every cluster at once in parallel, and reports in target order", async () => {
    const s = scripted();
    const finished: string[] = [];
    const all = fanOut({
      targets,
      parallel: true,
      stopOnFailure: false,
      run: s.run,
      now: s.now,
      onResult: (r) => finished.push(r.cluster),
    });
    await tick();
    assert.deepEqual(s.log, ["start a", "start b", "start c"]);
    s.release("c");
    s.release("a");
    s.release("b");
    const results = await all;
    assert.deepEqual(finished, ["c", "a", "b"], "onResult in the order they finish");
    assert.deepEqual(
      results.map((r) => [r.cluster, r.status, r.exitCode, r.stdout]),
      [
        ["a", "succeeded", 0, "a\n"],
        ["b", "succeeded", 0, "b\n"],
        ["c", "succeeded", 0, "c\n"],
      ],
    );
  });

  it("runs one cluster at a time when serial, starting the next only when one ends", async () => {
    const s = scripted();
    const all = fanOut({ targets, parallel: false, stopOnFailure: true, run: s.run, now: s.now });
    await tick();
    assert.deepEqual(s.log, ["start a"]);
    s.release("a");
    await tick();
    assert.deepEqual(s.log, ["start a", "end a", "start b"]);
    s.release("b");
    await tick();
    s.release("c");
    await all;
    assert.deepEqual(s.log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("stops after the first failure when serial, skipping the rest", async () => {
    const s = scripted({ a: 2 });
    const all = fanOut({ targets, parallel: false, stopOnFailure: true, run: s.run, now: s.now });
    await tick();
    s.release("a");
    const results = await all;
    assert.deepEqual(s.log, ["start a", "end a"]);
    assert.deepEqual(
      results.map((r) => [r.cluster, r.status, r.exitCode, r.reason]),
      [
        ["a", "failed", 2, undefined],
        ["b", "skipped", null, "cluster a failed first"],
        ["c", "skipped", null, "cluster a failed first"],
      ],
    );
  });

  it("goes on after a failure when told not to stop", async () => {
    const s = scripted({ a: 1 });
    const all = fanOut({ targets, parallel: false, stopOnFailure: false, run: s.run, now: s.now });
    for (const c of ["a", "b", "c"]) {
      await tick();
      s.release(c);
    }
    assert.deepEqual(
      (await all).map((r) => r.status),
      ["failed", "succeeded", "succeeded"],
    );
  });

  it("measures each run on the injected clock", async () => {
    const s = scripted();
    const all = fanOut({
      targets: targets.slice(0, 1),
      parallel: false,
      stopOnFailure: true,
      run: s.run,
      now: s.now,
    });
    await tick();
    s.release("a");
    assert.equal((await all)[0].durationMs, 100);
  });

  it("skips clusters not yet started once interrupted", async () => {
    const s = scripted();
    const controller = new AbortController();
    const all = fanOut({
      targets,
      parallel: false,
      stopOnFailure: true,
      run: s.run,
      now: s.now,
      signal: controller.signal,
    });
    await tick();
    controller.abort();
    s.release("a");
    const results = await all;
    assert.deepEqual(
      results.map((r) => [r.status, r.reason]),
      [
        ["succeeded", undefined],
        ["skipped", "interrupted"],
        ["skipped", "interrupted"],
      ],
    );
  });

  it("reports a run that could not start as failed, with why", async () => {
    const results = await fanOut({
      targets: targets.slice(0, 1),
      parallel: true,
      stopOnFailure: false,
      now: () => 0,
      run: () =>
        Promise.resolve({
          exitCode: null,
          signal: null,
          stdout: "",
          stderr: "",
          error: "cannot run kubectl: EACCES",
        }),
    });
    assert.deepEqual(
      [results[0].status, results[0].reason],
      ["failed", "cannot run kubectl: EACCES"],
    );
    const thrown = await fanOut({
      targets: targets.slice(0, 1),
      parallel: true,
      stopOnFailure: false,
      now: () => 0,
      run: () => Promise.reject(new Error("boom")),
    });
    assert.deepEqual([thrown[0].status, thrown[0].reason], ["failed", "boom"]);
  });
});
