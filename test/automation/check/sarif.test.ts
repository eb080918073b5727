import * as assert from "node:assert/strict";
import { buildSarif } from "../../../automation/check/sarif";
import type { Violation } from "../../../automation/check/report";
import type { PolicyInfo } from "../../../automation/policy/policyConfig";
import { environmentGraph } from "../../policies/_environment";
import { assertValidSarif } from "./_sarifShape";

const STACK_FILE = [
  "config:", //                                  1
  "  aws:region: us-east-1", //                  2
  "  active-active:clusters:", //                3
  "    - name: a", //                            4
  "    - name: b", //                            5
  "  active-active:dns:", //                    6
  "    hostnames:", //                           7
  "      - hostname: www.example.com", //        8
  "        service: web", //                     9
  "  active-active:services:", //               10
  "    - name: web", //                         11
  "      image: ghcr.io/acme/web:2.3.1", //     12
].join("\n");

function policy(name: string, level: PolicyInfo["level"] = "mandatory"): PolicyInfo {
  return {
    name,
    description: `${name} description`,
    level,
    type: "stack",
    schema: {},
    required: [],
  };
}

function violation(overrides: Partial<Violation>): Violation {
  return {
    policy: "min-clusters",
    level: "mandatory",
    urn: "",
    cluster: null,
    message: "msg",
    ...overrides,
  };
}

describe("SARIF output", () => {
  const { nodes, clusters } = environmentGraph({ clusters: ["a", "b"] });
  const sarifOf = (violations: Violation[], withFile = true) =>
    buildSarif({
      violations,
      policies: [
        policy("min-clusters"),
        policy("workload-on-all-clusters"),
        policy("shared-state-outside-clusters", "advisory"),
      ],
      pack: { name: "active-active", version: "0.1.0" },
      nodes,
      stackFile: withFile ? { uri: "stacks/Pulumi.prod.yaml", text: STACK_FILE } : undefined,
      stack: "prod",
    });

  it("has one rule per policy and one result per violation, in SARIF 2.1.0's structure", () => {
    const log = sarifOf([
      violation({
        policy: "workload-on-all-clusters",
        urn: clusters.a.deployment.urn,
        cluster: "a",
      }),
      violation({ policy: "shared-state-outside-clusters", level: "advisory", urn: nodes[0].urn }),
    ]);
    assertValidSarif(log);
    const [run] = log.runs;
    assert.deepEqual(
      run.tool.driver.rules.map((r) => [r.id, r.defaultConfiguration.level]),
      [
        ["min-clusters", "error"],
        ["workload-on-all-clusters", "error"],
        ["shared-state-outside-clusters", "warning"],
      ],
    );
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.level]),
      [
        ["workload-on-all-clusters", "error"],
        ["shared-state-outside-clusters", "warning"],
      ],
    );
    assert.equal(run.automationDetails.id, "aa-check/prod/");
  });

  it("locates a violation of a service at the service in the stack file", () => {
    const [result] = sarifOf([
      violation({
        policy: "workload-on-all-clusters",
        urn: clusters.a.deployment.urn,
        cluster: "a",
      }),
    ]).runs[0].results;
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: "stacks/Pulumi.prod.yaml" },
      region: { startLine: 11 },
    });
    assert.equal(
      result.locations[0].logicalLocations?.[0].fullyQualifiedName,
      clusters.a.deployment.urn,
    );
  });

  it("locates a violation of a cluster at the cluster, and of a hostname at the hostname", () => {
    const results = sarifOf([
      violation({ urn: clusters.b.nodeGroup.urn, cluster: "b" }),
      violation({ urn: clusters.a.record.urn, cluster: "a" }),
    ]).runs[0].results;
    assert.equal(results[0].locations[0].physicalLocation?.region?.startLine, 5);
    assert.equal(results[1].locations[0].physicalLocation?.region?.startLine, 8);
  });

  it("gives the URN as logical location when the violation maps to no cluster or service", () => {
    const [result] = sarifOf([
      violation({ policy: "shared-state-outside-clusters", level: "advisory", urn: nodes[1].urn }),
    ]).runs[0].results;
    assert.equal(result.locations[0].physicalLocation?.region, undefined);
    assert.deepEqual(result.locations[0].logicalLocations, [
      { fullyQualifiedName: nodes[1].urn, name: "prod", kind: "resource" },
    ]);
  });

  it("keeps results apart by a fingerprint of policy, resource and message", () => {
    const results = sarifOf([
      violation({ urn: clusters.a.eks.urn, message: "one" }),
      violation({ urn: clusters.a.eks.urn, message: "two" }),
    ]).runs[0].results;
    assert.notEqual(
      results[0].partialFingerprints["aaViolation/v1"],
      results[1].partialFingerprints["aaViolation/v1"],
    );
  });
  it("adds a state's integrity warnings as results of one more rule, state-integrity", () => {
    const urn = "urn:pulumi:prod::acme::aws:s3/bucket:Bucket::logs";
    const build = (stateFile?: string) =>
      buildSarif({
        violations: [],
        policies: [policy("min-clusters")],
        pack: { name: "active-active", version: "0.1.0" },
        nodes: [],
        stateFile,
        integrity: [
          { kind: "missing-reference", urns: [urn, "urn:gone"], message: "refers to urn:gone" },
          { kind: "recorded-integrity-error", urns: [], message: "the engine recorded one" },
        ],
        stack: "prod",
      });
    for (const log of [build("state/prod.json"), build(undefined)]) {
      assertValidSarif(log);
      const [run] = log.runs;
      assert.deepEqual(
        run.tool.driver.rules.map((r) => r.id),
        ["min-clusters", "state-integrity"],
      );
      assert.deepEqual(
        run.results.map((r) => [r.ruleId, r.ruleIndex, r.level, r.properties.urn]),
        [
          ["state-integrity", 1, "warning", urn],
          ["state-integrity", 1, "warning", ""],
        ],
      );
      // At the resource; a warning about the whole state at the stack.
      assert.deepEqual(
        run.results.map((r) => r.locations[0].logicalLocations?.[0].fullyQualifiedName),
        [urn, "prod"],
      );
    }
    assert.equal(
      build("state/prod.json").runs[0].results[0].locations[0].physicalLocation?.artifactLocation
        .uri,
      "state/prod.json",
    );
    // Without warnings, the rules are the pack's alone.
    const clean = buildSarif({
      violations: [],
      policies: [policy("min-clusters")],
      pack: { name: "active-active", version: "0.1.0" },
      nodes: [],
      integrity: [],
      stack: "prod",
    });
    assert.deepEqual(
      clean.runs[0].tool.driver.rules.map((r) => r.id),
      ["min-clusters"],
    );
  });
});
