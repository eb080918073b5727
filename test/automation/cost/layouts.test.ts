import * as assert from "node:assert/strict";
import { ADDED_CLUSTER, drainShares, planLayouts } from "../../../automation/cost/layouts";
import { parseEnvironment } from "../../../config/load";
import { clusterFixture, environmentFixture } from "../../_fixtures";

/** kube-proxy may not be newer than any cluster's control plane: 1.32 serves 1.32 and 1.33. */
const OLDER_KUBE_PROXY = {
  vpcCni: "v1.19.5-eksbuild.1",
  coredns: "v1.12.1-eksbuild.2",
  kubeProxy: "v1.32.0-eksbuild.2",
};

const config = (overrides: Record<string, unknown> = {}) =>
  parseEnvironment("test", environmentFixture(overrides), "test stack").config;

describe("the layouts aa cost compares", () => {
  it("compares N-1, N and N+1 against one cluster", () => {
    const { single, layouts } = planLayouts(config());
    assert.deepEqual(
      layouts.map((l) => [l.label, l.clusters.map((c) => c.name)]),
      [
        ["N-1", ["a", "b"]],
        ["N", ["a", "b", "c"]],
        ["N+1", ["a", "b", "c", ADDED_CLUSTER]],
      ],
    );
    assert.deepEqual(single.clusters, [{ name: "single", weight: 1, kubernetesVersion: "1.33" }]);
  });

  it("leaves out N-1 when it would be a single cluster", () => {
    const two = config({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    assert.deepEqual(
      planLayouts(two).layouts.map((l) => l.label),
      ["N", "N+1"],
    );
  });

  it("marks N-1 below minClusters", () => {
    const [n1, n] = planLayouts(config({ minClusters: 3 })).layouts;
    assert.equal(n1.belowMinClusters, true);
    assert.equal(n.belowMinClusters, false);
  });

  it("adds the N+1 cluster at the environment's version with the mean weight", () => {
    const plan = planLayouts(
      config({
        addons: OLDER_KUBE_PROXY,
        clusters: [
          clusterFixture("a", 0, { weight: 3, kubernetesVersion: "1.32" }),
          clusterFixture("b", 1, { weight: 2 }),
          clusterFixture("c", 2, { weight: 2 }),
        ],
      }),
    );
    const added = plan.layouts.find((l) => l.label === "N+1")?.clusters.at(-1);
    // mean weight (3 + 2 + 2) / 3 = 2.33 -> 2
    assert.deepEqual(added, { name: ADDED_CLUSTER, weight: 2, kubernetesVersion: "1.33" });
    assert.equal(plan.layouts[1].clusters[0].kubernetesVersion, "1.32");
  });

  it("sizes unequal weights for the heaviest other cluster's drain", () => {
    // weights 2, 1, 1: shares 1/2, 1/4, 1/4. Draining b leaves a 2/3; draining a leaves b 1/2.
    assert.deepEqual(drainShares([2, 1, 1]), [
      { share: 0.5, drainShare: 2 / 3 },
      { share: 0.25, drainShare: 0.5 },
      { share: 0.25, drainShare: 0.5 },
    ]);
  });

  it("gives a drained (weight 0) cluster no share, and splits evenly when only zeros remain", () => {
    // Draining a leaves b and c at weight 0: Route 53 then answers with both equally.
    assert.deepEqual(drainShares([1, 0, 0]), [
      { share: 1, drainShare: 1 },
      { share: 0, drainShare: 0.5 },
      { share: 0, drainShare: 0.5 },
    ]);
  });
});
