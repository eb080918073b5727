import * as assert from "node:assert/strict";
import { costReport } from "../../../automation/cost/compute";
import { renderCostReport } from "../../../automation/cost/render";
import { ConfigError } from "../../../config/errors";
import { parseEnvironment } from "../../../config/load";
import { clusterFixture, environmentFixture } from "../../_fixtures";

/**
 * The fixture environment: 3 clusters of m6i.large ($74.08 a month), 2 AZs with one NAT gateway,
 * one service "api" of 2 x (100m, 128Mi) with one hostname.
 */
/** kube-proxy may not be newer than any cluster's control plane: 1.32 serves 1.32 and 1.33. */
const OLDER_KUBE_PROXY = {
  vpcCni: "v1.19.5-eksbuild.1",
  coredns: "v1.12.1-eksbuild.2",
  kubeProxy: "v1.32.0-eksbuild.2",
};

const report = (overrides: Record<string, unknown> = {}, asOf = "2026-03-01", region?: string) =>
  costReport({
    environment: parseEnvironment("test", environmentFixture(overrides), "test stack"),
    asOf,
    source: "test stack",
    region,
  });

const n = (r: ReturnType<typeof report>) => r.layouts.find((l) => l.label === "N");

describe("the cost report's inputs", () => {
  it("prices each cluster's control plane at its own version's support tier", () => {
    // 1.32 leaves standard support on 2026-03-23: on 2026-04-01 cluster a is in extended support.
    const r = report(
      {
        addons: OLDER_KUBE_PROXY,
        clusters: [
          clusterFixture("a", 0, { kubernetesVersion: "1.32" }),
          clusterFixture("b", 1),
          clusterFixture("c", 2),
        ],
      },
      "2026-04-01",
    );
    const items = n(r)?.items.controlPlanes;
    assert.equal(items?.monthly, 584); // (0.60 + 0.10 + 0.10) x 730
    assert.equal(items?.overhead, 511); // 584 - 1 x 0.10 x 730 (one cluster at the environment's 1.33)
    assert.equal(items?.detail, "(0.6 + 0.1 + 0.1)/h x 730 h");
    assert.ok(
      r.notes.some((note) => note.includes("1.32 is in extended support since 2026-03-23")),
    );
    assert.match(
      renderCostReport(r, "test stack"),
      /EKS control plane rate on 2026-04-01: 1\.32 in extended support, \$0\.60\/h; 1\.33 in standard support, \$0\.10\/h per cluster/,
    );
  });

  it("counts no NAT gateways per cluster in a shared VPC, and one NLB address per public subnet", () => {
    const r = report({
      clusters: ["a", "b", "c"].map((name) => ({ name })),
      network: {
        mode: "shared-vpc",
        vpcId: "vpc-0abc",
        privateSubnetIds: ["subnet-01", "subnet-02"],
        publicSubnetIds: ["subnet-03", "subnet-04"],
      },
    });
    assert.equal(n(r)?.items.natGateways.monthly, 0);
    // 3 clusters x 1 service x (0.0225 + 2 x 0.005) x 730
    assert.equal(n(r)?.items.loadBalancers.monthly, 71.18);
    assert.ok(r.notes.some((note) => note.includes("shared-vpc")));
  });

  it("adds the fast-interval charge to every health check at 10 seconds", () => {
    const dns = {
      hostedZoneId: "Z0TEST0000EXAMPLE",
      zoneName: "test.example.com",
      healthCheckIntervalSeconds: 10,
      hostnames: [{ hostname: "api.test.example.com", service: "api" }],
    };
    // 3 clusters x 1 hostname x (0.50 + 1.00)
    assert.equal(n(report({ dns }))?.items.healthChecks.monthly, 4.5);
  });

  it("warns when a drain needs more nodes than the node group may have", () => {
    const r = report({
      services: [
        {
          name: "api",
          image: "ghcr.io/acme/api:1.0.0",
          replicas: 6,
          port: 8080,
          resources: { requests: { cpu: "1", memory: "1Gi" } },
        },
      ],
      nodeGroup: { instanceTypes: ["m6i.large"], minSize: 1, desiredSize: 2, maxSize: 3 },
    });
    // D = 3 x 6 x 1000m = 18000m; N = 3 carries 9000m each: (800 + 9000) / 1530 = 6.4 -> 7 > 3
    assert.deepEqual(
      n(r)?.perCluster.map((c) => c.nodes),
      [7, 7, 7],
    );
    assert.match(
      n(r)?.warnings[0] ?? "",
      /every cluster needs 7 nodes to absorb a drained cluster's share, above nodeGroup\.maxSize 3: the capacity check would refuse the drain/,
    );
    assert.match(renderCostReport(r, "test stack"), /! N = 3: every cluster needs 7 nodes/);
  });

  it("warns when the configured desiredSize is short of what a drain needs", () => {
    const r = report({
      nodeGroup: { instanceTypes: ["t3.medium"], minSize: 1, desiredSize: 1, maxSize: 10 },
    });
    // t3.medium: 1930m allocatable, minus 400m DaemonSets = 1530m; (800 + 300) / 1530 -> 1 node
    // memory: 4096 - (255 + 11 x 17 + 100) = 3554Mi, minus 128 = 3426Mi; (724 + 384) / 3426 -> 1
    assert.deepEqual(n(r)?.warnings, []);
    const tight = report({
      nodeGroup: { instanceTypes: ["t3.medium"], minSize: 1, desiredSize: 1, maxSize: 10 },
      costs: { systemPods: { coredns: { replicas: 10 } } },
    });
    // CoreDNS 10 x 100m: (1600 + 300) / 1530 -> 2 nodes
    assert.match(
      n(tight)?.warnings[0] ?? "",
      /above nodeGroup\.desiredSize 1: the node group must scale up/,
    );
  });

  it("notes Spot nodes, several instance types and a region other than the defaults'", () => {
    const r = report(
      {
        nodeGroup: {
          instanceTypes: ["m6i.large", "m5.large"],
          minSize: 2,
          desiredSize: 2,
          maxSize: 4,
          capacityType: "SPOT",
        },
      },
      "2026-03-01",
      "eu-west-1",
    );
    const notes = r.notes.join("\n");
    assert.match(notes, /runs in eu-west-1, but the default prices are us-east-1's/);
    assert.match(notes, /nodes priced as m6i\.large, the first of nodeGroup\.instanceTypes/);
    assert.match(notes, /capacityType is SPOT but m6i\.large is priced at its on-demand price/);
  });

  it("says why N-1 is missing with two clusters", () => {
    const r = report({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    assert.deepEqual(
      r.layouts.map((l) => l.label),
      ["N", "N+1"],
    );
    assert.ok(r.notes.some((note) => note.startsWith("N-1 is not shown: 1 cluster is the single")));
  });

  it("shows the range of headroom when weights differ", () => {
    const r = report({
      clusters: [
        clusterFixture("a", 0, { weight: 2 }),
        clusterFixture("b", 1),
        clusterFixture("c", 2),
      ],
    });
    // a: 2/3 over 1/2 = +33%; b and c: 1/2 over 1/4 = +100%
    assert.match(
      renderCostReport(r, "test stack"),
      /│ Drain headroom per cluster\s+│.*│\s+\+33% \.\. \+100% │/,
    );
  });
});

describe("the cost report's limits", () => {
  it("rejects a node type that the DaemonSets fill up, naming the node group", () => {
    assert.throws(
      () =>
        report({
          nodeGroup: { instanceTypes: ["t3.medium"], minSize: 1, desiredSize: 1, maxSize: 3 },
          costs: {
            systemPods: {
              metricsAgents: [{ name: "heavy-agent", kind: "DaemonSet", cpu: "2", memory: "1Gi" }],
            },
          },
        }),
      (err: Error) =>
        err instanceof ConfigError &&
        /active-active:nodeGroup\.instanceTypes\[0\]: "t3\.medium" has nothing left for pods after the kubelet's reserve and the DaemonSets \(2150m CPU, 1024Mi and 3 pods per node\); use a larger instance type/.test(
          err.message,
        ),
    );
  });

  it("notes a service pod that no node can hold", () => {
    const r = report({
      services: [
        {
          name: "api",
          image: "ghcr.io/acme/api:1.0.0",
          port: 8080,
          resources: { requests: { cpu: "4", memory: "1Gi" } },
        },
      ],
    });
    assert.ok(
      r.notes.some((n) =>
        /a pod of service "api" requests 4000m CPU, 1024Mi, more than one m6i\.large offers after the DaemonSets \(1530m CPU, 7390Mi\): it cannot be scheduled/.test(
          n,
        ),
      ),
      r.notes.join("\n"),
    );
  });
});
