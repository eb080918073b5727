import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../../automation/offline/evaluate";
import { runPoliciesInProcess } from "../../automation/policy/inProcessRunner";
import type { Violation } from "../../automation/check/report";
import { fromStackExport } from "../../automation/stackExport/stackExport";
import { Environment } from "../../components/environment";
import { clusterMembership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { ExportBuilder, type ExportResource } from "../automation/stackExport/_exportFixture";
import {
  clusterFixture,
  environmentFixture,
  serviceFixture,
  stackConfigFixture,
} from "../_fixtures";

/**
 * Clusters a and b in the stack's region (us-east-1), c in us-west-2, as the prod example. Its
 * service autoscales, so that the other clusters can absorb one's share (`capacity-n-minus-1`).
 */
const twoRegions = () =>
  environmentFixture({
    clusters: [
      clusterFixture("a", 0),
      clusterFixture("b", 1),
      clusterFixture("c", 2, { region: "us-west-2" }),
    ],
    services: [serviceFixture({ autoscaling: { maxReplicas: 4 } })],
  });

/**
 * The environment, and optionally what a team adds beside it: one "service discovery" parameter
 * kept in cluster c's region (on c's own AWS provider) that lists every cluster's endpoint, read
 * by every cluster through a ConfigMap. A fault in us-west-2 (or in c's account) then reaches
 * every cluster: a shared dependency across regions.
 */
async function evaluate(shared: boolean): Promise<ResourceNode[]> {
  const config = stackConfigFixture(twoRegions());
  const run = await runOffline({
    project: "active-active",
    stack: "test",
    config,
    program: () => {
      const env = new Environment("test", { name: "test", config: twoRegions() as never });
      if (!shared) return Promise.resolve({});
      const c = env.cells[2];
      const peers = new aws.ssm.Parameter(
        "cluster-endpoints",
        {
          type: "String",
          value: pulumi.all(env.cells.map((cell) => cell.endpoint)).apply((e) => e.join(",")),
        },
        { provider: c.awsProvider },
      );
      for (const cell of env.cells) {
        new k8s.core.v1.ConfigMap(
          `${cell.name}-peers`,
          { metadata: { name: "peers", namespace: "apps" }, data: { endpoints: peers.value } },
          { parent: cell, provider: cell.provider },
        );
      }
      return Promise.resolve({});
    },
  });
  assert.equal(run.error, undefined, String(run.error));
  return run.resources;
}

const mandatory = (violations: Violation[]) =>
  violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy}: ${v.message}`);

describe("the policies on an environment in two regions", () => {
  it("find nothing wrong with clusters in two regions, each on its own provider", async () => {
    const nodes = await evaluate(false);
    const { violations } = runPoliciesInProcess({ nodes, project: "active-active", stack: "test" });
    assert.deepEqual(
      violations.map((v) => `${v.policy}: ${v.message}`),
      [],
    );
  });

  it("count a resource on cluster c's AWS provider as c's, and catch every cluster depending on it", async () => {
    const nodes = await evaluate(true);
    const membership = clusterMembership(nodes);
    const peers = nodes.find((n) => n.name === "cluster-endpoints")!;
    const cluster = membership.clusters.find((c) => c.urn === membership.clusterOf.get(peers.urn));
    assert.equal(cluster?.name, "c");
    assert.equal(membership.reason.get(peers.urn), "provider");

    const found = mandatory(
      runPoliciesInProcess({ nodes, project: "active-active", stack: "test", membership })
        .violations,
    );
    // Every cluster's use of c's parameter is one shared dependency on c, named once.
    const shared = found.filter((f) => f.startsWith("no-shared-single-cluster-dependency"));
    assert.equal(shared.length, 1, found.join("\n"));
    assert.match(
      shared[0],
      /aws.ssm.Parameter "cluster-endpoints" depends on cluster "c"'s .*aws.Provider "test-c-aws" \(its provider\).*, yet clusters "a", "b" and "c" use it/,
    );
    const cross = found.filter((f) => f.startsWith("no-cross-cluster-dependency"));
    assert.ok(!cross.some((f) => f.includes("-peers")), `reported twice:\n${found.join("\n")}`);
    for (const other of ["a", "b"]) {
      assert.ok(
        cross.some((f) =>
          new RegExp(
            `aws.ssm.Parameter "cluster-endpoints" belongs to cluster "c" but depends on eks.Cluster "test-${other}-eks" of cluster "${other}"`,
          ).test(f),
        ),
        `c's parameter reading cluster ${other}:\n${found.join("\n")}`,
      );
    }
  });
});

/**
 * A deployed two-region environment as `pulumi stack export` writes it: the default AWS provider
 * (us-east-1) for clusters a and b and the traffic split, cluster c's own provider (us-west-2)
 * in its cell; per cluster a cell with its VPC, the @pulumi/eks component and the
 * aws.eks.Cluster it created on the cluster's provider, a Kubernetes provider and a Deployment;
 * a weighted record per cluster. With `shared`, the cross-region parameter above.
 */
function twoRegionExport(shared: boolean): Record<string, unknown> {
  const b = new ExportBuilder("prod", "active-active");
  const defaultAws = b.add({
    type: "pulumi:providers:aws",
    name: "default_7_48_0",
    inputs: { region: "us-east-1", version: "7.48.0" },
  });
  const env = b.add({ type: "active-active:index:Environment", name: "prod", custom: false });
  const clusters: Record<
    string,
    { eks: ExportResource; k8s: ExportResource; aws: ExportResource }
  > = {};
  for (const [c, region] of [
    ["a", "us-east-1"],
    ["b", "us-east-1"],
    ["c", "us-west-2"],
  ] as const) {
    const tags = { "active-active/cluster": c };
    const cell = b.add({
      type: "active-active:index:ClusterCell",
      name: `prod-${c}`,
      custom: false,
      parent: env,
    });
    const own =
      c === "c"
        ? b.add({
            type: "pulumi:providers:aws",
            name: `prod-${c}-aws`,
            parent: cell,
            inputs: { region, version: "7.48.0" },
          })
        : defaultAws;
    const vpc = b.add({
      type: "aws:ec2/vpc:Vpc",
      name: `prod-${c}-vpc`,
      parent: cell,
      provider: own,
      inputs: { cidrBlock: "10.0.0.0/16", tags },
    });
    const eks = b.add({
      type: "eks:index:Cluster",
      name: `prod-${c}-eks`,
      custom: false,
      parent: cell,
      outputs: { eksCluster: {} },
    });
    b.add({
      type: "aws:eks/cluster:Cluster",
      name: `prod-${c}-eks-eksCluster`,
      parent: eks,
      provider: own,
      uses: { vpcConfig: [vpc] },
      inputs: { version: "1.33", tags },
      outputs: {
        arn: `arn:aws:eks:${region}:123456789012:cluster/prod-${c}-eks`,
        version: "1.33",
        tags,
      },
    });
    const k8sProvider = b.add({
      type: "pulumi:providers:kubernetes",
      name: `prod-${c}-k8s`,
      parent: cell,
      uses: { kubeconfig: [eks] },
      inputs: { kubeconfig: "[secret]", version: "4.34.2" },
    });
    clusters[c] = { eks, k8s: k8sProvider, aws: own };
  }
  const fleet = b.add({
    type: "active-active:index:ServiceFleet",
    name: "prod-web",
    custom: false,
    parent: env,
  });
  const split = b.add({
    type: "active-active:index:TrafficSplit",
    name: "www.prod.example.com",
    custom: false,
    parent: env,
  });
  for (const c of ["a", "b", "c"]) {
    const service = b.add({
      type: "kubernetes:core/v1:Service",
      name: `prod-web-${c}`,
      parent: fleet,
      provider: clusters[c].k8s,
      inputs: { metadata: { name: "web", namespace: "apps" }, spec: { type: "LoadBalancer" } },
    });
    b.add({
      type: "aws:route53/record:Record",
      name: `www.prod.example.com-${c}`,
      parent: split,
      provider: defaultAws,
      uses: { records: [service] },
      inputs: { name: "www.prod.example.com", type: "CNAME", setIdentifier: c },
    });
  }
  if (shared) {
    const peers = b.add({
      type: "aws:ssm/parameter:Parameter",
      name: "cluster-endpoints",
      provider: clusters.c.aws,
      uses: { value: ["a", "b", "c"].map((c) => clusters[c].eks) },
      inputs: { type: "String" },
    });
    for (const c of ["a", "b", "c"]) {
      b.add({
        type: "kubernetes:core/v1:ConfigMap",
        name: `prod-${c}-peers`,
        provider: clusters[c].k8s,
        uses: { data: [peers] },
        inputs: { metadata: { name: "peers", namespace: "apps" } },
      });
    }
  }
  return b.document();
}

describe("the policies on a stack export of an environment in two regions", () => {
  const policyConfig = {
    all: "disabled",
    "no-cross-cluster-dependency": "mandatory",
    "no-shared-single-cluster-dependency": "mandatory",
  };
  const check = (doc: Record<string, unknown>) => {
    const exported = fromStackExport(doc, "state.json");
    return {
      nodes: exported.nodes,
      violations: runPoliciesInProcess({
        nodes: exported.nodes,
        project: exported.project,
        stack: exported.stack,
        policyConfig,
      }).violations,
    };
  };

  it("places each cluster's resources by its own provider and finds no dependency between clusters", () => {
    const { nodes, violations } = check(twoRegionExport(false));
    const membership = clusterMembership(nodes);
    const names = new Map(membership.clusters.map((c) => [c.urn, c.name]));
    const owner = (name: string) =>
      names.get(membership.clusterOf.get(nodes.find((n) => n.name === name)!.urn) ?? "");
    assert.equal(owner("prod-c-aws"), "c");
    assert.equal(owner("prod-c-vpc"), "c");
    assert.equal(owner("default_7_48_0"), undefined, "the environment's provider is no cluster's");
    assert.deepEqual(violations, []);
  });

  it("catches the cross-region shared dependency: every cluster reads a parameter of c's region", () => {
    const { violations } = check(twoRegionExport(true));
    const messages = violations.map((v) => `${v.policy}: ${v.message}`);
    const shared = messages.filter((m) => m.startsWith("no-shared-single-cluster-dependency"));
    assert.equal(shared.length, 1, messages.join("\n"));
    assert.match(
      shared[0],
      /aws.ssm.Parameter "cluster-endpoints" depends on cluster "c"'s .*aws.Provider "prod-c-aws" \(its provider\).*, yet clusters "a", "b" and "c" use it/,
    );
    // Not once more per ConfigMap that reads it.
    assert.ok(!messages.some((m) => m.includes('ConfigMap "prod-')), messages.join("\n"));
  });
});
