import { builtOnClusters } from "./_builtOn";
import { reachPass } from "./_reach";
import { settleUsedBy } from "./_usedBy";
import { BySlot, GraphIndex } from "./graphIndex";
import { GraphNumbering } from "./graphNumbering";
import {
  AWS_EKS_CLUSTER,
  EKS_COMPONENT,
  isKubernetesResource,
  type ResourceNode,
} from "./resourceGraph";

/** An EKS cluster found in the graph. */
export interface GraphCluster {
  /** URN of the cluster resource. */
  urn: string;
  /**
   * Display name: the cluster's `active-active/cluster` tag when it has one, else its logical
   * name. Tags are data the program chose, so this is not a guess from naming conventions.
   */
  name: string;
}

/** Which cluster each resource belongs to; `undefined` means environment-level. */
export interface Membership {
  clusters: GraphCluster[];
  /** Cluster URN per resource URN, for resources inside exactly one cluster's blast radius. */
  clusterOf: ReadonlyMap<string, string>;
  /**
   * Cluster URNs each resource's dependencies reach (dependencies, provider, parent,
   * transitively): the clusters whose structure (the cluster, its descendants, its cell) or
   * whose footing (what the cluster is built on) they include. Every resource has an entry, so
   * it doubles as the set of the graph's URNs.
   */
  reaches: ReadonlyMap<string, ReadonlySet<string>>;
  /** How each resource's membership was decided. */
  reason: ReadonlyMap<string, MembershipReason>;
  /**
   * The membership on the numbered graph it was decided on (positions are those of the nodes
   * given), for views of the same graph to reuse and for passes that would otherwise look URNs up.
   */
  numbered?: NumberedMembership;
}

/** {@link Membership} by slot of a {@link GraphIndex}. */
export interface NumberedMembership {
  index: GraphIndex;
  /** Per slot: the slot of the cluster its resource belongs to; -1 for environment-level (and URNs that are no resource). */
  owner: Int32Array;
}

/**
 * Which rule of {@link clusterMembership} placed a resource: "is-cluster" and "inside-cluster"
 * (rule 1), "in-cell" (2), "built-on" (3: what the cluster is created with, outside a cell),
 * "provider" (4), "depends-on" (5), "used-by" (6); "environment" for no cluster.
 */
export type MembershipReason =
  | "is-cluster"
  | "inside-cluster"
  | "in-cell"
  | "built-on"
  | "provider"
  | "depends-on"
  | "used-by"
  | "environment";

const EMPTY: ReadonlySet<string> = new Set();
const NONE = -1;

/**
 * Decides, from the graph alone, which cluster each resource belongs to. A resource belongs to
 * cluster X when:
 *  1. it is EKS cluster X (`eks:index:Cluster` or `aws:eks/cluster:Cluster`) or a descendant of it;
 *  2. its nearest ancestor component that contains any EKS cluster contains exactly one, X (a
 *     "cell": e.g. X's VPC, IAM roles and KMS key, created beside the cluster);
 *  3. X is built on it ("built-on"): it is a custom resource in no cell, neither a Kubernetes
 *     resource nor a provider, its dependencies reach no cluster's structure (rules 1-2), and X
 *     itself (the cluster or a descendant) depends on it, directly or through other such
 *     resources, while no other cluster does: the subnets, security groups, role and key X is
 *     created with, and the VPC under those subnets. It stays X's when other clusters' or
 *     environment-level resources use it too (a database in X's subnet); what two clusters are
 *     built on (a shared VPC) belongs to neither;
 *  4. it is a Kubernetes resource whose provider reaches cluster X alone; or it is in no cell and
 *     its explicit provider belongs to cluster X alone (X's own AWS provider, in X's region and
 *     account, sits in X's cell): it lives where X lives, whatever else it uses;
 *  5. its dependencies (explicit, per property, provider, parent) reach exactly one cluster, X
 *     (it is inside X's blast radius, like a DNS record pointing at X's load balancer, or a
 *     database in a subnet X is built on);
 *  6. it reaches no cluster, and everything that depends on it belongs to X alone.
 * Anything else (reaching no cluster, or several) is environment-level.
 *
 * A resource reaches a cluster when its dependencies, transitively, include that cluster's
 * structure (rules 1-2) or what the cluster is built on (rule 3); `reaches` holds both. For
 * rules 4 and 5 the structure comes first: what reaches the structure of one cluster and what
 * another is built on (a node group of cluster Y in a subnet of X) belongs to Y, and depends on
 * X's subnet (a cross-cluster dependency, not an environment-level resource). The order of
 * evaluation: the structure (rules 1-2) from the parent tree; what each resource's dependencies
 * reach of the structure; rule 3 from that; the whole reach (only when something is built on a
 * cluster); rules 4 and 5 on it; rule 6 from the users down.
 *
 * The order of the nodes decides nothing: the passes that need a resource's dependencies decided
 * first follow the graph's dependency order (`GraphIndex.order`), and clusters are listed by name
 * ({@link compareClusters}). The one exception is a graph with a cycle of dependencies or parents,
 * which no engine writes: `aa check --state` refuses such a state before it gets here
 * (graph/integrity.ts).
 *
 * Linear in the size of the graph: a few passes over the nodes (in dependency order, which for a
 * program's registrations or a state the engine wrote is their own order), every per-resource
 * fact computed once and kept in arrays indexed by resource (a stack export of 200,000 resources
 * is a normal input), and the sets of clusters a resource reaches shared between resources
 * whenever they are equal (most resources of a cluster reach exactly that cluster).
 *
 * `numbered`: the {@link GraphIndex} of these very nodes (e.g. the one their integrity was
 * checked on), or the {@link GraphNumbering} they were handed to as they were made (a stack
 * export's reader does this), taken over by the membership's index; numbered here without either.
 */
export function clusterMembership(
  nodes: readonly ResourceNode[],
  numbered?: GraphNumbering | GraphIndex,
): Membership {
  const g =
    numbered instanceof GraphIndex && numbered.nodes === nodes
      ? numbered
      : new GraphIndex(nodes, numbered instanceof GraphNumbering ? numbered : undefined);
  const { size, urnAt, nodeAt, parentOf, slotOfNode, parentOfNode } = g;
  const count = nodes.length;

  // Rule 1. Cluster roots: EKS clusters that are not inside another EKS cluster. In dependency
  // order, so a parent is decided before its children.
  const { order } = g.order;
  const inside = new Int32Array(size).fill(NONE);
  const clusters: GraphCluster[] = [];
  const awsClusters: number[] = []; // positions of aws.eks.Cluster resources, for their tags
  for (let k = 0; k < count; k++) {
    const i = order[k];
    const n = nodes[i];
    const at = slotOfNode[i];
    const parent = parentOfNode[i];
    const parentCluster = parent === NONE ? NONE : inside[parent];
    const type = n.type;
    if (type === AWS_EKS_CLUSTER) awsClusters.push(i);
    if (parentCluster !== NONE) inside[at] = parentCluster;
    else if (isEksCluster(type)) {
      inside[at] = at;
      clusters.push({ urn: n.urn, name: clusterName(n) });
    }
  }
  // Resources on a cycle of parents (only a broken state has one) are left to the ancestor walk,
  // which gives them none.
  settleByAncestor(inside, parentOf, (at) => inside[at] !== NONE);
  // An eks.Cluster component whose own tags are not recorded (a stack export keeps no component
  // arguments) is named by the tag of the aws.eks.Cluster it created (of the first by URN, should
  // it have created several).
  const childTag = new Map<number, { urn: string; tag: string }>();
  for (const i of awsClusters) {
    const n = nodes[i];
    const at = slotOfNode[i];
    const root = inside[at];
    const tag = root !== NONE && root !== at ? clusterTag(n) : undefined;
    const known = tag && childTag.get(root);
    if (tag && (!known || n.urn < known.urn)) childTag.set(root, { urn: n.urn, tag });
  }
  for (const c of clusters) {
    const at = g.find(c.urn);
    const root = nodeAt[at];
    const tag = childTag.get(at)?.tag;
    if (root && tag && clusterTag(root) === undefined) c.name = tag;
  }
  // Listed by name, not in the order they were found: the order of a state file's resources
  // decides nothing, neither the clusters' order in reports and messages.
  clusters.sort(compareClusters);

  // Rule 2. Cells: how many clusters each subtree contains (and which, when it is one).
  const containedCount = new Int32Array(size);
  const containedFirst = new Int32Array(size).fill(NONE);
  for (const c of clusters) {
    const cluster = g.find(c.urn);
    for (let at = cluster, steps = 0; at !== NONE && steps <= size; at = parentOf[at], steps++) {
      if (containedFirst[at] === cluster) break; // a cycle of parents
      if (containedCount[at]++ === 0) containedFirst[at] = cluster;
    }
  }
  // The cell of each resource: the clusters of its nearest ancestor (or itself) that has any.
  const cell = new Int32Array(size).fill(NONE);
  for (let at = 0; at < size; at++) if (containedCount[at] === 1) cell[at] = containedFirst[at];
  settleByAncestor(cell, parentOf, (at) => containedCount[at] > 0);

  // The clusters whose structure (rules 1-2) each resource's dependencies reach.
  const structure = new Int32Array(size);
  for (let at = 0; at < size; at++) {
    structure[at] = inside[at] !== NONE ? inside[at] : nodeAt[at] ? cell[at] : NONE;
  }
  const structural = reachPass(g, structure);
  // Rule 3. What each cluster is built on, among the resources that reach no structure.
  const builtOn = builtOnClusters(g, inside, cell, structural.reachAt);
  // The whole reach: what the structure of a cluster, or what it is built on, is reached from
  // (a database in a cluster's subnet reaches that cluster). Without anything built on a
  // cluster it is the structural reach.
  const full = builtOn
    ? reachPass(
        g,
        structure.map((own, at) => (own !== NONE ? own : builtOn[at])),
      )
    : structural;
  /**
   * The clusters a slot reaches as far as membership goes: those whose structure it reaches,
   * else, reaching none, those whose footing (what they are built on) it reaches.
   */
  const decisive = (at: number): ReadonlySet<string> => {
    const first = structural.closure(at);
    return first.size > 0 ? first : full.closure(at);
  };

  // Rules 1-5 for every resource, on the whole reach.
  const reachAt = full.reachAt;
  const ownerAt = new Int32Array(size).fill(NONE);
  const reasonAt = new Array<MembershipReason>(size);
  const { providerOfNode } = g;
  for (let i = 0; i < count; i++) {
    const n = nodes[i];
    const self = slotOfNode[i];
    const own = inside[self];
    if (own !== NONE) {
      ownerAt[self] = own;
      reasonAt[self] = own === self ? "is-cluster" : "inside-cluster";
    } else if (isKubernetesResource(n)) {
      const provider = providerOfNode[i];
      const via = provider === NONE ? EMPTY : decisive(provider);
      if (via.size === 1) {
        ownerAt[self] = g.find(first(via));
        reasonAt[self] = "provider";
      } else reasonAt[self] = "environment";
    } else if (cell[self] !== NONE) {
      ownerAt[self] = cell[self];
      reasonAt[self] = "in-cell";
    } else if (builtOn && builtOn[self] !== NONE) {
      ownerAt[self] = builtOn[self];
      reasonAt[self] = "built-on";
    } else {
      // Outside every cell, a resource on a provider of one cluster alone (that cluster's own AWS
      // provider: in its region and account) is that cluster's, whatever else it uses.
      const provider = providerOfNode[i];
      const via = provider === NONE ? EMPTY : decisive(provider);
      const byStructure = structural.reachAt[self] as ReadonlySet<string>;
      const reach = byStructure.size > 0 ? byStructure : (reachAt[self] as ReadonlySet<string>);
      if (via.size === 1) {
        ownerAt[self] = g.find(first(via));
        reasonAt[self] = "provider";
      } else if (reach.size === 1) {
        ownerAt[self] = g.find(first(reach));
        reasonAt[self] = "depends-on";
      } else reasonAt[self] = "environment";
    }
  }

  // Rule 6, from the users down: unowned resources that reach nothing but are used by one cluster only.
  settleUsedBy(g, reachAt, ownerAt, reasonAt);

  // Read through the index: a map of every URN would cost more than the questions asked of it.
  return {
    clusters,
    clusterOf: new BySlot(g, (at) => (ownerAt[at] === NONE ? undefined : urnAt[ownerAt[at]])),
    reaches: new BySlot(g, (at) => reachAt[at]),
    reason: new BySlot(g, (at) => reasonAt[at]),
    numbered: { index: g, owner: ownerAt },
  };
}

/**
 * Gives every entry where `known` is false the value of its nearest ancestor where `known` is
 * true (NONE when there is none, or the parents form a cycle); entries where it is true keep
 * their own value. Each entry is settled once: in order when its parent is settled already (a
 * parent registered first, the rule), by a walk up otherwise.
 */
function settleByAncestor(
  value: Int32Array,
  parentOf: Int32Array,
  known: (at: number) => boolean,
): void {
  const size = value.length;
  const state = new Uint8Array(size); // 0 open, 1 on the current walk, 2 settled
  for (let at = 0; at < size; at++) if (known(at)) state[at] = 2;
  const path: number[] = [];
  for (let start = 0; start < size; start++) {
    if (state[start] === 2) continue;
    const parent = parentOf[start];
    if (parent === NONE || state[parent] === 2) {
      value[start] = parent === NONE ? NONE : value[parent];
      state[start] = 2;
      continue;
    }
    // Walk up to the nearest settled ancestor; then settle the whole walk.
    let at = start;
    let result = NONE;
    for (;;) {
      state[at] = 1;
      path.push(at);
      const up = parentOf[at];
      if (up === NONE || state[up] === 1) break;
      if (state[up] === 2) {
        result = value[up];
        break;
      }
      at = up;
    }
    for (const p of path) {
      value[p] = result;
      state[p] = 2;
    }
    path.length = 0;
  }
}

/**
 * The order clusters are listed in: by name, runs of digits by their value ("cell-2" before
 * "cell-10"), then by URN (two clusters may share a name). The same for any order of the graph.
 */
export function compareClusters(a: GraphCluster, b: GraphCluster): number {
  return compareNames(a.name, b.name) || (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0);
}

function compareNames(a: string, b: string): number {
  const x = a.match(NAME_PARTS) ?? [];
  const y = b.match(NAME_PARTS) ?? [];
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    const p = x[k];
    const q = y[k];
    if (p === q) continue;
    const numbers = DIGITS.test(p) && DIGITS.test(q);
    if (numbers && Number(p) !== Number(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

const NAME_PARTS = /\d+|\D+/g;
const DIGITS = /^\d/;

/** `EKS_CLUSTER_TYPES` (resourceGraph.ts), by comparison (cheaper than hashing every type token). */
function isEksCluster(type: string): boolean {
  return type === EKS_COMPONENT || type === AWS_EKS_CLUSTER;
}

function first<T>(set: ReadonlySet<T>): T {
  return set.values().next().value as T;
}

/**
 * True when {@link clusterMembership} reads the same from `a` as from `b`, two records of one
 * resource (e.g. as read from a stack export, and as a policy pack receives it, with its outputs
 * as properties and its property dependencies in sorted order): the same URN, type, kind, parent,
 * provider and dependencies, the same cluster tag for an EKS cluster, and property dependencies
 * that are the same or, on both sides, all among the dependencies (then they add no edge and
 * change no order). When it holds for every resource, a membership of one graph is the
 * membership of the other, and need not be computed twice.
 */
export function readsSameMembership(a: ResourceNode, b: ResourceNode): boolean {
  if (a === b) return true;
  if (
    a.urn !== b.urn ||
    a.type !== b.type ||
    a.custom !== b.custom ||
    a.parent !== b.parent ||
    a.provider !== b.provider
  ) {
    return false;
  }
  if (isEksCluster(a.type) && clusterTag(a) !== clusterTag(b)) return false;
  if (!sameList(a.dependencies, b.dependencies)) return false;
  if (a.propertyDependencies === b.propertyDependencies) return true;
  return (
    allAmong(a.propertyDependencies, a.dependencies) &&
    allAmong(b.propertyDependencies, b.dependencies)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allAmong(byProperty: Record<string, string[]>, dependencies: readonly string[]): boolean {
  for (const key in byProperty) {
    for (const urn of byProperty[key]) if (!dependencies.includes(urn)) return false;
  }
  return true;
}

/** The dependency edges of a node: dependencies, property dependencies, provider and parent. */
export function edgesOf(n: ResourceNode, withParent = true): Set<string> {
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
