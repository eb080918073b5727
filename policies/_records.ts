import type { ResourceNode } from "../graph/resourceGraph";
import { list, num, UNKNOWN_VALUE } from "./_props";

export const RECORD = "aws:route53/record:Record";

/**
 * A Route 53 record's weight: undefined for a record that is not weighted, "unknown" when it is
 * not known yet (an unknown weight counts as set, not as 0).
 */
export function weightOf(n: ResourceNode): number | "unknown" | undefined {
  const policies = list(n.inputs, "weightedRoutingPolicies");
  if (policies === UNKNOWN_VALUE) return "unknown";
  if (!policies || policies.length === 0) return undefined;
  const weight = num(policies[0], "weight");
  if (weight === UNKNOWN_VALUE) return "unknown";
  return weight ?? 0;
}
