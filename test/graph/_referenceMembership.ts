// The first implementation of cluster membership, kept as the reference the optimized one in
// graph/membership.ts must agree with (test/graph/membership.reference.test.ts): a direct reading
// of the rules, with maps keyed by URN and a set per resource, that no order of the nodes can
// change (for graphs without cycles). Test code only.
import {
  EKS_CLUSTER_TYPES,
  isKubernetesResource,
  type ResourceNode,
} from "../../graph/resourceGraph";
import {
  compareClusters,
  type GraphCluster,
  type Membership,
  type MembershipReason,
} from "../../graph/membership";

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Decides, from the graph alone, which cluster each resource belongs to. A resource belongs to
 * cluster X when:
 *  1. it is EKS cluster X (`eks:index:Cluster` or `aws:eks/cluster:Cluster`) or a descendant of it;
 *  2. its nearest ancestor component that contains any EKS cluster contains exactly one, X (a
 *     "cell": e.g. X's VPC, IAM roles and KMS key, created beside the cluster);
 *  3. X is built on it: a custom resource in no cell, neither a Kubernetes resource nor a
 *     provider, whose dependencies reach no cluster's structure (rules 1-2), and that X itself
 *     (the cluster or a descendant) depends on, directly or through other such resources, while
 *     no other cluster does;
 *  4. it is a Kubernetes resource whose provider reaches cluster X alone; or it is in no cell and
 *     its explicit provider belongs to cluster X alone: it lives where X lives;
 *  5. its dependencies (explicit, per property, provider, parent) reach exactly one cluster, X;
 *  6. it reaches no cluster, and everything that depends on it belongs to X alone.
 * Anything else (reaching no cluster, or several) is environment-level. For rules 4 and 5 the
 * clusters whose structure a resource reaches come first; only a resource that reaches no
 * cluster's structure is judged by what it reaches of what clusters are built on.
 */
export function referenceMembership(nodes: readonly ResourceNode[]): Membership {
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));

  // 1. The cluster each resource is in: the outermost EKS cluster among itself and its ancestors.
  const insideCluster = new Map<string, string>();
  const clusters: GraphCluster[] = [];
  for (const n of nodes) {
    const root = outermostCluster(n, byUrn);
    if (root) insideCluster.set(n.urn, root);
    if (root === n.urn) clusters.push({ urn: n.urn, name: clusterName(n) });
  }
  // An eks.Cluster component whose own tags are not recorded (a stack export keeps no component
  // arguments) is named by the tag of the aws.eks.Cluster it created (the first by URN).
  const childTag = new Map<string, string>();
  const byUrnOrder = [...nodes].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  for (const n of byUrnOrder) {
    const root = n.type === "aws:eks/cluster:Cluster" ? insideCluster.get(n.urn) : undefined;
    const tag = root && root !== n.urn ? clusterTag(n) : undefined;
    if (root && tag && !childTag.has(root)) childTag.set(root, tag);
  }
  for (const c of clusters) {
    const root = byUrn.get(c.urn);
    const tag = childTag.get(c.urn);
    if (root && tag && clusterTag(root) === undefined) c.name = tag;
  }
  clusters.sort(compareClusters);

  // 2. Cells: the clusters contained in each subtree.
  const contained = new Map<string, Set<string>>();
  for (const c of clusters) {
    for (let urn: string | undefined = c.urn; urn; urn = byUrn.get(urn)?.parent) {
      let set = contained.get(urn);
      if (!set) contained.set(urn, (set = new Set()));
      set.add(c.urn);
    }
  }
  const cellOf = (n: ResourceNode): string | undefined => {
    for (let urn: string | undefined = n.urn; urn; urn = byUrn.get(urn)?.parent) {
      const set = contained.get(urn);
      if (set) return set.size === 1 ? [...set][0] : undefined;
    }
    return undefined;
  };
  const structural = (urn: string): string | undefined => {
    const inside = insideCluster.get(urn);
    if (inside) return inside;
    const n = byUrn.get(urn);
    return n ? cellOf(n) : undefined;
  };

  // What each resource's dependencies reach of the clusters' structure.
  const structuralReach = reachIn(nodes, structural);

  // 3. Built on: labels spread from each cluster's own resources down through the candidates
  // until nothing changes.
  const candidate = (urn: string): boolean => {
    const n = byUrn.get(urn);
    return (
      !!n &&
      n.custom &&
      !isKubernetesResource(n) &&
      !n.type.startsWith("pulumi:providers:") &&
      !insideCluster.has(urn) &&
      !cellOf(n) &&
      (structuralReach.reaches.get(urn)?.size ?? 0) === 0
    );
  };
  const labels = new Map<string, Set<string>>();
  const label = (urn: string, clusterUrns: Iterable<string>): boolean => {
    if (!candidate(urn)) return false;
    let set = labels.get(urn);
    if (!set) labels.set(urn, (set = new Set()));
    const before = set.size;
    for (const c of clusterUrns) set.add(c);
    return set.size > before;
  };
  for (const n of nodes) {
    const own = insideCluster.get(n.urn);
    if (own) for (const dep of edgesOf(n, false)) label(dep, [own]);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const [urn, set] of labels) {
      for (const dep of edgesOf(byUrn.get(urn) as ResourceNode, false)) {
        if (label(dep, [...set])) changed = true;
      }
    }
  }
  const builtOn = new Map<string, string>();
  for (const [urn, set] of labels) if (set.size === 1) builtOn.set(urn, [...set][0]);

  // The whole reach: the structure, and what each cluster is built on.
  const whole = reachIn(nodes, (urn) => structural(urn) ?? builtOn.get(urn));
  const reaches = whole.reaches;
  /** What decides: the clusters whose structure a resource reaches, else the whole reach. */
  const decisive = (byStructure: ReadonlySet<string>, all: ReadonlySet<string>) =>
    byStructure.size > 0 ? byStructure : all;

  // 4./5. Every resource, on the final reach.
  const clusterOf = new Map<string, string>();
  const reason = new Map<string, MembershipReason>();
  const viaProvider = (n: ResourceNode): ReadonlySet<string> =>
    n.provider ? decisive(structuralReach.reachOf(n.provider), whole.reachOf(n.provider)) : EMPTY;
  for (const n of nodes) {
    const inside = insideCluster.get(n.urn);
    if (inside) {
      clusterOf.set(n.urn, inside);
      reason.set(n.urn, inside === n.urn ? "is-cluster" : "inside-cluster");
      continue;
    }
    if (isKubernetesResource(n)) {
      const via = viaProvider(n);
      if (via.size === 1) {
        clusterOf.set(n.urn, [...via][0]);
        reason.set(n.urn, "provider");
      } else reason.set(n.urn, "environment");
      continue;
    }
    const cell = cellOf(n);
    if (cell) {
      clusterOf.set(n.urn, cell);
      reason.set(n.urn, "in-cell");
      continue;
    }
    const built = builtOn.get(n.urn);
    if (built) {
      clusterOf.set(n.urn, built);
      reason.set(n.urn, "built-on");
      continue;
    }
    const via = viaProvider(n);
    if (via.size === 1) {
      clusterOf.set(n.urn, [...via][0]);
      reason.set(n.urn, "provider");
      continue;
    }
    const reach = decisive(
      structuralReach.reaches.get(n.urn) ?? EMPTY,
      reaches.get(n.urn) ?? EMPTY,
    );
    if (reach.size === 1) {
      clusterOf.set(n.urn, [...reach][0]);
      reason.set(n.urn, "depends-on");
      continue;
    }
    reason.set(n.urn, "environment");
  }

  // 6. Unowned resources that reach nothing but are used by one cluster only, until nothing
  // changes (a chain of them is settled from its users down).
  const dependents = new Map<string, string[]>();
  for (const n of nodes) for (const dep of edgesOf(n, false)) push(dependents, dep, n.urn);
  for (let changed = true; changed;) {
    changed = false;
    for (const n of nodes) {
      if (clusterOf.has(n.urn) || (reaches.get(n.urn)?.size ?? 0) > 0) continue;
      if (isKubernetesResource(n) || !n.custom) continue;
      const users = dependents.get(n.urn) ?? [];
      const owners = new Set(users.map((u) => clusterOf.get(u)));
      if (users.length > 0 && owners.size === 1 && !owners.has(undefined)) {
        clusterOf.set(n.urn, [...owners][0] as string);
        reason.set(n.urn, "used-by");
        changed = true;
      }
    }
  }

  return { clusters, clusterOf, reaches, reason };
}

/**
 * What each resource's dependencies reach, transitively (the graph has no cycles), where each
 * resource counts as `own(urn)`: a resource's reach is what its dependencies reach with their
 * own clusters, in the order of its edges. `reachOf` is a resource's reach with its own cluster.
 */
function reachIn(nodes: readonly ResourceNode[], own: (urn: string) => string | undefined) {
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));
  const reaches = new Map<string, ReadonlySet<string>>();
  const reachOf = (urn: string): ReadonlySet<string> => {
    const mine = own(urn);
    const further = reachFrom(urn);
    if (!mine || further.has(mine)) return further;
    return new Set([...further, mine]);
  };
  const reachFrom = (urn: string): ReadonlySet<string> => {
    const n = byUrn.get(urn);
    if (!n) return EMPTY;
    let reach = reaches.get(urn);
    if (!reach) {
      let found: Set<string> | undefined;
      for (const dep of edgesOf(n)) {
        for (const c of reachOf(dep)) (found ??= new Set()).add(c);
      }
      reaches.set(urn, (reach = found ?? EMPTY));
    }
    return reach;
  };
  for (const n of nodes) reachFrom(n.urn);
  return { reaches, reachOf };
}

/** The dependency edges of a node: dependencies, property dependencies, provider and parent. */
function edgesOf(n: ResourceNode, withParent = true): Set<string> {
  const edges = new Set<string>(n.dependencies);
  for (const deps of Object.values(n.propertyDependencies)) deps.forEach((d) => edges.add(d));
  if (n.provider) edges.add(n.provider);
  if (withParent && n.parent) edges.add(n.parent);
  edges.delete(n.urn);
  return edges;
}

function clusterName(n: ResourceNode): string {
  return clusterTag(n) ?? n.name;
}

function clusterTag(n: ResourceNode): string | undefined {
  const tags = n.inputs.tags;
  if (tags && typeof tags === "object") {
    const tag = (tags as Record<string, unknown>)["active-active/cluster"];
    if (typeof tag === "string" && tag) return tag;
  }
  return undefined;
}

/** The outermost EKS cluster among a resource and its ancestors (parents have no cycles). */
function outermostCluster(n: ResourceNode, byUrn: Map<string, ResourceNode>): string | undefined {
  let root: string | undefined;
  for (
    let at: ResourceNode | undefined = n;
    at;
    at = at.parent ? byUrn.get(at.parent) : undefined
  ) {
    if (EKS_CLUSTER_TYPES.has(at.type)) root = at.urn;
  }
  return root;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
