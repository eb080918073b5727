import { GraphNumbering } from "./graphNumbering";
import { dependencyOrder, type DependencyOrder } from "./_order";
import type { ResourceNode } from "./resourceGraph";

const NONE = -1;

/**
 * A resource graph numbered for the passes over it. Every URN the graph mentions (a resource, a
 * parent, the target of a dependency, a provider) gets a slot; per resource (by its position in
 * the nodes given) its slot, its parent's and its provider's, and its dependency edges
 * (dependencies, property dependencies, provider; repeats kept) as slots. Looking URNs up is what
 * costs in a large graph (a deployed stack may hold 200,000 resources), so each is looked up once
 * (by a {@link GraphNumbering}, see there) and the membership and the policies' view work on
 * numbers. Built once per graph; nothing in it changes after construction except indexes built
 * on first use (the reversed edges, the dependency order).
 */
export class GraphIndex {
  /** How many slots (distinct URNs mentioned). */
  readonly size: number;
  /** The URN of each slot. */
  readonly urnAt: string[];
  /** The resource of each slot: the last one registered with that URN (as a lookup by URN finds); undefined for a URN that is not a resource. */
  readonly nodeAt: (ResourceNode | undefined)[] = [];
  /** Position (in `nodes`) of the resource of each slot, NONE (-1) for a URN that is not a resource. */
  readonly positionAt: Int32Array;
  /** The parent slot of each slot's resource, NONE without one. */
  readonly parentOf: Int32Array;
  /** Per position: the resource's slot, its parent's and its provider's (NONE without). */
  readonly slotOfNode: Int32Array;
  readonly parentOfNode: Int32Array;
  readonly providerOfNode: Int32Array;
  /** Per position `i`, its edges are `edges[edgeStart[i]]` to `edges[edgeStart[i + 1] - 1]`. */
  readonly edgeStart: Int32Array;
  readonly edges: Int32Array;
  private readonly slots: Map<string, number>;
  /** Whether every URN the graph mentions is a resource of it (then no edge points outside). */
  readonly closed: boolean;
  private users?: Reverse;
  private scans = 0;
  private ordered?: DependencyOrder;

  /**
   * @param numbering the {@link GraphNumbering} these very nodes were handed to as they were
   *   made (it is taken over: it numbers no more); without one, or with one of other nodes or
   *   one taken over already, they are numbered here
   */
  constructor(
    readonly nodes: readonly ResourceNode[],
    numbering?: GraphNumbering,
  ) {
    const count = nodes.length;
    let numbered = numbering;
    if (!numbered?.takeOver(nodes)) {
      numbered = new GraphNumbering(count);
      for (let i = 0; i < count; i++) numbered.add(nodes[i]);
      numbered.takeOver(nodes);
    }
    this.slots = numbered.slots;
    this.urnAt = numbered.urnAt;
    this.slotOfNode = numbered.slotOfNode.subarray(0, count);
    this.parentOfNode = numbered.parentOfNode.subarray(0, count);
    this.providerOfNode = numbered.providerOfNode.subarray(0, count);
    this.edgeStart = numbered.edgeStart.subarray(0, count + 1);
    this.edges = numbered.edges;

    this.size = this.urnAt.length;
    this.positionAt = new Int32Array(this.size).fill(NONE);
    this.parentOf = new Int32Array(this.size).fill(NONE);
    let resources = 0; // slots that are a resource
    for (let i = 0; i < count; i++) {
      const at = this.slotOfNode[i];
      if (this.positionAt[at] === NONE) resources++;
      this.positionAt[at] = i;
      this.nodeAt[at] = nodes[i];
      this.parentOf[at] = this.parentOfNode[i];
    }
    this.closed = resources === this.size;
  }

  /**
   * The resources in dependency order: each after its parent and everything it uses, whatever
   * their order in `nodes` (see {@link dependencyOrder}). Passes that must see a resource's
   * dependencies decided before it follow this order, so that what they decide does not depend
   * on the order of registration (or of a state file).
   */
  get order(): DependencyOrder {
    return (this.ordered ??= dependencyOrder(this));
  }

  /** The slot of a URN, or NONE (-1) when the graph does not mention it. */
  find(urn: string): number {
    return this.slots.get(urn) ?? NONE;
  }

  /**
   * Whether everything the resource at `position` depends on (its dependencies, property
   * dependencies and provider) is a resource of the graph.
   */
  edgesPresent(position: number): boolean {
    // As a rule (a whole stack's export) every URN mentioned is a resource: nothing to look at.
    if (this.closed) return true;
    const end = this.edgeStart[position + 1];
    for (let e = this.edgeStart[position]; e < end; e++) {
      if (this.positionAt[this.edges[e]] === NONE) return false;
    }
    return true;
  }

  /**
   * Positions of the resources that use `urn` (as a dependency, a property dependency or their
   * provider; not as a parent), each once, in registration order.
   */
  usersOf(urn: string): Int32Array {
    const slot = this.find(urn);
    if (slot === NONE) return NO_POSITIONS;
    // The policies ask about a few resources (a launch template, a NAT gateway): those are
    // answered by one pass over the edges each; reversing every edge pays off beyond that.
    if (!this.users && this.scans < SCANS_BEFORE_REVERSING) {
      this.scans++;
      return this.scanUsers(slot);
    }
    this.users ??= reverse(this.size, this.edges, this.edgeStart, this.slotOfNode);
    return this.users.of(slot);
  }

  /** {@link usersOf} a slot, by one pass over the edges. */
  private scanUsers(slot: number): Int32Array {
    const { edges, edgeStart, slotOfNode } = this;
    const found: number[] = [];
    for (let i = 0; i < slotOfNode.length; i++) {
      if (slotOfNode[i] === slot) continue; // its own slot: not a use
      for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end; e++) {
        if (edges[e] === slot) {
          found.push(i);
          break;
        }
      }
    }
    return found.length === 0 ? NO_POSITIONS : Int32Array.from(found);
  }
}

/** How many {@link GraphIndex.usersOf} questions are answered by a pass each before all edges are reversed. */
const SCANS_BEFORE_REVERSING = 8;

/** For each slot, the positions that point at it (each once, in order). */
interface Reverse {
  of(slot: number): Int32Array;
}

const NO_POSITIONS = new Int32Array(0);

/**
 * Reverses edges given per position into lists of positions per slot, in two counting passes
 * (plain loops over the arrays: this runs on graphs of 200,000 resources before anything in it
 * is optimised). The edges of position `i` are `targets[starts[i]]` to `targets[starts[i+1]-1]`;
 * NONE targets and those equal to `skip[i]` (a resource's own slot) are left out, and a slot a
 * position points at more than once gets that position once.
 */
function reverse(size: number, targets: Int32Array, starts: Int32Array, skip: Int32Array): Reverse {
  const count = starts.length - 1;
  const start = new Int32Array(size + 1);
  const last = new Int32Array(size).fill(NONE); // the last position counted for each slot
  for (let i = 0; i < count; i++) {
    const own = skip[i];
    for (let e = starts[i], end = starts[i + 1]; e < end; e++) {
      const slot = targets[e];
      if (slot === NONE || slot === own || last[slot] === i) continue;
      last[slot] = i;
      start[slot + 1]++;
    }
  }
  for (let s = 0; s < size; s++) start[s + 1] += start[s];
  const positions = new Int32Array(start[size]);
  const fill = start.slice(0, size);
  last.fill(NONE);
  for (let i = 0; i < count; i++) {
    const own = skip[i];
    for (let e = starts[i], end = starts[i + 1]; e < end; e++) {
      const slot = targets[e];
      if (slot === NONE || slot === own || last[slot] === i) continue;
      last[slot] = i;
      positions[fill[slot]++] = i;
    }
  }
  return {
    of: (slot) => (slot === NONE ? NO_POSITIONS : positions.subarray(start[slot], start[slot + 1])),
  };
}

/**
 * A map from the URN of each resource of a {@link GraphIndex} to a value kept per slot, read
 * through the index: what `new Map(nodes.map((n) => [n.urn, value]))` holds (entries in
 * registration order; a URN registered twice has the value of its last registration), without
 * building it. A large graph is asked about a few URNs far more often than it is iterated;
 * iterating builds that map once.
 */
export class BySlot<V> implements ReadonlyMap<string, V> {
  private map?: Map<string, V>;

  /** @param valueAt the value of a resource's slot; undefined leaves the URN out */
  constructor(
    private readonly index: GraphIndex,
    private readonly valueAt: (slot: number) => V | undefined,
  ) {}

  get(urn: string): V | undefined {
    const at = this.index.find(urn);
    return at === NONE || this.index.positionAt[at] === NONE ? undefined : this.valueAt(at);
  }

  has(urn: string): boolean {
    return this.get(urn) !== undefined;
  }

  get size(): number {
    return this.all().size;
  }

  forEach(
    callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void,
    thisArg?: unknown,
  ): void {
    this.all().forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  entries(): MapIterator<[string, V]> {
    return this.all().entries();
  }

  keys(): MapIterator<string> {
    return this.all().keys();
  }

  values(): MapIterator<V> {
    return this.all().values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.all()[Symbol.iterator]();
  }

  private all(): Map<string, V> {
    if (!this.map) {
      this.map = new Map();
      for (const at of this.index.slotOfNode) {
        const value = this.valueAt(at);
        if (value !== undefined) this.map.set(this.index.urnAt[at], value);
      }
    }
    return this.map;
  }
}

/**
 * The resources of a node list by URN, through a {@link GraphIndex} of the same graph (the same
 * URNs at the same positions): what `new Map(nodes.map((n) => [n.urn, n]))` holds, without
 * building it. Iterating builds that map once.
 */
export function nodesByUrn(
  index: GraphIndex,
  nodes: readonly ResourceNode[],
): ReadonlyMap<string, ResourceNode> {
  return new BySlot(index, (at) => nodes[index.positionAt[at]]);
}
