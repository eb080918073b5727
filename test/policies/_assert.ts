import * as assert from "node:assert/strict";
import type { ResourceNode } from "../../graph/resourceGraph";
import { runPoliciesInProcess } from "../../automation/policy/inProcessRunner";
import { runPolicy, type Finding, type PolicySpec } from "../../policies/policySpec";

/**
 * Runs a policy as the pack does and returns its findings. Every case is also run through the
 * in-process runner `aa check` uses by default (that policy alone enabled, with this config),
 * which must report the same findings: the runner is tested on every policy test case, and its
 * agreement with the pack's gRPC protocol on the example stacks and these graphs is tested in
 * test/automation/policy/inProcessRunner.test.ts.
 */
export function check<C extends object>(
  policy: PolicySpec<C>,
  nodes: readonly ResourceNode[],
  config: Partial<C> = {},
): Finding[] {
  const findings = runPolicy(policy, nodes, config);
  const [stack, project] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(nodes[0]?.urn ?? "")?.slice(1) ?? [
    "test",
    "test",
  ];
  const { violations } = runPoliciesInProcess({
    nodes,
    project,
    stack,
    policyConfig: { all: "disabled", [policy.name]: { enforcementLevel: "mandatory", ...config } },
  });
  assert.deepEqual(
    violations.map((v) => v.message),
    findings.map((f) => f.message),
    `${policy.name}: the in-process runner reports what the policy finds`,
  );
  return findings;
}

/** Asserts exactly one finding, about `urn`, whose message matches every pattern. */
export function assertOneFinding(
  findings: Finding[],
  urn: string | undefined,
  ...patterns: RegExp[]
): Finding {
  assert.equal(findings.length, 1, `expected one finding, got:\n${show(findings)}`);
  const [finding] = findings;
  assert.equal(finding.urn, urn);
  for (const p of patterns) assert.match(finding.message, p);
  return finding;
}

export function show(findings: Finding[]): string {
  return findings.map((f) => `  - ${f.urn ?? "(stack)"}: ${f.message}`).join("\n") || "  (none)";
}
