import * as assert from "node:assert/strict";
import type { ResourceNode } from "../../graph/resourceGraph";
import { runPolicy, type Finding, type PolicySpec } from "../../policies/policySpec";

/** Runs a policy as the pack does and returns its findings. */
export function check<C extends object>(
  policy: PolicySpec<C>,
  nodes: readonly ResourceNode[],
  config: Partial<C> = {},
): Finding[] {
  return runPolicy(policy, nodes, config);
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
