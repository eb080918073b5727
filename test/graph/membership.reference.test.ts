import * as assert from "node:assert/strict";
import fc from "fast-check";
import { clusterMembership, readsSameMembership, type Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { drawn, graphOf } from "./_randomGraph";
import { referenceMembership } from "./_referenceMembership";

/** Everything a membership says, with the order of each reached set (messages depend on it). */
function described(m: Membership, nodes: ResourceNode[]) {
  return {
    clusters: m.clusters,
    clusterOf: nodes.map((n) => m.clusterOf.get(n.urn)),
    reason: nodes.map((n) => m.reason.get(n.urn)),
    reaches: nodes.map((n) => [...(m.reaches.get(n.urn) ?? [])]),
  };
}

describe("clusterMembership agrees with the reference implementation", () => {
  it("on random graphs: any order, forward references, missing URNs, self-references (property)", () => {
    fc.assert(
      fc.property(fc.array(drawn, { minLength: 1, maxLength: 40 }), (drawnNodes) => {
        const nodes = graphOf(drawnNodes, { acyclic: true });
        assert.deepEqual(
          described(clusterMembership(nodes), nodes),
          described(referenceMembership(nodes), nodes),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("is the same for any order of the same resources (property)", () => {
    fc.assert(
      fc.property(
        fc.array(drawn, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        (drawnNodes, keys) => {
          const nodes = graphOf(drawnNodes, { acyclic: true });
          // A permutation: the nodes sorted by drawn keys (ties by position).
          const shuffled = nodes
            .map((n, i) => ({ n, key: keys[i], i }))
            .sort((a, b) => a.key - b.key || a.i - b.i)
            .map((x) => x.n);
          for (const other of [shuffled, [...nodes].reverse()]) {
            assert.deepEqual(
              described(clusterMembership(other), nodes),
              described(clusterMembership(nodes), nodes),
            );
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("is the same for a graph that reads the same, resource by resource (property)", () => {
    // The graph as a policy pack receives it: property dependencies in another order, other
    // properties, sometimes a default provider or fewer dependencies.
    const change = fc.constantFrom("none", "none", "none", "reorder", "untag", "provider", "fewer");
    let same = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(drawn, change), { minLength: 1, maxLength: 40 }),
        (drawnNodes) => {
          const nodes = graphOf(
            drawnNodes.map(([d]) => d),
            { acyclic: true },
          );
          const received = nodes.map((n, i): ResourceNode => {
            switch (drawnNodes[i][1]) {
              case "reorder":
                return {
                  ...n,
                  propertyDependencies: Object.fromEntries(
                    Object.entries(n.propertyDependencies).reverse(),
                  ),
                };
              case "untag":
                return { ...n, inputs: {} };
              case "provider":
                return { ...n, provider: n.provider ?? "urn:0" };
              case "fewer":
                return { ...n, dependencies: n.dependencies.slice(1) };
              default:
                return { ...n, inputs: { ...n.inputs } };
            }
          });
          runs++;
          if (!nodes.every((n, i) => readsSameMembership(n, received[i]))) return;
          same++;
          assert.deepEqual(
            described(clusterMembership(received), received),
            described(clusterMembership(nodes), nodes),
          );
        },
      ),
      { numRuns: 2000 },
    );
    assert.ok(same > runs / 10, `only ${same} of ${runs} graphs read the same`);
  });

  it("is not the same when property dependencies outside the dependencies come in another order", () => {
    const eks = (urn: string): ResourceNode => ({
      urn,
      type: "aws:eks/cluster:Cluster",
      name: urn,
      custom: true,
      dependencies: [],
      propertyDependencies: {},
      inputs: {},
    });
    const user: ResourceNode = {
      urn: "sg",
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "sg",
      custom: true,
      dependencies: [],
      propertyDependencies: { zeta: ["a"], alpha: ["b"] },
      inputs: {},
    };
    const sorted = { ...user, propertyDependencies: { alpha: ["b"], zeta: ["a"] } };
    assert.equal(readsSameMembership(user, sorted), false);
    const order = (n: ResourceNode) => [
      ...(clusterMembership([eks("a"), eks("b"), n]).reaches.get("sg") ?? []),
    ];
    assert.deepEqual(
      [order(user), order(sorted)],
      [
        ["a", "b"],
        ["b", "a"],
      ],
    );
    // Listed among the dependencies too (as the engine records them), the order is the same.
    const recorded = { ...user, dependencies: ["a", "b"] };
    assert.ok(
      readsSameMembership(recorded, {
        ...recorded,
        propertyDependencies: sorted.propertyDependencies,
      }),
    );
  });
});
