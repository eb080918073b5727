import { clusterMembership, type GraphCluster, type Membership } from "../graph/membership";
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
  /** Clusters a resource's dependencies reach (transitively). */
  reaches(urn: string): GraphCluster[];
  /** Direct children of a resource. */
  children(urn: string): readonly ResourceNode[];
  /** Every descendant of a resource (children, their children, ...). */
  descendants(urn: string): ResourceNode[];
  /** Resources that use this one (dependency, property dependency or provider; not parent). */
  dependents(urn: string): readonly ResourceNode[];
}

const NONE: readonly ResourceNode[] = [];

/**
 * Builds the view of a stack. Linear in the size of the graph; indexes are built on first use.
 * `membership` is the {@link clusterMembership} of exactly these nodes, when the caller has it
 * already (computed here otherwise).
 */
export function stackView(nodes: readonly ResourceNode[], membership?: Membership): StackView {
  membership ??= clusterMembership(nodes);
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));
  const clusterByUrn = new Map(membership.clusters.map((c) => [c.urn, c]));
  let children: Map<string, ResourceNode[]> | undefined;
  let dependents: Map<string, ResourceNode[]> | undefined;

  const childIndex = () => {
    if (!children) {
      children = new Map();
      for (const n of nodes) if (n.parent) push(children, n.parent, n);
    }
    return children;
  };
  const lookUp = (urn: string) => {
    const c = membership.clusterOf.get(urn);
    return c ? clusterByUrn.get(c) : undefined;
  };
  // The stack policies walk the nodes in registration order and ask each node's cluster: those
  // questions are answered from an array, in order, without a lookup in the large map (a cursor
  // that follows the walk; any other URN is looked up).
  let owners: (GraphCluster | undefined)[] | undefined;
  let next = 0;
  const view: StackView = {
    nodes,
    byUrn,
    membership,
    clusters: membership.clusters,
    clusterOf: (urn) => {
      if (next >= nodes.length || nodes[next].urn !== urn) {
        if (nodes[0]?.urn !== urn) return lookUp(urn);
        next = 0;
      }
      owners ??= nodes.map((n) => lookUp(n.urn));
      return owners[next++];
    },
    reaches: (urn) =>
      [...(membership.reaches.get(urn) ?? [])]
        .map((c) => clusterByUrn.get(c))
        .filter((c): c is GraphCluster => c !== undefined),
    children: (urn) => childIndex().get(urn) ?? NONE,
    descendants: (urn) => {
      const out: ResourceNode[] = [];
      const stack = [...view.children(urn)];
      while (stack.length > 0) {
        const n = stack.pop() as ResourceNode;
        out.push(n);
        stack.push(...view.children(n.urn));
      }
      return out;
    },
    dependents: (urn) => {
      dependents ??= dependentIndex(nodes);
      return dependents.get(urn) ?? NONE;
    },
  };
  return view;
}

/**
 * Resource URN -> the resources that use it, each once, in registration order: the reverse of
 * `edgesOf(n, false)` (graph/membership). A resource's few edges are deduplicated by comparing
 * them with each other, so only distinct edges touch the index.
 */
function dependentIndex(nodes: readonly ResourceNode[]): Map<string, ResourceNode[]> {
  const index = new Map<string, ResourceNode[]>();
  const seen: string[] = [];
  let many: Set<string> | undefined; // for a resource with many edges
  const add = (n: ResourceNode, dep: string) => {
    if (dep === n.urn) return;
    if (many) {
      if (many.has(dep)) return;
      many.add(dep);
    } else {
      if (seen.includes(dep)) return;
      seen.push(dep);
      if (seen.length > 16) many = new Set(seen);
    }
    push(index, dep, n);
  };
  for (const n of nodes) {
    for (const dep of n.dependencies) add(n, dep);
    for (const key in n.propertyDependencies) {
      for (const dep of n.propertyDependencies[key]) add(n, dep);
    }
    if (n.provider) add(n, n.provider);
    seen.length = 0;
    many = undefined;
  }
  return index;
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

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
