import * as assert from "node:assert/strict";
import { nodesGate } from "../../../automation/health/nodes";
import { runGates } from "../../../automation/health/run";
import { fakeClock, scriptedGate } from "./_fakeClock";
import { TOKEN, kubeconfigFor } from "./_fakeKube";
import { assertNoSecret, targetFixture } from "./_fixtures";

describe("runGates", () => {
  const kubeconfig = kubeconfigFor("http://127.0.0.1:1");
  const target = targetFixture(kubeconfig);

  it("runs every gate even after one fails, in order", async () => {
    const clock = fakeClock();
    const results = await runGates(
      [scriptedGate("a", clock, () => false), scriptedGate("b", clock, () => true)],
      target,
    );
    assert.deepEqual(
      results.map((r) => [r.gate, r.ok]),
      [
        ["a", false],
        ["b", true],
      ],
    );
  });

  it("turns a gate that throws into a failed result, with secrets redacted", async () => {
    const throwing = {
      name: "broken",
      timeoutMs: 1000,
      check: () => Promise.reject(new Error(`boom with ${TOKEN}`)),
    };
    const [result] = await runGates([throwing], target);
    assert.deepEqual(result, {
      gate: "broken",
      cluster: "use1-a",
      ok: false,
      failure: "error",
      detail: "gate failed: boom with [secret]",
    });
  });

  it("caps every gate's timeout at maxTimeoutMs", async () => {
    const clock = fakeClock();
    const gate = scriptedGate("a", clock, () => true);
    await runGates([gate], target, { maxTimeoutMs: 1200 });
    assert.equal(gate.calls[0].timeoutMs, 1200);
  });

  it("reports a check cancelled before it started as aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const [result] = await runGates([nodesGate()], target, { signal: controller.signal });
    assert.equal(result.failure, "aborted");
    assertNoSecret(result, kubeconfig);
  });

  it("reports a bad timeout as an error result instead of throwing", async () => {
    const result = await nodesGate().check(target, { timeoutMs: 0 });
    assert.equal(result.failure, "error");
    assert.match(result.detail, /timeoutMs must be a positive number/);
  });
});
