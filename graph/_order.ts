import type { GraphIndex } from "./graphIndex";

const NONE = -1;

/** The resources of a {@link GraphIndex} in dependency order, as decided by {@link dependencyOrder}. */
export interface DependencyOrder {
  /** Positions (indexes into the index's nodes), each once: what a resource uses before it. */
  readonly order: Int32Array;
  /**
   * How many positions, at the end of `order`, could not be ordered: they are on a cycle of
   * dependencies or parents, or use something that is (in registration order there). 0 for a
   * graph without cycles, the rule.
   */
  readonly unordered: number;
}

/**
 * Orders the resources of a graph so that each comes after everything it uses: its dependencies,
 * property dependencies and provider, and its parent (edges to itself and to URNs that are no
 * resource of the graph do not count; a URN registered twice is its last registration, as
 * everywhere in the index). A pass over the graph that follows this order sees every resource's
 * dependencies decided, whatever the order of the nodes given: the result of such a pass does not
 * depend on the order in which resources were registered or written to a file.
 *
 * Nodes already in that order (a program's registrations, a state the engine wrote) are
 * recognised in one pass over the edges and kept as they are. Otherwise a topological sort
 * (Kahn's: a resource is placed once all it uses is placed; ties in registration order). Both are
 * linear in the size of the graph, and neither recurses.
 */
export function dependencyOrder(g: GraphIndex): DependencyOrder {
  const { slotOfNode, parentOfNode, positionAt, edgeStart, edges } = g;
  const count = slotOfNode.length;
  /** The position a slot stands for when resource `i` uses it; NONE when it does not count. */
  const target = (i: number, slot: number): number =>
    slot === NONE || slot === slotOfNode[i] ? NONE : positionAt[slot];

  let sorted = true;
  for (let i = 0; i < count && sorted; i++) {
    if (target(i, parentOfNode[i]) > i) sorted = false;
    for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end && sorted; e++) {
      if (target(i, edges[e]) > i) sorted = false;
    }
  }
  if (sorted) {
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    return { order, unordered: 0 };
  }

  // How many uses each resource waits for, and who waits for each (a reversed edge list).
  const waiting = new Int32Array(count);
  const start = new Int32Array(count + 1);
  const eachUse = (visit: (user: number, used: number) => void) => {
    for (let i = 0; i < count; i++) {
      const parent = target(i, parentOfNode[i]);
      if (parent !== NONE) visit(i, parent);
      for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end; e++) {
        const used = target(i, edges[e]);
        if (used !== NONE) visit(i, used);
      }
    }
  };
  eachUse((user, used) => {
    waiting[user]++;
    start[used + 1]++;
  });
  for (let i = 0; i < count; i++) start[i + 1] += start[i];
  const users = new Int32Array(start[count]);
  const fill = start.slice(0, count);
  eachUse((user, used) => (users[fill[used]++] = user));

  const order = new Int32Array(count);
  let placed = 0;
  for (let i = 0; i < count; i++) if (waiting[i] === 0) order[placed++] = i;
  for (let next = 0; next < placed; next++) {
    const used = order[next];
    for (let u = start[used], end = start[used + 1]; u < end; u++) {
      const user = users[u];
      if (--waiting[user] === 0) order[placed++] = user;
    }
  }
  const unordered = count - placed;
  for (let i = 0; i < count && placed < count; i++) if (waiting[i] > 0) order[placed++] = i;
  return { order, unordered };
}
