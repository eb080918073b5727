import * as assert from "node:assert/strict";
import type { ResourceNode } from "../../graph/resourceGraph";
import { noAmbientKubernetesProvider } from "../../policies/noAmbientKubernetesProvider";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

describe("no-ambient-kubernetes-provider", () => {
  it("is mandatory and passes when every Kubernetes resource uses its cluster's provider", () => {
    assert.equal(noAmbientKubernetesProvider.enforcementLevel, "mandatory");
    assert.deepEqual(check(noAmbientKubernetesProvider, environmentGraph().nodes), []);
  });

  it("rejects a Kubernetes resource registered without a provider", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.namespace.provider = undefined;
    assertOneFinding(
      check(noAmbientKubernetesProvider, nodes),
      clusters.b.namespace.urn,
      /k8s.core.v1.Namespace "prod-b-ns" uses the default Kubernetes provider/,
      /ambient kubeconfig/,
      /disable-default-providers/,
    );
  });

  it("rejects a Kubernetes resource on the engine's default provider", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.a.kyverno.provider =
      "urn:pulumi:prod::proj::pulumi:providers:kubernetes::default_4_34_2";
    assertOneFinding(
      check(noAmbientKubernetesProvider, nodes),
      clusters.a.kyverno.urn,
      /uses the default Kubernetes provider/,
    );
  });

  it("judges each resource by its own provider, between neighbours on another", () => {
    const { g, nodes, clusters } = environmentGraph();
    const ambient = "urn:pulumi:prod::proj::pulumi:providers:kubernetes::default_4_34_2";
    const on = (name: string, provider: ResourceNode | string | undefined) => {
      const node = g.add({ type: "kubernetes:core/v1:ConfigMap", name });
      node.provider = typeof provider === "string" ? provider : provider?.urn;
      return node;
    };
    on("before", clusters.a.provider);
    const onDefault = on("on-default", ambient);
    const alsoDefault = on("also-on-default", ambient);
    on("after", clusters.a.provider);
    const without = on("without", undefined);
    on("last", clusters.b.provider);
    assert.deepEqual(
      check(noAmbientKubernetesProvider, nodes).map((f) => f.urn),
      [onDefault.urn, alsoDefault.urn, without.urn],
    );
  });

  it("rejects a provider whose kubeconfig comes from outside the program", () => {
    const { g, nodes } = environmentGraph();
    const external = g.add({ type: "pulumi:providers:kubernetes", name: "from-file" });
    const cm = g.add({
      type: "kubernetes:core/v1:ConfigMap",
      name: "settings",
      provider: external,
    });
    assertOneFinding(
      check(noAmbientKubernetesProvider, nodes),
      cm.urn,
      /uses k8s.Provider "from-file", which depends on no EKS cluster of this stack/,
    );
  });

  it("rejects a provider that depends on two clusters", () => {
    const { g, nodes, clusters } = environmentGraph();
    const mixed = g.add({
      type: "pulumi:providers:kubernetes",
      name: "mixed",
      uses: { kubeconfig: [clusters.a.eks, clusters.b.eks] },
    });
    const cm = g.add({ type: "kubernetes:core/v1:ConfigMap", name: "settings", provider: mixed });
    assertOneFinding(
      check(noAmbientKubernetesProvider, nodes),
      cm.urn,
      /uses k8s.Provider "mixed", which depends on clusters "a" and "b"; a provider must belong to exactly one cluster/,
    );
  });
});
