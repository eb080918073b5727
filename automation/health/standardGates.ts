import type { Route53Client } from "@aws-sdk/client-route-53";
import { apiServerGate } from "./apiServer";
import { deploymentsGate } from "./deployments";
import type { HealthGate } from "./gate";
import { httpProbeGate } from "./httpProbe";
import { nodesGate } from "./nodes";
import { route53Gate } from "./route53";
import { systemPodsGate } from "./systemPods";

/** Arguments of {@link standardGates}. */
export interface StandardGatesArgs {
  /**
   * Timeout per gate name, milliseconds, e.g. `{ nodes: 30000 }`.
   * @default each gate's own default (see docs/health.md)
   */
  timeoutsMs?: Partial<Record<StandardGateName, number>>;
  /** Route 53 client for the route53 gate. @default a client for us-east-1 with default credentials */
  route53Client?: Route53Client;
  /** Leave the route53 gate out (e.g. an environment without public hostnames). @default false */
  withoutRoute53?: boolean;
}

/** Names of the standard gates, in the order they run. */
export type StandardGateName =
  "api-server" | "nodes" | "system-pods" | "deployments" | "http-probe" | "route53";

/**
 * The gates every cluster must pass before drain, after its update and during the soak, ordered
 * from the foundation up: API server, nodes, system pods, service Deployments, the HTTP probe
 * through the cluster's own load balancer, and Route 53's view of it. The gates hold no state;
 * one set serves every cluster.
 */
export function standardGates(args: StandardGatesArgs = {}): HealthGate[] {
  const t = args.timeoutsMs ?? {};
  const gates: HealthGate[] = [
    apiServerGate({ timeoutMs: t["api-server"] }),
    nodesGate({ timeoutMs: t.nodes }),
    systemPodsGate({ timeoutMs: t["system-pods"] }),
    deploymentsGate({ timeoutMs: t.deployments }),
    httpProbeGate({ timeoutMs: t["http-probe"] }),
  ];
  if (!args.withoutRoute53) {
    gates.push(route53Gate({ timeoutMs: t.route53, client: args.route53Client }));
  }
  return gates;
}
