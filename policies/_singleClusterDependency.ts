import { edgesOf, type GraphCluster, type MembershipReason } from "../graph/membership";
import { isKubernetesResource, type ResourceNode } from "../graph/resourceGraph";
import type { StackView } from "./stackView";

/**
 * How a resource belongs to a cluster only from outside it: through what it depends on, or the
 * provider (region, account) it is created with. Everything else a cluster owns is the cluster
 * itself: its structure (the cluster, its descendants, its cell), what it is built on, and what
 * it alone uses.
 */
const FROM_OUTSIDE: ReadonlySet<MembershipReason> = new Set(["depends-on", "provider"]);

/** What the cluster itself is: its structure, and what it is built on. */
const OWN: ReadonlySet<MembershipReason> = new Set([
  "is-cluster",
  "inside-cluster",
  "in-cell",
  "built-on",
]);

/**
 * Whether a resource, once a resource of another cluster uses it, is a shared dependency on one
 * cluster (`no-shared-single-cluster-dependency` reports it, once) rather than one cluster's
 * resource reaching into another's (`no-cross-cluster-dependency`, per use): a custom resource,
 * neither a Kubernetes resource nor a provider, that belongs to its cluster only through what it
 * depends on or its provider. A database in one cluster's subnet, or encrypted with one cluster's
 * key, or kept in one cluster's region, is that: it sits outside the cluster, yet fails with it.
 */
export function dependsOnOneCluster(view: StackView, node: ResourceNode): boolean {
  if (!node.custom || isKubernetesResource(node) || node.type.startsWith("pulumi:providers:")) {
    return false;
  }
  const reason = view.membership.reason.get(node.urn);
  return reason !== undefined && FROM_OUTSIDE.has(reason) && view.clusterOf(node.urn) !== undefined;
}

/** A shared dependency on one cluster, found by {@link sharedSingleClusterDependencies}. */
export interface SharedSingleClusterDependency {
  node: ResourceNode;
  /** The cluster it belongs to, through what it depends on. */
  cluster: GraphCluster;
  /** The clusters whose resources use it (the cluster's own among them when it does), in order. */
  users: GraphCluster[];
}

/**
 * Every resource that {@link dependsOnOneCluster} and that a resource of another cluster uses (as
 * a dependency, property dependency or provider; not as a parent), in registration order. One
 * pass over the edges, on the numbered membership: as a rule no edge crosses clusters, and no URN
 * is looked up.
 *
 * @param ignored type tokens whose resources are neither reported nor counted as users
 */
export function sharedSingleClusterDependencies(
  view: StackView,
  ignored: ReadonlySet<string> = new Set(),
): SharedSingleClusterDependency[] {
  const { index, owner } = view.numbered;
  const { slotOfNode, edgeStart, edges, positionAt } = index;
  const crossed = new Uint8Array(index.size);
  for (let i = 0; i < slotOfNode.length; i++) {
    const own = owner[slotOfNode[i]];
    if (own === -1) continue;
    for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end; e++) {
      const other = owner[edges[e]];
      if (other !== -1 && other !== own) crossed[edges[e]] = 1;
    }
  }
  const found: SharedSingleClusterDependency[] = [];
  for (let i = 0; i < slotOfNode.length; i++) {
    const at = slotOfNode[i];
    // A URN registered twice is its last registration, as everywhere.
    if (crossed[at] === 0 || positionAt[at] !== i) continue;
    const node = view.nodes[i];
    if (ignored.has(node.type) || !dependsOnOneCluster(view, node)) continue;
    const cluster = view.clusterAt(i) as GraphCluster;
    const using = new Set<string>();
    for (const user of view.dependents(node.urn)) {
      if (ignored.has(user.type)) continue;
      const c = view.clusterOf(user.urn);
      if (c) using.add(c.urn);
    }
    const users = view.clusters.filter((c) => using.has(c.urn));
    if (users.some((c) => c.urn !== cluster.urn)) found.push({ node, cluster, users });
  }
  return found;
}

/** What a resource stands on of its cluster, found by {@link footingOf}. */
export interface Footing {
  /** The cluster's own resources it depends on, nearest first: a subnet, a key, a provider. */
  own: ResourceNode[];
  /** Its direct dependencies through which it reaches those (a database's subnet group). */
  through: ResourceNode[];
}

/** How many of a cluster's resources a message names, and how far it looks for them. */
const NAMED = 3;
const LOOKED_AT = 64;

/**
 * Which of `cluster`'s own resources (its structure, or what it is built on) `node` depends on:
 * a walk from its dependencies down through the cluster's other resources, stopping at each own
 * one. For a message, so it names a few and looks at a few dozen resources at most.
 */
export function footingOf(view: StackView, node: ResourceNode, cluster: GraphCluster): Footing {
  const own: ResourceNode[] = [];
  const leading = new Set<ResourceNode>(); // direct dependencies that led to an own resource
  const seen = new Set<string>([node.urn]);
  /** Each URN to look at, with the direct dependency it was reached through (none for those). */
  let queue: [string, ResourceNode | undefined][] = [...edgesOf(node, false)].map((u) => [
    u,
    undefined,
  ]);
  let looked = 0;
  while (queue.length > 0 && own.length < NAMED && looked < LOOKED_AT) {
    const next: typeof queue = [];
    for (const [urn, via] of queue) {
      if (seen.has(urn) || looked >= LOOKED_AT || own.length >= NAMED) continue;
      seen.add(urn);
      looked++;
      const dep = view.byUrn.get(urn);
      if (!dep || view.clusterOf(urn)?.urn !== cluster.urn) continue;
      const reason = view.membership.reason.get(urn);
      if (reason !== undefined && OWN.has(reason)) {
        own.push(dep);
        if (via) leading.add(via);
      } else for (const further of edgesOf(dep, false)) next.push([further, via ?? dep]);
    }
    queue = next;
  }
  return { own, through: [...leading] };
}
