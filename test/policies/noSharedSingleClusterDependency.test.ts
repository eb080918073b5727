import * as assert from "node:assert/strict";
import { noSharedSingleClusterDependency } from "../../policies/noSharedSingleClusterDependency";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

describe("no-shared-single-cluster-dependency", () => {
  it("is mandatory and passes when environment-level resources treat clusters alike", () => {
    assert.equal(noSharedSingleClusterDependency.enforcementLevel, "mandatory");
    assert.deepEqual(check(noSharedSingleClusterDependency, environmentGraph().nodes), []);
  });

  it("rejects a load balancer whose target list has two of three clusters", () => {
    const { g, nodes, clusters } = environmentGraph();
    const lb = g.add({
      type: "aws:lb/targetGroup:TargetGroup",
      name: "shared-web",
      uses: { targets: [clusters.a.service, clusters.b.service] },
    });
    assertOneFinding(
      check(noSharedSingleClusterDependency, nodes),
      lb.urn,
      /aws.lb.TargetGroup "shared-web" is shared by clusters "a" and "b" but not by "c"/,
      /Include every cluster in it, or replace it with one per cluster/,
    );
  });

  it("passes a load balancer that lists every cluster", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.add({
      type: "aws:lb/targetGroup:TargetGroup",
      name: "shared-web",
      uses: { targets: ["a", "b", "c"].map((c) => clusters[c].service) },
    });
    assert.deepEqual(check(noSharedSingleClusterDependency, nodes), []);
  });

  it("rejects one cluster's database endpoint published in the environment's shared config", () => {
    const { g, nodes, clusters } = environmentGraph();
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "orders-db",
      parent: clusters.a.cell,
      uses: { dbSubnetGroupName: [clusters.a.subnet] },
    });
    // Shared config: every cluster's entry point plus cluster a's database.
    g.add({
      type: "aws:ssm/parameter:Parameter",
      name: "shared-config",
      uses: {
        value: [clusters.a.service, clusters.b.service, clusters.c.service, db],
      },
    });
    assertOneFinding(
      check(noSharedSingleClusterDependency, nodes),
      db.urn,
      /aws.rds.Instance "orders-db" belongs to cluster "a" alone, but aws.ssm.Parameter "shared-config", which serves every cluster, uses it/,
      /"b" and "c" have no aws.rds.Instance of their own/,
    );
  });

  it("ignores the types listed in ignoreTypes", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.add({
      type: "aws:lb/targetGroup:TargetGroup",
      name: "shared-web",
      uses: { targets: [clusters.a.service, clusters.b.service] },
    });
    assert.deepEqual(
      check(noSharedSingleClusterDependency, nodes, {
        ignoreTypes: ["aws:lb/targetGroup:TargetGroup"],
      }),
      [],
    );
  });
});
