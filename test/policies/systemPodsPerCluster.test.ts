import * as assert from "node:assert/strict";
import { systemPodsPerCluster } from "../../policies/systemPodsPerCluster";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";

describe("system-pods-per-cluster", () => {
  it("is mandatory and passes when each cluster has its own add-ons and Kyverno", () => {
    assert.equal(systemPodsPerCluster.enforcementLevel, "mandatory");
    assert.deepEqual(check(systemPodsPerCluster, environmentGraph().nodes), []);
  });

  for (const addon of ["vpc-cni", "coredns", "kube-proxy"] as const) {
    it(`rejects a cluster without its own ${addon}`, () => {
      const { g, nodes, clusters } = environmentGraph();
      g.remove(clusters.b.addons[addon]);
      assertOneFinding(
        check(systemPodsPerCluster, nodes),
        clusters.b.eks.urn,
        new RegExp(`Cluster "b" has no ${addon} of its own`),
        new RegExp(`Add an aws.eks.Addon with addonName "${addon}"`),
      );
    });
  }

  it("rejects a cluster without its own Kyverno", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.remove(clusters.c.kyverno);
    assertOneFinding(
      check(systemPodsPerCluster, nodes),
      clusters.c.eks.urn,
      /Cluster "c" has no kyverno of its own/,
      /k8s.helm.v3.Release of the kyverno chart/,
    );
  });

  it("accepts an add-on the cluster installs itself, or an equivalent workload", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.remove(clusters.a.addons.coredns);
    (clusters.a.eks.inputs.corednsAddonOptions as { enabled: boolean }).enabled = true;
    g.remove(clusters.b.addons["kube-proxy"]);
    g.add({
      type: "kubernetes:apps/v1:DaemonSet",
      name: "b-kube-proxy",
      provider: clusters.b.provider,
      inputs: { metadata: { name: "kube-proxy", namespace: "kube-system" } },
    });
    assert.deepEqual(check(systemPodsPerCluster, nodes), []);
  });

  it("counts what a raw aws.eks.Cluster bootstraps unless bootstrapSelfManagedAddons is false", () => {
    const g = new GraphBuilder();
    g.add({ type: "aws:eks/cluster:Cluster", name: "east" });
    const west = g.add({
      type: "aws:eks/cluster:Cluster",
      name: "west",
      inputs: { bootstrapSelfManagedAddons: false },
    });
    const findings = check(systemPodsPerCluster, g.nodes, {
      required: ["vpc-cni", "coredns", "kube-proxy"],
    });
    assert.deepEqual(
      findings.map((f) => [f.urn, /Cluster "west" has no (\S+)/.exec(f.message)?.[1]]),
      [
        [west.urn, "vpc-cni"],
        [west.urn, "coredns"],
        [west.urn, "kube-proxy"],
      ],
    );
  });

  it("checks only the components listed in required", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.remove(clusters.c.kyverno);
    assert.deepEqual(check(systemPodsPerCluster, nodes, { required: ["coredns"] }), []);
  });
});
