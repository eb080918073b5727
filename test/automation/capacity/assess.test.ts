import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  assessDrain,
  type ClusterCapacity,
  type ServiceLoad,
} from "../../../automation/capacity/assess";

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

describe("assessDrain", () => {
  it("lets two of three equal clusters absorb the third: each grows by 3/2", () => {
    const result = assessDrain("a", [cluster("a"), cluster("b"), cluster("c")]);
    assert.equal(result.ok, true);
    assert.equal(result.factor, 1.5);
    assert.deepEqual(
      result.clusters.map((c) => [c.cluster, c.services[0].required, c.extra.cpuMilli]),
      [
        ["b", 3, 250],
        ["c", 3, 250],
      ],
    );
  });

  it("refuses when a service cannot scale far enough, with the numbers and the fix", () => {
    const result = assessDrain("a", [
      cluster("a"),
      cluster("b", { services: [service({ maxReplicas: 2 })] }),
    ]);
    assert.equal(result.ok, false);
    assert.equal(result.factor, 2);
    assert.match(
      result.problems[0],
      /b cannot absorb a's share \(x2\.00\): api needs 4 replicas, it runs a fixed 2 \(no autoscaling\)/,
    );
  });

  it("refuses when the nodes have no room for the extra pods", () => {
    const result = assessDrain("a", [
      cluster("a"),
      cluster("b", { headroom: { cpuMilli: 100, memoryMiB: 4096 } }),
      cluster("c"),
    ]);
    assert.equal(result.ok, false);
    assert.match(result.problems[0], /b needs 250m CPU and 256Mi memory more .* have 100m CPU/);
  });

  it("weights decide the shares: draining a light cluster asks little of the others", () => {
    const result = assessDrain("c", [
      cluster("a", { weight: 4 }),
      cluster("b", { weight: 4 }),
      cluster("c", { weight: 1 }),
    ]);
    assert.equal(result.factor, 9 / 8);
    assert.equal(result.clusters[0].services[0].required, 3);
  });

  it("does not count a cluster already at weight 0 as absorbing", () => {
    const result = assessDrain("a", [cluster("a"), cluster("b"), cluster("c", { weight: 0 })]);
    assert.equal(result.factor, 2);
    assert.deepEqual(
      result.clusters.map((c) => c.cluster),
      ["b"],
    );
    const none = assessDrain("a", [cluster("a"), cluster("b", { weight: 0 })]);
    assert.equal(none.ok, false);
    assert.match(none.problems[0], /no other cluster serves traffic/);
  });

  it("grows every serving cluster by N/(N-1) with equal weights (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), (n) => {
        const clusters = Array.from({ length: n }, (_, i) => cluster(`c${i}`));
        const result = assessDrain("c0", clusters);
        assert.ok(Math.abs(result.factor - n / (n - 1)) < 1e-12);
      }),
    );
  });

  it("never needs fewer replicas than run now, and more room or replicas never hurts (property)", () => {
    const arb = fc.record({
      weights: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 6 }),
      replicas: fc.integer({ min: 1, max: 20 }),
      extraMax: fc.integer({ min: 0, max: 20 }),
      cpu: fc.integer({ min: 0, max: 5000 }),
      more: fc.integer({ min: 0, max: 5000 }),
    });
    fc.assert(
      fc.property(arb, ({ weights, replicas, extraMax, cpu, more }) => {
        const make = (headroom: number, max: number) =>
          weights.map((w, i) =>
            cluster(`c${i}`, {
              weight: w,
              services: [service({ replicas, maxReplicas: max })],
              headroom: { cpuMilli: headroom, memoryMiB: 1 << 20 },
            }),
          );
        const small = assessDrain("c0", make(cpu, replicas + extraMax));
        const big = assessDrain("c0", make(cpu + more, replicas + extraMax + 1));
        for (const c of small.clusters) {
          for (const s of c.services) assert.ok(s.required >= s.current);
        }
        if (small.ok) assert.ok(big.ok, "more room and a higher ceiling keep a drain possible");
      }),
    );
  });
});
