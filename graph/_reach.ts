import type { GraphIndex } from "./graphIndex";

const EMPTY: ReadonlySet<string> = new Set();
const NONE = -1;

/** The clusters each resource reaches, as decided by {@link reachPass}. */
export interface Reach {
  /** Per slot: the cluster URNs its dependencies reach; undefined for a URN that is no resource. */
  reachAt: (ReadonlySet<string> | undefined)[];
  /** The clusters a slot reaches, its own cluster (`ownAt[slot]`) included. */
  closure(at: number): ReadonlySet<string>;
}

/**
 * The clusters every resource's dependencies (dependencies, property dependencies, provider,
 * then parent) reach, transitively: one pass in dependency order (`g.order`: what a resource uses
 * comes before it, whatever the order of registration, so the result does not depend on it; on a
 * cycle, which only a broken state has, a reference to a resource not yet passed sees its own
 * cluster alone). A resource contributes its own cluster, `ownAt[slot]` (NONE for none), and what
 * it reaches.
 *
 * Linear in the size of the graph: each resource's set is computed once, and sets are shared
 * between resources whenever they are equal (most resources of a cluster reach exactly that
 * cluster; the union of two sets is made once), so most edges cost a comparison.
 */
export function reachPass(g: GraphIndex, ownAt: Int32Array): Reach {
  const { size, urnAt, slotOfNode, parentOfNode, edgeStart, edges } = g;
  const reachAt = new Array<ReadonlySet<string> | undefined>(size);
  const closureAt = new Array<ReadonlySet<string> | undefined>(size);
  const closure = (at: number): ReadonlySet<string> => {
    let result = closureAt[at];
    if (result) return result;
    const further = reachAt[at] ?? EMPTY;
    const own = ownAt[at];
    result = own === NONE || further.has(urnAt[own]) ? further : new Set([...further, urnAt[own]]);
    // Final only once the resource itself has been placed (a forward reference sees less).
    if (reachAt[at]) closureAt[at] = result;
    return result;
  };
  // Unions of two sets, by the sets: a resource that reaches a second cluster (one of b's
  // Deployments using a database in a's subnet) shares its set with every other like it.
  const unions = new Map<ReadonlySet<string>, Map<ReadonlySet<string>, ReadonlySet<string>>>();
  const union = (a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> => {
    let byOther = unions.get(a);
    if (!byOther) {
      byOther = new Map<ReadonlySet<string>, ReadonlySet<string>>();
      unions.set(a, byOther);
    }
    let result = byOther.get(b);
    if (!result) {
      const both = new Set(a);
      for (const c of b) both.add(c);
      byOther.set(b, (result = both));
    }
    return result;
  };
  const { order } = g.order;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const self = slotOfNode[i];
    let reach: ReadonlySet<string> = EMPTY;
    const parent = parentOfNode[i];
    const end = edgeStart[i + 1];
    for (let e = edgeStart[i]; e <= end; e++) {
      // The dependencies, property dependencies and provider, then the parent.
      const dep = e < end ? edges[e] : parent;
      if (dep === NONE || dep === self) continue;
      const more = closure(dep);
      if (more === reach || more.size === 0) continue;
      if (reach.size === 0) reach = more;
      else if (addsTo(reach, more)) reach = union(reach, more);
    }
    reachAt[self] = reach;
    closureAt[self] = undefined;
  }
  return { reachAt, closure };
}

/** Whether `more` holds a cluster `reach` does not. */
function addsTo(reach: ReadonlySet<string>, more: ReadonlySet<string>): boolean {
  for (const c of more) if (!reach.has(c)) return true;
  return false;
}
