import type { GraphIndex } from "./graphIndex";
import { isKubernetesResource, type ResourceNode } from "./resourceGraph";

const NONE = -1;
/** A label: more than one cluster is built on the resource. */
const MANY = -2;

/**
 * Rule 3 of `clusterMembership` ("built-on"): what a cluster is built on. A candidate is a custom
 * resource that is neither a Kubernetes resource nor a provider, sits in no cluster and no cell,
 * and whose dependencies reach no cluster's structure (`reaches` is empty). A candidate belongs
 * to cluster X when X's cluster resource or one of its descendants (`inside`) depends on it
 * (dependency, property dependency or provider; not as a parent), directly or through other
 * candidates, and no other cluster's does: the subnets, security groups, role and key the
 * cluster is created with, and the VPC under those subnets. A candidate two clusters are built
 * on (a shared VPC) belongs to neither.
 *
 * Only the cluster and its descendants spread labels, not the rest of its cell: a cell holds
 * what runs on the cluster too (add-on roles, DNS policies), which may name the environment's
 * shared resources (its hosted zone, a log bucket); what the cluster resource is created with is
 * what it stands on.
 *
 * Labels spread from each cluster's resources down its edges, through candidates only; a
 * candidate's label changes at most twice (none, one cluster, several), and each change passes
 * it on to the candidates it depends on once, so every edge is looked at no more than twice:
 * linear in the size of the graph, whatever the order of registration.
 *
 * @returns per slot the slot of the cluster the resource is built on, NONE for any other; or
 *   undefined when no resource of the graph is built on a cluster (the rule then changes nothing)
 */
export function builtOnClusters(
  g: GraphIndex,
  inside: Int32Array,
  cell: Int32Array,
  reaches: ArrayLike<ReadonlySet<string> | undefined>,
): Int32Array | undefined {
  const { size, nodes, slotOfNode, positionAt, edgeStart, edges } = g;
  const candidate = new Uint8Array(size);
  let candidates = 0;
  for (let i = 0; i < nodes.length; i++) {
    const at = slotOfNode[i];
    // A URN registered twice is judged by its last registration, as everything else is. The
    // per-slot facts first: most resources are in a cluster or reach one, and are settled
    // without reading the resource itself.
    candidate[at] =
      inside[at] === NONE &&
      cell[at] === NONE &&
      (reaches[at]?.size ?? 0) === 0 &&
      isCandidate(nodes[i])
        ? 1
        : 0;
  }
  for (let at = 0; at < size; at++) candidates += candidate[at];
  if (candidates === 0) return undefined;

  const label = new Int32Array(size).fill(NONE);
  const pending: number[] = [];
  const give = (at: number, cluster: number) => {
    if (candidate[at] === 0) return;
    const was = label[at];
    if (was === cluster || was === MANY) return;
    label[at] = was === NONE ? cluster : MANY;
    pending.push(at);
  };
  // From every resource of a cluster (the cluster and its descendants)...
  for (let i = 0; i < nodes.length; i++) {
    const own = inside[slotOfNode[i]];
    if (own === NONE) continue;
    for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end; e++) give(edges[e], own);
  }
  // ...down through the candidates they depend on.
  while (pending.length > 0) {
    const at = pending.pop() as number;
    const i = positionAt[at];
    const passed = label[at];
    for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end; e++) give(edges[e], passed);
  }

  let found = false;
  for (let at = 0; at < size; at++) {
    if (label[at] >= 0) found = true;
    else label[at] = NONE;
  }
  return found ? label : undefined;
}

/** A custom resource that is neither a Kubernetes resource nor a provider. */
function isCandidate(n: ResourceNode): boolean {
  return n.custom && !isKubernetesResource(n) && !isProvider(n.type);
}

/**
 * Provider resources are never built on a cluster: a provider is where resources are created
 * (a region, an account), used by the environment's resources as much as by a cluster's. The
 * stack's default provider, which the engine gives every resource without one, would otherwise
 * become the cluster's that happens to be the only one in the stack's region.
 */
function isProvider(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}
