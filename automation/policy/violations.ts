import type { Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import type { Violation } from "../check/report";
import type { Diagnostic } from "./analyzerClient";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The URN of a stack's root resource, as the Pulumi engine names it. */
export function stackResourceUrn(stack: string, project: string): string {
  return `urn:pulumi:${stack}::${project}::${STACK_TYPE}::${project}-${stack}`;
}

const LEVEL_ORDER = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 } as const;

/**
 * Turns the pack's diagnostics into `aa check` violations: the policy's own message (the pack
 * prefixes it with the policy description), the cluster the resource belongs to, stack-level
 * findings attached to the stack resource: the graph's root `pulumi:pulumi:Stack`, or, when it
 * has none (an empty stack, a state file without one), the URN Pulumi gives that resource,
 * {@link stackResourceUrn}. A violation's URN is never empty. Duplicates are dropped; mandatory
 * first, then in the pack's policy order and the resources' registration order. Pure.
 */
export function toViolations(
  diagnostics: readonly Diagnostic[],
  nodes: readonly ResourceNode[],
  membership: Membership,
  policyOrder: readonly string[],
  stack: { stack: string; project: string },
): Violation[] {
  const root =
    nodes.find((n) => n.type === STACK_TYPE && !n.parent)?.urn ??
    stackResourceUrn(stack.stack, stack.project);
  const clusterName = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const d of diagnostics) {
    const urn = d.urn || root;
    const message =
      d.description && d.message.startsWith(`${d.description}\n`)
        ? d.message.slice(d.description.length + 1)
        : d.message;
    const key = `${d.policyName}\u0000${urn}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const owner = membership.clusterOf.get(urn);
    out.push({
      policy: d.policyName,
      level: d.level,
      urn,
      cluster: owner ? (clusterName.get(owner) ?? null) : null,
      message,
    });
  }
  // Registration order, of the resources that have violations only (a graph may be large).
  const urns = new Set(out.map((v) => v.urn));
  const order = new Map<string, number>();
  if (urns.size > 0) {
    for (let i = 0; i < nodes.length; i++) if (urns.has(nodes[i].urn)) order.set(nodes[i].urn, i);
  }
  const policyIndex = (p: string) => {
    const i = policyOrder.indexOf(p);
    return i < 0 ? policyOrder.length : i;
  };
  return out.sort(
    (a, b) =>
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      policyIndex(a.policy) - policyIndex(b.policy) ||
      (order.get(a.urn) ?? -1) - (order.get(b.urn) ?? -1),
  );
}
