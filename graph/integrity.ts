import type { GraphIndex } from "./graphIndex";
import type { ResourceNode } from "./resourceGraph";

const NONE = -1;

/** How one resource refers to another: the fields of a resource that name other resources. */
export type Reference = "parent" | "dependency" | "property dependency" | "provider";

/**
 * One problem with a resource graph's integrity: what a well-formed state (one the engine wrote
 * and would read back without complaint) never has. `fatal` problems leave the graph without one
 * reading (which copy of a resource? which resource comes first?); the others have one, named in
 * the problem (see each kind).
 */
export type IntegrityProblem =
  /**
   * Several resources with one URN. When every copy is the same (`differs` undefined) it is one
   * resource written twice, read once; otherwise it is fatal, `differs` naming the first field
   * (in the order type, custom, parent, provider, dependencies, propertyDependencies, inputs,
   * outputs) in which a copy differs from the first.
   */
  | { kind: "duplicate"; fatal: boolean; urn: string; positions: number[]; differs?: string }
  /** A resource that is its own parent: whether it is inside a cluster has no answer. Fatal. */
  | { kind: "self-parent"; fatal: true; urn: string }
  /** Resources that are each other's ancestors (each URN's parent is the next's). Fatal. */
  | { kind: "parent-cycle"; fatal: true; urns: string[] }
  /**
   * Resources that use one another in a circle: each step is a resource and how it refers to
   * the next (the last refers to the first). No order puts each after what it uses. Fatal.
   */
  | { kind: "dependency-cycle"; fatal: true; steps: CycleStep[] }
  /** A resource listed among its own dependencies or as its own provider: read without it. */
  | { kind: "self-reference"; fatal: false; urn: string; references: Reference[] }
  /**
   * A reference to a URN that is no resource of the graph (nor one `known` to exist): read as
   * if it were absent, as `pulumi state repair` leaves it, so the resource is placed without it.
   */
  | {
      kind: "missing";
      fatal: false;
      urn: string;
      reference: Reference;
      target: string;
      property?: string;
    };

/** One resource of a dependency cycle, and how it refers to the next. */
export interface CycleStep {
  urn: string;
  reference: Reference;
  /** The input property, for a property dependency. */
  property?: string;
}

/** What {@link graphIntegrity} is told beside the graph. */
export interface IntegrityArgs {
  /**
   * URNs that exist though they are no resource of the graph: a reference to one is not missing
   * (in a state: the copies pending deletion, `"delete": true`, that a create-before-delete
   * replacement leaves and the engine deletes on its next update).
   * @default none
   */
  known?: (urn: string) => boolean;
}

/**
 * Checks a resource graph's integrity before anything reasons over it, as the engine checks a
 * snapshot (pulumi/pulumi `VerifyIntegrity`): one URN per live resource, parents, providers and
 * dependencies that are resources of the graph, no cycle through them, no resource referring to
 * itself. Unlike the engine it does not ask for resources in dependency order: nothing that reads
 * the graph here depends on it (see `GraphIndex.order`).
 *
 * Pure, and linear in the size of the graph when nothing is wrong (the rule): the index already
 * says whether every URN mentioned is a resource and whether the graph has a cycle; each other
 * check is one pass over the edges. The problems come sorted by kind and URN, the same for any
 * order of the nodes.
 */
export function graphIntegrity(g: GraphIndex, args: IntegrityArgs = {}): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [
    ...duplicates(g),
    ...selfReferences(g),
    ...missingReferences(g, args.known ?? (() => false)),
  ];
  if (g.order.unordered > 0) problems.push(...cycles(g));
  return problems.sort(byKindAndUrn);
}

/** Every URN registered more than once, with its positions, and whether the copies agree. */
function duplicates(g: GraphIndex): IntegrityProblem[] {
  const { nodes, slotOfNode, positionAt } = g;
  let copies: Map<number, number[]> | undefined;
  for (let i = 0; i < slotOfNode.length; i++) {
    const at = slotOfNode[i];
    if (positionAt[at] === i) continue;
    // An earlier copy (the index keeps the last).
    copies ??= new Map();
    const list = copies.get(at);
    if (list) list.push(i);
    else copies.set(at, [i]);
  }
  if (!copies) return [];
  const out: IntegrityProblem[] = [];
  for (const [at, earlier] of copies) {
    const positions = [...earlier, positionAt[at]];
    const first = nodes[positions[0]];
    let differs: string | undefined;
    for (let k = 1; k < positions.length && differs === undefined; k++) {
      differs = firstDifference(first, nodes[positions[k]]);
    }
    out.push({
      kind: "duplicate",
      fatal: differs !== undefined,
      urn: g.urnAt[at],
      positions,
      ...(differs === undefined ? {} : { differs }),
    });
  }
  return out;
}

const COMPARED = [
  "type",
  "custom",
  "parent",
  "provider",
  "dependencies",
  "propertyDependencies",
  "inputs",
  "outputs",
] as const;

/** The first field (of {@link COMPARED}) in which two records of one resource differ. */
function firstDifference(a: ResourceNode, b: ResourceNode): string | undefined {
  for (const field of COMPARED) {
    if (!sameData(a[field] ?? null, b[field] ?? null)) return field;
  }
  return undefined;
}

/**
 * Whether two plain data values (JSON: objects, arrays, strings, numbers, booleans, null) are
 * the same, compared without recursion, however deep they are nested.
 */
function sameData(a: unknown, b: unknown): boolean {
  const pending: unknown[] = [a, b];
  while (pending.length > 0) {
    const y = pending.pop();
    const x = pending.pop();
    if (x === y) continue;
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object") {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return false;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const xs = x as Record<string, unknown>;
    const ys = y as Record<string, unknown>;
    const keys = Object.keys(xs);
    if (keys.length !== Object.keys(ys).length) return false;
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(ys, key)) return false;
      pending.push(xs[key], ys[key]);
    }
  }
  return true;
}

/**
 * Resources that are their own parent (fatal), and those that list themselves as a dependency,
 * property dependency or provider (read without it).
 */
function selfReferences(g: GraphIndex): IntegrityProblem[] {
  const { nodes, slotOfNode, parentOfNode, edgeStart, edges } = g;
  const out: IntegrityProblem[] = [];
  for (let i = 0; i < slotOfNode.length; i++) {
    const self = slotOfNode[i];
    if (g.positionAt[self] !== i) continue; // an earlier copy: the duplicate is reported
    if (parentOfNode[i] === self) out.push({ kind: "self-parent", fatal: true, urn: nodes[i].urn });
    let found = false;
    for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end && !found; e++) {
      found = edges[e] === self;
    }
    if (!found) continue;
    const n = nodes[i];
    const references: Reference[] = [];
    if (n.dependencies.includes(n.urn)) references.push("dependency");
    if (Object.values(n.propertyDependencies).some((urns) => urns.includes(n.urn))) {
      references.push("property dependency");
    }
    if (n.provider === n.urn) references.push("provider");
    out.push({ kind: "self-reference", fatal: false, urn: n.urn, references });
  }
  return out;
}

/** Every reference to a URN that is no resource of the graph and not `known`. */
function missingReferences(g: GraphIndex, known: (urn: string) => boolean): IntegrityProblem[] {
  // As a rule (a whole stack's state) every URN mentioned is a resource: nothing to look at.
  if (g.closed) return [];
  const { nodes, urnAt, positionAt, slotOfNode, parentOfNode, edgeStart, edges } = g;
  const absent = (at: number) => at !== NONE && positionAt[at] === NONE && !known(urnAt[at]);
  const out: IntegrityProblem[] = [];
  for (let i = 0; i < slotOfNode.length; i++) {
    if (positionAt[slotOfNode[i]] !== i) continue; // an earlier copy: the duplicate is reported
    let any = absent(parentOfNode[i]);
    for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end && !any; e++) any = absent(edges[e]);
    if (!any) continue;
    // Spelled out field by field for the few resources that have one.
    const n = nodes[i];
    const missing = (target: string | undefined) =>
      target !== undefined && target !== n.urn && absent(g.find(target));
    const add = (reference: Reference, target: string, property?: string) =>
      out.push({
        kind: "missing",
        fatal: false,
        urn: n.urn,
        reference,
        target,
        ...(property === undefined ? {} : { property }),
      });
    if (missing(n.parent)) add("parent", n.parent as string);
    if (missing(n.provider)) add("provider", n.provider as string);
    for (const d of new Set(n.dependencies)) if (missing(d)) add("dependency", d);
    for (const [property, urns] of Object.entries(n.propertyDependencies)) {
      for (const d of new Set(urns)) {
        if (missing(d) && !n.dependencies.includes(d)) add("property dependency", d, property);
      }
    }
  }
  return out;
}

/**
 * The cycles of a graph whose dependency order left resources out: every cycle of parents, then
 * one cycle of each other strongly connected set of
 * resources (Tarjan's algorithm, without recursion), each walked from its least URN.
 */
function cycles(g: GraphIndex): IntegrityProblem[] {
  const { nodes, slotOfNode, parentOfNode, positionAt } = g;
  const count = slotOfNode.length;
  // A resource that is its own parent is reported by selfReferences; the order ignores it.
  const parentAt = (i: number) => {
    const at = parentOfNode[i];
    return at === NONE || at === slotOfNode[i] ? NONE : positionAt[at];
  };
  const out: IntegrityProblem[] = [];

  // Parents: each resource has at most one, so a walk up either ends or closes one cycle.
  const state = new Uint8Array(count); // 0 not seen, 1 on the current walk, 2 done
  const onParentCycle = new Uint8Array(count);
  for (let start = 0; start < count; start++) {
    const walk: number[] = [];
    let at = start;
    while (at !== NONE && state[at] === 0) {
      state[at] = 1;
      walk.push(at);
      at = parentAt(at);
    }
    if (at !== NONE && state[at] === 1) {
      const cycle = walk.slice(walk.indexOf(at));
      for (const p of cycle) onParentCycle[p] = 1;
      out.push({ kind: "parent-cycle", fatal: true, urns: fromLeast(cycle, nodes) });
    }
    for (const p of walk) state[p] = 2;
  }

  // Everything else: strongly connected sets through dependencies, providers and parents.
  for (const set of stronglyConnected(g)) {
    if (set.every((p) => onParentCycle[p] === 1)) continue; // reported as a parent cycle
    out.push({ kind: "dependency-cycle", fatal: true, steps: cycleIn(g, set) });
  }
  return out;
}

/** The positions a resource uses (dependencies, property dependencies, provider, then parent). */
function usesOf(g: GraphIndex, i: number): number[] {
  const { slotOfNode, parentOfNode, positionAt, edgeStart, edges } = g;
  const out: number[] = [];
  const add = (at: number) => {
    if (at === NONE || at === slotOfNode[i]) return;
    const p = positionAt[at];
    if (p !== NONE) out.push(p);
  };
  for (let e = edgeStart[i], end = edgeStart[i + 1]; e < end; e++) add(edges[e]);
  add(parentOfNode[i]);
  return out;
}

/**
 * The strongly connected sets of more than one resource among those the dependency order left
 * out (Tarjan's algorithm with an explicit stack).
 */
function stronglyConnected(g: GraphIndex): number[][] {
  const { order, unordered } = g.order;
  const count = g.slotOfNode.length;
  const candidate = new Uint8Array(count);
  for (let k = order.length - unordered; k < order.length; k++) candidate[order[k]] = 1;
  const index = new Int32Array(count).fill(NONE);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const sets: number[][] = [];
  let next = 0;
  for (let k = order.length - unordered; k < order.length; k++) {
    const root = order[k];
    if (index[root] !== NONE) continue;
    // Frames of the depth-first walk: a position and how many of its uses were followed.
    const frames: { at: number; uses: number[]; k: number }[] = [];
    const enter = (at: number) => {
      index[at] = low[at] = next++;
      stack.push(at);
      onStack[at] = 1;
      frames.push({ at, uses: usesOf(g, at).filter((p) => candidate[p] === 1), k: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (frame.k < frame.uses.length) {
        const used = frame.uses[frame.k++];
        if (index[used] === NONE) enter(used);
        else if (onStack[used] === 1) low[frame.at] = Math.min(low[frame.at], index[used]);
        continue;
      }
      frames.pop();
      const at = frame.at;
      if (frames.length > 0) {
        const up = frames[frames.length - 1].at;
        low[up] = Math.min(low[up], low[at]);
      }
      if (low[at] !== index[at]) continue;
      const set: number[] = [];
      let p: number;
      do {
        p = stack.pop() as number;
        onStack[p] = 0;
        set.push(p);
      } while (p !== at);
      if (set.length > 1) sets.push(set);
    }
  }
  return sets;
}

/**
 * One cycle within a strongly connected set: from its least URN, each step the first use (in
 * the resource's own order of references) that stays in the set, until a resource repeats.
 */
function cycleIn(g: GraphIndex, set: number[]): CycleStep[] {
  const { nodes } = g;
  const members = new Set(set);
  const walk: number[] = [];
  const seen = new Map<number, number>();
  let at = leastOf(set, nodes);
  while (!seen.has(at)) {
    seen.set(at, walk.length);
    walk.push(at);
    at = usesOf(g, at).find((p) => members.has(p)) as number;
  }
  const cycle = walk.slice(seen.get(at));
  return cycle.map((p, k) => {
    const n = nodes[p];
    const to = nodes[cycle[(k + 1) % cycle.length]].urn;
    return { urn: n.urn, ...referenceTo(n, to) };
  });
}

/** How a resource refers to `urn`: the first of its fields that names it. */
function referenceTo(n: ResourceNode, urn: string): { reference: Reference; property?: string } {
  if (n.dependencies.includes(urn)) return { reference: "dependency" };
  for (const [property, urns] of Object.entries(n.propertyDependencies)) {
    if (urns.includes(urn)) return { reference: "property dependency", property };
  }
  if (n.provider === urn) return { reference: "provider" };
  return { reference: "parent" };
}

function leastOf(positions: number[], nodes: readonly ResourceNode[]): number {
  let least = positions[0];
  for (const p of positions) if (nodes[p].urn < nodes[least].urn) least = p;
  return least;
}

/** The URNs of a cycle of positions (in cycle order), starting from the least. */
function fromLeast(cycle: number[], nodes: readonly ResourceNode[]): string[] {
  const start = cycle.indexOf(leastOf(cycle, nodes));
  return [...cycle.slice(start), ...cycle.slice(0, start)].map((p) => nodes[p].urn);
}

const KIND_ORDER: Record<IntegrityProblem["kind"], number> = {
  duplicate: 0,
  "self-parent": 1,
  "parent-cycle": 2,
  "dependency-cycle": 3,
  "self-reference": 4,
  missing: 5,
};

/** The URN a problem is sorted by: its resource's, or a cycle's first. */
function urnOf(p: IntegrityProblem): string {
  switch (p.kind) {
    case "parent-cycle":
      return p.urns[0];
    case "dependency-cycle":
      return p.steps[0].urn;
    default:
      return p.urn;
  }
}

const REFERENCE_ORDER: Record<Reference, number> = {
  parent: 0,
  provider: 1,
  dependency: 2,
  "property dependency": 3,
};

function byKindAndUrn(a: IntegrityProblem, b: IntegrityProblem): number {
  const kind = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (kind !== 0) return kind;
  const x = urnOf(a);
  const y = urnOf(b);
  if (x !== y) return x < y ? -1 : 1;
  if (a.kind !== "missing" || b.kind !== "missing") return 0;
  const reference = REFERENCE_ORDER[a.reference] - REFERENCE_ORDER[b.reference];
  if (reference !== 0) return reference;
  const s = `${a.property ?? ""} ${a.target}`;
  const t = `${b.property ?? ""} ${b.target}`;
  return s < t ? -1 : s > t ? 1 : 0;
}
