import * as assert from "node:assert/strict";
import { apiServerGate } from "../../../automation/health/apiServer";
import { systemClock } from "../../../automation/health/clock";
import { gateRound, type GateRound } from "../../../automation/health/run";
import { waitUntilHealthy } from "../../../automation/health/wait";
import { fakeClock, scriptedGate } from "./_fakeClock";
import { startFakeKube } from "./_fakeKube";
import { assertNoSecret, targetFixture } from "./_fixtures";

describe("waitUntilHealthy", () => {
  const target = targetFixture("apiVersion: v1");

  it("returns after the first round when every gate passes at once", async () => {
    const clock = fakeClock();
    const gates = [scriptedGate("a", clock, () => true), scriptedGate("b", clock, () => true)];
    const outcome = await waitUntilHealthy({
      check: gateRound(gates, target),
      clock,
      timeoutMs: 60_000,
      pollIntervalMs: 5000,
    });
    assert.deepEqual(outcome, {
      ok: true,
      rounds: 1,
      elapsedMs: 0,
      results: [
        { gate: "a", cluster: "use1-a", ok: true, detail: "a fine" },
        { gate: "b", cluster: "use1-a", ok: true, detail: "b fine" },
      ],
    });
    assert.deepEqual(clock.sleeps, []);
  });

  it("polls until the gates turn green", async () => {
    const clock = fakeClock();
    const start = clock.now();
    const nodes = scriptedGate("nodes", clock, (now) => now - start >= 20_000);
    const rounds: GateRound[] = [];
    const outcome = await waitUntilHealthy({
      check: gateRound([scriptedGate("api-server", clock, () => true), nodes], target),
      clock,
      timeoutMs: 60_000,
      pollIntervalMs: 10_000,
      onRound: (r) => rounds.push(r),
    });
    assert.equal(outcome.ok, true);
    assert.equal(outcome.rounds, 3);
    assert.deepEqual(clock.sleeps, [10_000, 10_000]);
    assert.deepEqual(
      rounds.map((r) => [r.round, r.elapsedMs, r.ok]),
      [
        [1, 0, false],
        [2, 10_000, false],
        [3, 20_000, true],
      ],
    );
  });

  it("gives up at the deadline, naming the gates still failing", async () => {
    const clock = fakeClock();
    const gates = [
      scriptedGate("api-server", clock, () => true),
      scriptedGate("nodes", clock, () => false),
    ];
    const outcome = await waitUntilHealthy({
      check: gateRound(gates, target),
      clock,
      timeoutMs: 25_000,
      pollIntervalMs: 10_000,
    });
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.reason, "timeout");
    assert.equal(outcome.rounds, 3);
    assert.equal(outcome.elapsedMs, 20_000);
    assert.deepEqual(
      clock.sleeps,
      [10_000, 10_000],
      "a round at 30 s would start after the deadline",
    );
    assert.deepEqual(
      outcome.failing.map((r) => r.detail),
      ["nodes not yet"],
    );
  });

  it("runs a last round at the deadline when the interval lands on it", async () => {
    const clock = fakeClock();
    const rounds: GateRound[] = [];
    const outcome = await waitUntilHealthy({
      check: gateRound([scriptedGate("nodes", clock, () => false)], target),
      clock,
      timeoutMs: 30_000,
      pollIntervalMs: 10_000,
      onRound: (r) => rounds.push(r),
    });
    assert.equal(!outcome.ok && outcome.reason, "timeout");
    assert.deepEqual(
      rounds.map((r) => [r.round, r.elapsedMs, r.remainingMs]),
      [
        [1, 0, 30_000],
        [2, 10_000, 20_000],
        [3, 20_000, 10_000],
        [4, 30_000, 0],
      ],
    );
  });

  it("runs one round even with no time at all", async () => {
    const clock = fakeClock();
    const gate = scriptedGate("nodes", clock, () => false);
    const outcome = await waitUntilHealthy({
      check: gateRound([gate], target),
      clock,
      timeoutMs: 0,
      pollIntervalMs: 10_000,
    });
    assert.deepEqual(!outcome.ok && [outcome.reason, outcome.rounds], ["timeout", 1]);
    assert.deepEqual(
      gate.calls.map((c) => c.timeoutMs),
      [1],
      "the round is given the least time there is, 1 ms",
    );
  });

  it("caps each gate's timeout by the time left before the deadline", async () => {
    const clock = fakeClock();
    const slow = scriptedGate("slow", clock, () => false, 4_000);
    await waitUntilHealthy({
      check: gateRound([slow], target),
      clock,
      timeoutMs: 10_000,
      pollIntervalMs: 3_000,
    });
    assert.deepEqual(
      slow.calls.map((c) => c.timeoutMs),
      [5000, 3000],
      "round 1 has 10 s left (gate default 5 s wins); round 2 starts at 7 s with 3 s left",
    );
  });

  it("ends at once with reason failed when a failing result is final", async () => {
    const clock = fakeClock();
    let round = 0;
    const outcome = await waitUntilHealthy({
      // Round 1: not ready yet; round 2: a result that can no longer pass.
      check: () => {
        round++;
        return Promise.resolve([{ ok: false, final: round >= 2 }]);
      },
      clock,
      timeoutMs: 600_000,
      pollIntervalMs: 10_000,
      final: (r) => r.final,
    });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.reason === "failed");
    assert.equal(outcome.rounds, 2, "no round after the final failure");
    assert.deepEqual(clock.sleeps, [10_000]);
  });

  it("does not end early on a passing result that would be final if it failed", async () => {
    const clock = fakeClock();
    const outcome = await waitUntilHealthy({
      check: () => Promise.resolve([{ ok: true, final: true }]),
      clock,
      timeoutMs: 60_000,
      final: (r) => r.final,
    });
    assert.deepEqual(outcome.ok, true);
  });

  it("stops when the signal aborts", async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const gate = scriptedGate("nodes", clock, (_now, call) => {
      if (call === 2) controller.abort();
      return false;
    });
    const outcome = await waitUntilHealthy({
      check: gateRound([gate], target),
      clock,
      timeoutMs: 600_000,
      pollIntervalMs: 10_000,
      signal: controller.signal,
    });
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, "aborted");
    assert.equal(outcome.rounds, 2);
  });

  it("refuses to wait on no gates at all", () => {
    assert.throws(() => gateRound([], target), /give at least one gate/);
  });

  it("ends on time with a real gate whose server hangs", async () => {
    const kube = await startFakeKube({ overrides: { "/readyz": "hang" } });
    try {
      const outcome = await waitUntilHealthy({
        check: gateRound([apiServerGate()], targetFixture(kube.kubeconfig)),
        clock: systemClock(),
        timeoutMs: 200,
        pollIntervalMs: 50,
      });
      assert.equal(outcome.ok, false);
      if (outcome.ok) return;
      assert.equal(outcome.reason, "timeout");
      assert.equal(outcome.failing[0].failure, "timeout");
      assertNoSecret(outcome.results, kube.kubeconfig);
    } finally {
      await kube.close();
    }
  });
});
