import type { ResourceNode } from "../graph/resourceGraph";
import { IGNORE_TYPES, type Finding, type PolicySpec } from "./_policy";
import { label, sdkName, stackView } from "./_view";

export interface NoCrossClusterDependencyConfig {
  /** Type tokens of resources left out of the check (as dependents or dependencies). */
  ignoreTypes: string[];
}

/**
 * `no-cross-cluster-dependency`: nothing that belongs to cluster Y depends on anything that
 * belongs to cluster X, through its dependencies, property dependencies, provider or parent.
 * Otherwise a fault in X reaches Y and the clusters are not independent.
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
    for (const node of nodes) {
      const own = view.clusterOf(node.urn);
      if (!own || ignored.has(node.type)) continue;
      for (const [dep, via] of edgesWithKind(node)) {
        const target = view.byUrn.get(dep);
        const other = view.clusterOf(dep);
        if (!target || !other || other.urn === own.urn || ignored.has(target.type)) continue;
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

/** Each dependency of a node with how it depends on it; the first way found wins. */
function edgesWithKind(n: ResourceNode): Map<string, string> {
  const edges = new Map<string, string>();
  const add = (urn: string | undefined, via: string) => {
    if (urn && urn !== n.urn && !edges.has(urn)) edges.set(urn, via);
  };
  add(n.provider, "as its provider");
  add(n.parent, "as its parent");
  for (const [prop, deps] of Object.entries(n.propertyDependencies)) {
    for (const d of deps) add(d, `through its property "${prop}"`);
  }
  for (const d of n.dependencies) add(d, "through dependsOn");
  return edges;
}

function fixFor(via: string, cluster: string, what: string): string {
  if (via === "as its parent") return `Create it under a component of cluster "${cluster}".`;
  if (via === "as its provider") return `Use cluster "${cluster}"'s own provider.`;
  return (
    `Give cluster "${cluster}" its own ${what} (created with "${cluster}"'s resources), or move ` +
    `the shared resource outside both clusters.`
  );
}
