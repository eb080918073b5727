import * as assert from "node:assert/strict";
import { gateRound } from "../../../automation/health/run";
import { soak } from "../../../automation/health/soak";
import { fakeClock, scriptedGate } from "./_fakeClock";
import { targetFixture } from "./_fixtures";

describe("soak", () => {
  const target = targetFixture("apiVersion: v1");

  it("holds when every round passes for the whole window, ending with a round at its end", async () => {
    const clock = fakeClock();
    const gate = scriptedGate("http-probe", clock, () => true);
    const outcome = await soak({
      check: gateRound([gate], target),
      clock,
      durationMs: 60_000,
      pollIntervalMs: 10_000,
    });
    assert.deepEqual(outcome, { ok: true, rounds: 7, elapsedMs: 60_000 });
    assert.equal(gate.calls.length, 7);
  });

  it("lands the last round on the end of a window that is not a multiple of the interval", async () => {
    const clock = fakeClock();
    const outcome = await soak({
      check: gateRound([scriptedGate("nodes", clock, () => true)], target),
      clock,
      durationMs: 25_000,
      pollIntervalMs: 10_000,
    });
    assert.deepEqual(outcome, { ok: true, rounds: 4, elapsedMs: 25_000 });
    assert.deepEqual(clock.sleeps, [10_000, 10_000, 5_000]);
  });

  it("fails at the first round in which a gate fails", async () => {
    const clock = fakeClock();
    const start = clock.now();
    const flaky = scriptedGate("http-probe", clock, (now) => now - start < 30_000);
    const outcome = await soak({
      check: gateRound([scriptedGate("nodes", clock, () => true), flaky], target),
      clock,
      durationMs: 300_000,
      pollIntervalMs: 10_000,
    });
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.reason, "failed");
    assert.equal(outcome.rounds, 4);
    assert.equal(outcome.elapsedMs, 30_000);
    assert.deepEqual(
      outcome.failing.map((r) => r.gate),
      ["http-probe"],
    );
  });

  it("stops when the signal aborts", async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const gate = scriptedGate("nodes", clock, (_now, call) => {
      if (call === 3) controller.abort();
      return true;
    });
    const outcome = await soak({
      check: gateRound([gate], target),
      clock,
      durationMs: 600_000,
      pollIntervalMs: 10_000,
      signal: controller.signal,
    });
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, "aborted");
    assert.equal(outcome.rounds, 3);
  });

  it("refuses a negative window", async () => {
    await assert.rejects(
      soak({
        check: gateRound([scriptedGate("x", fakeClock(), () => true)], target),
        clock: fakeClock(),
        durationMs: -1,
      }),
      /durationMs must be a number of milliseconds >= 0, got -1/,
    );
  });

  describe("results that must settle before the soak ends", () => {
    /** One result per round from a script: [ok, settled]. */
    const scripted = (script: [boolean, boolean][]) => {
      let i = 0;
      return () => {
        const [ok, settled] = script[Math.min(i++, script.length - 1)];
        return Promise.resolve([{ ok, settled }]);
      };
    };

    it("ends at its window when every result has settled", async () => {
      const clock = fakeClock();
      const outcome = await soak({
        check: scripted([[true, true]]),
        clock,
        durationMs: 30_000,
        pollIntervalMs: 10_000,
        settled: (r) => r.settled,
        overtimeMs: 60_000,
      });
      assert.deepEqual(outcome, { ok: true, rounds: 4, elapsedMs: 30_000 });
    });

    it("goes past its window until an unsettled result settles", async () => {
      const clock = fakeClock();
      // Rounds at 0, 10, 20, 30 s (the window), then 40 and 50 s: settled at the 6th.
      const script: [boolean, boolean][] = [
        [true, false],
        [true, false],
        [true, false],
        [true, false],
        [true, false],
        [true, true],
      ];
      const outcome = await soak({
        check: scripted(script),
        clock,
        durationMs: 30_000,
        pollIntervalMs: 10_000,
        settled: (r) => r.settled,
        overtimeMs: 60_000,
      });
      assert.deepEqual(outcome, { ok: true, rounds: 6, elapsedMs: 50_000 });
    });

    it("ends unsettled, naming the results, when the overtime runs out", async () => {
      const clock = fakeClock();
      const outcome = await soak({
        check: scripted([[true, false]]),
        clock,
        durationMs: 30_000,
        pollIntervalMs: 10_000,
        settled: (r) => r.settled,
        overtimeMs: 20_000,
      });
      assert.equal(outcome.ok, false);
      assert.ok(!outcome.ok && outcome.reason === "unsettled");
      assert.ok(!outcome.ok && outcome.failing.length === 1);
      // Window rounds at 0..30 s, overtime rounds at 40 and 50 s: none after the overtime.
      assert.equal(outcome.rounds, 6);
      assert.equal(clock.now() - 1_000_000, 50_000);
    });

    it("still fails at the first failing round, settled or not", async () => {
      const clock = fakeClock();
      const outcome = await soak({
        check: scripted([
          [true, false],
          [false, false],
        ]),
        clock,
        durationMs: 30_000,
        pollIntervalMs: 10_000,
        settled: (r) => r.settled,
        overtimeMs: 60_000,
      });
      assert.ok(!outcome.ok && outcome.reason === "failed" && outcome.rounds === 2);
    });

    it("refuses a negative overtime", async () => {
      await assert.rejects(
        soak({
          check: scripted([[true, true]]),
          clock: fakeClock(),
          durationMs: 1,
          overtimeMs: -1,
        }),
        /overtimeMs must be a number of milliseconds >= 0, got -1/,
      );
    });
  });
});
