import * as path from "node:path";
import { clusterMembership, readsSameMembership, type Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { POLICIES } from "../../policies/all";
import { checksType, resolveConfig, type AnyPolicySpec } from "../../policies/policySpec";
import { stackView, type StackView } from "../../policies/stackView";
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

  const resourcePolicies = enabled.filter((p) => p.spec.scope === "resource");
  const stackPolicies = enabled.filter((p) => p.spec.scope === "stack");
  // The whole graph with its outputs, as AnalyzeStack gives it, and one shared view of it.
  const stack = stackPolicies.length > 0 ? stackOf(input, membership, analyzer) : undefined;

  // Analyze: each resource with its inputs, every resource policy, in registration order. When
  // every resource policy names its types, only resources of those types are visited.
  if (resourcePolicies.length > 0) {
    const types = resourcePolicies.every((p) => p.spec.types)
      ? resourcePolicies.flatMap((p) => p.spec.types as readonly string[])
      : undefined;
    const positions = stack && types ? stack.view.positionsOf(types) : input.nodes.map((_, i) => i);
    for (let k = 0; k < positions.length; k++) {
      const n = input.nodes[positions[k]];
      let resource: ResourceNode[] | undefined;
      for (const p of resourcePolicies) {
        if (!checksType(p.spec, n.type)) continue;
        resource ??= [analyzer.analyzeResource(n)];
        report(p, p.spec.validate(resource, p.settings));
      }
    }
  }
  // AnalyzeStack: every stack policy on the shared view.
  if (stack) {
    for (const p of stackPolicies)
      report(p, p.spec.validate(stack.resources, p.settings, stack.view));
  }

  return {
    pack: { name: SHIPPED_PACK_NAME, version: shippedPackVersion() },
    policies,
    violations: toViolations(
      diagnostics,
      input.nodes,
      membership,
      policies.map((p) => p.name),
      input,
    ),
  };
}

/**
 * The stack as AnalyzeStack gives it to the pack (see {@link AnalyzerView}), with the view the
 * stack policies share. Its membership is, as a rule, the one already computed: the graph as the
 * pack receives it reads the same as the graph as read; otherwise it is computed again for it.
 */
function stackOf(
  input: PolicyRunInput,
  membership: Membership,
  analyzer: AnalyzerView,
): { resources: ResourceNode[]; view: StackView } {
  // The membership's index says, without a lookup, which resources depend only on resources of
  // the stack (as a rule, all of them).
  const index = membership.numbered?.index;
  const known = index?.nodes === input.nodes ? index : undefined;
  let same = true;
  const resources = input.nodes.map((n, i) => {
    const r = analyzer.stackResource(n, known?.edgesPresent(i));
    same &&= readsSameMembership(n, r);
    return r;
  });
  return { resources, view: stackView(resources, same ? membership : undefined) };
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
