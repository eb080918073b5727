import * as assert from "node:assert/strict";
import fc from "fast-check";
import { GraphIndex } from "../../graph/graphIndex";
import { graphIntegrity, type IntegrityProblem } from "../../graph/integrity";
import type { ResourceNode } from "../../graph/resourceGraph";
import { drawn, graphOf } from "./_randomGraph";

/** A resource in a hand-written graph; URNs are short for readability. */
function node(urn: string, more: Partial<ResourceNode> = {}): ResourceNode {
  return {
    urn,
    type: "aws:s3/bucket:Bucket",
    name: urn,
    custom: true,
    dependencies: [],
    propertyDependencies: {},
    inputs: {},
    outputs: {},
    ...more,
  };
}

const problemsOf = (nodes: ResourceNode[], known?: (urn: string) => boolean) =>
  graphIntegrity(new GraphIndex(nodes), { known });

/** A well-formed little graph: a stack, a provider, a VPC and a subnet in it. */
function wellFormed(): ResourceNode[] {
  return [
    node("stack", { type: "pulumi:pulumi:Stack", custom: false }),
    node("aws", { type: "pulumi:providers:aws", parent: "stack" }),
    node("vpc", { parent: "stack", provider: "aws" }),
    node("subnet", {
      parent: "stack",
      provider: "aws",
      dependencies: ["vpc"],
      propertyDependencies: { vpcId: ["vpc"] },
    }),
  ];
}

describe("graphIntegrity", () => {
  it("finds nothing wrong in a well-formed graph, in any order", () => {
    assert.deepEqual(problemsOf(wellFormed()), []);
    assert.deepEqual(problemsOf(wellFormed().reverse()), []);
  });

  it("reads a resource written twice alike as one (not fatal)", () => {
    const nodes = [...wellFormed(), node("vpc", { parent: "stack", provider: "aws" })];
    assert.deepEqual(problemsOf(nodes), [
      { kind: "duplicate", fatal: false, urn: "vpc", positions: [2, 4] },
    ]);
  });

  it("refuses copies of one URN that disagree, naming the first field that differs", () => {
    const nodes = [
      ...wellFormed(),
      node("vpc", { parent: "stack", provider: "aws", outputs: { cidrBlock: "10.1.0.0/16" } }),
    ];
    assert.deepEqual(problemsOf(nodes), [
      { kind: "duplicate", fatal: true, urn: "vpc", positions: [2, 4], differs: "outputs" },
    ]);
    const other = [...wellFormed(), node("vpc", { parent: "stack" })];
    assert.equal((problemsOf(other)[0] as { differs?: string }).differs, "provider");
  });

  it("compares copies nested 100,000 levels deep without recursion", () => {
    const deep = (leaf: number) => {
      let v: unknown = leaf;
      for (let i = 0; i < 100_000; i++) v = { a: v };
      return { deep: v };
    };
    const same = [node("x", { outputs: deep(1) }), node("x", { outputs: deep(1) })];
    assert.equal(problemsOf(same)[0].fatal, false);
    const different = [node("x", { outputs: deep(1) }), node("x", { outputs: deep(2) })];
    assert.equal(problemsOf(different)[0].fatal, true);
  });

  it("refuses a resource that is its own parent", () => {
    const nodes = wellFormed();
    nodes[2] = { ...nodes[2], parent: "vpc" };
    assert.deepEqual(problemsOf(nodes), [{ kind: "self-parent", fatal: true, urn: "vpc" }]);
  });

  it("refuses resources that are each other's parents, named from the least URN", () => {
    const nodes = [...wellFormed(), node("b", { parent: "c" }), node("c", { parent: "a" })];
    nodes.push(node("a", { parent: "b" }));
    assert.deepEqual(problemsOf(nodes), [
      { kind: "parent-cycle", fatal: true, urns: ["a", "b", "c"] },
    ]);
  });

  it("refuses a cycle of dependencies, saying how each resource uses the next", () => {
    const nodes = wellFormed();
    // The VPC's provider depends on the subnet, which is in the VPC.
    nodes[1] = { ...nodes[1], propertyDependencies: { region: ["subnet"] } };
    assert.deepEqual(problemsOf(nodes), [
      {
        kind: "dependency-cycle",
        fatal: true,
        steps: [
          { urn: "aws", reference: "property dependency", property: "region" },
          { urn: "subnet", reference: "dependency" },
          { urn: "vpc", reference: "provider" },
        ],
      },
    ]);
  });

  it("refuses a cycle through a parent and a dependency", () => {
    const nodes = [...wellFormed(), node("cell", { custom: false, dependencies: ["db"] })];
    nodes.push(node("db", { parent: "cell" }));
    assert.deepEqual(problemsOf(nodes), [
      {
        kind: "dependency-cycle",
        fatal: true,
        steps: [
          { urn: "cell", reference: "dependency" },
          { urn: "db", reference: "parent" },
        ],
      },
    ]);
  });

  it("reads a resource that lists itself as a dependency or provider without it (not fatal)", () => {
    const nodes = wellFormed();
    nodes[3] = { ...nodes[3], dependencies: ["vpc", "subnet"], provider: "subnet" };
    assert.deepEqual(problemsOf(nodes), [
      {
        kind: "self-reference",
        fatal: false,
        urn: "subnet",
        references: ["dependency", "provider"],
      },
    ]);
  });

  it("names each reference to a resource the graph does not hold (not fatal)", () => {
    const nodes = wellFormed();
    nodes[2] = { ...nodes[2], parent: "gone-cell", provider: "gone-aws" };
    nodes[3] = {
      ...nodes[3],
      dependencies: ["vpc", "gone-sg"],
      propertyDependencies: { vpcId: ["vpc"], routeTableId: ["gone-rt"], sg: ["gone-sg"] },
    };
    assert.deepEqual(problemsOf(nodes), [
      { kind: "missing", fatal: false, urn: "subnet", reference: "dependency", target: "gone-sg" },
      {
        kind: "missing",
        fatal: false,
        urn: "subnet",
        reference: "property dependency",
        target: "gone-rt",
        property: "routeTableId",
      },
      { kind: "missing", fatal: false, urn: "vpc", reference: "parent", target: "gone-cell" },
      { kind: "missing", fatal: false, urn: "vpc", reference: "provider", target: "gone-aws" },
    ]);
  });

  it("does not count a reference to a URN known to exist (a copy pending deletion) as missing", () => {
    const nodes = wellFormed();
    nodes[3] = { ...nodes[3], dependencies: ["vpc", "old-sg"] };
    assert.deepEqual(
      problemsOf(nodes, (urn) => urn === "old-sg"),
      [],
    );
  });

  it("handles a parent chain and a dependency cycle 100,000 resources long without recursion", () => {
    const chain = Array.from({ length: 100_000 }, (_, i) =>
      node(`r${i}`, { parent: i > 0 ? `r${i - 1}` : undefined }),
    ).reverse();
    assert.deepEqual(problemsOf(chain), []);
    const ring = Array.from({ length: 100_000 }, (_, i) =>
      node(`r${i}`, { dependencies: [`r${(i + 1) % 100_000}`] }),
    );
    const [problem] = problemsOf(ring);
    assert.equal(problem.kind, "dependency-cycle");
    assert.equal((problem as { steps: unknown[] }).steps.length, 100_000);
  });

  it("finds the same problems whatever the order of the resources (property)", () => {
    const key = (p: IntegrityProblem) => JSON.stringify({ ...p, positions: undefined });
    fc.assert(
      fc.property(fc.array(drawn, { minLength: 1, maxLength: 30 }), (drawnNodes) => {
        const nodes = graphOf(drawnNodes);
        assert.deepEqual(problemsOf([...nodes].reverse()).map(key), problemsOf(nodes).map(key));
      }),
      { numRuns: 500 },
    );
  });
});

describe("GraphIndex.order", () => {
  it("puts every resource after its parent and what it uses, or reports it unordered (property)", () => {
    fc.assert(
      fc.property(fc.array(drawn, { minLength: 1, maxLength: 30 }), (drawnNodes) => {
        const nodes = graphOf(drawnNodes);
        const { order, unordered } = new GraphIndex(nodes).order;
        assert.deepEqual(
          [...order].sort((a, b) => a - b),
          nodes.map((_, i) => i),
        );
        const placed = new Map<string, number>();
        [...order].forEach((p, k) => placed.set(nodes[p].urn, k));
        const ordered = order.length - unordered;
        for (let k = 0; k < ordered; k++) {
          const n = nodes[order[k]];
          const uses = [
            n.parent,
            n.provider,
            ...n.dependencies,
            ...Object.values(n.propertyDependencies).flat(),
          ];
          for (const u of uses) {
            if (u && u !== n.urn && placed.has(u)) assert.ok((placed.get(u) as number) < k);
          }
        }
        // An acyclic graph is ordered whole.
        if (unordered > 0) assert.ok(problemsOf(nodes).some((p) => p.fatal));
        assert.equal(new GraphIndex(graphOf(drawnNodes, { acyclic: true })).order.unordered, 0);
      }),
      { numRuns: 500 },
    );
  });
});
