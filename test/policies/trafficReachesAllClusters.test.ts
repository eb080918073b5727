import * as assert from "node:assert/strict";
import { trafficReachesAllClusters } from "../../policies/trafficReachesAllClusters";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

const weights = (n: { inputs: Record<string, unknown> }) =>
  n.inputs.weightedRoutingPolicies as { weight: number }[];

describe("traffic-reaches-all-clusters", () => {
  it("is mandatory and passes one health-checked weighted record per cluster", () => {
    assert.equal(trafficReachesAllClusters.enforcementLevel, "mandatory");
    assert.deepEqual(check(trafficReachesAllClusters, environmentGraph().nodes), []);
  });

  it("rejects a hostname with no record for one cluster", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.remove(clusters.c.record);
    assertOneFinding(
      check(trafficReachesAllClusters, nodes),
      clusters.a.record.urn,
      /hostname "www.example.com" has weighted records for cluster\(s\) "a" and "b" but none for "c"/,
      /Add one weighted record per missing cluster/,
    );
  });

  it("rejects a record without a health check", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.b.record.inputs.healthCheckId;
    assertOneFinding(
      check(trafficReachesAllClusters, nodes),
      clusters.b.record.urn,
      /sends hostname "www.example.com" traffic to cluster "b" without a health check/,
      /set healthCheckId/,
    );
  });

  it("rejects a health check that watches another cluster", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.record.propertyDependencies.healthCheckId = [clusters.a.healthCheck.urn];
    assertOneFinding(
      check(trafficReachesAllClusters, nodes),
      clusters.b.record.urn,
      /to cluster "b" but its health check aws.route53.HealthCheck "www.example.com-a" watches cluster "a"/,
    );
  });

  it("rejects a record that is not weighted", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.a.record.inputs.weightedRoutingPolicies;
    assertOneFinding(
      check(trafficReachesAllClusters, nodes),
      clusters.a.record.urn,
      /aws.route53.Record "www.example.com-a" for hostname "www.example.com" is not a weighted record/,
    );
  });

  it("rejects two clusters drained at once, and allows one", () => {
    const { nodes, clusters } = environmentGraph();
    weights(clusters.a.record)[0].weight = 0;
    assert.deepEqual(check(trafficReachesAllClusters, nodes), []);
    weights(clusters.c.record)[0].weight = 0;
    assertOneFinding(
      check(trafficReachesAllClusters, nodes),
      clusters.a.record.urn,
      /sends no traffic \(weight 0\) to 2 clusters \("a" and "c"\); at most 1 may be drained/,
    );
  });

  it("rejects one record that sends traffic to several clusters", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.a.record.propertyDependencies.records = [
      clusters.a.service.urn,
      clusters.b.service.urn,
    ];
    clusters.a.record.dependencies.push(clusters.b.service.urn);
    const findings = check(trafficReachesAllClusters, nodes);
    assert.ok(
      findings.some((f) =>
        /sends traffic to clusters "a" and "b" through one record/.test(f.message),
      ),
      findings.map((f) => f.message).join("\n"),
    );
  });

  it("does not fail on a weight not known yet", () => {
    const { nodes, clusters } = environmentGraph();
    (clusters.a.record.inputs.weightedRoutingPolicies as unknown[])[0] = {
      weight: "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    };
    assert.deepEqual(check(trafficReachesAllClusters, nodes), []);
  });
});
