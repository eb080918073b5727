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

  /** An "orders" database outside the cells, in a subnet group of cluster a's subnet. */
  const ordersInSubnetOfA = (env: ReturnType<typeof environmentGraph>, users: string[]) => {
    const { g, clusters } = env;
    const group = g.add({
      type: "aws:rds/subnetGroup:SubnetGroup",
      name: "orders",
      uses: { subnetIds: [clusters.a.subnet] },
    });
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "orders",
      uses: { dbSubnetGroupName: [group] },
      inputs: { multiAz: true },
    });
    for (const c of users) {
      clusters[c].deployment.propertyDependencies.spec = [db.urn];
      clusters[c].deployment.dependencies.push(db.urn);
    }
    return db;
  };

  it("rejects a database in cluster a's subnet that every cluster uses, once, naming a's subnet", () => {
    const env = environmentGraph();
    const db = ordersInSubnetOfA(env, ["a", "b", "c"]);
    assertOneFinding(
      check(noSharedSingleClusterDependency, env.nodes),
      db.urn,
      /aws.rds.Instance "orders" depends on cluster "a"'s aws.ec2.Subnet "prod-a-private-0" \(through aws.rds.SubnetGroup "orders"\), yet clusters "a", "b" and "c" use it: a shared dependency on one cluster/,
      /Give each cluster its own aws.rds.Instance, on that cluster's own network and key, or put it on shared infrastructure outside every cluster/,
    );
  });

  it("rejects it when only another cluster uses it", () => {
    const env = environmentGraph();
    const db = ordersInSubnetOfA(env, ["b"]);
    assertOneFinding(
      check(noSharedSingleClusterDependency, env.nodes),
      db.urn,
      /depends on cluster "a"'s aws.ec2.Subnet "prod-a-private-0" .*, yet cluster "b" uses it/,
    );
  });

  it("rejects a table encrypted with cluster a's key that cluster b uses", () => {
    const { g, nodes, clusters } = environmentGraph();
    const key = g.find("aws:kms/key:Key", "prod-a-secrets");
    const table = g.add({
      type: "aws:dynamodb/table:Table",
      name: "sessions",
      uses: { serverSideEncryption: [key] },
    });
    clusters.b.deployment.propertyDependencies.spec = [table.urn];
    assertOneFinding(
      check(noSharedSingleClusterDependency, nodes),
      table.urn,
      /aws.dynamodb.Table "sessions" depends on cluster "a"'s aws.kms.Key "prod-a-secrets", yet cluster "b" uses it/,
    );
  });

  it("passes a database only cluster a uses, and one on shared infrastructure", () => {
    const env = environmentGraph();
    ordersInSubnetOfA(env, ["a"]);
    const shared = env.g.add({ type: "aws:rds/instance:Instance", name: "shared" });
    for (const c of ["a", "b", "c"]) {
      env.clusters[c].hpa.propertyDependencies.metrics = [shared.urn];
    }
    assert.deepEqual(check(noSharedSingleClusterDependency, env.nodes), []);
  });

  it("leaves the shared dependency out when its type is in ignoreTypes", () => {
    const env = environmentGraph();
    ordersInSubnetOfA(env, ["a", "b", "c"]);
    assert.deepEqual(
      check(noSharedSingleClusterDependency, env.nodes, {
        ignoreTypes: ["aws:rds/instance:Instance"],
      }),
      [],
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
