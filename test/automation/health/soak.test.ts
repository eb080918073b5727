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
});
