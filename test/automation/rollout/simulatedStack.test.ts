import * as assert from "node:assert/strict";
import type { Change } from "../../../automation/rollout/ports";
import { planClusters } from "../../../config/clusters";
import { parseEnvironment } from "../../../config/load";
import type { Directive } from "../../../config/rolloutState";
import { clusterFixture, deployedFrom, environmentFixture, serviceFixture } from "../../_fixtures";
import { assertInvariants, runOnce, simulatedEnvironment, simulation } from "./_simulation";

const api = (more: Record<string, unknown> = {}) =>
  serviceFixture({ autoscaling: { maxReplicas: 4 }, ...more });

/** What is deployed: the fixture with these overrides, every cluster at its settings. */
const deployedAt = (overrides: Record<string, unknown>) =>
  deployedFrom(
    planClusters(
      parseEnvironment("sim", environmentFixture({ services: [api()], ...overrides }), "t").config,
    ),
  );

/** The preview of moving cluster b to its desired settings. */
async function previewOfB(
  desired: Record<string, unknown>,
  deployed: Record<string, unknown> = {},
): Promise<Change[]> {
  const env = await simulatedEnvironment(desired);
  const sim = simulation(env, [], deployedAt(deployed));
  const b = sim.desired.find((d) => d.name === "b")!;
  const directive: Directive = {
    advance: { cluster: "b", settings: b.settings },
    drained: [],
    record: {
      id: "r1",
      startedAt: "2026-11-25T00:00:00Z",
      startedBy: "test",
      target: {},
      drained: [],
      state: "in-progress",
      current: "b",
    },
  };
  return sim.stack.preview(directive);
}

/** Each change as "type name kind", the name being the URN's last part. */
const shown = (changes: Change[]) =>
  changes.map((c) => `${c.type} ${c.urn.split("::").pop()} ${c.kind}`).sort();

describe("SimulatedStack previews: the real program's resources for each kind of change", () => {
  it("reports b's Deployment of the service for a new image", async () => {
    const changes = await previewOfB({ services: [api({ image: "ghcr.io/acme/api:1.1.0" })] });
    assert.deepEqual(shown(changes), ["kubernetes:apps/v1:Deployment sim-api-b update"]);
  });

  it("reports b's Deployment for a new env var", async () => {
    const changes = await previewOfB({ services: [api({ env: { LOG_LEVEL: "debug" } })] });
    assert.deepEqual(shown(changes), ["kubernetes:apps/v1:Deployment sim-api-b update"]);
  });

  it("reports b's Service and health check for a new load-balancer port", async () => {
    const changes = await previewOfB({ services: [api({ port: 9090 })] });
    assert.deepEqual(shown(changes), [
      "aws:route53/healthCheck:HealthCheck api.test.example.com-b update",
      "kubernetes:apps/v1:Deployment sim-api-b update",
      "kubernetes:core/v1:Service sim-api-b update",
    ]);
  });

  it("reports only the changed service's health check when two services share a port", async () => {
    const two = (webPath: string) => ({
      services: [api(), serviceFixture({ name: "web", healthPath: webPath })],
      dns: {
        hostedZoneId: "Z0TEST0000EXAMPLE",
        zoneName: "test.example.com",
        hostnames: [
          { hostname: "api.test.example.com", service: "api" },
          { hostname: "web.test.example.com", service: "web" },
        ],
      },
    });
    // Both on 8080; web's health path changes.
    const changes = await previewOfB(two("/ready"), two("/healthz"));
    assert.deepEqual(shown(changes), [
      "aws:route53/healthCheck:HealthCheck web.test.example.com-b update",
      "kubernetes:apps/v1:Deployment sim-web-b update",
    ]);
  });

  it("reports b's namespace and every workload on b for a namespace change", async () => {
    const changes = await previewOfB({ namespace: "web" });
    assert.deepEqual(shown(changes), [
      "kubernetes:apps/v1:Deployment sim-api-b replace",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler sim-api-b replace",
      "kubernetes:core/v1:Namespace sim-b-ns replace",
      "kubernetes:core/v1:Service sim-api-b replace",
      "kubernetes:policy/v1:PodDisruptionBudget sim-api-b replace",
    ]);
  });

  it("reports b's network, EKS cluster and node group for a new CIDR", async () => {
    const clusters = (b: string) => [
      clusterFixture("a", 0),
      clusterFixture("b", 1, { cidr: b }),
      clusterFixture("c", 2),
    ];
    const changes = await previewOfB(
      { clusters: clusters("10.9.0.0/16") },
      { clusters: clusters("10.2.0.0/16") },
    );
    const types = new Set(changes.map((c) => c.type));
    assert.ok(types.has("aws:ec2/vpc:Vpc"), [...types].join(", "));
    assert.ok(types.has("aws:ec2/subnet:Subnet"));
    assert.ok(types.has("eks:index:Cluster"));
    assert.ok(changes.every((c) => c.kind === "replace"));
    assert.ok(
      changes.every((c) => /-b[-:]|-b$/.test(c.urn.split("::").pop()!)),
      "only b's",
    );
  });

  it("rolls a new image out cluster by cluster, end to end", async () => {
    const env = await simulatedEnvironment({
      services: [api({ image: "ghcr.io/acme/api:1.1.0" })],
    });
    const sim = simulation(env, [], deployedAt({}));
    const run = await runOnce(sim, env.environment);
    assert.notEqual(run.outcome, "crashed");
    if (run.outcome === "crashed") return;
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    assertInvariants(sim);
    assert.deepEqual(
      sim.stack.clusters().map((c) => c.settings?.services?.[0].image),
      ["ghcr.io/acme/api:1.1.0", "ghcr.io/acme/api:1.1.0", "ghcr.io/acme/api:1.1.0"],
    );
    const started = run.events.find((e) => e.event === "rollout-started");
    assert.ok(started && "steps" in started && started.steps.length === 3);
  });
});
