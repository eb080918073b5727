import * as assert from "node:assert/strict";
import fc from "fast-check";
import { clusterMembership, type Membership } from "../../graph/membership";
import { stackView } from "../../policies/stackView";
import { drawn, graphOf } from "../graph/_randomGraph";

// The stack view answers the policies' questions by position and by type, on the numbered
// membership; these properties hold it to the plain answers, on random graphs.

const graphs = fc.array(drawn, { minLength: 1, maxLength: 40 }).map(graphOf);

describe("the policies' stack view (property)", () => {
  it("clusterAt(i) is clusterOf(nodes[i].urn); environmentLevel() the positions of no cluster", () => {
    fc.assert(
      fc.property(graphs, (nodes) => {
        const view = stackView(nodes);
        const level: number[] = [];
        nodes.forEach((n, i) => {
          assert.equal(view.clusterAt(i), view.clusterOf(n.urn), n.urn);
          const owner = view.membership.clusterOf.get(n.urn);
          assert.equal(view.clusterAt(i)?.urn, owner, n.urn);
          if (!view.clusterAt(i)) level.push(i);
        });
        assert.deepEqual([...view.environmentLevel()], level);
      }),
      { numRuns: 300 },
    );
  });

  it("types() and positionsOf(types) are the types and positions a scan finds, in order", () => {
    fc.assert(
      fc.property(graphs, fc.array(fc.nat(), { maxLength: 4 }), (nodes, picks) => {
        const view = stackView(nodes);
        const types = [...new Set(nodes.map((n) => n.type))];
        assert.deepEqual(view.types(), types);
        const asked = [...picks.map((p) => types[p % types.length]), "not:a:type"];
        const expected = nodes.flatMap((n, i) => (asked.includes(n.type) ? [i] : []));
        assert.deepEqual([...view.positionsOf(asked)], expected);
      }),
      { numRuns: 300 },
    );
  });

  it("says the same with a membership decided without its numbered graph", () => {
    fc.assert(
      fc.property(graphs, (nodes) => {
        const membership = clusterMembership(nodes);
        const plain: Membership = { ...membership, numbered: undefined };
        const a = stackView(nodes, membership);
        const b = stackView(nodes, plain);
        nodes.forEach((n, i) => assert.equal(a.clusterAt(i), b.clusterAt(i), n.urn));
        assert.deepEqual([...a.environmentLevel()], [...b.environmentLevel()]);
      }),
      { numRuns: 200 },
    );
  });
});
