import * as assert from "node:assert/strict";
import { nodesRequireImdsv2 } from "../../policies/nodesRequireImdsv2";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

type Metadata = { httpTokens?: string; httpPutResponseHopLimit?: number };
const metadataOf = (n: { inputs: Record<string, unknown> }) => n.inputs.metadataOptions as Metadata;

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

  it("rejects an eks.Cluster that creates its default node group", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.a.eks.inputs.skipDefaultNodeGroup = false;
    assertOneFinding(
      check(nodesRequireImdsv2, nodes),
      clusters.a.eks.urn,
      /creates its default node group, whose nodes do not require IMDSv2/,
    );
  });

  it("rejects an eks.ManagedNodeGroup without enableIMDSv2", () => {
    const { g, nodes, clusters } = environmentGraph();
    const group = g.add({
      type: "eks:index:ManagedNodeGroup",
      name: "extra",
      parent: clusters.a.cell,
      custom: false,
      inputs: { enableIMDSv2: false },
    });
    assertOneFinding(
      check(nodesRequireImdsv2, nodes),
      group.urn,
      /eks.ManagedNodeGroup "extra" of cluster "a" does not enable IMDSv2/,
    );
  });
});
