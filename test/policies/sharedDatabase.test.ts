import * as assert from "node:assert/strict";
import { runOffline } from "../../automation/offline/evaluate";
import { runPoliciesInProcess } from "../../automation/policy/inProcessRunner";
import type { Violation } from "../../automation/check/report";
import { fromStackExport } from "../../automation/stackExport/stackExport";
import { clusterMembership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { ExportBuilder, type ExportResource } from "../automation/stackExport/_exportFixture";
import { sharedDatabaseProgram, type DatabasePlacement } from "../_sharedDatabaseProgram";

// Issue 13: a database in cluster a's subnet (or encrypted with a's key) that both clusters use
// fails with a's network or key, so it is a shared dependency on one cluster, reported once and
// as mandatory; in a VPC no cluster is built on alone it is shared state, named (advisory).

/** The policies that judge what clusters share; the others have nothing to say about it. */
const SHARING = [
  "no-cross-cluster-dependency",
  "no-shared-single-cluster-dependency",
  "shared-state-outside-clusters",
];

function sharing(nodes: ResourceNode[], project: string, stack: string): Violation[] {
  return runPoliciesInProcess({ nodes, project, stack }).violations.filter((v) =>
    SHARING.includes(v.policy),
  );
}

async function program(placement: DatabasePlacement): Promise<ResourceNode[]> {
  const run = await runOffline({
    project: "acme",
    stack: "prod",
    config: { "aws:region": "us-east-1" },
    program: sharedDatabaseProgram(placement),
  });
  assert.equal(run.error, undefined, String(run.error));
  return run.resources;
}

const show = (violations: Violation[]) =>
  violations.map((v) => `${v.policy} (${v.level}): ${v.message}`).join("\n") || "(none)";

/** Asserts one finding: mandatory, no-shared-single-cluster-dependency, on the database. */
function assertOneSharedDependency(
  violations: Violation[],
  nodes: ResourceNode[],
  ...patterns: RegExp[]
): void {
  assert.equal(violations.length, 1, show(violations));
  const [v] = violations;
  const db = nodes.find((n) => n.type === "aws:rds/instance:Instance" && n.name === "orders");
  assert.deepEqual(
    [v.policy, v.level, v.urn, v.cluster],
    ["no-shared-single-cluster-dependency", "mandatory", db?.urn, "a"],
  );
  for (const p of patterns) assert.match(v.message, p);
  assert.match(v.message, /yet clusters "a" and "b" use it: a shared dependency on one cluster/);
  assert.match(
    v.message,
    /Give each cluster its own aws.rds.Instance, on that cluster's own network and key, or put it on shared infrastructure outside every cluster/,
  );
}

describe("a database both clusters use, through the program", () => {
  it("in cluster a's subnets: one mandatory finding naming a's subnets and security group", async () => {
    const nodes = await program("subnet");
    assertOneSharedDependency(
      sharing(nodes, "acme", "prod"),
      nodes,
      /^aws.rds.Instance "orders" depends on cluster "a"'s aws.ec2.SecurityGroup "a-nodes", aws.ec2.Subnet "a-private-0" and aws.ec2.Subnet "a-private-1" \(through aws.rds.SubnetGroup "orders"\)/,
    );
  });

  it("encrypted with cluster a's key: one mandatory finding naming a's key", async () => {
    const nodes = await program("key");
    assertOneSharedDependency(
      sharing(nodes, "acme", "prod"),
      nodes,
      /^aws.rds.Instance "orders" depends on cluster "a"'s aws.kms.Key "a-secrets",/,
    );
  });

  it("in a VPC both clusters are built on: shared state, named but not rejected", async () => {
    const nodes = await program("shared-vpc");
    const violations = sharing(nodes, "acme", "prod");
    assert.deepEqual(
      violations.map((v) => [v.policy, v.level, v.cluster]),
      [["shared-state-outside-clusters", "advisory", null]],
      show(violations),
    );
    assert.match(
      violations[0].message,
      /aws.rds.Instance "orders" is used by clusters "a" and "b"/,
    );
  });
});

/**
 * The "subnet" layout as `pulumi stack export` writes it once deployed: the default AWS
 * provider, per cluster its VPC, subnets, security group and key and the aws.eks.Cluster created
 * with them, its Kubernetes provider and Deployment; the database's subnet group in a's subnets.
 * With `key`, the database is encrypted with a's key instead, in subnets of a VPC of its own.
 */
function deployedExport(placement: "subnet" | "key"): Record<string, unknown> {
  const b = new ExportBuilder("prod", "acme");
  const aws = b.add({
    type: "pulumi:providers:aws",
    name: "default_7_48_0",
    inputs: { region: "us-east-1", version: "7.48.0" },
  });
  const clusters: Record<string, { subnets: ExportResource[]; key: ExportResource }> = {};
  const providers: ExportResource[] = [];
  for (const [c, octet] of [
    ["a", 1],
    ["b", 2],
  ] as const) {
    const vpc = b.add({
      type: "aws:ec2/vpc:Vpc",
      name: c,
      provider: aws,
      inputs: { cidrBlock: `10.${octet}.0.0/16` },
    });
    const subnets = [0, 1].map((k) =>
      b.add({
        type: "aws:ec2/subnet:Subnet",
        name: `${c}-private-${k}`,
        provider: aws,
        uses: { vpcId: [vpc] },
        inputs: { cidrBlock: `10.${octet}.${k}.0/24` },
      }),
    );
    const key = b.add({ type: "aws:kms/key:Key", name: `${c}-secrets`, provider: aws });
    const cluster = b.add({
      type: "aws:eks/cluster:Cluster",
      name: c,
      provider: aws,
      uses: { vpcConfig: subnets, encryptionConfig: [key] },
      inputs: { version: "1.33", tags: { "active-active/cluster": c } },
    });
    providers.push(
      b.add({
        type: "pulumi:providers:kubernetes",
        name: c,
        uses: { kubeconfig: [cluster] },
        inputs: { version: "4.34.2" },
      }),
    );
    clusters[c] = { subnets, key };
  }
  let subnets = clusters.a.subnets;
  if (placement === "key") {
    const vpc = b.add({ type: "aws:ec2/vpc:Vpc", name: "data", provider: aws });
    subnets = [0, 1].map((k) =>
      b.add({
        type: "aws:ec2/subnet:Subnet",
        name: `data-${k}`,
        provider: aws,
        uses: { vpcId: [vpc] },
      }),
    );
  }
  const group = b.add({
    type: "aws:rds/subnetGroup:SubnetGroup",
    name: "orders",
    provider: aws,
    uses: { subnetIds: subnets },
  });
  const db = b.add({
    type: "aws:rds/instance:Instance",
    name: "orders",
    provider: aws,
    uses: {
      dbSubnetGroupName: [group],
      ...(placement === "key" ? { kmsKeyId: [clusters.a.key] } : {}),
    },
    inputs: { engine: "postgres", multiAz: true },
  });
  for (const [k, c] of ["a", "b"].entries()) {
    b.add({
      type: "kubernetes:apps/v1:Deployment",
      name: `${c}-shop`,
      provider: providers[k],
      uses: { spec: [db] },
      inputs: { metadata: { name: "shop", namespace: "default" } },
    });
  }
  return b.document();
}

describe("a database both clusters use, in a stack export", () => {
  const read = (placement: "subnet" | "key") =>
    fromStackExport(deployedExport(placement), "s.json");

  it("keeps a's subnets and key a's, and the database in a", () => {
    const { nodes } = read("subnet");
    const m = clusterMembership(nodes);
    const placed = (name: string) => {
      const node = nodes.find((n) => n.name === name && n.type !== "aws:eks/cluster:Cluster")!;
      const cluster = m.clusters.find((c) => c.urn === m.clusterOf.get(node.urn));
      return [name, cluster?.name ?? null, m.reason.get(node.urn)];
    };
    assert.deepEqual(["a-private-0", "a-secrets", "default_7_48_0", "orders"].map(placed), [
      ["a-private-0", "a", "built-on"],
      ["a-secrets", "a", "built-on"],
      // Both clusters are created with it, and it is a provider: never a cluster's.
      ["default_7_48_0", null, "environment"],
      ["orders", "a", "depends-on"],
    ]);
  });

  for (const [placement, named] of [
    [
      "subnet",
      /depends on cluster "a"'s aws.ec2.Subnet "a-private-0" and aws.ec2.Subnet "a-private-1" \(through aws.rds.SubnetGroup "orders"\)/,
    ],
    ["key", /depends on cluster "a"'s aws.kms.Key "a-secrets",/],
  ] as const) {
    it(`reports the database ${placement === "subnet" ? "in a's subnets" : "with a's key"} once, as mandatory`, () => {
      const { nodes, project, stack } = read(placement);
      assertOneSharedDependency(sharing(nodes, project, stack), nodes, named);
    });
  }
});
