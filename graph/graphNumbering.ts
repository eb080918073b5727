import type { ResourceNode } from "./resourceGraph";

const NONE = -1;
const NO_URNS: readonly string[] = [];

/**
 * Numbers the URNs of a resource graph one resource at a time, in registration order: what a
 * {@link GraphIndex} is built from. Every URN mentioned (a resource, a parent, the target of a
 * dependency, a provider) gets a slot when it is first seen (a URN mentioned before its resource
 * is registered gets its slot then; the resource finds it). A reader of a large graph (a stack
 * export) hands each resource over as it makes it, while its URNs are at hand, instead of the
 * index reaching every resource again afterwards; `new GraphIndex(nodes)` numbers them itself.
 */
export class GraphNumbering {
  /** The resources numbered, in the order given. */
  readonly nodes: ResourceNode[] = [];
  /** The URN of each slot. */
  readonly urnAt: string[] = [];
  readonly slots = new Map<string, number>();
  /** Per resource: its slot, its parent's and its provider's (NONE without). */
  slotOfNode: Int32Array;
  parentOfNode: Int32Array;
  providerOfNode: Int32Array;
  /** Per resource `i`, its edges are `edges[edgeStart[i]]` to `edges[edgeStart[i + 1] - 1]`. */
  edgeStart: Int32Array;
  edges: Int32Array;
  /** How many edges are numbered (the end of the last resource's). */
  edgeCount = 0;
  /** Set once an index has taken the numbering over: it numbers no more resources then. */
  private taken = false;

  /** @param capacity how many resources to make room for (more grow the arrays) */
  constructor(capacity = 16) {
    const size = Math.max(1, capacity);
    this.slotOfNode = new Int32Array(size);
    this.parentOfNode = new Int32Array(size);
    this.providerOfNode = new Int32Array(size);
    this.edgeStart = new Int32Array(size + 1);
    this.edges = new Int32Array(size * 4);
  }

  /** Numbers the next resource's URN, parent, dependencies, property dependencies and provider. */
  add(n: ResourceNode): void {
    if (this.taken) throw new Error("GraphNumbering.add: an index has taken this numbering over");
    const i = this.nodes.length;
    if (i === this.slotOfNode.length) this.grow();
    this.nodes.push(n);
    this.slotOfNode[i] = this.slot(n.urn);
    const previous = i > 0 ? this.nodes[i - 1] : undefined;
    // Siblings are registered one after another, and so are a cluster's resources on one
    // provider: a resource's parent or provider is, as a rule, its predecessor's, found by
    // comparing with it rather than by a lookup in the whole graph.
    const parent = n.parent;
    this.parentOfNode[i] = !parent
      ? NONE
      : parent === previous?.parent
        ? this.parentOfNode[i - 1]
        : this.slot(parent);
    this.edgeStart[i] = this.edgeCount;
    const dependencies = n.dependencies;
    // Siblings tend to depend on the same resources, in the same order (a namespace, a
    // provider's cluster), or on the resource just before them: found by comparing with those
    // rather than by a lookup in the whole graph. A resource's edges start with its
    // dependencies, so the predecessor's k-th dependency is its k-th edge.
    const before = previous?.dependencies ?? NO_URNS;
    const beforeAt = i > 0 ? this.edgeStart[i - 1] : 0;
    for (let k = 0; k < dependencies.length; k++) {
      const d = dependencies[k];
      if (k < before.length && d === before[k]) this.edge(this.edges[beforeAt + k]);
      else if (d === previous?.urn) this.edge(this.slotOfNode[i - 1]);
      else this.edge(this.slot(d));
    }
    // Property dependencies are, as a rule, among the dependencies: an edge already, found by
    // comparing with the resource's own few URNs rather than a lookup in the whole graph.
    const few = dependencies.length <= 16;
    const byProperty = n.propertyDependencies;
    for (const key in byProperty) {
      const urns = byProperty[key];
      for (let k = 0; k < urns.length; k++) {
        if (!few || !dependencies.includes(urns[k])) this.edge(this.slot(urns[k]));
      }
    }
    const provider = n.provider;
    this.providerOfNode[i] = NONE;
    if (provider) {
      const at = provider === previous?.provider ? this.providerOfNode[i - 1] : this.slot(provider);
      this.providerOfNode[i] = at;
      this.edge(at);
    }
    this.edgeStart[i + 1] = this.edgeCount;
  }

  /**
   * Hands the numbering over to an index of `nodes` when they are exactly the resources
   * numbered, in the same order (true); it numbers no more resources after that.
   */
  takeOver(nodes: readonly ResourceNode[]): boolean {
    if (this.taken || !this.numbers(nodes)) return false;
    this.taken = true;
    return true;
  }

  /** Whether these are exactly the resources numbered, in the same order. */
  private numbers(nodes: readonly ResourceNode[]): boolean {
    if (nodes.length !== this.nodes.length) return false;
    for (let i = 0; i < nodes.length; i++) if (nodes[i] !== this.nodes[i]) return false;
    return true;
  }

  private slot(urn: string): number {
    let at = this.slots.get(urn);
    if (at === undefined) {
      at = this.urnAt.length;
      this.slots.set(urn, at);
      this.urnAt.push(urn);
    }
    return at;
  }

  private edge(at: number): void {
    if (this.edgeCount === this.edges.length) this.edges = grown(this.edges, this.edges.length * 2);
    this.edges[this.edgeCount++] = at;
  }

  private grow(): void {
    const size = this.slotOfNode.length * 2;
    this.slotOfNode = grown(this.slotOfNode, size);
    this.parentOfNode = grown(this.parentOfNode, size);
    this.providerOfNode = grown(this.providerOfNode, size);
    this.edgeStart = grown(this.edgeStart, size + 1);
  }
}

function grown(array: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size);
  out.set(array);
  return out;
}
