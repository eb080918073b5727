import * as assert from "node:assert/strict";
import { nodesRequireImdsv2 } from "../../policies/nodesRequireImdsv2";
import { assertOneFinding, check, show } from "./_assert";
import { environmentGraph } from "./_environment";
import { exportedCluster, exportedNodeGroup, programCluster, programNodeGroup } from "./_eksGraphs";
import { GraphBuilder } from "./_graph";

type Metadata = { httpTokens?: string; httpPutResponseHopLimit?: number };
const metadataOf = (n: { inputs: Record<string, unknown> }) => n.inputs.metadataOptions as Metadata;
const REQUIRED = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 };

describe("nodes-require-imdsv2", () => {
  it("is mandatory and passes node groups whose launch template requires IMDSv2", () => {
    assert.equal(nodesRequireImdsv2.enforcementLevel, "mandatory");
    assert.deepEqual(check(nodesRequireImdsv2, environmentGraph().nodes), []);
  });

  it("rejects a launch template with httpTokens optional", () => {
    const { nodes, clusters } = environmentGraph();
    metadataOf(clusters.b.launchTemplate).httpTokens = "optional";
    assertOneFinding(
      check(nodesRequireImdsv2, nodes),
      clusters.b.launchTemplate.urn,
      /aws.eks.NodeGroup "prod-b-nodes" of cluster "b" uses aws.ec2.LaunchTemplate "prod-b-nodes", which does not require IMDSv2 \(metadataOptions.httpTokens is "optional"\)/,
      /Set metadataOptions.httpTokens: "required"/,
    );
  });

  it("rejects a node group without a launch template", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.a.nodeGroup.inputs.launchTemplate;
    assertOneFinding(
      check(nodesRequireImdsv2, nodes),
      clusters.a.nodeGroup.urn,
      /aws.eks.NodeGroup "prod-a-nodes" of cluster "a" has no launch template/,
    );
  });

  it("rejects a hop limit above maxHopLimit", () => {
    const { nodes, clusters } = environmentGraph();
    metadataOf(clusters.c.launchTemplate).httpPutResponseHopLimit = 3;
    assertOneFinding(
      check(nodesRequireImdsv2, nodes),
      clusters.c.launchTemplate.urn,
      /allows IMDS responses to travel 3 network hops/,
    );
    assert.deepEqual(check(nodesRequireImdsv2, nodes, { maxHopLimit: 3 }), []);
  });

  it("reports both problems of one launch template in one finding", () => {
    const { nodes, clusters } = environmentGraph();
    Object.assign(metadataOf(clusters.a.launchTemplate), {
      httpTokens: "optional",
      httpPutResponseHopLimit: 5,
    });
    assertOneFinding(
      check(nodesRequireImdsv2, nodes),
      clusters.a.launchTemplate.urn,
      /does not require IMDSv2/,
      /It also allows IMDS responses to travel 5 network hops/,
      /Set metadataOptions.httpTokens: "required" and metadataOptions.httpPutResponseHopLimit: 2/,
    );
  });

  it("reads a launch configuration's metadataOptions (self-managed nodes)", () => {
    const g = new GraphBuilder();
    const cluster = g.add({ type: "aws:eks/cluster:Cluster", name: "east" });
    const config = g.add({
      type: "aws:ec2/launchConfiguration:LaunchConfiguration",
      name: "east-nodes",
      uses: { userData: [cluster] },
      inputs: { metadataOptions: { httpTokens: "optional" } },
    });
    const asg = g.add({
      type: "aws:autoscaling/group:Group",
      name: "east-nodes",
      uses: { launchConfiguration: [config] },
    });
    assertOneFinding(
      check(nodesRequireImdsv2, g.nodes),
      config.urn,
      /aws.autoscaling.Group "east-nodes" of cluster "east" uses aws.ec2.LaunchConfiguration "east-nodes", which does not require IMDSv2/,
    );
    config.inputs.metadataOptions = { httpTokens: "required" };
    assert.deepEqual(check(nodesRequireImdsv2, g.nodes), [], asg.urn);
  });

  describe("program mode: @pulumi/eks components by their arguments", () => {
    it("passes an eks.ManagedNodeGroup with enableIMDSv2, and eks.Cluster without its default node group", () => {
      const g = new GraphBuilder();
      const cluster = programCluster(g, "east", { skipDefaultNodeGroup: true });
      programNodeGroup(g, "ManagedNodeGroup", "east-ng", cluster, { enableIMDSv2: true });
      programCluster(g, "west", { fargate: true });
      programCluster(g, "north", { autoMode: { enabled: true } });
      assert.deepEqual(check(nodesRequireImdsv2, g.nodes), []);
    });

    it("rejects an eks.Cluster that creates its default node group (its arguments left at their defaults)", () => {
      const g = new GraphBuilder();
      const cluster = programCluster(g, "east", { nodeAmiId: "ami-066e69f6f03b5383e" });
      assertOneFinding(
        check(nodesRequireImdsv2, g.nodes),
        cluster.urn,
        /eks.Cluster "east" of cluster "east" creates its default node group, whose nodes do not require IMDSv2/,
        /Set skipDefaultNodeGroup: true on eks.Cluster "east"/,
      );
    });

    it("rejects an eks.ManagedNodeGroup with enableIMDSv2 false, or neither it nor a launch template", () => {
      const { g, nodes, clusters } = environmentGraph();
      const off = programNodeGroup(g, "ManagedNodeGroup", "off", clusters.a.eks, {
        enableIMDSv2: false,
      });
      const unset = programNodeGroup(g, "ManagedNodeGroup", "unset", clusters.b.eks);
      const findings = check(nodesRequireImdsv2, nodes);
      assert.deepEqual(
        findings.map((f) => f.urn),
        [off.urn, unset.urn],
        show(findings),
      );
      assert.match(
        findings[0].message,
        /eks.ManagedNodeGroup "off" of cluster "a" does not enable IMDSv2 on its nodes: it sets enableIMDSv2: false/,
      );
      assert.match(findings[1].message, /sets neither enableIMDSv2 nor a launchTemplate/);
      assert.match(findings[1].message, /Set enableIMDSv2: true on eks.ManagedNodeGroup "unset"/);
    });

    it("judges an eks.ManagedNodeGroup given a launch template by that template", () => {
      const { g, nodes, clusters } = environmentGraph();
      const template = g.add({
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "custom",
        inputs: { metadataOptions: { httpTokens: "optional" } },
      });
      g.add({
        type: "eks:index:ManagedNodeGroup",
        name: "custom",
        custom: false,
        uses: { cluster: [clusters.a.eks], launchTemplate: [template] },
        inputs: { launchTemplate: { id: "lt-1", version: "1" } },
      });
      assertOneFinding(
        check(nodesRequireImdsv2, nodes),
        template.urn,
        /eks.ManagedNodeGroup "custom" of cluster "a" uses aws.ec2.LaunchTemplate "custom", which does not require IMDSv2/,
      );
    });

    it("rejects eks.NodeGroup and eks.NodeGroupV2: @pulumi/eks 3+ has no argument for their metadata options", () => {
      const g = new GraphBuilder();
      const cluster = programCluster(g, "east", { skipDefaultNodeGroup: true });
      const v1 = programNodeGroup(g, "NodeGroup", "east-spot", cluster, {
        instanceType: "t3.small",
      });
      const v2 = programNodeGroup(g, "NodeGroupV2", "east-ondemand", cluster);
      const findings = check(nodesRequireImdsv2, g.nodes);
      assert.deepEqual(
        findings.map((f) => f.urn),
        [v1.urn, v2.urn],
        show(findings),
      );
      assert.match(
        findings[0].message,
        /eks.NodeGroup "east-spot" of cluster "east" does not enable IMDSv2 on its nodes: @pulumi\/eks gives it no argument for the instance metadata options, so its launch configuration leaves httpTokens unset/,
      );
      assert.match(
        findings[1].message,
        /replace eks.NodeGroupV2 "east-ondemand" with an eks.ManagedNodeGroup with enableIMDSv2: true/,
      );
    });

    it("rejects enableIMDSv2's hop limit of 2 when maxHopLimit is 1", () => {
      const g = new GraphBuilder();
      const cluster = programCluster(g, "east", { skipDefaultNodeGroup: true });
      const group = programNodeGroup(g, "ManagedNodeGroup", "ng", cluster, { enableIMDSv2: true });
      assertOneFinding(
        check(nodesRequireImdsv2, g.nodes, { maxHopLimit: 1 }),
        group.urn,
        /allows IMDS responses to travel 2 network hops \(enableIMDSv2 sets httpPutResponseHopLimit 2\)/,
      );
    });
  });

  describe("stack export: the children @pulumi/eks created", () => {
    it("passes eks.ManagedNodeGroups whose launch template requires IMDSv2, and says nothing of the components", () => {
      const g = new GraphBuilder();
      const { component } = exportedCluster(g, "east", { defaultNodeGroup: "none" });
      exportedNodeGroup(g, "ManagedNodeGroup", "ng0", component, REQUIRED);
      exportedNodeGroup(g, "ManagedNodeGroup", "ng1", component, REQUIRED);
      assert.deepEqual(check(nodesRequireImdsv2, g.nodes), []);
    });

    it("reports each node group once, on the launch template or configuration that decides it", () => {
      const g = new GraphBuilder();
      const east = exportedCluster(g, "east");
      const spot = exportedNodeGroup(g, "NodeGroup", "east-spot", east.component);
      const ondemand = exportedNodeGroup(g, "NodeGroupV2", "east-ondemand", east.component);
      const findings = check(nodesRequireImdsv2, g.nodes);
      assert.deepEqual(
        findings.map((f) => f.urn),
        [east.template?.urn, spot.template?.urn, ondemand.template?.urn],
        show(findings),
      );
      assert.match(
        findings[0].message,
        /^The default node group of eks.Cluster "east" of cluster "east" launches its nodes from aws.ec2.LaunchTemplate "east-launchTemplate", which does not require IMDSv2 \(metadataOptions.httpTokens is not set\)/,
      );
      assert.match(
        findings[1].message,
        /^eks.NodeGroup "east-spot" of cluster "east" launches its nodes from aws.ec2.LaunchConfiguration "east-spot-nodeLaunchConfiguration"/,
      );
      assert.match(
        findings[2].message,
        /^eks.NodeGroupV2 "east-ondemand" of cluster "east" launches its nodes from aws.ec2.LaunchTemplate/,
      );
    });

    it("reads the default node group of @pulumi/eks before 3 from its launch configuration", () => {
      const g = new GraphBuilder();
      const east = exportedCluster(g, "east", { defaultNodeGroup: "launchConfiguration" });
      assertOneFinding(
        check(nodesRequireImdsv2, g.nodes),
        east.template?.urn,
        /The default node group of eks.Cluster "east" of cluster "east" launches its nodes from aws.ec2.LaunchConfiguration "east-nodeLaunchConfiguration", which does not require IMDSv2/,
      );
    });

    it("rejects an eks.ManagedNodeGroup's aws.eks.NodeGroup without a launch template", () => {
      const g = new GraphBuilder();
      const { component } = exportedCluster(g, "east", { defaultNodeGroup: "none" });
      const { nodeGroup } = exportedNodeGroup(g, "ManagedNodeGroup", "ng1", component);
      assertOneFinding(
        check(nodesRequireImdsv2, g.nodes),
        nodeGroup?.urn,
        /eks.ManagedNodeGroup "ng1" of cluster "east" runs its nodes in aws.eks.NodeGroup "ng1", which has no launch template/,
        /Set enableIMDSv2: true on eks.ManagedNodeGroup "ng1"/,
      );
    });

    it("judges a preview that has the arguments and the children by the children alone", () => {
      const g = new GraphBuilder();
      const east = exportedCluster(g, "east", { args: { nodeAmiId: "ami-1" } });
      const group = exportedNodeGroup(g, "ManagedNodeGroup", "ng", east.component, REQUIRED);
      group.component.inputs = { enableIMDSv2: false }; // the children decide, not this
      assertOneFinding(
        check(nodesRequireImdsv2, g.nodes),
        east.template?.urn,
        /default node group/,
      );
    });
  });
  describe("instances", () => {
    const optional = { httpTokens: "optional", httpPutResponseHopLimit: 1 };
    const withInstance = (inputs: Record<string, unknown>) => {
      const g = new GraphBuilder();
      const cluster = g.add({ type: "aws:eks/cluster:Cluster", name: "east" });
      const instance = g.add({
        type: "aws:ec2/instance:Instance",
        name: "east-host",
        parent: cluster,
        inputs: { instanceType: "t3.small", metadataOptions: optional, ...inputs },
      });
      return { nodes: g.nodes, instance };
    };

    it("judges an instance that joins a cluster: by its tag or its bootstrap user data", () => {
      const joining: Record<string, unknown>[] = [
        { tags: { "kubernetes.io/cluster/east": "owned" } },
        { userData: "#!/bin/bash\n/etc/eks/bootstrap.sh east\n" },
        {
          userDataBase64: Buffer.from(
            "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n",
          ).toString("base64"),
        },
      ];
      for (const inputs of joining) {
        const { nodes, instance } = withInstance(inputs);
        assertOneFinding(
          check(nodesRequireImdsv2, nodes),
          instance.urn,
          /aws.ec2.Instance "east-host" of cluster "east" does not require IMDSv2/,
        );
      }
    });

    it("leaves out an instance that is not a node, like a bastion in the cluster's network", () => {
      // As in the real export test/fixtures/real/state/export-3.112.0-eks-iaac-pulumi.json: a
      // bastion with no tags and no user data, in the cluster's cell.
      const { nodes } = withInstance({ tags: { Name: "bastion" } });
      assert.deepEqual(check(nodesRequireImdsv2, nodes), []);
    });
  });
});
