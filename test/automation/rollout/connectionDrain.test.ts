import * as assert from "node:assert/strict";
import type { RolloutEvent } from "../../../automation/rollout/events";
import { planClusters } from "../../../config/clusters";
import { parseEnvironment } from "../../../config/load";
import { environmentFixture, serviceFixture } from "../../_fixtures";
import { assertInvariants, runOnce, simulatedEnvironment, simulation } from "./_simulation";

const drains = (events: RolloutEvent[]) =>
  events.flatMap((e, i) => (e.event === "drain" ? [{ drain: e, next: events[i + 1] }] : []));

describe("drains wait for long-lived connections (services[].drain.connectionSeconds)", () => {
  it("waits DNS TTL + drain window + the longest connectionSeconds, in virtual time", async () => {
    const env = await simulatedEnvironment({
      services: [
        serviceFixture({ autoscaling: { maxReplicas: 4 }, drain: { connectionSeconds: 300 } }),
        serviceFixture({
          name: "web",
          autoscaling: { maxReplicas: 4 },
          drain: { connectionSeconds: 120 },
        }),
      ],
    });
    const ttl = env.environment.config.dns.ttl;
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment, { options: { drainSeconds: 30 } });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded");
    const seen = drains(run.events);
    assert.equal(seen.length, 3, "one drain per cluster");
    for (const { drain, next } of seen) {
      assert.ok(drain.event === "drain");
      assert.equal(drain.waitSeconds, ttl + 30 + 300);
      // Nothing happens to the cluster before the wait is over.
      const waited = Date.parse(next.at) - Date.parse(drain.at);
      assert.ok(waited >= (ttl + 30 + 300) * 1000, `${drain.cluster} changed after ${waited} ms`);
    }
    assertInvariants(sim);
  });

  it("sets each cluster's load balancer deregistration delay to the service's connectionSeconds", async () => {
    const env = await simulatedEnvironment({
      services: [
        serviceFixture({ autoscaling: { maxReplicas: 4 }, drain: { connectionSeconds: 300 } }),
        serviceFixture({ name: "web", autoscaling: { maxReplicas: 4 } }),
      ],
    });
    const attribute = "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes";
    const annotations = env.evaluation.resources
      .filter((r) => r.type === "kubernetes:core/v1:Service")
      .map((r) => {
        const meta = r.inputs.metadata as { name: string; annotations: Record<string, string> };
        return `${meta.name} ${meta.annotations[attribute] ?? "-"}`;
      })
      .sort();
    assert.deepEqual(annotations, [
      "api deregistration_delay.timeout_seconds=300",
      "api deregistration_delay.timeout_seconds=300",
      "api deregistration_delay.timeout_seconds=300",
      "web -",
      "web -",
      "web -",
    ]);
  });

  it("waits TTL + drain window only when no service holds connections", async () => {
    const env = await simulatedEnvironment();
    const run = await runOnce(simulation(env), env.environment, { options: { drainSeconds: 30 } });
    for (const { drain } of drains(run.events)) {
      assert.ok(drain.event === "drain");
      assert.equal(drain.waitSeconds, env.environment.config.dns.ttl + 30);
    }
  });

  it("keeps generations of configs without it, and a change of it is a release", () => {
    const parse = (drain?: object) =>
      planClusters(
        parseEnvironment(
          "sim",
          environmentFixture({ services: [serviceFixture(drain ? { drain } : {})] }),
          "t",
        ).config,
      );
    const before = parse();
    const after = parse({ connectionSeconds: 60 });
    assert.notEqual(before[0].generation, after[0].generation);
    assert.deepEqual(
      parse({ connectionSeconds: 60 }).map((c) => c.generation),
      after.map((c) => c.generation),
    );
    assert.throws(
      () => parse({ connectionSeconds: 7200 }),
      /services\[0\]\.drain\.connectionSeconds.*7200/s,
    );
  });
});
