import * as path from "node:path";
import { clusterMembership, readsSameMembership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { POLICIES } from "../../policies/all";
import { checksType, resolveConfig, type AnyPolicySpec } from "../../policies/_policy";
import { stackView } from "../../policies/_view";
import type { Diagnostic } from "./analyzerClient";
import type { PolicyRunInput, PolicyRunResult } from "./analyzerRunner";
import { reconcilePolicyConfig, type Level, type PolicyInfo } from "./policyConfig";
import { toViolations } from "./violations";
import { AnalyzerView } from "./_analyzerView";

/** The name the shipped pack registers itself under (policies/index.ts). */
export const SHIPPED_PACK_NAME = "active-active";

/**
 * Evaluates a resource graph with the policies of the pack shipped with aa, in this process:
 * the same policy specs (`policies/all.ts`), the same config reconciliation (schema defaults, then
 * the policy config, validated as the engine does), each policy seeing the resources exactly as
 * it does when the pack serves it (see {@link AnalyzerView}), and the same diagnostics in the
 * same order as {@link runPolicyPack} gets from the pack over gRPC. What it saves is the
 * protocol: no pack process, no protobuf, and one stack view (cluster membership, indexes) built
 * once and shared by every stack policy instead of once per policy. For large graphs (a deployed
 * stack's export) that is the difference between seconds and minutes.
 */
export function runPoliciesInProcess(input: PolicyRunInput): PolicyRunResult {
  const policies = POLICIES.map(policyInfo);
  const config = reconcilePolicyConfig(
    policies,
    input.policyConfig,
    input.policyConfigSource ?? "policy config",
  );
  const enabled = POLICIES.map((spec) => {
    const c = config.get(spec.name);
    const level: Level = c?.level ?? spec.enforcementLevel;
    return {
      spec,
      level: level === "remediate" ? ("mandatory" as const) : level,
      settings: resolveConfig(spec, c?.properties),
    };
  }).filter((p) => p.level !== "disabled");

  const membership = input.membership ?? clusterMembership(input.nodes);
  // Every resource has an entry in `reaches`: the membership doubles as the index of URNs.
  const analyzer = new AnalyzerView(
    (urn) => membership.reaches.has(urn),
    input.stack,
    input.project,
  );
  const diagnostics: Diagnostic[] = [];
  const report = (p: (typeof enabled)[number], findings: { message: string; urn?: string }[]) => {
    for (const f of findings) {
      diagnostics.push({
        policyName: p.spec.name,
        policyPackName: SHIPPED_PACK_NAME,
        policyPackVersion: "",
        description: "",
        message: f.message || p.spec.description,
        level: p.level,
        urn: f.urn ?? "",
      });
    }
  };

  // Analyze: each resource with its inputs, every resource policy, in registration order.
  const resourcePolicies = enabled.filter((p) => p.spec.scope === "resource");
  if (resourcePolicies.length > 0) {
    for (const n of input.nodes) {
      let resource: ResourceNode[] | undefined;
      for (const p of resourcePolicies) {
        if (!checksType(p.spec, n.type)) continue;
        resource ??= [analyzer.analyzeResource(n)];
        report(p, p.spec.validate(resource, p.settings));
      }
    }
  }
  // AnalyzeStack: the whole graph with its outputs, one shared view, every stack policy.
  const stackPolicies = enabled.filter((p) => p.spec.scope === "stack");
  if (stackPolicies.length > 0) {
    // The membership's index says, without a lookup, which resources depend only on resources
    // of the stack (as a rule, all of them).
    const index = membership.numbered?.index;
    const known = index?.nodes === input.nodes ? index : undefined;
    const resources: ResourceNode[] = input.nodes.map((n, i) =>
      analyzer.stackResource(n, known?.edgesPresent(i)),
    );
    // The graph as the pack receives it is, as a rule, the graph as read: then its membership is
    // the one already computed (for the report); otherwise it is computed for the policies.
    const same = resources.every((r, i) => readsSameMembership(input.nodes[i], r));
    const view = stackView(resources, same ? membership : undefined);
    for (const p of stackPolicies) report(p, p.spec.validate(resources, p.settings, view));
  }

  return {
    pack: { name: SHIPPED_PACK_NAME, version: shippedPackVersion() },
    policies,
    violations: toViolations(
      diagnostics,
      input.nodes,
      membership,
      policies.map((p) => p.name),
    ),
  };
}

/** What the pack's GetAnalyzerInfo says about a policy (protoutil.makeAnalyzerInfo). */
function policyInfo(spec: AnyPolicySpec): PolicyInfo {
  return {
    name: spec.name,
    description: spec.description,
    level: spec.enforcementLevel,
    type: spec.scope,
    // A copy: the reconciled config holds the defaults, and the specs are shared by every run.
    schema: structuredClone(spec.config) as unknown as PolicyInfo["schema"],
    required: [],
  };
}

/**
 * The pack's version: what @pulumi/policy reads from the pack directory's package.json
 * (`policies/` of this package; this file runs from dist/automation/policy/).
 */
function shippedPackVersion(): string {
  const file = path.resolve(__dirname, "..", "..", "..", "policies", "package.json");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file beside the pack
  return (require(file) as { version: string }).version;
}
