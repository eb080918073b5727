import type { ResourceNode } from "../graph/resourceGraph";
import { dependsOnOneCluster } from "./_singleClusterDependency";
import { IGNORE_TYPES, type Finding, type PolicySpec } from "./policySpec";
import { label, sdkName, stackView, type StackView } from "./stackView";

export interface NoCrossClusterDependencyConfig {
  /** Type tokens of resources left out of the check (as dependents or dependencies). */
  ignoreTypes: string[];
}

/**
 * `no-cross-cluster-dependency`: nothing that belongs to cluster Y depends on anything that
 * belongs to cluster X, through its dependencies, property dependencies, provider or parent.
 * Otherwise a fault in X reaches Y and the clusters are not independent. A resource outside X
 * that is X's only through what it depends on (a database in X's subnet) and that other
 * clusters use is a shared dependency on one cluster: `no-shared-single-cluster-dependency`
 * reports it once, instead of once here per use.
 */
export const noCrossClusterDependency: PolicySpec<NoCrossClusterDependencyConfig> = {
  name: "no-cross-cluster-dependency",
  description: "No resource of one cluster depends on a resource of another cluster.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    ignoreTypes: IGNORE_TYPES,
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    if (view.clusters.length < 2) return [];
    const ignored = new Set(config.ignoreTypes);
    const findings: Finding[] = [];
    const reachesOtherCluster = crossingTest(view);
    for (let i = 0; i < nodes.length; i++) {
      // Most resources of a large graph depend only on their own cluster's and shared
      // resources: that is settled on the numbered graph, without looking up any URN.
      if (!reachesOtherCluster(i)) continue;
      const node = nodes[i];
      const own = view.clusterAt(i);
      if (!own || ignored.has(node.type)) continue;
      for (const [dep, via] of edgesWithKind(node)) {
        const target = view.byUrn.get(dep);
        const other = view.clusterOf(dep);
        if (!target || !other || other.urn === own.urn || ignored.has(target.type)) continue;
        if (via !== AS_PARENT && dependsOnOneCluster(view, target)) continue;
        findings.push({
          urn: node.urn,
          message:
            `${label(node)} belongs to cluster "${own.name}" but depends on ${label(target)} of ` +
            `cluster "${other.name}" (${via}), so a fault in "${other.name}" reaches "${own.name}" ` +
            `as well. ${fixFor(via, own.name, sdkName(target.type))}`,
        });
      }
    }
    return findings;
  },
};

/**
 * Whether the resource at a position belongs to a cluster and has an edge (dependency, property
 * dependency, provider or parent) to a resource of another cluster: the resources the check
 * below can report, and a few more (it also leaves out ignored types).
 */
function crossingTest(view: StackView): (position: number) => boolean {
  const { index, owner } = view.numbered;
  const { slotOfNode, parentOfNode, edgeStart, edges } = index;
  return (i) => {
    const own = owner[slotOfNode[i]];
    if (own === -1) return false;
    const parent = parentOfNode[i];
    if (parent !== -1 && owner[parent] !== -1 && owner[parent] !== own) return true;
    for (let e = edgeStart[i]; e < edgeStart[i + 1]; e++) {
      const other = owner[edges[e]];
      if (other !== -1 && other !== own) return true;
    }
    return false;
  };
}

const AS_PARENT = "as its parent";

/** Each dependency of a node with how it depends on it; the first way found wins. */
function edgesWithKind(n: ResourceNode): Map<string, string> {
  const edges = new Map<string, string>();
  const add = (urn: string | undefined, via: string) => {
    if (urn && urn !== n.urn && !edges.has(urn)) edges.set(urn, via);
  };
  add(n.provider, "as its provider");
  add(n.parent, AS_PARENT);
  for (const [prop, deps] of Object.entries(n.propertyDependencies)) {
    for (const d of deps) add(d, `through its property "${prop}"`);
  }
  for (const d of n.dependencies) add(d, "through dependsOn");
  return edges;
}

function fixFor(via: string, cluster: string, what: string): string {
  if (via === AS_PARENT) return `Create it under a component of cluster "${cluster}".`;
  if (via === "as its provider") return `Use cluster "${cluster}"'s own provider.`;
  return (
    `Give cluster "${cluster}" its own ${what} (created with "${cluster}"'s resources), or move ` +
    `the shared resource outside both clusters.`
  );
}
