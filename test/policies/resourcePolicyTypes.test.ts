import * as assert from "node:assert/strict";
import fc from "fast-check";
import type { ResourceNode } from "../../graph/resourceGraph";
import { POLICIES } from "../../policies/all";
import { checksType, resolveConfig } from "../../policies/policySpec";
import { environmentGraph } from "./_environment";
import { check } from "./_assert";

// A resource policy's `types` lets the runners skip every other resource without calling it. That
// is only sound when the check itself finds nothing in a resource of another type: asserted here
// by calling `validate` directly on resources that fail it, retyped.

const resourcePolicies = POLICIES.filter((p) => p.scope === "resource");

/** Every resource of the example environment, each made as bad as it gets for the EKS checks. */
function failingNodes(): ResourceNode[] {
  return environmentGraph().nodes.map((n) => ({
    ...n,
    inputs: {
      ...n.inputs,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ["0.0.0.0/0"],
      encryptionConfigKeyArn: undefined,
      vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
      encryptionConfig: undefined,
    },
  }));
}

describe("resource policies' types", () => {
  it("every resource policy names the types it checks", () => {
    for (const p of resourcePolicies) assert.ok(p.types && p.types.length > 0, p.name);
  });

  it("a resource of a type a policy does not name never fails it", () => {
    const nodes = failingNodes();
    const type = fc.oneof(
      fc.constantFrom(...new Set(nodes.map((n) => n.type))),
      fc.stringMatching(/^[a-z]{1,8}:[a-z0-9/.]{1,12}:[A-Za-z]{1,10}$/),
    );
    for (const policy of resourcePolicies) {
      const config = resolveConfig(policy, {});
      fc.assert(
        fc.property(fc.nat(nodes.length - 1), type, (at, retyped) => {
          fc.pre(!checksType(policy, retyped));
          const node = { ...nodes[at], type: retyped };
          assert.deepEqual(policy.validate([node], config), [], `${policy.name} on ${retyped}`);
        }),
      );
    }
  });

  it("the same resources of the named types do fail (the test above is not vacuous; skipped while no shipped policy is a resource policy)", function () {
    // Every shipped policy is a stack policy since the EKS checks judge each cluster once, on
    // the component or on the aws.eks.Cluster it created, which takes the whole graph; the
    // runners keep serving resource policies, and this holds again as soon as one is added.
    if (resourcePolicies.length === 0) {
      // Printed as well: the dot reporter shows no pending titles.
      console.log(
        'skipped test "the same resources of the named types do fail": no shipped policy is a resource policy',
      );
      this.skip();
    }
    const nodes = failingNodes().filter((n) => resourcePolicies.some((p) => checksType(p, n.type)));
    assert.ok(nodes.length > 0);
    for (const policy of resourcePolicies) {
      assert.ok(check(policy, nodes).length > 0, policy.name);
    }
  });
});
