import * as assert from "node:assert/strict";
import { parseEnvironment, rawFromStackConfig } from "../../../config/load";
import { costReport } from "../../../automation/cost/compute";
import type { CostReport, LayoutCost, LineItemKey } from "../../../automation/cost/model";
import { findProject, readEnvironmentStack } from "../../../automation/project";
import { ROOT } from "../../_cli";

/**
 * The cost report of the shipped example stacks, checked against numbers computed by hand. The
 * arithmetic is written out next to each number; every input is a built-in default (no stack sets
 * active-active:costs) and the date is before Kubernetes 1.33 leaves standard support.
 *
 * Shared by all three stacks (m6i.large nodes, 3 AZs, NAT per AZ, 2 services, 2 hostnames):
 *
 *   node month     = 0.096 $/h x 730 h + 50 GiB x 0.08 $/GiB-month = 70.08 + 4.00 = $74.08
 *   allocatable    = 2000m - (60m + 10m) kube-reserved            = 1930m CPU
 *                    8192Mi - (255 + 11 x 29 pods)Mi - 100Mi evict = 7518Mi
 *   per cluster F  = coredns 2 x 100m + kyverno 4 x 100m + metrics-server 100m
 *                    + cloudwatch operator 100m                     = 800m CPU
 *                    2 x 70 + (128 + 3 x 64) + 200 + 64             = 724Mi, 8 pods
 *   per node P     = kube-proxy 100m + aws-node 50m + cloudwatch-agent 250m = 400m CPU, 128Mi, 3 pods
 *   usable/node    = 1930 - 400 = 1530m, 7518 - 128 = 7390Mi, 29 - 3 = 26 pods
 *   node share     : CPU is the larger side in every case below, so a set of requests costs
 *                    cpu / 1930m x $74.08
 *   control plane  = 0.10 $/h x 730 h = $73.00 per cluster
 *   NLB            = (0.0225 + 3 public IPv4 x 0.005) $/h x 730 h = $27.375 per service and cluster
 *   NAT            = 3 per cluster x (0.045 + 0.005 IPv4) $/h x 730 h = $109.50 per cluster
 *   health checks  = 2 hostnames x $0.50 = $1.00 per cluster (none for one cluster)
 *   KMS            = $1.00 per cluster
 */
const AS_OF = "2026-03-01";

function report(env: string): CostReport {
  const file = readEnvironmentStack(findProject(ROOT), env);
  return costReport({
    environment: parseEnvironment(env, rawFromStackConfig(file.config), file.path),
    asOf: AS_OF,
    source: file.path,
    region: "us-east-1",
  });
}

type Expected = {
  nodesPerCluster: number[];
  /** Overhead per line item against the single cluster, in dollars. */
  overhead: Record<LineItemKey, number>;
  total: number;
  monthly: number;
};

function check(layout: LayoutCost | undefined, expected: Expected): void {
  assert.ok(layout, "layout missing");
  assert.deepEqual(
    layout.perCluster.map((c) => c.nodes),
    expected.nodesPerCluster,
    `${layout.label} nodes`,
  );
  for (const [key, value] of Object.entries(expected.overhead)) {
    assert.equal(layout.items[key as LineItemKey].overhead, value, `${layout.label} ${key}`);
  }
  assert.equal(layout.overhead, expected.total, `${layout.label} overhead`);
  assert.equal(layout.monthly, expected.monthly, `${layout.label} monthly`);
}

const layout = (r: CostReport, label: string) => r.layouts.find((l) => l.label === label);

describe("aa cost on the example stacks (hand-computed)", () => {
  describe("dev: 3 clusters of weight 1, web 2 x (250m, 256Mi) and api 2 x (500m, 512Mi)", () => {
    // Whole traffic D = 3 clusters x (2 x 250 + 2 x 500)m = 4500m, 3 x (2 x 256 + 2 x 512)Mi =
    // 4608Mi, 12 pods. Services as node share: 4500 / 1930 x 74.08 = $172.73 in every layout.
    const r = report("dev");

    it("prices one cluster serving everything", () => {
      // nodes: (800 + 4500) / 1530 = 3.46 -> 4 (minSize 2); memory (724 + 4608) / 7390 = 0.72
      assert.equal(r.single.nodes, 4);
      const i = r.single.items;
      assert.equal(r.single.services.monthly, 172.73); // 4500 / 1930 x 74.08
      assert.equal(i.controlPlanes.monthly, 73.0);
      assert.equal(i.systemPods.monthly, 92.12); // (800 + 4 x 400) / 1930 x 74.08
      assert.equal(i.loadBalancers.monthly, 54.75); // 2 x 27.375
      assert.equal(i.natGateways.monthly, 109.5);
      assert.equal(i.healthChecks.monthly, 0);
      assert.equal(i.kmsKeys.monthly, 1.0);
      assert.equal(i.drainHeadroom.monthly, 0);
      assert.equal(i.nodeRounding.monthly, 31.47); // 4 x 74.08 = 296.32 - 172.73 - 92.12
      assert.equal(r.single.monthly, 534.57); // 172.73 + 73 + 92.12 + 54.75 + 109.5 + 1 + 31.47
    });

    it("N = 3: each cluster carries 1/3 and keeps room for 1/2 (+50%)", () => {
      const n = layout(r, "N");
      assert.deepEqual(
        n?.perCluster.map((c) => [c.share, c.drainShare]),
        Array(3).fill([1 / 3, 1 / 2]),
      );
      assert.deepEqual(
        n?.perCluster.map((c) => c.headroom),
        [0.5, 0.5, 0.5],
      );
      check(n, {
        // (800 + 4500 / 2) / 1530 = 1.99 -> 2 nodes
        nodesPerCluster: [2, 2, 2],
        overhead: {
          controlPlanes: 146.0, // 3 x 73 - 73
          systemPods: 92.12, // 3 x (800 + 2 x 400) / 1930 x 74.08 = 184.24; - 92.12
          loadBalancers: 109.5, // 3 x 54.75 - 54.75
          natGateways: 219.0, // 3 x 109.50 - 109.50
          healthChecks: 3.0, // 3 clusters x 2 hostnames x 0.50
          kmsKeys: 2.0, // 3 - 1
          drainHeadroom: 86.36, // 3 x (1/2 - 1/3) x 4500 = 2250m; / 1930 x 74.08
          nodeRounding: -30.32, // (6 x 74.08 - 172.73 - 184.24 - 86.36 = 1.15) - 31.47
        },
        total: 627.66,
        monthly: 1162.23, // 534.57 + 627.66
      });
    });

    it("N-1 = 2: each cluster must carry everything (+100%)", () => {
      check(layout(r, "N-1"), {
        // (800 + 4500) / 1530 = 3.46 -> 4 nodes, like the single cluster
        nodesPerCluster: [4, 4],
        overhead: {
          controlPlanes: 73.0, // 2 x 73 - 73
          systemPods: 92.12, // 2 x 92.12 - 92.12
          loadBalancers: 54.75,
          natGateways: 109.5,
          healthChecks: 2.0, // 2 x 2 x 0.50
          kmsKeys: 1.0,
          drainHeadroom: 172.73, // 2 x (1 - 1/2) x 4500 = 4500m
          nodeRounding: 31.47, // (8 x 74.08 - 172.73 - 184.24 - 172.73 = 62.94) - 31.47
        },
        total: 536.57,
        monthly: 1071.14,
      });
    });

    it("N+1 = 4: each cluster keeps room for 1/3 (+33%)", () => {
      check(layout(r, "N+1"), {
        // (800 + 4500 / 3) / 1530 = 1.50 -> 2 nodes
        nodesPerCluster: [2, 2, 2, 2],
        overhead: {
          controlPlanes: 219.0, // 4 x 73 - 73
          systemPods: 153.53, // 4 x (800 + 2 x 400) / 1930 x 74.08 = 245.65; - 92.12
          loadBalancers: 164.25, // 4 x 54.75 - 54.75
          natGateways: 328.5, // 4 x 109.50 - 109.50
          healthChecks: 4.0, // 4 x 2 x 0.50
          kmsKeys: 3.0,
          drainHeadroom: 57.58, // 4 x (1/3 - 1/4) x 4500 = 1500m; / 1930 x 74.08
          nodeRounding: 85.21, // (8 x 74.08 - 172.73 - 245.65 - 57.58 = 116.68) - 31.47
        },
        total: 1015.07,
        monthly: 1549.64,
      });
    });
  });

  describe("staging: dev's services, with nodeGroup.desiredSize 3 instead of 2", () => {
    it("costs what dev costs: the model prices the capacity needed, not desiredSize", () => {
      const staging = report("staging");
      const dev = report("dev");
      assert.deepEqual(
        staging.layouts.map((l) => [l.label, l.overhead, l.monthly]),
        dev.layouts.map((l) => [l.label, l.overhead, l.monthly]),
      );
      assert.deepEqual(
        staging.layouts.map((l) => l.overhead),
        [536.57, 627.66, 1015.07],
      );
    });

    it("says what the extra desired nodes cost", () => {
      // desiredSize 3 - 2 needed = 1 idle node per cluster, 3 x 74.08 = $222.24
      const note = report("staging").notes.find((n) => n.startsWith("nodeGroup.desiredSize"));
      assert.match(note ?? "", /3 node\(s\) more than needed, \$222\.24 per month not counted/);
    });
  });

  describe("prod: minClusters 3, minSize 3, web and api 4 replicas each", () => {
    // D = 3 x (4 x 250 + 4 x 500)m = 9000m, 3 x (4 x 256 + 4 x 512)Mi = 9216Mi, 24 pods.
    // Services as node share: 9000 / 1930 x 74.08 = $345.45 in every layout.
    const r = report("prod");

    it("prices one cluster serving everything", () => {
      // nodes: (800 + 9000) / 1530 = 6.41 -> 7
      assert.equal(r.single.nodes, 7);
      assert.equal(r.single.services.monthly, 345.45);
      assert.equal(r.single.items.systemPods.monthly, 138.18); // (800 + 7 x 400) / 1930 x 74.08
      assert.equal(r.single.items.nodeRounding.monthly, 34.93); // 7 x 74.08 - 345.45 - 138.18
      assert.equal(r.single.monthly, 756.81); // 345.45 + 73 + 138.18 + 54.75 + 109.5 + 1 + 34.93
    });

    it("N = 3", () => {
      check(layout(r, "N"), {
        // (800 + 9000 / 2) / 1530 = 3.46 -> 4 nodes (minSize 3, desiredSize 4)
        nodesPerCluster: [4, 4, 4],
        overhead: {
          controlPlanes: 146.0,
          systemPods: 138.18, // 3 x (800 + 4 x 400) / 1930 x 74.08 = 276.36; - 138.18
          loadBalancers: 109.5,
          natGateways: 219.0,
          healthChecks: 3.0,
          kmsKeys: 2.0,
          drainHeadroom: 172.73, // 3 x (1/2 - 1/3) x 9000 = 4500m
          nodeRounding: 59.49, // (12 x 74.08 - 345.45 - 276.36 - 172.73 = 94.42) - 34.93
        },
        total: 849.9,
        monthly: 1606.71,
      });
      assert.deepEqual(layout(r, "N")?.warnings, []);
    });

    it("N-1 = 2 is shown, marked below minClusters", () => {
      const n1 = layout(r, "N-1");
      assert.equal(n1?.belowMinClusters, true);
      assert.match(n1?.warnings[0] ?? "", /2 clusters is below minClusters 3/);
      check(n1, {
        // (800 + 9000) / 1530 = 6.41 -> 7 nodes each
        nodesPerCluster: [7, 7],
        overhead: {
          controlPlanes: 73.0,
          systemPods: 138.18, // 2 x 138.18 - 138.18
          loadBalancers: 54.75,
          natGateways: 109.5,
          healthChecks: 2.0,
          kmsKeys: 1.0,
          drainHeadroom: 345.45, // 2 x (1 - 1/2) x 9000 = 9000m
          nodeRounding: 34.93, // (14 x 74.08 - 345.45 - 276.36 - 345.45 = 69.86) - 34.93
        },
        total: 758.81,
        monthly: 1515.62,
      });
    });

    it("N+1 = 4", () => {
      check(layout(r, "N+1"), {
        // (800 + 9000 / 3) / 1530 = 2.48 -> 3 nodes (= minSize)
        nodesPerCluster: [3, 3, 3, 3],
        overhead: {
          controlPlanes: 219.0,
          systemPods: 168.89, // 4 x (800 + 3 x 400) / 1930 x 74.08 = 307.07; - 138.18
          loadBalancers: 164.25,
          natGateways: 328.5,
          healthChecks: 4.0,
          kmsKeys: 3.0,
          drainHeadroom: 115.15, // 4 x (1/3 - 1/4) x 9000 = 3000m
          nodeRounding: 86.36, // (12 x 74.08 - 345.45 - 307.07 - 115.15 = 121.29) - 34.93
        },
        total: 1089.15,
        monthly: 1845.96,
      });
    });
  });
});
