import * as assert from "node:assert/strict";
import { clusterVersionSkew } from "../../policies/clusterVersionSkew";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

describe("cluster-version-skew", () => {
  it("is mandatory and passes clusters one minor apart (a rollout in progress)", () => {
    assert.equal(clusterVersionSkew.enforcementLevel, "mandatory");
    const { nodes } = environmentGraph({ versions: { a: "1.32", b: "1.33", c: "1.33" } });
    assert.deepEqual(check(clusterVersionSkew, nodes), []);
  });

  it("rejects clusters two minors apart, pointing at the oldest", () => {
    const { nodes, clusters } = environmentGraph({ versions: { a: "1.31" } });
    assertOneFinding(
      check(clusterVersionSkew, nodes),
      clusters.a.eks.urn,
      /a: 1.31, b: 1.33, c: 1.33/,
      /"a" \(1.31\) and "b" \(1.33\) are 2 minor versions apart, more than the 1 allowed/,
      /Upgrade "a" one minor at a time/,
    );
  });

  it("reads the version of the aws.eks.Cluster inside an eks.Cluster when there is one", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.add({
      type: "aws:eks/cluster:Cluster",
      name: "prod-c-eks-eksCluster",
      parent: clusters.c.eks,
      inputs: { version: "1.35" },
    });
    assertOneFinding(check(clusterVersionSkew, nodes), clusters.a.eks.urn, /c: 1.35/);
  });

  it("skips versions not known yet", () => {
    const { nodes, clusters } = environmentGraph({ versions: { a: "1.31" } });
    clusters.a.eks.inputs.version = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    assert.deepEqual(check(clusterVersionSkew, nodes), []);
  });

  it("honours maxMinorSkew", () => {
    const { nodes } = environmentGraph({ versions: { a: "1.31" } });
    assert.deepEqual(check(clusterVersionSkew, nodes, { maxMinorSkew: 2 }), []);
    const same = environmentGraph({ versions: { a: "1.32" } }).nodes;
    assert.equal(check(clusterVersionSkew, same, { maxMinorSkew: 0 }).length, 1);
  });
});
