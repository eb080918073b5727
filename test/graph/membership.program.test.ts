import * as assert from "node:assert/strict";
import { clusterMembership, type Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { runOffline } from "../../automation/offline/evaluate";
import { foreignProgram } from "../_foreignProgram";
import { sharedDatabaseProgram, type DatabasePlacement } from "../_sharedDatabaseProgram";

describe("clusterMembership on a program that does not use our components", () => {
  let nodes: ResourceNode[];
  let membership: Membership;
  const owner = (type: string, name: string) => {
    const node = nodes.find((n) => n.type === type && n.name === name);
    assert.ok(node, `the program registers ${type} ${name}`);
    const cluster = membership.clusterOf.get(node.urn);
    const found = membership.clusters.find((c) => c.urn === cluster);
    return [found?.name ?? null, membership.reason.get(node.urn)];
  };

  before(async () => {
    const run = await runOffline({
      project: "acme",
      stack: "prod",
      config: { "aws:region": "us-east-1" },
      program: foreignProgram,
    });
    assert.equal(run.error, undefined);
    nodes = run.resources;
    membership = clusterMembership(nodes);
  });

  it("finds both raw aws.eks.Cluster resources as clusters", () => {
    assert.deepEqual(
      membership.clusters.map((c) => c.name),
      ["east", "west"],
    );
  });

  it("places each resource by the graph alone", () => {
    assert.deepEqual(owner("aws:eks/cluster:Cluster", "east"), ["east", "is-cluster"]);
    // Cluster east is created in its subnet, which is in its VPC: what east is built on.
    assert.deepEqual(owner("aws:ec2/subnet:Subnet", "east-subnet"), ["east", "built-on"]);
    assert.deepEqual(owner("aws:ec2/vpc:Vpc", "east-vpc"), ["east", "built-on"]);
    // Inside a component that holds exactly one cluster.
    assert.deepEqual(owner("aws:kms/key:Key", "west-key"), ["west", "in-cell"]);
    // Providers whose kubeconfig comes from one cluster, and what they deploy.
    assert.deepEqual(owner("pulumi:providers:kubernetes", "east"), ["east", "depends-on"]);
    assert.deepEqual(owner("kubernetes:apps/v1:Deployment", "west-shop"), ["west", "provider"]);
    // A DNS record pointing at one cluster's load balancer is inside that cluster's blast radius.
    assert.deepEqual(owner("aws:route53/record:Record", "www"), ["east", "depends-on"]);
  });

  it("keeps what several clusters use, what none uses, and ambient Kubernetes resources environment-level", () => {
    assert.deepEqual(owner("aws:dynamodb/table:Table", "sessions"), [null, "environment"]);
    assert.deepEqual(owner("aws:s3/bucket:Bucket", "logs"), [null, "environment"]);
    assert.deepEqual(owner("kubernetes:core/v1:ConfigMap", "stray"), [null, "environment"]);
  });
});

describe("clusterMembership on a program with one database both clusters use", () => {
  /** The cluster (by name) and reason of each named resource, after running the program offline. */
  async function placed(placement: DatabasePlacement, names: [string, string][]) {
    const run = await runOffline({
      project: "acme",
      stack: "prod",
      config: { "aws:region": "us-east-1" },
      program: sharedDatabaseProgram(placement),
    });
    assert.equal(run.error, undefined, String(run.error));
    const m = clusterMembership(run.resources);
    return Object.fromEntries(
      names.map(([type, name]) => {
        const node = run.resources.find((n) => n.type === type && n.name === name);
        assert.ok(node, `the program registers ${type} ${name}`);
        const cluster = m.clusters.find((c) => c.urn === m.clusterOf.get(node.urn));
        return [name, [cluster?.name ?? null, m.reason.get(node.urn)]];
      }),
    );
  }
  const SUBNET = "aws:ec2/subnet:Subnet";
  const DB = "aws:rds/instance:Instance";

  it("keeps a's network its own when the database sits in a's subnets, and puts the database in a", async () => {
    assert.deepEqual(
      await placed("subnet", [
        ["aws:ec2/vpc:Vpc", "a"],
        [SUBNET, "a-private-0"],
        ["aws:ec2/securityGroup:SecurityGroup", "a-nodes"],
        ["aws:iam/role:Role", "a-cluster"],
        ["aws:rds/subnetGroup:SubnetGroup", "orders"],
        [DB, "orders"],
        ["kubernetes:apps/v1:Deployment", "b-shop"],
      ]),
      {
        a: ["a", "built-on"],
        "a-private-0": ["a", "built-on"],
        "a-nodes": ["a", "built-on"],
        "a-cluster": ["a", "built-on"],
        orders: ["a", "depends-on"], // the subnet group and the database: inside a's blast radius
        "b-shop": ["b", "provider"],
      },
    );
  });

  it("keeps a's key its own when the database is encrypted with it", async () => {
    assert.deepEqual(
      await placed("key", [
        ["aws:kms/key:Key", "a-secrets"],
        [SUBNET, "data-0"],
        [DB, "orders"],
      ]),
      {
        "a-secrets": ["a", "built-on"],
        "data-0": ["a", "used-by"], // the database's own subnets: only a's database uses them
        orders: ["a", "depends-on"],
      },
    );
  });

  it("leaves a VPC both clusters are built on, and a database in it, environment-level", async () => {
    assert.deepEqual(
      await placed("shared-vpc", [
        ["aws:ec2/vpc:Vpc", "shared"],
        [SUBNET, "a-private-0"],
        [SUBNET, "b-private-0"],
        [DB, "orders"],
      ]),
      {
        shared: [null, "environment"],
        "a-private-0": ["a", "built-on"],
        "b-private-0": ["b", "built-on"],
        orders: [null, "environment"],
      },
    );
  });
});
