import type { Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import type { ClusterGraph } from "./steps";

/**
 * A resource graph (a program run offline, or a stack export) and its cluster membership, as the
 * step mapping asks for it: the cluster of each URN, and each resource's parent and provider.
 */
export function clusterGraph(
  nodes: readonly ResourceNode[],
  membership: Pick<Membership, "clusters" | "clusterOf">,
): ClusterGraph {
  const names = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const byUrn = new Map<string, ResourceNode>();
  for (const node of nodes) byUrn.set(node.urn, node);
  const root = nodes.find((n) => n.type === "pulumi:pulumi:Stack" && !n.parent)?.urn;
  return {
    root,
    ownerOf(urn) {
      if (!byUrn.has(urn)) return undefined;
      const cluster = membership.clusterOf.get(urn);
      return cluster === undefined ? null : (names.get(cluster) ?? null);
    },
    parentOf: (urn) => byUrn.get(urn)?.parent,
    providerOf: (urn) => byUrn.get(urn)?.provider,
  };
}

/**
 * Two graphs as one: what `first` knows, else what `second` knows. A removal's preview deletes
 * resources that only the graph from before the removal has; everything else is in both.
 */
export function unionGraph(first: ClusterGraph, second: ClusterGraph): ClusterGraph {
  return {
    root: first.root ?? second.root,
    ownerOf: (urn) => {
      const owner = first.ownerOf(urn);
      return owner === undefined ? second.ownerOf(urn) : owner;
    },
    parentOf: (urn) => first.parentOf?.(urn) ?? second.parentOf?.(urn),
    providerOf: (urn) => first.providerOf?.(urn) ?? second.providerOf?.(urn),
  };
}
