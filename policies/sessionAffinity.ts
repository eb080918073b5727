import { at, str, UNKNOWN_VALUE } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView } from "./stackView";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the level is the only setting
export interface SessionAffinityConfig {}

const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const TARGET_GROUPS = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];

/** The annotations that set a load balancer's target group attributes (NLB and ALB controllers). */
const TARGET_GROUP_ATTRIBUTES = [
  "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes",
  "alb.ingress.kubernetes.io/target-group-attributes",
];

/**
 * `session-affinity` (advisory): services that pin a client to one backend, by the Service's
 * `sessionAffinity: ClientIP`, load balancer stickiness set through the AWS load balancer
 * controllers' target group attributes, or an aws.lb.TargetGroup with stickiness enabled. A
 * rollout drains a cluster by DNS: new clients move within the TTL, but a pinned client (and a
 * long-lived connection) stays on the drained cluster's load balancer until it ends, and is cut
 * when the cluster changes.
 */
export const sessionAffinity: PolicySpec<SessionAffinityConfig> = {
  name: "session-affinity",
  description:
    "Services do not pin clients to one backend (session affinity, load balancer stickiness): a drain cuts pinned sessions.",
  enforcementLevel: "advisory",
  scope: "stack",
  config: {},
  validate(nodes, _config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const findings: Finding[] = [];
    for (const i of view.positionsOf([SERVICE, INGRESS, ...TARGET_GROUPS])) {
      const node = nodes[i];
      const pin = pinning(node.type, node.inputs);
      if (!pin) continue;
      const cluster = view.clusterAt(i);
      findings.push({
        urn: node.urn,
        message:
          `${label(node)}${cluster ? ` of cluster "${cluster.name}"` : ""} pins each client to ` +
          `one backend (${pin}). When \`aa rollout\` drains its cluster, DNS sends new clients ` +
          `elsewhere within the TTL, but a pinned client keeps its session on this cluster's ` +
          `load balancer until it ends, and loses it when the cluster changes. Keep session ` +
          `state outside the pods (a shared store) so that any cluster can serve a client, or ` +
          `give the drain time for sessions to end (\`aa rollout --drain <seconds>\`).`,
      });
    }
    return findings;
  },
};

/** What pins clients, as the message says it; undefined when nothing does (or it is not known). */
function pinning(type: string, inputs: Record<string, unknown>): string | undefined {
  if (type === SERVICE && str(inputs, "spec", "sessionAffinity") === "ClientIP") {
    return "sessionAffinity: ClientIP";
  }
  if (type === SERVICE || type === INGRESS) {
    const annotations = at(inputs, "metadata", "annotations");
    if (!annotations || typeof annotations !== "object") return undefined;
    for (const key of TARGET_GROUP_ATTRIBUTES) {
      const value = (annotations as Record<string, unknown>)[key];
      if (typeof value === "string" && /(^|,)\s*stickiness\.enabled\s*=\s*true\b/.test(value)) {
        return `load balancer stickiness: ${key}: ${value}`;
      }
    }
    return undefined;
  }
  const sticky = at(inputs, "stickiness");
  // The bridged provider has used both an object and a one-element list here.
  const first: unknown = Array.isArray(sticky) ? sticky[0] : sticky;
  if (first === UNKNOWN_VALUE || !first || typeof first !== "object") return undefined;
  const enabled = (first as Record<string, unknown>).enabled;
  // The provider's default for a stickiness block is enabled.
  return enabled === false ? undefined : "target group stickiness enabled";
}
