import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { costReport } from "../../../automation/cost/compute";
import { EKS_STANDARD_SUPPORT_ENDS, METRICS_AGENTS } from "../../../automation/cost/defaults";
import { INSTANCE_TYPES } from "../../../capacity/instanceTypes";
import { resolvePrices } from "../../../automation/cost/prices";
import { planClusters } from "../../../config/clusters";
import { ConfigError } from "../../../config/errors";
import { parseEnvironment } from "../../../config/load";
import { ROOT } from "../../_cli";
import { environmentFixture } from "../../_fixtures";

/** The ConfigError message for an environment with these `costs`, or a failure if accepted. */
function rejection(costs: unknown, overrides: Record<string, unknown> = {}): string {
  try {
    const env = parseEnvironment("test", environmentFixture({ costs, ...overrides }), "test stack");
    costReport({ environment: env, asOf: "2026-03-01", source: "test stack" });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("the price table was accepted");
}

const report = (costs: unknown, overrides: Record<string, unknown> = {}) =>
  costReport({
    environment: parseEnvironment(
      "test",
      environmentFixture({ costs, ...overrides }),
      "test stack",
    ),
    asOf: "2026-03-01",
    source: "test stack",
  });

describe("active-active:costs (the price table)", () => {
  it("is optional: without it every price is a built-in default, and the report says so", () => {
    const env = parseEnvironment("test", environmentFixture(), "test stack");
    assert.equal(env.config.costs, undefined);
    const r = costReport({ environment: env, asOf: "2026-03-01", source: "test stack" });
    assert.equal(r.prices.eks.standardPerHour, 0.1);
    assert.equal(r.node.pricePerHour, INSTANCE_TYPES["m6i.large"].pricePerHour);
    assert.match(r.notes[0], /every price is a built-in default/);
  });

  it("overrides only the keys it sets, and merges an instance type over the built-in one", () => {
    const prices = resolvePrices({
      eks: { standardPerHour: 0.09 },
      network: { natGatewayPerHour: 0.05 },
      nodes: { instances: { "m6i.large": { pricePerHour: 0.07 } } },
    });
    assert.equal(prices.eks.standardPerHour, 0.09);
    assert.equal(prices.eks.extendedPerHour, 0.6);
    assert.equal(prices.network.natGatewayPerHour, 0.05);
    assert.equal(prices.network.loadBalancerPerHour, 0.0225);
    assert.deepEqual(prices.nodes.instances["m6i.large"], {
      vcpu: 2,
      memoryGiB: 8,
      maxPods: 29,
      pricePerHour: 0.07,
    });
    assert.deepEqual(prices.systemPods.metricsAgents, METRICS_AGENTS);
  });

  it("prices a node group of a type it does not know once the stack gives its size and price", () => {
    const r = report(
      {
        nodes: {
          instances: { "x9.large": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.2 } },
        },
      },
      { nodeGroup: { instanceTypes: ["x9.large"], minSize: 2, desiredSize: 2, maxSize: 4 } },
    );
    assert.equal(r.node.instanceType, "x9.large");
    // 0.2 x 730 + 50 GiB x 0.08 = 146 + 4
    assert.equal(r.node.pricePerMonth, 150);
    // 4000m - (60 + 10 + 2 x 5)m; 16384Mi - (255 + 11 x 58 + 100)Mi
    assert.deepEqual(r.node.allocatable, { cpuMilli: 3920, memoryMiB: 15391 });
  });

  it("replaces the metrics agents with the stack's list ([] for none)", () => {
    const r = report({ systemPods: { metricsAgents: [] } });
    assert.deepEqual(
      r.systemPods.map((p) => p.name).filter((n) => !n.startsWith("kyverno")),
      ["coredns", "kube-proxy", "aws-node"],
    );
  });

  // Each row breaks one field; the message names the field as written in the stack file, shows
  // the bad value and says what to write instead.
  const invalid: {
    why: string;
    costs: unknown;
    overrides?: Record<string, unknown>;
    field: string;
    shows: RegExp;
  }[] = [
    {
      why: "a negative price",
      costs: { eks: { standardPerHour: -0.1 } },
      field: "active-active:costs.eks.standardPerHour",
      shows: /-0\.1 is below 0; a price per cluster-hour is 0 or more, e.g\. 0\.10/,
    },
    {
      why: "a price written as text",
      costs: { network: { natGatewayPerHour: "$0.045" } },
      field: "active-active:costs.network.natGatewayPerHour",
      shows:
        /expected a number, got "\$0\.045"; write the price per NAT-gateway-hour as a plain number/,
    },
    {
      why: "extended support cheaper than standard",
      costs: { eks: { standardPerHour: 0.6, extendedPerHour: 0.1 } },
      field: "active-active:costs.eks.extendedPerHour",
      shows: /0\.1 is below eks\.standardPerHour 0\.6/,
    },
    {
      why: "an unknown support tier",
      costs: { eks: { support: "premium" } },
      field: "active-active:costs.eks.support",
      shows: /"premium" is not allowed; use one of "auto", "standard", "extended"/,
    },
    {
      why: "a support date that is not a date",
      costs: { eks: { standardSupportEnds: { "1.37": "2027-02-30" } } },
      field: "active-active:costs.eks.standardSupportEnds.1.37",
      shows: /"2027-02-30" is not a date; write it as "YYYY-MM-DD"/,
    },
    {
      why: "zero hours per month",
      costs: { hoursPerMonth: 0 },
      field: "active-active:costs.hoursPerMonth",
      shows: /0 is not above 0; hours billed per month \(AWS uses 730\)/,
    },
    {
      why: "a misspelt key",
      costs: { network: { natGatewayPerHr: 0.045 } },
      field: "active-active:costs.network.natGatewayPerHr",
      shows: /unknown key "natGatewayPerHr"; did you mean "natGatewayPerHour"\?/,
    },
    {
      why: "a bad instance size",
      costs: { nodes: { instances: { "m6i.large": { vcpu: 0 } } } },
      field: "active-active:costs.nodes.instances.m6i.large.vcpu",
      shows: /0 is not above 0; the instance type's vCPUs/,
    },
    {
      why: "a metrics agent with a bad quantity",
      costs: {
        systemPods: {
          metricsAgents: [{ name: "agent", kind: "DaemonSet", cpu: "lots", memory: "1Gi" }],
        },
      },
      field: "active-active:costs.systemPods.metricsAgents[0].cpu",
      shows: /"lots" is not a Kubernetes CPU quantity; write it like "100m"/,
    },
    {
      why: "replicas on a DaemonSet agent",
      costs: {
        systemPods: {
          metricsAgents: [
            { name: "agent", kind: "DaemonSet", replicas: 2, cpu: "1", memory: "1Gi" },
          ],
        },
      },
      field: "active-active:costs.systemPods.metricsAgents[0].replicas",
      shows: /2 has no effect on a DaemonSet/,
    },
    {
      why: "the same agent twice",
      costs: {
        systemPods: {
          metricsAgents: [
            { name: "agent", kind: "DaemonSet", cpu: "1", memory: "1Gi" },
            { name: "agent", kind: "Deployment", cpu: "1", memory: "1Gi" },
          ],
        },
      },
      field: "active-active:costs.systemPods.metricsAgents[1].name",
      shows: /"agent" is already the name of systemPods\.metricsAgents\[0\]/,
    },
    {
      why: "a node group type missing from the table",
      costs: undefined,
      overrides: {
        nodeGroup: { instanceTypes: ["x9.large"], minSize: 2, desiredSize: 2, maxSize: 4 },
      },
      field: "active-active:costs.nodes.instances.x9.large",
      shows:
        /"x9\.large" \(nodeGroup\.instanceTypes\[0\]\) is not in the built-in instance table; give its size and price, e\.g\. costs\.nodes\.instances: \{"x9\.large": \{vcpu: 2/,
    },
    {
      why: "an unknown type given only a price",
      costs: { nodes: { instances: { "x9.large": { pricePerHour: 0.1 } } } },
      overrides: {
        nodeGroup: { instanceTypes: ["x9.large"], minSize: 2, desiredSize: 2, maxSize: 4 },
      },
      field: "active-active:costs.nodes.instances.x9.large",
      shows: /and vcpu, memoryGiB, maxPods are missing/,
    },
  ];
  for (const row of invalid) {
    it(`rejects ${row.why}, naming the field and the fix`, () => {
      const message = rejection(row.costs, row.overrides);
      const line = message.split("\n").find((l) => l.includes(`${row.field}:`));
      assert.ok(line, `no problem for ${row.field} in:\n${message}`);
      assert.match(line, row.shows);
    });
  }

  it("keeps the price table out of every cluster's generation", () => {
    const plain = parseEnvironment("test", environmentFixture(), "t");
    const priced = parseEnvironment(
      "test",
      environmentFixture({ costs: { hoursPerMonth: 720 } }),
      "t",
    );
    assert.deepEqual(
      planClusters(priced.config).map((c) => c.generation),
      planClusters(plain.config).map((c) => c.generation),
    );
  });

  it("lists in docs/cost.md exactly the built-in instance types and EKS calendar", () => {
    const docs = fs.readFileSync(path.join(ROOT, "docs", "cost.md"), "utf8").replace(/\s+/g, " ");
    const documented = Object.fromEntries(
      [...docs.matchAll(/([a-z0-9]+\.[a-z0-9]+) (\d+)\/(\d+)\/(\d+)\/(\d+(?:\.\d+)?)/g)].map(
        (m) => [m[1], { vcpu: +m[2], memoryGiB: +m[3], maxPods: +m[4], pricePerHour: +m[5] }],
      ),
    );
    assert.deepEqual(documented, INSTANCE_TYPES);
    const calendar = Object.fromEntries(
      [...docs.matchAll(/(1\.\d+): (\d{4}-\d{2}-\d{2})/g)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(calendar, EKS_STANDARD_SUPPORT_ENDS);
  });
});
