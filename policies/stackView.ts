import { GraphIndex, nodesByUrn } from "../graph/graphIndex";
import {
  clusterMembership,
  type GraphCluster,
  type Membership,
  type NumberedMembership,
} from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";

/**
 * What the stack policies read: the nodes, indexed, with the cluster each belongs to (decided by
 * `clusterMembership` from the graph alone). Built once per check; nothing is shared between
 * checks or runs.
 */
export interface StackView {
  nodes: readonly ResourceNode[];
  byUrn: ReadonlyMap<string, ResourceNode>;
  membership: Membership;
  /** Every EKS cluster, in registration order. */
  clusters: readonly GraphCluster[];
  /** The cluster a resource belongs to; undefined for environment-level resources. */
  clusterOf(urn: string): GraphCluster | undefined;
  /**
   * The cluster `nodes[position]` belongs to: {@link clusterOf} without looking its URN up, for
   * a pass over every resource of a large graph.
   */
  clusterAt(position: number): GraphCluster | undefined;
  /** Clusters a resource's dependencies reach (transitively). */
  reaches(urn: string): GraphCluster[];
  /** Resources that use this one (dependency, property dependency or provider; not parent). */
  dependents(urn: string): readonly ResourceNode[];
  /** Positions of the environment-level resources (those of no cluster), in registration order. */
  environmentLevel(): Positions;
  /** The distinct type tokens of the stack, in the order they first appear. */
  types(): readonly string[];
  /**
   * Positions (indexes into `nodes`) of the resources of these types, in registration order:
   * for a check that looks at a few types, without a pass over every resource of a large graph.
   */
  positionsOf(types: Iterable<string>): Positions;
  /**
   * The membership on the numbered graph of `nodes` (position `i` of the index is `nodes[i]`),
   * for a pass over a large graph that would otherwise look up URNs for every edge.
   */
  numbered: NumberedMembership;
}

const NONE: readonly ResourceNode[] = [];

/** Positions of resources (indexes into a view's `nodes`), ascending. */
export type Positions = ArrayLike<number> & Iterable<number>;

/**
 * Builds the view of a stack. Linear in the size of the graph; indexes are built on first use.
 * `membership` is the {@link clusterMembership} of these nodes, or of a graph that reads the same
 * resource by resource (`readsSameMembership`), when the caller has it already (computed here
 * otherwise); its numbered graph then serves this view too.
 */
export function stackView(nodes: readonly ResourceNode[], membership?: Membership): StackView {
  membership ??= clusterMembership(nodes);
  const numbered =
    membership.numbered?.index.nodes.length === nodes.length
      ? membership.numbered
      : numberedOf(nodes, membership);
  const index = numbered.index;
  const byUrn = nodesByUrn(index, nodes);
  const clusterByUrn = new Map(membership.clusters.map((c) => [c.urn, c]));
  const nodesAt = (positions: Int32Array): readonly ResourceNode[] =>
    positions.length === 0 ? NONE : Array.from(positions, (i) => nodes[i]);
  const { owner } = numbered;
  const clusterBySlot = new Map(membership.clusters.map((c) => [index.find(c.urn), c]));
  const clusterAtSlot = (at: number) => (at === -1 ? undefined : clusterBySlot.get(owner[at]));
  const lookUp = (urn: string) => clusterAtSlot(index.find(urn));
  const view: StackView = {
    nodes,
    byUrn,
    membership,
    clusters: membership.clusters,
    clusterOf: lookUp,
    clusterAt: (position) => clusterAtSlot(index.slotOfNode[position]),
    reaches: (urn) =>
      [...(membership.reaches.get(urn) ?? [])]
        .map((c) => clusterByUrn.get(c))
        .filter((c): c is GraphCluster => c !== undefined),
    dependents: (urn) => nodesAt(index.usersOf(urn)),
    environmentLevel: () => {
      // On the numbered membership alone: no resource is looked at.
      const out: number[] = [];
      const { slotOfNode } = index;
      for (let i = 0; i < slotOfNode.length; i++) {
        const own = owner[slotOfNode[i]];
        if (own === -1 || !clusterBySlot.has(own)) out.push(i);
      }
      return out;
    },
    types: () => [...byType().keys()],
    positionsOf: (types) => {
      const lists: number[][] = [];
      for (const type of new Set(types)) {
        const list = byType().get(type);
        if (list) lists.push(list);
      }
      if (lists.length <= 1) return lists[0] ?? [];
      // Merged in registration order by marking, not by sorting (lists may be long).
      const marked = new Uint8Array(nodes.length);
      let count = 0;
      for (const list of lists) {
        for (let k = 0; k < list.length; k++) marked[list[k]] = 1;
        count += list.length;
      }
      const out = new Int32Array(count);
      for (let i = 0, k = 0; k < count; i++) if (marked[i] === 1) out[k++] = i;
      return out;
    },
    numbered,
  };
  // Positions per type, built in one pass when first asked for.
  let positionsByType: Map<string, number[]> | undefined;
  const byType = (): Map<string, number[]> => {
    if (!positionsByType) {
      positionsByType = new Map();
      let lastType: string | undefined;
      let last: number[] = [];
      for (let i = 0; i < nodes.length; i++) {
        const type = nodes[i].type;
        if (type !== lastType) {
          const list = positionsByType.get(type);
          if (list) last = list;
          else positionsByType.set(type, (last = []));
          lastType = type;
        }
        last.push(i);
      }
    }
    return positionsByType;
  };
  return view;
}

/** A membership given without its numbered form (e.g. decided by another implementation), numbered. */
function numberedOf(nodes: readonly ResourceNode[], membership: Membership): NumberedMembership {
  const index = new GraphIndex(nodes);
  const owner = new Int32Array(index.size).fill(-1);
  for (let i = 0; i < nodes.length; i++) {
    const cluster = membership.clusterOf.get(nodes[i].urn);
    if (cluster !== undefined) owner[index.slotOfNode[i]] = index.find(cluster);
  }
  return { index, owner };
}

/** How messages name a resource: its SDK class and logical name, e.g. `k8s.apps.v1.Deployment "web-a"`. */
export function label(n: Pick<ResourceNode, "type" | "name">): string {
  return `${sdkName(n.type)} "${n.name}"`;
}

/**
 * A type token as the SDK class a program author writes: "aws:route53/record:Record" ->
 * "aws.route53.Record", "kubernetes:apps/v1:Deployment" -> "k8s.apps.v1.Deployment",
 * "eks:index:Cluster" -> "eks.Cluster", "pulumi:providers:kubernetes" -> "k8s.Provider".
 */
export function sdkName(type: string): string {
  const [pkg, module, name] = type.split(":");
  if (name === undefined) return type;
  const alias = (p: string) => (p === "kubernetes" ? "k8s" : p);
  if (pkg === "pulumi" && module === "providers") return `${alias(name)}.Provider`;
  if (pkg === "kubernetes") {
    const path = module.split("/").map((part) => part.replace(/\.sh$/, ""));
    return ["k8s", ...path, name].join(".");
  }
  const mod = module.split("/")[0];
  return mod === "index" ? `${alias(pkg)}.${name}` : `${alias(pkg)}.${mod}.${name}`;
}
