import * as assert from "node:assert/strict";
import type { Evaluation } from "../../automation/offline/evaluate";
import { runOffline } from "../../automation/offline/evaluate";
import { Environment } from "../../components/environment";
import type { ResourceNode } from "../../graph/resourceGraph";
import { clusterFixture, environmentFixture } from "../_fixtures";
import { evaluateFixture, query } from "./_offline";

const ROLE = "arn:aws:iam::210987654321:role/active-active-deployer";

/** Clusters a (the stack's region), b (us-west-2) and c (eu-west-1, in another account). */
const twoRegions = () =>
  environmentFixture({
    clusters: [
      clusterFixture("a", 0),
      clusterFixture("b", 1, { region: "us-west-2" }),
      clusterFixture("c", 2, { region: "eu-west-1", roleArn: ROLE }),
    ],
  });

describe("ClusterCell with a region or an account of its own", () => {
  let evaluation: Evaluation;
  let q: ReturnType<typeof query>;
  const cell = (cluster: string) =>
    q.ofType("active-active:index:ClusterCell").find((r) => r.name === `test-${cluster}`)!;
  /** The AWS resources registered under a cluster's cell (its network's included). */
  const awsResourcesOf = (cluster: string) => {
    const under = new Set([cell(cluster).urn]);
    const found: ResourceNode[] = [];
    for (const r of evaluation.resources) {
      if (!r.parent || !under.has(r.parent)) continue;
      under.add(r.urn);
      if (r.type.startsWith("aws:") || r.type === "eks:index:Cluster") found.push(r);
    }
    return found;
  };

  before(async () => {
    evaluation = await evaluateFixture(twoRegions());
    q = query(evaluation);
  });

  it("gives a cluster with a region or role exactly one AWS provider, in its region, assuming its role", () => {
    const providers = q.ofType("pulumi:providers:aws");
    assert.deepEqual(
      providers.map((p) => [p.name, p.parent, q.clusterOf(p)]),
      [
        ["test-b-aws", cell("b").urn, "b"],
        ["test-c-aws", cell("c").urn, "c"],
      ],
    );
    const [b, c] = providers;
    assert.equal(b.inputs.region, "us-west-2");
    assert.equal(b.inputs.assumeRoles, undefined);
    assert.equal(c.inputs.region, "eu-west-1");
    // @pulumi/aws sends a provider's object inputs to the engine as JSON.
    assert.deepEqual(JSON.parse(c.inputs.assumeRoles as string), [
      { roleArn: ROLE, sessionName: "active-active-test-c" },
    ]);
  });

  it("creates every AWS resource of that cluster, its EKS cluster included, with its provider", () => {
    for (const cluster of ["b", "c"]) {
      const provider = q
        .ofType("pulumi:providers:aws")
        .find((p) => p.name === `test-${cluster}-aws`)!;
      const resources = awsResourcesOf(cluster);
      const types = new Set(resources.map((r) => r.type));
      for (const type of [
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/natGateway:NatGateway",
        "aws:kms/key:Key",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:eks/addon:Addon",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:eks/nodeGroup:NodeGroup",
      ]) {
        assert.ok(types.has(type), `${cluster} has a ${type}`);
      }
      for (const r of resources.filter((r) => r.custom)) {
        assert.equal(r.provider, provider.urn, `${r.urn} uses cluster ${cluster}'s provider`);
      }
      // The EKS component passes it on to its children (its `providers` map): its answers are
      // made in the cluster's region.
      const eks = resources.find((r) => r.type === "eks:index:Cluster")!;
      assert.match(
        (eks.outputs?.eksCluster as { arn: string }).arn,
        new RegExp(`^arn:aws:eks:${provider.inputs.region as string}:`),
      );
      for (const subnet of resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
        assert.match(
          subnet.inputs.availabilityZone as string,
          new RegExp(`^${provider.inputs.region as string}[a-f]$`),
        );
      }
    }
  });

  it("hands the role to the kubeconfig @pulumi/eks writes, and keeps one Kubernetes provider per cluster", () => {
    const eks = (cluster: string) =>
      q.ofType("eks:index:Cluster").find((r) => r.name === `test-${cluster}-eks`)!;
    assert.deepEqual(eks("c").inputs.providerCredentialOpts, { roleArn: ROLE });
    assert.equal(eks("a").inputs.providerCredentialOpts, undefined);
    assert.equal(eks("b").inputs.providerCredentialOpts, undefined);
    for (const cluster of ["a", "b", "c"]) {
      assert.equal(q.inCluster(cluster, "pulumi:providers:kubernetes").length, 1);
    }
  });

  it("leaves a cluster without region or role, and the traffic split, on the environment's provider", () => {
    for (const r of awsResourcesOf("a")) assert.equal(r.provider, undefined, r.urn);
    for (const type of ["aws:route53/record:Record", "aws:route53/healthCheck:HealthCheck"]) {
      const all = q.ofType(type);
      assert.equal(all.length, 3);
      for (const r of all) assert.equal(r.provider, undefined, r.urn);
    }
  });

  it("places every resource, and exports each cluster's region", () => {
    const unplaced = evaluation.resources.filter(
      (r) =>
        r.custom &&
        r.type !== "pulumi:pulumi:StackReference" &&
        !evaluation.membership.clusterOf.has(r.urn),
    );
    assert.deepEqual(
      unplaced.map((r) => r.urn),
      [],
    );
    const clusters = evaluation.outputs.clusters as {
      name: string;
      region: string;
      endpoint: string;
      ingress: Record<string, string>;
    }[];
    assert.deepEqual(
      clusters.map((c) => [c.name, c.region]),
      [
        ["a", "us-east-1"],
        ["b", "us-west-2"],
        ["c", "eu-west-1"],
      ],
    );
    for (const c of clusters) {
      assert.ok(c.endpoint.endsWith(`.${c.region}.eks.amazonaws.com`), c.endpoint);
      assert.ok(c.ingress.api.endsWith(`.elb.${c.region}.amazonaws.com`), c.ingress.api);
    }
  });

  it("refuses a role without a region when the environment's region is unknown", async () => {
    // The region is unknown only without AWS_REGION / AWS_DEFAULT_REGION: unset them for this run
    // (and put them back), so that the test runs on every machine instead of skipping on some.
    const saved = {
      AWS_REGION: process.env.AWS_REGION,
      AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION,
    };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const result = await runOffline({
      project: "active-active",
      stack: "test",
      config: {},
      program: () => {
        new Environment("test", {
          name: "test",
          config: environmentFixture({
            clusters: [clusterFixture("a", 0), clusterFixture("b", 1, { roleArn: ROLE })],
          }) as never,
        });
        return Promise.resolve();
      },
    }).finally(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value !== undefined) process.env[key] = value;
      }
    });
    assert.match(
      String(result.error),
      /cluster "b" assumes role arn:aws:iam::210987654321:role\/active-active-deployer but names no region, and the environment's region is unknown; set clusters\[\]\.region for it, or aws:region in the stack config/,
    );
  });
});
