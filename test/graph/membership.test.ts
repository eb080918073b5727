import * as assert from "node:assert/strict";
import { clusterMembership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";

/** A resource in a hand-written graph; URNs are short for readability. */
function node(urn: string, type: string, more: Partial<ResourceNode> = {}): ResourceNode {
  return {
    urn,
    type,
    name: urn,
    custom: !type.startsWith("my:"),
    dependencies: [],
    propertyDependencies: {},
    inputs: {},
    ...more,
  };
}

const owners = (nodes: ResourceNode[]) => {
  const m = clusterMembership(nodes);
  const names = new Map(m.clusters.map((c) => [c.urn, c.name]));
  return Object.fromEntries(nodes.map((n) => [n.urn, names.get(m.clusterOf.get(n.urn) ?? "")]));
};

describe("clusterMembership", () => {
  it("places a flat program's resources by dependencies and providers alone", () => {
    // No components, no naming convention: two raw EKS clusters and what hangs off them.
    const nodes = [
      node("vpc1", "aws:ec2/vpc:Vpc"),
      node("vpc2", "aws:ec2/vpc:Vpc"),
      node("eks1", "aws:eks/cluster:Cluster", { dependencies: ["vpc1"] }),
      node("eks2", "aws:eks/cluster:Cluster", { dependencies: ["vpc2"] }),
      node("k1", "pulumi:providers:kubernetes", { propertyDependencies: { kubeconfig: ["eks1"] } }),
      node("k2", "pulumi:providers:kubernetes", { propertyDependencies: { kubeconfig: ["eks2"] } }),
      node("deploy1", "kubernetes:apps/v1:Deployment", { provider: "k1" }),
      node("deploy2", "kubernetes:apps/v1:Deployment", { provider: "k2" }),
      node("svc1", "kubernetes:core/v1:Service", { provider: "k1" }),
      node("rec1", "aws:route53/record:Record", { dependencies: ["svc1"] }),
      node("zone", "aws:route53/zone:Zone"),
      node("db", "aws:rds/instance:Instance"),
      node("cfg", "aws:ssm/parameter:Parameter", { dependencies: ["eks1", "eks2"] }),
    ];
    assert.deepEqual(owners(nodes), {
      vpc1: "eks1", // eks1 is built on it
      vpc2: "eks2",
      eks1: "eks1",
      eks2: "eks2",
      k1: "eks1",
      k2: "eks2",
      deploy1: "eks1",
      deploy2: "eks2",
      svc1: "eks1",
      rec1: "eks1", // points at cluster 1's load balancer: inside its blast radius
      zone: undefined, // reaches no cluster
      db: undefined,
      cfg: undefined, // reaches two clusters: environment-level
    });
  });

  describe("what a cluster is built on", () => {
    /** Two raw clusters, each created in its own subnet of its own VPC with its own key. */
    const twoClusters = () => [
      node("vpcA", "aws:ec2/vpc:Vpc"),
      node("subnetA", "aws:ec2/subnet:Subnet", { dependencies: ["vpcA"] }),
      node("keyA", "aws:kms/key:Key"),
      node("eksA", "aws:eks/cluster:Cluster", {
        dependencies: ["subnetA", "keyA"],
        propertyDependencies: { vpcConfig: ["subnetA"], encryptionConfig: ["keyA"] },
      }),
      node("vpcB", "aws:ec2/vpc:Vpc"),
      node("subnetB", "aws:ec2/subnet:Subnet", { dependencies: ["vpcB"] }),
      node("eksB", "aws:eks/cluster:Cluster", { dependencies: ["subnetB"] }),
      node("kA", "pulumi:providers:kubernetes", { dependencies: ["eksA"] }),
      node("kB", "pulumi:providers:kubernetes", { dependencies: ["eksB"] }),
    ];
    /** Each cluster's Deployment using `db`. */
    const usedByBoth = (db: string) => [
      node("shopA", "kubernetes:apps/v1:Deployment", { provider: "kA", dependencies: [db] }),
      node("shopB", "kubernetes:apps/v1:Deployment", { provider: "kB", dependencies: [db] }),
    ];

    it("keeps a cluster's subnet, VPC and key its own when a database both clusters use sits in them", () => {
      const nodes = [
        ...twoClusters(),
        node("dbSubnets", "aws:rds/subnetGroup:SubnetGroup", { dependencies: ["subnetA"] }),
        node("db", "aws:rds/instance:Instance", { dependencies: ["dbSubnets", "keyA"] }),
        ...usedByBoth("db"),
      ];
      const m = clusterMembership(nodes);
      const placed = (urn: string) => [m.clusterOf.get(urn), m.reason.get(urn)];
      assert.deepEqual(placed("subnetA"), ["eksA", "built-on"]);
      assert.deepEqual(placed("vpcA"), ["eksA", "built-on"]);
      assert.deepEqual(placed("keyA"), ["eksA", "built-on"]);
      // What stands on them is inside a's blast radius: a's, though b uses it too.
      assert.deepEqual(placed("dbSubnets"), ["eksA", "depends-on"]);
      assert.deepEqual(placed("db"), ["eksA", "depends-on"]);
      assert.deepEqual([...(m.reaches.get("db") ?? [])], ["eksA"]);
      assert.deepEqual(placed("shopB"), ["eksB", "provider"]);
    });

    it("places a database encrypted with one cluster's key in that cluster", () => {
      const nodes = [
        ...twoClusters(),
        node("db", "aws:rds/instance:Instance", { propertyDependencies: { kmsKeyId: ["keyA"] } }),
        ...usedByBoth("db"),
      ];
      const m = clusterMembership(nodes);
      assert.deepEqual([m.clusterOf.get("keyA"), m.reason.get("keyA")], ["eksA", "built-on"]);
      assert.deepEqual([m.clusterOf.get("db"), m.reason.get("db")], ["eksA", "depends-on"]);
    });

    it("leaves a VPC two clusters are built on, and a database in it, environment-level", () => {
      const nodes = [
        node("vpc", "aws:ec2/vpc:Vpc"),
        node("subnetA", "aws:ec2/subnet:Subnet", { dependencies: ["vpc"] }),
        node("subnetB", "aws:ec2/subnet:Subnet", { dependencies: ["vpc"] }),
        node("subnetDb", "aws:ec2/subnet:Subnet", { dependencies: ["vpc"] }),
        node("eksA", "aws:eks/cluster:Cluster", { dependencies: ["subnetA"] }),
        node("eksB", "aws:eks/cluster:Cluster", { dependencies: ["subnetB"] }),
        node("kA", "pulumi:providers:kubernetes", { dependencies: ["eksA"] }),
        node("kB", "pulumi:providers:kubernetes", { dependencies: ["eksB"] }),
        node("db", "aws:rds/instance:Instance", { dependencies: ["subnetDb"] }),
        ...usedByBoth("db"),
      ];
      const m = clusterMembership(nodes);
      assert.deepEqual(owners(nodes), {
        vpc: undefined, // shared infrastructure
        subnetA: "eksA",
        subnetB: "eksB",
        subnetDb: undefined,
        eksA: "eksA",
        eksB: "eksB",
        kA: "eksA",
        kB: "eksB",
        db: undefined,
        shopA: "eksA",
        shopB: "eksB",
      });
      assert.equal(m.reason.get("vpc"), "environment");
      assert.deepEqual([...(m.reaches.get("db") ?? [])], []);
    });

    it("keeps a node group of cluster b in a's subnet b's: the cluster it depends on decides", () => {
      const nodes = [
        ...twoClusters(),
        node("nodesB", "aws:eks/nodeGroup:NodeGroup", {
          propertyDependencies: { clusterName: ["eksB"], subnetIds: ["subnetA"] },
        }),
      ];
      const m = clusterMembership(nodes);
      assert.deepEqual([m.clusterOf.get("nodesB"), m.reason.get("nodesB")], ["eksB", "depends-on"]);
      assert.deepEqual([...(m.reaches.get("nodesB") ?? [])], ["eksB", "eksA"]);
      assert.equal(m.clusterOf.get("subnetA"), "eksA", "a's subnet stays a's");
    });

    it("never counts a provider as built on a cluster, nor what the rest of a cell uses", () => {
      const nodes = [
        node("env", "my:Environment"),
        // The stack's provider: only cluster a is in the stack's region, b has its own.
        node("default", "pulumi:providers:aws"),
        node("cellA", "my:Cell", { parent: "env" }),
        node("eksA", "aws:eks/cluster:Cluster", { parent: "cellA", provider: "default" }),
        node("cellB", "my:Cell", { parent: "env" }),
        node("awsB", "pulumi:providers:aws", { parent: "cellB" }),
        node("eksB", "aws:eks/cluster:Cluster", { parent: "cellB", provider: "awsB" }),
        // The environment's hosted zone, named by a DNS policy in a's cell.
        node("zone", "aws:route53/zone:Zone", { parent: "env", provider: "default" }),
        node("dnsA", "aws:iam/policy:Policy", { parent: "cellA", dependencies: ["zone"] }),
        node("config", "aws:ssm/parameter:Parameter", {
          parent: "env",
          provider: "default",
          dependencies: ["zone"],
        }),
      ];
      assert.deepEqual(owners(nodes), {
        env: undefined,
        default: undefined,
        cellA: "eksA",
        eksA: "eksA",
        cellB: "eksB",
        awsB: "eksB",
        eksB: "eksB",
        zone: undefined,
        dnsA: "eksA",
        config: undefined,
      });
    });
  });

  it("names a cluster by its active-active/cluster tag when it has one", () => {
    const m = clusterMembership([
      node("eks1", "eks:index:Cluster", { inputs: { tags: { "active-active/cluster": "a" } } }),
    ]);
    assert.deepEqual(m.clusters, [{ urn: "eks1", name: "a" }]);
  });

  it("puts descendants of an EKS cluster component in that cluster", () => {
    const nodes = [
      node("eks1", "eks:index:Cluster"),
      node("role", "aws:iam/role:Role", { parent: "eks1" }),
      node("inner", "aws:eks/cluster:Cluster", { parent: "eks1" }),
    ];
    const m = clusterMembership(nodes);
    assert.equal(m.clusters.length, 1, "a raw cluster inside the component is the same cluster");
    assert.deepEqual(owners(nodes), { eks1: "eks1", role: "eks1", inner: "eks1" });
  });

  it("puts everything in a component that holds exactly one cluster in that cluster", () => {
    const nodes = [
      node("env", "my:Environment"),
      node("cellA", "my:Cell", { parent: "env" }),
      node("keyA", "aws:kms/key:Key", { parent: "cellA" }),
      node("eksA", "eks:index:Cluster", { parent: "cellA" }),
      node("cellB", "my:Cell", { parent: "env" }),
      node("eksB", "eks:index:Cluster", { parent: "cellB" }),
      node("shared", "aws:s3/bucket:Bucket", { parent: "env" }),
    ];
    assert.deepEqual(owners(nodes), {
      env: undefined,
      cellA: "eksA",
      keyA: "eksA",
      eksA: "eksA",
      cellB: "eksB",
      eksB: "eksB",
      shared: undefined,
    });
  });

  it("puts a resource on one cluster's own AWS provider in that cluster, whatever else it uses", () => {
    const nodes = [
      node("env", "my:Environment"),
      node("cellA", "my:Cell", { parent: "env" }),
      node("awsA", "pulumi:providers:aws", { parent: "cellA", inputs: { region: "us-west-2" } }),
      node("eksA", "eks:index:Cluster", { parent: "cellA" }),
      node("cellB", "my:Cell", { parent: "env" }),
      node("eksB", "eks:index:Cluster", { parent: "cellB" }),
      node("default", "pulumi:providers:aws"),
      // Outside the cells: on a's provider (so in a's region and account), reading both clusters.
      node("peers", "aws:ssm/parameter:Parameter", {
        parent: "env",
        provider: "awsA",
        dependencies: ["eksA", "eksB"],
      }),
      // The same on the environment's provider is environment-level, as before.
      node("shared", "aws:ssm/parameter:Parameter", {
        parent: "env",
        provider: "default",
        dependencies: ["eksA", "eksB"],
      }),
      // Inside b's cell, a's provider does not take the resource out of b (the policy reports the
      // provider it uses instead).
      node("misplaced", "aws:s3/bucket:Bucket", { parent: "cellB", provider: "awsA" }),
    ];
    const m = clusterMembership(nodes);
    assert.deepEqual(owners(nodes), {
      env: undefined,
      cellA: "eksA",
      awsA: "eksA",
      eksA: "eksA",
      cellB: "eksB",
      eksB: "eksB",
      default: undefined,
      peers: "eksA",
      shared: undefined,
      misplaced: "eksB",
    });
    assert.equal(m.reason.get("peers"), "provider");
    assert.equal(m.reason.get("awsA"), "in-cell");
  });

  it("leaves a Kubernetes resource without a provider, or with a multi-cluster one, unowned", () => {
    const nodes = [
      node("eks1", "aws:eks/cluster:Cluster"),
      node("eks2", "aws:eks/cluster:Cluster"),
      node("both", "pulumi:providers:kubernetes", { dependencies: ["eks1", "eks2"] }),
      node("ambient", "kubernetes:core/v1:ConfigMap"),
      node("confused", "kubernetes:core/v1:ConfigMap", { provider: "both" }),
    ];
    const m = clusterMembership(nodes);
    assert.equal(m.clusterOf.get("ambient"), undefined);
    assert.equal(m.clusterOf.get("confused"), undefined);
    assert.equal(m.reason.get("confused"), "environment");
  });

  it("reports the clusters each resource reaches, so cross-cluster use is visible", () => {
    const nodes = [
      node("eks1", "aws:eks/cluster:Cluster"),
      node("eks2", "aws:eks/cluster:Cluster"),
      node("k2", "pulumi:providers:kubernetes", { dependencies: ["eks2"] }),
      node("ns1", "kubernetes:core/v1:Namespace", { provider: "k2", dependencies: ["eks1"] }),
    ];
    const m = clusterMembership(nodes);
    assert.deepEqual([...(m.reaches.get("ns1") ?? [])].sort(), ["eks1", "eks2"]);
  });

  it("is linear: a long dependency chain is settled in one pass", () => {
    const nodes = [node("eks", "aws:eks/cluster:Cluster")];
    for (let i = 0; i < 50_000; i++) {
      nodes.push(
        node(`r${i}`, "aws:s3/bucket:Bucket", { dependencies: [i ? `r${i - 1}` : "eks"] }),
      );
    }
    const m = clusterMembership(nodes);
    assert.equal(m.clusterOf.get("r49999"), "eks");
  });
});
