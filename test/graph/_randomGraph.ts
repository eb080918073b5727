import fc from "fast-check";
import type { ResourceNode } from "../../graph/resourceGraph";

// Random resource graphs for property tests of the graph code: any registration order, forward
// references, URNs that are not in the graph, self-references, property dependencies in any
// key order.

const TYPES = [
  "eks:index:Cluster",
  "aws:eks/cluster:Cluster",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:core/v1:ConfigMap",
  "pulumi:providers:kubernetes",
  "pulumi:providers:aws",
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:kms/key:Key",
  "aws:rds/instance:Instance",
  "aws:route53/record:Record",
  "my:index:Cell",
];

/** One resource as drawn: indexes into the graph (taken modulo its size), or a missing URN. */
export const drawn = fc.record({
  type: fc.constantFrom(...TYPES),
  custom: fc.boolean(),
  /** Position in the parent hierarchy: parents have a lower rank (a forest, in any order). */
  rank: fc.nat(1000),
  parent: fc.option(fc.oneof(fc.nat(), fc.constant(-1)), { nil: undefined }),
  provider: fc.option(fc.oneof(fc.nat(), fc.constant(-1)), { nil: undefined }),
  dependencies: fc.array(fc.oneof(fc.nat(), fc.constant(-1)), { maxLength: 4 }),
  propertyDependencies: fc.dictionary(
    fc.constantFrom("zeta", "alpha", "10", "9", "records"),
    fc.array(fc.oneof(fc.nat(), fc.constant(-1)), { maxLength: 3 }),
    { maxKeys: 3 },
  ),
  tag: fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }),
});

export type Drawn = typeof drawn extends fc.Arbitrary<infer T> ? T : never;

/**
 * The graph a list of drawn resources describes (unique URNs, parents without cycles). With
 * `acyclic`, no cycle of dependencies either (what an engine records): a resource uses only
 * resources of a lower rank, itself, or URNs that are not in the graph; other uses are left out.
 */
export function graphOf(drawnNodes: Drawn[], options: { acyclic?: boolean } = {}): ResourceNode[] {
  const size = drawnNodes.length;
  const urn = (i: number) => (i < 0 ? "urn:missing" : `urn:${i % size}`);
  return drawnNodes.map((d, i) => {
    // Ranks order the resources (ties broken by position), whatever their order in the list.
    const lower = (j: number) =>
      drawnNodes[j].rank < d.rank || (drawnNodes[j].rank === d.rank && j < i);
    /** A use of resource `j` as drawn; undefined when it would close a cycle. */
    const use = (j: number): string | undefined =>
      !options.acyclic || j < 0 || j % size === i || lower(j % size) ? urn(j) : undefined;
    const uses = (js: number[]) => js.map(use).filter((u): u is string => u !== undefined);
    // Parents only among lower ranks, so parent chains never loop.
    const parentIndex = d.parent === undefined || d.parent < 0 ? d.parent : d.parent % size;
    const parentIsLower = parentIndex !== undefined && parentIndex >= 0 && lower(parentIndex);
    return {
      urn: urn(i),
      type: d.type,
      name: `n${i}`,
      custom: d.type === "my:index:Cell" ? false : d.custom || !d.type.startsWith("eks:"),
      parent:
        parentIndex === -1 ? "urn:missing-parent" : parentIsLower ? urn(parentIndex) : undefined,
      provider: d.provider === undefined ? undefined : use(d.provider),
      dependencies: uses(d.dependencies),
      propertyDependencies: Object.fromEntries(
        Object.entries(d.propertyDependencies).map(([k, v]) => [k, uses(v)]),
      ),
      inputs: d.tag ? { tags: { "active-active/cluster": d.tag } } : {},
    };
  });
}
