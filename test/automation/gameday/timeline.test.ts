import * as assert from "node:assert/strict";
import fc from "fast-check";
import type { ClusterCapacity, ServiceLoad } from "../../../capacity/absorb";
import type { GameDayStep } from "../../../automation/gameday/events";
import {
  planGameDay,
  type GameDayArgs,
  type GameDayPlan,
} from "../../../automation/gameday/timeline";

const service = (more: Partial<ServiceLoad> = {}): ServiceLoad => ({
  service: "api",
  replicas: 2,
  maxReplicas: 4,
  cpuMilli: 250,
  memoryMiB: 256,
  ...more,
});

const cluster = (name: string, more: Partial<ClusterCapacity> = {}): ClusterCapacity => ({
  cluster: name,
  weight: 1,
  services: [service()],
  headroom: { cpuMilli: 2000, memoryMiB: 4096 },
  ...more,
});

/** Three equal clusters that can absorb one; Route 53 at its defaults (3 checks 30s apart, TTL 60). */
const args = (more: Partial<GameDayArgs> = {}): GameDayArgs => ({
  environment: "dev",
  lose: "a",
  clusters: [cluster("a"), cluster("b"), cluster("c")],
  dns: { ttl: 60, healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 3 },
  recoverAfterSeconds: 600,
  minClusters: 2,
  ...more,
});

const timeline = (plan: GameDayPlan) => plan.steps.map((s) => [s.atSeconds, s.step.event]);

function stepOf<N extends GameDayStep["event"]>(
  plan: GameDayPlan,
  name: N,
): Extract<GameDayStep, { event: N }> {
  const found = plan.steps.find((s) => s.step.event === name);
  assert.ok(found, `no ${name} step`);
  return found.step as Extract<GameDayStep, { event: N }>;
}

const finished = (plan: GameDayPlan) => stepOf(plan, "gameday-finished");

describe("planGameDay", () => {
  it("keeps serving when the others can absorb the lost share: fail, out of DNS, absorb, recover", () => {
    const plan = planGameDay(args());
    assert.deepEqual(timeline(plan), [
      [0, "gameday-started"],
      [0, "cluster-lost"],
      [90, "route53-unhealthy"],
      [150, "absorb"],
      [600, "cluster-back"],
      [690, "route53-healthy"],
      [750, "traffic-restored"],
      [750, "gameday-finished"],
    ]);
    assert.equal(plan.keptServing, true);
    assert.equal(plan.result, "kept-serving");
    assert.deepEqual(stepOf(plan, "route53-unhealthy").serving, ["b", "c"]);
    const absorb = stepOf(plan, "absorb");
    assert.equal(absorb.ok, true);
    assert.equal(absorb.factor, 1.5);
    assert.deepEqual(
      absorb.clusters.map((c) => [c.cluster, c.services[0].current, c.services[0].required]),
      [
        ["b", 2, 3],
        ["c", 2, 3],
      ],
    );
    assert.deepEqual(absorb.overloaded, []);
    const end = finished(plan);
    assert.deepEqual(end.failing, {
      share: 1 / 3,
      fullSeconds: 90,
      taperSeconds: 60,
      equivalentSeconds: 120,
      endsAtSeconds: 150,
    });
    assert.deepEqual(end.outOfDns, { fromSeconds: 90, toSeconds: 690 });
    assert.match(
      end.reason,
      /dev kept serving without a: about 33% of requests \(a's share\) failed for 90s, then fewer for 60s .* from \+150s b and c carried its share/,
    );
  });

  it("would not have kept serving when an HPA maximum is too low, with the numbers", () => {
    const plan = planGameDay(
      args({
        clusters: [cluster("a"), cluster("b", { services: [service({ maxReplicas: 2 })] })],
      }),
    );
    assert.equal(plan.keptServing, false);
    assert.equal(plan.result, "not-kept-serving");
    const absorb = stepOf(plan, "absorb");
    assert.equal(absorb.factor, 2);
    assert.match(absorb.problems[0], /b cannot absorb a's share \(x2\.00\): api needs 4 replicas/);
    const [b] = absorb.clusters;
    assert.deepEqual(
      [b.services[0].required, b.services[0].ceiling, b.services[0].capacity],
      [4, 2, 2],
    );
    assert.equal(b.services[0].failing, 0.5, "b must serve 4 replicas' worth with 2");
    assert.deepEqual(absorb.overloaded, [
      { service: "api", clusters: ["b"], failing: 0.5, fromSeconds: 150, untilSeconds: 690 },
    ]);
    assert.match(
      finished(plan).reason,
      /dev would not have kept serving without a: b cannot absorb its share: api on b runs out \(needs 4 replicas on b, can run 2\): about 50% of api's requests fail from \+150s until a is back in DNS at \+690s/,
    );
  });

  it("would not have kept serving when the nodes have no room for the extra pods", () => {
    // b and c each need one more api pod (250m CPU) and have room for half of one.
    const short = { headroom: { cpuMilli: 125, memoryMiB: 4096 } };
    const plan = planGameDay(
      args({ clusters: [cluster("a"), cluster("b", short), cluster("c", short)] }),
    );
    assert.equal(plan.keptServing, false);
    const absorb = stepOf(plan, "absorb");
    assert.match(absorb.problems[0], /b needs 250m CPU and 256Mi memory more .* have 125m CPU/);
    const s = absorb.clusters[0].services[0];
    assert.deepEqual([s.required, s.capacity], [3, 2]);
    assert.equal(s.failing, 1 - 2 / 3);
    const [overload] = absorb.overloaded;
    assert.deepEqual(overload.clusters, ["b", "c"]);
    assert.ok(Math.abs(overload.failing - 1 / 3) < 1e-12, "half the traffic on each of b and c");
  });

  it("places the extra pods that fit one per service in turn, whole pods only", () => {
    const services = [service({ service: "web", cpuMilli: 100 }), service({ cpuMilli: 300 })];
    // Each needs one more pod, 400m in all; b has 200m free: web's pod fits, api's does not.
    const clusters = [
      cluster("a", { services }),
      cluster("b", { services, headroom: { cpuMilli: 200, memoryMiB: 4096 } }),
      cluster("c", { services }),
    ];
    const absorb = stepOf(planGameDay(args({ clusters })), "absorb");
    assert.deepEqual(
      absorb.clusters.map((c) => c.services.map((s) => [s.service, s.capacity, s.failing > 0])),
      [
        [
          ["web", 3, false],
          ["api", 2, true],
        ],
        [
          ["web", 3, false],
          ["api", 3, false],
        ],
      ],
    );
    assert.deepEqual(
      absorb.overloaded.map((o) => [o.service, o.clusters]),
      [["api", ["b"]]],
    );
  });

  it("counts as failing only what exceeds whole pods: 2 replicas x 1.05 need 3, and 2 fall short", () => {
    // Weights 20:1 -> losing the light one grows the others by 21/20.
    const clusters = [
      cluster("a", { weight: 20, headroom: { cpuMilli: 0, memoryMiB: 0 } }),
      cluster("b", { weight: 1 }),
    ];
    const absorb = stepOf(planGameDay(args({ lose: "b", clusters })), "absorb");
    const s = absorb.clusters[0].services[0];
    assert.deepEqual([s.required, s.capacity], [3, 2]);
    assert.ok(Math.abs(s.failing - (1 - 2 / 2.1)) < 1e-12);
    assert.equal(absorb.ok, false);
  });

  it("changes nothing in DNS when the cluster is back before Route 53's threshold", () => {
    const plan = planGameDay(args({ recoverAfterSeconds: 60 }));
    assert.deepEqual(timeline(plan), [
      [0, "gameday-started"],
      [0, "cluster-lost"],
      [60, "cluster-back"],
      [60, "note"],
      [60, "gameday-finished"],
    ]);
    assert.match(stepOf(plan, "note").reason, /back before Route 53's failure threshold .*90s/);
    assert.equal(plan.keptServing, true);
    assert.deepEqual(finished(plan).failing, {
      share: 1 / 3,
      fullSeconds: 60,
      taperSeconds: 0,
      equivalentSeconds: 60,
      endsAtSeconds: 60,
    });
    assert.equal(finished(plan).outOfDns, null);
  });

  it("stops failing requests when it is back while resolvers still follow DNS", () => {
    const plan = planGameDay(args({ recoverAfterSeconds: 120 }));
    const { failing } = finished(plan);
    // Back at 120: 90s at the full share, then 30s of a taper that lasts 60s.
    assert.equal(failing.taperSeconds, 30);
    assert.equal(failing.equivalentSeconds, 90 + 30 - (30 * 30) / 120);
    assert.equal(failing.endsAtSeconds, 120);
    assert.deepEqual(timeline(plan).slice(2), [
      [90, "route53-unhealthy"],
      [120, "cluster-back"],
      [150, "absorb"],
      [210, "route53-healthy"],
      [270, "traffic-restored"],
      [270, "gameday-finished"],
    ]);
  });

  it("follows the config's Route 53 settings: 10s checks, 1 failure, TTL 0", () => {
    const plan = planGameDay(
      args({ dns: { ttl: 0, healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 1 } }),
    );
    assert.deepEqual(timeline(plan).slice(2, 4), [
      [10, "route53-unhealthy"],
      [10, "absorb"],
    ]);
    assert.equal(finished(plan).failing.equivalentSeconds, 10);
  });

  it("takes the share by weight: a heavy cluster is a bigger loss", () => {
    const plan = planGameDay(
      args({ clusters: [cluster("a", { weight: 2 }), cluster("b"), cluster("c")] }),
    );
    assert.equal(stepOf(plan, "cluster-lost").share, 0.5);
    const absorb = stepOf(plan, "absorb");
    assert.equal(absorb.factor, 2);
    assert.deepEqual(
      absorb.clusters.map((c) => [c.shareBefore, c.shareAfter]),
      [
        [0.25, 0.5],
        [0.25, 0.5],
      ],
    );
  });

  it("loses nothing with a cluster at weight 0: no request fails, nothing to absorb", () => {
    const plan = planGameDay(
      args({ clusters: [cluster("a", { weight: 0 }), cluster("b"), cluster("c")] }),
    );
    assert.equal(plan.keptServing, true);
    assert.equal(stepOf(plan, "cluster-lost").share, 0);
    assert.ok(!plan.steps.some((s) => s.step.event === "absorb"));
    assert.match(stepOf(plan, "note").reason, /a serves no traffic \(weight 0\)/);
    assert.equal(stepOf(plan, "traffic-restored").share, 0);
    assert.equal(finished(plan).failing.equivalentSeconds, 0);
    assert.match(finished(plan).reason, /kept serving without a: it served no traffic/);
  });

  it("would not have kept serving when the lost cluster is the only one with a weight", () => {
    const plan = planGameDay(
      args({
        clusters: [cluster("a"), cluster("b", { weight: 0 }), cluster("c", { weight: 0 })],
      }),
    );
    assert.equal(plan.keptServing, false);
    assert.equal(stepOf(plan, "cluster-lost").share, 1);
    const out = stepOf(plan, "route53-unhealthy");
    assert.equal(out.fallback, true, "Route 53 answers with weight-0 records when nothing else");
    assert.deepEqual(out.serving, ["b", "c"]);
    const absorb = stepOf(plan, "absorb");
    assert.equal(absorb.ok, false);
    assert.match(absorb.problems.join("\n"), /no other cluster serves traffic/);
    assert.match(absorb.problems.join("\n"), /falls back to the weight-0 records of b and c/);
    assert.match(
      finished(plan).reason,
      /would not have kept serving without a: it is the only cluster with a weight above 0, so every request failed for 90s/,
    );
    // Even a short loss is a total outage.
    const short = planGameDay(
      args({
        recoverAfterSeconds: 30,
        clusters: [cluster("a"), cluster("b", { weight: 0 })],
      }),
    );
    assert.equal(short.keptServing, false);
  });

  it("notes when fewer clusters than minClusters serve while it is out", () => {
    const three = planGameDay(args({ minClusters: 3 }));
    assert.match(
      stepOf(three, "note").reason,
      /while a is out, only b and c serve, fewer than minClusters \(3\): one more cluster-scoped fault would fail about 50% of requests/,
    );
    assert.equal(three.keptServing, true, "a note, not a verdict: the others still serve");
    assert.ok(!planGameDay(args()).steps.some((s) => s.step.event === "note"));
    const two = planGameDay(args({ clusters: [cluster("a"), cluster("b")] }));
    assert.match(stepOf(two, "note").reason, /only b serves, .* would fail every request/);
  });

  it("keeps its promises for any weights, Route 53 settings and recovery time (property)", () => {
    const arb = fc.record({
      weights: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 6 }),
      lose: fc.nat(),
      interval: fc.constantFrom(10, 30),
      threshold: fc.integer({ min: 1, max: 10 }),
      ttl: fc.integer({ min: 0, max: 600 }),
      recover: fc.integer({ min: 1, max: 3600 }),
      maxReplicas: fc.integer({ min: 2, max: 8 }),
      cpu: fc.integer({ min: 0, max: 4000 }),
    });
    fc.assert(
      fc.property(arb, ({ weights, lose, interval, threshold, ttl, recover, maxReplicas, cpu }) => {
        if (!weights.some((w) => w > 0)) weights[0] = 1; // the config refuses all zero
        const clusters = weights.map((weight, i) =>
          cluster(`c${i}`, {
            weight,
            services: [service({ maxReplicas })],
            headroom: { cpuMilli: cpu, memoryMiB: 1 << 20 },
          }),
        );
        const lost = `c${lose % weights.length}`;
        const plan = planGameDay(
          args({
            lose: lost,
            clusters,
            dns: {
              ttl,
              healthCheckIntervalSeconds: interval,
              healthCheckFailureThreshold: threshold,
            },
            recoverAfterSeconds: recover,
          }),
        );
        const times = plan.steps.map((s) => s.atSeconds);
        assert.deepEqual(
          times,
          [...times].sort((a, b) => a - b),
        );
        assert.equal(plan.steps[0].step.event, "gameday-started");
        assert.equal(plan.steps.at(-1)?.step.event, "gameday-finished");
        const end = finished(plan);
        const { failing } = end;
        assert.ok(failing.equivalentSeconds >= failing.fullSeconds - 1e-9);
        assert.ok(failing.equivalentSeconds <= failing.fullSeconds + failing.taperSeconds + 1e-9);
        assert.ok(failing.endsAtSeconds <= recover);
        assert.equal(end.outOfDns !== null, recover > threshold * interval);
        const absorb = plan.steps.find((s) => s.step.event === "absorb")?.step as
          Extract<GameDayStep, { event: "absorb" }> | undefined;
        assert.equal(plan.keptServing, failing.share < 1 && (absorb?.ok ?? true));
        if (absorb) {
          assert.equal(absorb.ok, absorb.overloaded.length === 0 && absorb.problems.length === 0);
          for (const o of absorb.overloaded) assert.ok(o.failing > 0 && o.failing < 1);
        }
      }),
    );
  });

  it("refuses a cluster it was not given (the caller checks the name first)", () => {
    assert.throws(() => planGameDay(args({ lose: "x" })), /no cluster "x"/);
  });
});
