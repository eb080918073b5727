import * as assert from "node:assert/strict";
import { costReport } from "../../../automation/cost/compute";
import { LINE_ITEMS, type CostReport, type LayoutCost } from "../../../automation/cost/model";
import { renderCostReport } from "../../../automation/cost/render";
import { ConfigError } from "../../../config/errors";
import { parseEnvironment } from "../../../config/load";
import { clusterFixture, environmentFixture } from "../../_fixtures";

/**
 * The fixture environment (3 clusters of m6i.large, 2 AZs with one NAT gateway each, one service
 * with one hostname) with cluster c in us-west-2 and the stack in us-east-1.
 */
const twoRegions = (costs?: unknown): CostReport =>
  costReport({
    environment: parseEnvironment(
      "test",
      environmentFixture({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("b", 1),
          clusterFixture("c", 2, { region: "us-west-2" }),
        ],
        ...(costs ? { costs } : {}),
      }),
      "test stack",
    ),
    asOf: "2026-03-01",
    source: "test stack",
    region: "us-east-1",
  });

const oneRegion = (): CostReport =>
  costReport({
    environment: parseEnvironment("test", environmentFixture(), "test stack"),
    asOf: "2026-03-01",
    source: "test stack",
    region: "us-east-1",
  });

/** us-west-2 dearer: NAT 0.095 + IPv4 0.005 = 0.10/h ($73 a month); m6i.large 0.10/h ($77 a node-month). */
const WEST = {
  regions: {
    "us-west-2": {
      network: { natGatewayPerHour: 0.095 },
      nodes: { instances: { "m6i.large": { pricePerHour: 0.1 } } },
    },
  },
};

const layout = (r: CostReport, label: string) => r.layouts.find((l) => l.label === label)!;

/** A layout's bill from its parts: what AWS would charge, cluster by cluster at its region's prices. */
function bill(l: LayoutCost, r: CostReport): number {
  const month = (region: string | undefined) =>
    r.regions.find((p) => p.region === (region ?? null))?.node.pricePerMonth ??
    r.node.pricePerMonth;
  const items = LINE_ITEMS.filter(
    (k) => !["systemPods", "drainHeadroom", "nodeRounding"].includes(k),
  ).map((k) => l.items[k].monthly);
  const nodes = l.perCluster.map((c) => c.nodes * month(c.region));
  return Math.round([...items, ...nodes].reduce((a, b) => a + b, 0) * 100) / 100;
}

describe("aa cost with clusters in several regions", () => {
  it("prices every region with the environment's table when the stack has no row for it, and says so", () => {
    const r = twoRegions();
    assert.deepEqual(
      r.regions.map((p) => [p.region, p.clusters, p.table, p.node.pricePerMonth]),
      [
        ["us-east-1", ["a", "b"], "environment", 74.08],
        ["us-west-2", ["c"], "environment", 74.08],
      ],
    );
    assert.ok(
      r.notes.includes(
        'cluster c runs in us-west-2, priced with the built-in us-east-1 prices: active-active:costs.regions has no row for us-west-2; add costs.regions."us-west-2" with that region\'s prices',
      ),
      r.notes.join("\n"),
    );
    // The same prices everywhere: the same numbers as one region.
    const same = oneRegion();
    for (const label of ["N-1", "N", "N+1"]) {
      const [a, b] = [layout(r, label), layout(same, label)];
      assert.deepEqual(
        LINE_ITEMS.map((k) => a.items[k]),
        LINE_ITEMS.map((k) => b.items[k]),
        label,
      );
    }
    assert.deepEqual(
      layout(r, "N").perCluster.map((c) => c.region),
      ["us-east-1", "us-east-1", "us-west-2"],
    );
  });

  it("prices each cluster with its region's row, merged over the environment's table", () => {
    const r = twoRegions(WEST);
    assert.deepEqual(
      r.regions.map((p) => [p.region, p.table, p.prices.network.natGatewayPerHour, p.node]),
      [
        ["us-east-1", "environment", 0.045, { pricePerHour: 0.096, pricePerMonth: 74.08 }],
        ["us-west-2", "region", 0.095, { pricePerHour: 0.1, pricePerMonth: 77 }],
      ],
    );
    const n = layout(r, "N");
    // a and b: 2 x 1 NAT x (0.045 + 0.005) x 730 = 73.00; c: 1 x (0.095 + 0.005) x 730 = 73.00.
    assert.equal(n.items.natGateways.monthly, 146);
    assert.equal(
      n.items.natGateways.detail,
      "2 cluster(s) in us-east-1 x 1 NAT gateway(s) x (0.045 + 0.005 IPv4)/h x 730 h + " +
        "1 cluster(s) in us-west-2 x 1 NAT gateway(s) x (0.095 + 0.005 IPv4)/h x 730 h",
    );
    // One cluster serving everything runs in the stack's region, at its prices.
    assert.equal(r.single.items.natGateways.monthly, 36.5);
    assert.equal(n.items.natGateways.overhead, 109.5);
    // Every layout's total is its bill, cluster by cluster at its region's prices.
    for (const l of [r.single, ...r.layouts]) {
      assert.equal(l.monthly, bill(l, r), `${l.label} total`);
    }
    assert.ok(
      !r.notes.some((note) => note.includes("no row for us-west-2")),
      "us-west-2 has its row",
    );
    assert.match(
      renderCostReport(r, "test stack"),
      /Prices by region: us-east-1 \(a, b\): the environment's prices, nodes \$74\.08\/month; us-west-2 \(c\): costs\.regions\.us-west-2, nodes \$77\.00\/month/,
    );
  });

  it("says nothing about regions when every cluster runs in the stack's region", () => {
    const r = oneRegion();
    assert.deepEqual(
      r.regions.map((p) => [p.region, p.clusters]),
      [["us-east-1", ["a", "b", "c"]]],
    );
    assert.doesNotMatch(renderCostReport(r, "test stack"), /Prices by region/);
  });

  it("validates a region's row: the region's name, its keys, its EKS rates", () => {
    const rejection = (regions: unknown) => {
      try {
        parseEnvironment("test", environmentFixture({ costs: { regions } }), "test stack");
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.message;
      }
      assert.fail("accepted");
    };
    assert.match(
      rejection({ "US-West-2": { network: { natGatewayPerHour: 0.05 } } }),
      /"US-West-2" is not an AWS region name/,
    );
    assert.match(
      rejection({ "us-west-2": { network: { healthCheckPerMonth: 0.5 } } }),
      /active-active:costs\.regions\.us-west-2\.network\.healthCheckPerMonth: unknown key "healthCheckPerMonth"/,
    );
    assert.match(
      rejection({ "us-west-2": { nodes: { instances: { "m6i.large": { vcpu: 4 } } } } }),
      /unknown key "vcpu"/,
    );
    assert.match(
      rejection({ "us-west-2": { eks: { standardPerHour: 0.1, extendedPerHour: 0.05 } } }),
      /active-active:costs\.regions\.us-west-2\.eks\.extendedPerHour: 0\.05 is below regions\.us-west-2\.eks\.standardPerHour 0\.1/,
    );
  });
});
