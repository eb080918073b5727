import { UNKNOWN_VALUE } from "./_props";
import { defaultsBy, describe, eksSettings } from "./_eksSettings";
import type { Finding, PolicySpec } from "./policySpec";
import { stackView } from "./stackView";

export interface EksEndpointRestrictedConfig {
  /** Allow a public API endpoint at all (it must still be limited to `publicAccessCidrs`). */
  allowPublicEndpoint: boolean;
  /** CIDRs a public endpoint must never be open to. */
  forbiddenCidrs: string[];
  /** Require the private endpoint, so nodes reach the API server inside the VPC. */
  requirePrivateAccess: boolean;
}

/**
 * `eks-endpoint-restricted`: each cluster's Kubernetes API is reachable privately, and publicly
 * only from listed networks (never 0.0.0.0/0). Each cluster is judged once, on the resource that
 * holds its settings (see {@link eksSettings}).
 */
export const eksEndpointRestricted: PolicySpec<EksEndpointRestrictedConfig> = {
  name: "eks-endpoint-restricted",
  description:
    "Each EKS cluster's API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0).",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    allowPublicEndpoint: {
      type: "boolean",
      default: true,
      description: "Allow a public API endpoint, limited to publicAccessCidrs.",
    },
    forbiddenCidrs: {
      type: "array",
      items: { type: "string" },
      default: ["0.0.0.0/0", "::/0"],
      description: "CIDRs a public endpoint must never be open to.",
    },
    requirePrivateAccess: {
      type: "boolean",
      default: true,
      description: "Require the private API endpoint.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const findings: Finding[] = [];
    for (const s of eksSettings(view)) {
      const who = describe(s);
      const urn = s.node.urn;
      if (config.requirePrivateAccess && s.endpointPrivateAccess === false) {
        const why = s.defaulted.has("endpointPrivateAccess")
          ? ` (endpointPrivateAccess is not set: ${defaultsBy(s)} defaults it to false)`
          : "";
        findings.push({
          urn,
          message:
            `${who} has no private API endpoint${why}, so its nodes and operators reach the API ` +
            `server over the internet. Set endpointPrivateAccess: true.`,
        });
      }
      if (s.endpointPublicAccess !== true) continue;
      const why = s.defaulted.has("endpointPublicAccess")
        ? ` (endpointPublicAccess is not set: ${defaultsBy(s)} defaults it to true)`
        : "";
      if (!config.allowPublicEndpoint) {
        findings.push({
          urn,
          message:
            `${who} has a public API endpoint${why}, which this policy's config does not allow. ` +
            `Set endpointPublicAccess: false and reach the API through the VPC.`,
        });
        continue;
      }
      const cidrs = s.publicAccessCidrs;
      if (cidrs === UNKNOWN_VALUE) continue;
      const unset = cidrs === undefined || cidrs.length === 0;
      const open = (cidrs ?? []).filter(
        (c) => typeof c === "string" && config.forbiddenCidrs.includes(c),
      );
      if (unset || open.length > 0) {
        findings.push({
          urn,
          message:
            `${who} has a public API endpoint${why} open to ` +
            `${unset ? "0.0.0.0/0 (no publicAccessCidrs set)" : open.join(", ")}, so anyone on the ` +
            `internet can reach its API server. Set publicAccessCidrs to the networks that need it ` +
            `(e.g. your office or VPN ranges), or endpointPublicAccess: false.`,
        });
      }
    }
    return findings;
  },
};
