import * as assert from "node:assert/strict";
import fc from "fast-check";
import { costReport } from "../../../automation/cost/compute";
import { INSTANCE_TYPES } from "../../../capacity/instanceTypes";
import { drainShares } from "../../../automation/cost/layouts";
import { LINE_ITEMS, type CostReport, type LayoutCost } from "../../../automation/cost/model";
import { parseEnvironment } from "../../../config/load";
import { clusterFixture, environmentFixture, serviceFixture } from "../../_fixtures";

/** A generated environment: N equal-weight clusters, some services, one node group shape. */
interface Shape {
  clusters: number;
  services: { replicas: number; cpuMilli: number; memoryMiB: number }[];
  instanceType: string;
  minSize: number;
  natGateways: "per-az" | "single";
}

const shape: fc.Arbitrary<Shape> = fc.record({
  clusters: fc.integer({ min: 2, max: 8 }),
  services: fc.array(
    fc.record({
      replicas: fc.integer({ min: 1, max: 12 }),
      cpuMilli: fc.integer({ min: 10, max: 1000 }),
      memoryMiB: fc.integer({ min: 16, max: 2048 }),
    }),
    { maxLength: 4 },
  ),
  instanceType: fc.constantFrom(
    ...Object.keys(INSTANCE_TYPES).filter((t) => INSTANCE_TYPES[t].vcpu >= 2),
  ),
  minSize: fc.integer({ min: 1, max: 4 }),
  natGateways: fc.constantFrom("per-az" as const, "single" as const),
});

function reportFor(s: Shape): CostReport {
  const services = s.services.map((svc, i) =>
    serviceFixture({
      name: `svc${i}`,
      port: 8000 + i,
      replicas: svc.replicas,
      resources: { requests: { cpu: `${svc.cpuMilli}m`, memory: `${svc.memoryMiB}Mi` } },
    }),
  );
  const raw = environmentFixture({
    clusters: Array.from({ length: s.clusters }, (_, i) => clusterFixture(`c${i}`, i)),
    services,
    nodeGroup: {
      instanceTypes: [s.instanceType],
      minSize: s.minSize,
      desiredSize: s.minSize,
      maxSize: 1000,
    },
    network: { mode: "vpc-per-cluster", availabilityZones: 3, natGateways: s.natGateways },
    dns: {
      hostedZoneId: "Z0TEST0000EXAMPLE",
      zoneName: "test.example.com",
      hostnames: services.length ? [{ hostname: "svc0.test.example.com", service: "svc0" }] : [],
    },
  });
  return costReport({
    environment: parseEnvironment("prop", raw, "generated"),
    asOf: "2026-03-01",
    source: "generated",
  });
}

const byLabel = (r: CostReport) => new Map(r.layouts.map((l) => [l.label, l]));
/** N-1 (when shown), N, N+1: the layouts in increasing cluster count. */
const ascending = (r: CostReport): LayoutCost[] => r.layouts;
const close = (a: number, b: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} vs ${b}`);

describe("aa cost properties", () => {
  describe("drain shares", () => {
    it("with equal weights: share 1/N, drain share 1/(N-1), headroom 1/(N-1)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 64 }), fc.integer({ min: 1, max: 255 }), (n, w) => {
          for (const s of drainShares(Array<number>(n).fill(w))) {
            close(s.share, 1 / n, 1e-12, "share");
            close(s.drainShare, 1 / (n - 1), 1e-12, "drain share");
            close(s.drainShare / s.share - 1, 1 / (n - 1), 1e-9, "headroom");
          }
        }),
      );
    });

    it("for any weights, the others can absorb any one drained cluster", () => {
      const weights = fc
        .array(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 10 })
        .filter((w) => w.some((x) => x > 0));
      fc.assert(
        fc.property(weights, (w) => {
          const shares = drainShares(w);
          close(
            shares.reduce((a, s) => a + s.share, 0),
            1,
            1e-9,
            "shares sum to 1",
          );
          for (const s of shares) {
            assert.ok(s.drainShare >= s.share - 1e-12 && s.drainShare <= 1 + 1e-12);
          }
          // Drain any j: what the rest can carry covers all traffic.
          for (let j = 0; j < w.length; j++) {
            const rest = shares.filter((_, i) => i !== j).reduce((a, s) => a + s.drainShare, 0);
            assert.ok(rest >= 1 - 1e-9, `draining ${j} of ${JSON.stringify(w)} leaves ${rest}`);
          }
        }),
      );
    });
  });

  describe("layouts", () => {
    it("more clusters never cost less in control planes, load balancers, NAT, health checks or keys", () => {
      fc.assert(
        fc.property(shape, (s) => {
          const layouts = ascending(reportFor(s));
          for (let i = 1; i < layouts.length; i++) {
            const [fewer, more] = [layouts[i - 1], layouts[i]];
            for (const key of ["loadBalancers", "natGateways", "healthChecks"] as const) {
              assert.ok(more.items[key].overhead >= fewer.items[key].overhead, key);
            }
            for (const key of ["controlPlanes", "kmsKeys"] as const) {
              assert.ok(more.items[key].overhead > fewer.items[key].overhead, key);
            }
          }
        }),
        { numRuns: 60 },
      );
    });

    it("with equal weights the drain headroom is the services' cost / (N-1), so it falls as N grows", () => {
      fc.assert(
        fc.property(shape, (s) => {
          const r = reportFor(s);
          for (const l of r.layouts) {
            // Each per-cluster share is rounded to the cent once, so allow a cent per cluster.
            close(
              l.items.drainHeadroom.monthly,
              l.services.monthly / (l.clusters - 1),
              0.01 * l.clusters,
              `${l.label} headroom`,
            );
            for (const c of l.perCluster)
              close(c.headroom ?? NaN, 1 / (l.clusters - 1), 1e-9, "headroom fraction");
          }
          const layouts = ascending(r);
          for (let i = 1; i < layouts.length; i++) {
            assert.ok(
              layouts[i].items.drainHeadroom.monthly <= layouts[i - 1].items.drainHeadroom.monthly,
            );
          }
        }),
        { numRuns: 60 },
      );
    });

    it("without services to spread, more clusters never cost less overhead", () => {
      fc.assert(
        fc.property(shape, (s) => {
          const layouts = ascending(reportFor({ ...s, services: [] }));
          for (let i = 1; i < layouts.length; i++) {
            assert.ok(layouts[i].overhead > layouts[i - 1].overhead);
          }
        }),
        { numRuns: 40 },
      );
    });

    it("adds up: items and services make the monthly total, item overheads make the overhead", () => {
      fc.assert(
        fc.property(shape, (s) => {
          const r = reportFor(s);
          for (const l of [r.single, ...r.layouts]) {
            const items = LINE_ITEMS.map((k) => l.items[k]);
            close(
              l.monthly,
              l.services.monthly + items.reduce((a, i) => a + i.monthly, 0),
              1e-6,
              "monthly",
            );
            close(
              l.overhead,
              items.reduce((a, i) => a + i.overhead, 0),
              1e-6,
              "overhead",
            );
            close(l.overhead, l.monthly - r.single.monthly, 1e-6, "overhead vs single");
            // The node bill is the node shares plus the rounding line.
            close(
              l.nodes * r.node.pricePerMonth,
              l.services.monthly +
                l.items.systemPods.monthly +
                l.items.drainHeadroom.monthly +
                l.items.nodeRounding.monthly,
              0.01,
              "node bill",
            );
          }
          assert.equal(r.single.overhead, 0);
        }),
        { numRuns: 60 },
      );
    });

    it("gives every cluster at least minSize nodes, and the rest room for any drained cluster", () => {
      fc.assert(
        fc.property(shape, (s) => {
          const r = reportFor(s);
          const { perCluster: f, perNode: p } = r.systemRequests;
          const usableCpu = r.node.allocatable.cpuMilli - p.cpuMilli;
          const usableMemory = r.node.allocatable.memoryMiB - p.memoryMiB;
          for (const l of r.layouts) {
            for (const c of l.perCluster) assert.ok(c.nodes >= s.minSize);
            for (const drained of l.perCluster) {
              const rest = l.perCluster.filter((c) => c !== drained);
              const cpu = rest.reduce((a, c) => a + c.nodes * usableCpu - f.cpuMilli, 0);
              const memory = rest.reduce((a, c) => a + c.nodes * usableMemory - f.memoryMiB, 0);
              assert.ok(
                cpu >= r.workload.total.cpuMilli - 1e-6,
                `${l.label} cpu without ${drained.name}`,
              );
              assert.ok(memory >= r.workload.total.memoryMiB - 1e-6, `${l.label} memory`);
            }
          }
        }),
        { numRuns: 60 },
      );
    });
  });

  it("is a trade-off: with a large workload, 3 clusters cost less overhead than 2", () => {
    // 40 replicas of 1 CPU per cluster: at N = 2 each cluster must hold all of it (+100%), at
    // N = 3 half of it (+50%); the saved headroom outweighs a third control plane, NLB and NATs.
    const r = reportFor({
      clusters: 3,
      services: [{ replicas: 40, cpuMilli: 1000, memoryMiB: 1024 }],
      instanceType: "m6i.2xlarge",
      minSize: 1,
      natGateways: "single",
    });
    const l = byLabel(r);
    assert.ok((l.get("N")?.overhead ?? 0) < (l.get("N-1")?.overhead ?? 0));
    assert.ok((l.get("N+1")?.overhead ?? 0) < (l.get("N")?.overhead ?? 0));
  });
});
