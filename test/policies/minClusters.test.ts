import * as assert from "node:assert/strict";
import { minClusters } from "../../policies/minClusters";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";

describe("min-clusters", () => {
  it("is mandatory and passes an environment of three clusters", () => {
    assert.equal(minClusters.enforcementLevel, "mandatory");
    assert.deepEqual(check(minClusters, environmentGraph().nodes), []);
  });

  it("rejects an environment with one cluster, naming it and the minimum", () => {
    const { nodes } = environmentGraph({ clusters: ["a"] });
    assertOneFinding(
      check(minClusters, nodes),
      undefined,
      /1 EKS cluster \("a"\)/,
      /at least 2/,
      /Add clusters until there are 2/,
    );
  });

  it("counts raw aws.eks.Cluster resources as clusters too", () => {
    const g = new GraphBuilder();
    g.add({ type: "aws:eks/cluster:Cluster", name: "east" });
    g.add({ type: "aws:eks/cluster:Cluster", name: "west" });
    assert.deepEqual(check(minClusters, g.nodes), []);
  });

  it("rejects a stack with no cluster at all", () => {
    const g = new GraphBuilder();
    g.add({ type: "aws:s3/bucket:Bucket", name: "logs" });
    assertOneFinding(check(minClusters, g.nodes), undefined, /no EKS cluster/);
  });

  it("honours a higher minClusters threshold from the policy config", () => {
    const { nodes } = environmentGraph();
    assertOneFinding(
      check(minClusters, nodes, { minClusters: 4 }),
      undefined,
      /3 EKS clusters \("a", "b" and "c"\)/,
      /at least 4/,
    );
  });
});
