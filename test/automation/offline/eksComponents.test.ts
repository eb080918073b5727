import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runOffline, type OfflineResult } from "../../../automation/offline/evaluate";
import { clusterMembership } from "../../../graph/membership";

/** The value of an output, as a program awaits it. */
function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/**
 * Runs `program` offline as stack "t" of project "acme" in eu-west-1; it must not fail. (What it
 * logs, @pulumi/eks's deprecation warning for NodeGroup, is dropped.)
 */
async function offline(program: () => Promise<void>): Promise<OfflineResult> {
  const result = await runOffline({
    project: "acme",
    stack: "t",
    config: { "aws:region": "eu-west-1" },
    program: async () => {
      await program();
      return {};
    },
    onLog: () => undefined,
  });
  assert.equal(result.error, undefined, String(result.error));
  return result;
}

const CLUSTER = "urn:pulumi:t::acme::eks:index:Cluster";

function nodeRole(name: string): aws.iam.Role {
  return new aws.iam.Role(name, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
  });
}

describe("@pulumi/eks 4 offline: what a cluster's methods and companions get", () => {
  it("gives eks.Cluster its security groups and ingress rule as usable resources", async () => {
    let seen: Record<string, unknown> = {};
    await offline(async () => {
      const cluster = new eks.Cluster("east", { vpcId: "vpc-0123", skipDefaultNodeGroup: true });
      const nodeSg = await value(cluster.nodeSecurityGroup);
      const rule = await value(cluster.eksClusterIngressRule);
      const clusterSg = await value(cluster.clusterSecurityGroup);
      assert.ok(nodeSg instanceof aws.ec2.SecurityGroup && rule && clusterSg);
      seen = {
        nodeSgUrn: await value(nodeSg.urn),
        nodeSgId: await value(nodeSg.id),
        nodeSgVpc: await value(nodeSg.vpcId),
        nodeSecurityGroupId: await value(cluster.nodeSecurityGroupId),
        ruleSource: await value(rule.sourceSecurityGroupId),
        ruleTarget: await value(rule.securityGroupId),
        clusterSgId: await value(clusterSg.id),
        clusterSecurityGroupId: await value(cluster.clusterSecurityGroupId),
        ruleUrn: await value(rule.urn),
      };
    });
    assert.equal(
      seen.nodeSgUrn,
      `${CLUSTER}$aws:ec2/securityGroup:SecurityGroup::east-nodeSecurityGroup`,
    );
    assert.match(String(seen.nodeSgId), /^sg-[0-9a-f]{17}$/);
    assert.equal(seen.nodeSgId, seen.nodeSecurityGroupId);
    assert.equal(seen.nodeSgVpc, "vpc-0123");
    assert.equal(seen.ruleSource, seen.nodeSgId);
    assert.equal(seen.ruleTarget, seen.clusterSgId);
    assert.equal(seen.clusterSgId, seen.clusterSecurityGroupId);
    assert.equal(
      seen.ruleUrn,
      `${CLUSTER}$aws:ec2/securityGroupRule:SecurityGroupRule::east-eksClusterIngressRule`,
    );
  });

  it("has no node security group with skipDefaultSecurityGroups, as @pulumi/eks", async () => {
    let sg: unknown = "unset";
    await offline(async () => {
      const cluster = new eks.Cluster("east", { skipDefaultSecurityGroups: true });
      sg = await value(cluster.nodeSecurityGroup);
    });
    assert.equal(sg, undefined);
  });

  it("gives the instance roles it was given, or the one it creates for its default node group", async () => {
    const arns: Record<string, string[]> = {};
    await offline(async () => {
      const role = nodeRole("workers");
      const given = new eks.Cluster("given", { instanceRoles: [role], skipDefaultNodeGroup: true });
      const own = new eks.Cluster("own", {});
      for (const [name, cluster] of Object.entries({ given, own })) {
        const roles = await value(cluster.instanceRoles);
        assert.ok(roles.every((r) => r instanceof aws.iam.Role));
        arns[name] = await Promise.all(roles.map((r) => value(r.arn)));
      }
    });
    assert.deepEqual(arns.given, ["arn:aws:iam::123456789012:role/workers"]);
    assert.match(
      arns.own[0],
      /^arn:aws:iam::123456789012:role\/own-instanceRole-role-[0-9a-f]{7}$/,
    );
  });

  it("gives `core` the cluster, its Kubernetes provider and node group options", async () => {
    const seen: Record<string, unknown> = {};
    await offline(async () => {
      const cluster = new eks.Cluster("east", { vpcId: "vpc-0123", instanceType: "t3.large" });
      const core = await value(cluster.core);
      seen.provider = k8s.Provider.isInstance(core.provider);
      seen.clusterName = core.cluster.name;
      seen.eksName = await value(cluster.eksCluster.name);
      seen.vpcId = core.vpcId;
      seen.instanceType = core.nodeGroupOptions.instanceType;
      seen.defaultAsg = await value(cluster.defaultNodeGroupAsgName);
    });
    assert.equal(seen.provider, true);
    assert.equal(seen.clusterName, seen.eksName);
    assert.match(String(seen.eksName), /^east-[0-9a-f]{7}$/);
    assert.equal(seen.vpcId, "vpc-0123");
    assert.equal(seen.instanceType, "t3.large");
    assert.match(String(seen.defaultAsg), /^east-[0-9a-f]{7}$/);
  });

  it("runs cluster.createNodeGroup: the node group gets the cluster's security group and provider", async () => {
    const { resources } = await offline(async () => {
      const cluster = new eks.Cluster("east", { skipDefaultNodeGroup: true });
      cluster.createNodeGroup("spot", { instanceType: "t3.medium", spotPrice: "1" });
      return Promise.resolve();
    });
    const group = resources.find((r) => r.type === "eks:index:NodeGroup");
    assert.ok(group, "the node group is registered");
    assert.equal(
      group.inputs.nodeSecurityGroup,
      `${CLUSTER}$aws:ec2/securityGroup:SecurityGroup::east-nodeSecurityGroup`,
    );
    assert.equal(
      group.inputs.clusterIngressRule,
      `${CLUSTER}$aws:ec2/securityGroupRule:SecurityGroupRule::east-eksClusterIngressRule`,
    );
    const membership = clusterMembership(resources);
    assert.equal(membership.clusterOf.get(group.urn), `${CLUSTER}::east`);
    // `cluster.provider`, made for the node group's `providers`, is the cluster's.
    const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes");
    assert.equal(provider?.urn, `${CLUSTER}$pulumi:providers:kubernetes::east-provider`);
    // The component's children are answered, not registered: the graph keeps its shape.
    assert.deepEqual(
      resources.map((r) => r.type),
      [
        "pulumi:pulumi:Stack",
        "eks:index:Cluster",
        "pulumi:providers:kubernetes",
        "eks:index:NodeGroup",
      ],
    );
  });

  it("uses cluster.provider for Kubernetes resources of that cluster", async () => {
    const { resources } = await offline(async () => {
      const cluster = new eks.Cluster("east", { skipDefaultNodeGroup: true });
      new k8s.core.v1.Namespace("apps", {}, { provider: cluster.provider });
      return Promise.resolve();
    });
    const ns = resources.find((r) => r.type === "kubernetes:core/v1:Namespace");
    assert.ok(ns);
    assert.equal(ns.provider, `${CLUSTER}$pulumi:providers:kubernetes::east-provider`);
    assert.match(String((ns.outputs?.metadata as { name?: unknown }).name), /^apps-[0-9a-f]{8}$/);
    assert.equal(clusterMembership(resources).clusterOf.get(ns.urn), `${CLUSTER}::east`);
  });

  it("answers eks.ManagedNodeGroup with {cluster} with its aws.eks.NodeGroup", async () => {
    const seen: Record<string, unknown> = {};
    await offline(async () => {
      const role = nodeRole("workers");
      const cluster = new eks.Cluster("east", {
        instanceRoles: [role],
        skipDefaultNodeGroup: true,
      });
      const mng = new eks.ManagedNodeGroup("general", {
        cluster,
        nodeRole: role,
        scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 },
      });
      const group = await value(mng.nodeGroup);
      seen.isNodeGroup = group instanceof aws.eks.NodeGroup;
      seen.clusterName = await value(group.clusterName);
      seen.eksName = await value(cluster.eksCluster.name);
      seen.nodeRoleArn = await value(group.nodeRoleArn);
      seen.scaling = await value(group.scalingConfig);
    });
    assert.equal(seen.isNodeGroup, true);
    assert.equal(seen.clusterName, seen.eksName);
    assert.equal(seen.nodeRoleArn, "arn:aws:iam::123456789012:role/workers");
    assert.deepEqual(seen.scaling, { desiredSize: 3, minSize: 3, maxSize: 6 });
  });

  it("answers eks.NodeGroupV2 with {cluster} with its own security group and Auto Scaling group", async () => {
    const seen: Record<string, unknown> = {};
    await offline(async () => {
      const cluster = new eks.Cluster("east", { vpcId: "vpc-0123", skipDefaultNodeGroup: true });
      const ng = new eks.NodeGroupV2("ng2", { cluster, instanceType: "t3.medium", minSize: 2 });
      const sg = await value(ng.nodeSecurityGroup);
      const asg = await value(ng.autoScalingGroup);
      seen.sgUrn = sg && (await value(sg.urn));
      seen.sgVpc = sg && (await value(sg.vpcId));
      seen.sgId = await value(ng.nodeSecurityGroupId);
      seen.asg = asg instanceof aws.autoscaling.Group && (await value(asg.minSize));
    });
    assert.equal(
      seen.sgUrn,
      "urn:pulumi:t::acme::eks:index:NodeGroupV2$aws:ec2/securityGroup:SecurityGroup::ng2-nodeSecurityGroup",
    );
    assert.equal(seen.sgVpc, "vpc-0123");
    assert.match(String(seen.sgId), /^sg-[0-9a-f]{17}$/);
    assert.equal(seen.asg, 2);
  });

  it("answers kubeconfig and getKubeconfig() for the cluster's region, with the role asked for", async () => {
    const seen: Record<string, unknown> = {};
    await offline(async () => {
      const cluster = new eks.Cluster("east", { skipDefaultNodeGroup: true });
      seen.kubeconfig = await value(cluster.kubeconfig as pulumi.Output<unknown>);
      seen.scoped = await value(
        cluster.getKubeconfig({ roleArn: "arn:aws:iam::123456789012:role/devs" }).result,
      );
    });
    const args = (doc: unknown) =>
      (doc as { users: { user: { exec: { args: string[] } } }[] }).users[0].user.exec.args;
    assert.deepEqual(args(seen.kubeconfig).slice(0, 2), ["--region", "eu-west-1"]);
    assert.deepEqual(args(JSON.parse(String(seen.scoped))).slice(-2), [
      "--role",
      "arn:aws:iam::123456789012:role/devs",
    ]);
  });

  it("answers the same way every time", async () => {
    const program = () => {
      const cluster = new eks.Cluster("east", { skipDefaultNodeGroup: true });
      cluster.createNodeGroup("ng", { instanceType: "t3.medium" });
      new eks.NodeGroupV2("ng2", { cluster });
      return Promise.resolve();
    };
    const first = await offline(program);
    const second = await offline(program);
    assert.deepEqual(second.resources, first.resources);
  });
});
