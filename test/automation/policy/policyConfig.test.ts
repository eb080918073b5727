import * as assert from "node:assert/strict";
import { UsageError } from "../../../automation/exitCodes";
import { reconcilePolicyConfig, type PolicyInfo } from "../../../automation/policy/policyConfig";

const POLICIES: PolicyInfo[] = [
  {
    name: "min-clusters",
    description: "",
    level: "mandatory",
    type: "stack",
    schema: { minClusters: { type: "integer", minimum: 1, default: 2 } },
    required: [],
  },
  {
    name: "system-pods-per-cluster",
    description: "",
    level: "mandatory",
    type: "stack",
    schema: {
      required: {
        type: "array",
        items: { type: "string", enum: ["coredns", "kyverno"] },
        default: ["coredns"],
      },
    },
    required: [],
  },
  {
    name: "eks-secrets-encrypted",
    description: "",
    level: "mandatory",
    type: "resource",
    schema: {},
    required: [],
  },
];

describe("reconciling policy config like the engine", () => {
  it("starts from each policy's level and schema defaults", () => {
    const config = reconcilePolicyConfig(POLICIES, undefined);
    assert.deepEqual(config.get("min-clusters"), {
      level: "mandatory",
      properties: { minClusters: 2 },
    });
    assert.deepEqual(config.get("eks-secrets-encrypted"), { level: "mandatory", properties: {} });
  });

  it('applies "all" first, then each policy\'s level and properties', () => {
    const config = reconcilePolicyConfig(POLICIES, {
      all: "advisory",
      "min-clusters": { enforcementLevel: "mandatory", minClusters: 3 },
      "eks-secrets-encrypted": "disabled",
    });
    assert.deepEqual(config.get("min-clusters"), {
      level: "mandatory",
      properties: { minClusters: 3 },
    });
    assert.equal(config.get("system-pods-per-cluster")?.level, "advisory");
    assert.equal(config.get("eks-secrets-encrypted")?.level, "disabled");
  });

  it("rejects every problem at once, naming policy, setting, value and what is allowed", () => {
    assert.throws(
      () =>
        reconcilePolicyConfig(
          POLICIES,
          {
            "min-clusters": { minClusters: 0, enforcementLevel: "strict" },
            "system-pods-per-cluster": { required: ["coredns", "istio"], extra: 1 },
            "no-such-policy": "advisory",
          },
          "policy config policy.json",
        ),
      (err: Error) => {
        assert.ok(err instanceof UsageError);
        const lines = err.message.split("\n");
        assert.equal(lines[0], "invalid policy config policy.json:");
        assert.match(
          err.message,
          /"min-clusters".enforcementLevel: "strict" is not one of advisory, mandatory, remediate, disabled/,
        );
        assert.match(err.message, /"min-clusters".minClusters: 0 is below the minimum 1/);
        assert.match(
          err.message,
          /"system-pods-per-cluster".required: \["coredns","istio"\] has an item "istio" that is not one of "coredns", "kyverno"/,
        );
        assert.match(
          err.message,
          /"system-pods-per-cluster".extra is not a setting of this policy; its settings are required/,
        );
        assert.match(err.message, /"no-such-policy" is not a policy of this pack/);
        return true;
      },
    );
  });
});
