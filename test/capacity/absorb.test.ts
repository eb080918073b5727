import * as assert from "node:assert/strict";
import fc from "fast-check";
import { absorbShare } from "../../capacity/absorb";
import { clusterCapacityFixture, serviceLoadFixture } from "../_fixtures";

const service = serviceLoadFixture;
const cluster = clusterCapacityFixture;

describe("absorbShare", () => {
  it("lets two of three equal clusters absorb the third: each grows by 3/2", () => {
    const result = absorbShare("a", [cluster("a"), cluster("b"), cluster("c")]);
    assert.equal(result.ok, true);
    assert.equal(result.factor, 1.5);
    assert.deepEqual(
      result.clusters.map((c) => [c.cluster, c.services[0].required, c.extra.cpuMilli, c.fits]),
      [
        ["b", 3, 250, true],
        ["c", 3, 250, true],
      ],
    );
  });

  it("says which service cannot scale far enough and which cluster has no room", () => {
    const result = absorbShare("a", [
      cluster("a"),
      cluster("b", { services: [service({ maxReplicas: 2 })] }),
      cluster("c", { headroom: { cpuMilli: 2000, memoryMiB: 100 } }),
    ]);
    assert.equal(result.ok, false);
    const [b, c] = result.clusters;
    assert.deepEqual([b.ok, b.fits, b.services[0].ok], [false, true, false]);
    assert.deepEqual([c.ok, c.fits, c.services[0].ok], [false, false, true]);
  });

  it("weights decide the shares: losing a light cluster asks little of the others", () => {
    const result = absorbShare("c", [
      cluster("a", { weight: 4 }),
      cluster("b", { weight: 4 }),
      cluster("c", { weight: 1 }),
    ]);
    assert.equal(result.factor, 9 / 8);
    assert.equal(result.clusters[0].services[0].required, 3);
  });

  it("asks nothing for a cluster that serves no traffic, and nothing of one that serves none", () => {
    const idle = absorbShare("c", [cluster("a"), cluster("b"), cluster("c", { weight: 0 })]);
    assert.equal(idle.factor, 1);
    assert.ok(idle.clusters.every((c) => c.extra.cpuMilli === 0));
    const result = absorbShare("a", [cluster("a"), cluster("b"), cluster("c", { weight: 0 })]);
    assert.deepEqual(
      result.clusters.map((c) => c.cluster),
      ["b"],
    );
    const none = absorbShare("a", [cluster("a"), cluster("b", { weight: 0 })]);
    assert.deepEqual([none.ok, none.factor, none.clusters], [false, Infinity, []]);
  });

  it("grows every serving cluster by N/(N-1) with equal weights (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), (n) => {
        const clusters = Array.from({ length: n }, (_, i) => cluster(`c${i}`));
        const result = absorbShare("c0", clusters);
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
        const small = absorbShare("c0", make(cpu, replicas + extraMax));
        const big = absorbShare("c0", make(cpu + more, replicas + extraMax + 1));
        for (const c of small.clusters) {
          for (const s of c.services) assert.ok(s.required >= s.current);
        }
        if (small.ok) assert.ok(big.ok, "more room and a higher ceiling keep it absorbable");
      }),
    );
  });
});
