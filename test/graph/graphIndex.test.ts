import * as assert from "node:assert/strict";
import fc from "fast-check";
import { GraphIndex, nodesByUrn } from "../../graph/graphIndex";
import { GraphNumbering } from "../../graph/graphNumbering";
import { edgesOf } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { drawn, graphOf } from "./_randomGraph";

/** A random graph, some resources registered twice under one URN (the last one counts). */
const graphs = fc
  .tuple(fc.array(drawn, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 3 }))
  .map(([d, twice]) => {
    const nodes = graphOf(d);
    for (const i of twice) {
      const j = i % nodes.length;
      if (j > 0) nodes[j] = { ...nodes[j], urn: nodes[i % j].urn };
    }
    return nodes;
  });

/** Every URN a graph mentions, and one it does not. */
function urnsOf(nodes: ResourceNode[]): string[] {
  const urns = new Set(["urn:not-in-the-graph"]);
  for (const n of nodes) {
    urns.add(n.urn);
    if (n.parent) urns.add(n.parent);
    for (const e of edgesOf(n)) urns.add(e);
  }
  return [...urns];
}

/** The node's parent, provider and dependencies, without those that are not resources of `nodes`. */
function withinGraph(n: ResourceNode, nodes: ResourceNode[]): Partial<ResourceNode> {
  const urns = new Set(nodes.map((m) => m.urn));
  const keep = (urn: string | undefined) => (urn && urns.has(urn) ? urn : undefined);
  return {
    parent: keep(n.parent),
    provider: keep(n.provider),
    dependencies: n.dependencies.filter((d) => urns.has(d)),
    propertyDependencies: Object.fromEntries(
      Object.entries(n.propertyDependencies).map(([k, v]) => [k, v.filter((d) => urns.has(d))]),
    ),
  };
}

/** What an index says about its graph, as plain data. */
function indexed(index: GraphIndex) {
  const edges = (i: number) => [
    ...index.edges.subarray(index.edgeStart[i], index.edgeStart[i + 1]),
  ];
  return {
    urns: index.urnAt.slice(0, index.size),
    find: urnsOf([...index.nodes]).map((urn) => index.find(urn)),
    slotOfNode: [...index.slotOfNode],
    parentOfNode: [...index.parentOfNode],
    providerOfNode: [...index.providerOfNode],
    edges: index.nodes.map((_, i) => edges(i)),
    positionAt: [...index.positionAt],
    parentOf: [...index.parentOf],
    edgesPresent: index.nodes.map((_, i) => index.edgesPresent(i)),
  };
}

describe("GraphIndex", () => {
  it("lists each URN's users once, in registration order, as edgesOf does (property)", () => {
    fc.assert(
      fc.property(graphs, (nodes) => {
        const index = new GraphIndex(nodes);
        for (const urn of urnsOf(nodes)) {
          const expected = nodes.flatMap((n, i) => (edgesOf(n, false).has(urn) ? [i] : []));
          assert.deepEqual([...index.usersOf(urn)], expected, urn);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("says whether everything a resource depends on is a resource of the graph (property)", () => {
    // Some graphs mention only their own resources, others URNs outside them too.
    const closedOrNot = fc
      .tuple(graphs, fc.boolean())
      .map(([nodes, close]) =>
        close ? nodes.map((n) => ({ ...n, ...withinGraph(n, nodes) })) : nodes,
      );
    fc.assert(
      fc.property(closedOrNot, (nodes) => {
        const index = new GraphIndex(nodes);
        const resources = new Set(nodes.map((n) => n.urn));
        nodes.forEach((n, i) => {
          const expected = [...edgesOf(n, false)].every((urn) => resources.has(urn));
          assert.equal(index.edgesPresent(i), expected, n.urn);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("is the same built from a numbering made as the nodes were made (property)", () => {
    fc.assert(
      fc.property(graphs, (nodes) => {
        const numbering = new GraphNumbering(1); // grows as the nodes come
        for (const n of nodes) numbering.add(n);
        assert.deepEqual(indexed(new GraphIndex(nodes, numbering)), indexed(new GraphIndex(nodes)));
      }),
      { numRuns: 300 },
    );
  });

  it("numbers the nodes itself when given a numbering of other nodes", () => {
    const nodes = graphOf(fc.sample(drawn, { numRuns: 5, seed: 1 }));
    const numbering = new GraphNumbering();
    for (const n of nodes.slice(0, 3)) numbering.add(n);
    const index = new GraphIndex(nodes, numbering);
    assert.deepEqual(indexed(index), indexed(new GraphIndex(nodes)));
    assert.equal(index.slotOfNode.length, nodes.length);
  });

  it("takes a numbering over once; it numbers no more resources then", () => {
    const nodes = graphOf(fc.sample(drawn, { numRuns: 5, seed: 2 }));
    const numbering = new GraphNumbering();
    for (const n of nodes) numbering.add(n);
    const first = new GraphIndex(nodes, numbering);
    const second = new GraphIndex(nodes, numbering); // numbers the nodes itself
    assert.deepEqual(indexed(second), indexed(first));
    assert.throws(() => numbering.add(nodes[0]), /taken this numbering over/);
  });

  it("finds resources by URN as a map of the nodes does, the last registration winning (property)", () => {
    fc.assert(
      fc.property(graphs, (nodes) => {
        const byUrn = nodesByUrn(new GraphIndex(nodes), nodes);
        const map = new Map(nodes.map((n) => [n.urn, n]));
        for (const urn of urnsOf(nodes)) {
          assert.equal(byUrn.get(urn), map.get(urn), urn);
          assert.equal(byUrn.has(urn), map.has(urn), urn);
        }
        assert.equal(byUrn.size, map.size);
        assert.deepEqual([...byUrn], [...map]);
        assert.deepEqual([...byUrn.keys()], [...map.keys()]);
      }),
      { numRuns: 500 },
    );
  });
});
