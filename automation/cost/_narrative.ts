import type { EnvironmentConfig } from "../../config/schema";
import type { Context } from "./_context";
import { money, showRequests } from "./_format";
import type { LayoutPlan } from "./layouts";
import type { ClusterCost, LayoutCost, Requests } from "./model";
import type { CostInput } from "./compute";

/**
 * The words of the cost report: warnings, notes and assumptions. Pure; the numbers they quote
 * come from compute.ts.
 */

/** What the report leaves out, and why. */
export const NOT_COUNTED =
  "not counted: traffic-priced charges (NAT data processing, NLB capacity units, data transfer, Route 53 queries), which N clusters split rather than multiply; control-plane log ingestion, which grows per cluster with its API activity";

/** What a team must act on for a layout: below minClusters, a drain the node group cannot absorb. */
export function warnings(
  plan: LayoutPlan,
  clusters: ClusterCost[],
  config: EnvironmentConfig,
): string[] {
  const out: string[] = [];
  if (plan.label === "1") return out;
  const ng = config.nodeGroup;
  if (plan.belowMinClusters) {
    out.push(
      `${plan.clusters.length} clusters is below minClusters ${config.minClusters}: shown for comparison only, the config would be rejected`,
    );
  }
  for (const [nodes, names] of namesByNodes(clusters)) {
    const who =
      names.length === clusters.length ? "every cluster needs" : `${names.join(", ")} need(s)`;
    if (nodes > ng.maxSize) {
      out.push(
        `${who} ${nodes} nodes to absorb a drained cluster's share, above nodeGroup.maxSize ${ng.maxSize}: ` +
          "the capacity check would refuse the drain; raise maxSize or use a larger instance type",
      );
    } else if (plan.label === "N" && nodes > ng.desiredSize) {
      out.push(
        `${who} ${nodes} nodes to absorb a drained cluster's share, above nodeGroup.desiredSize ${ng.desiredSize}: ` +
          "the node group must scale up before a drain, or the capacity check refuses it",
      );
    }
  }
  return out;
}

/** Nodes the configured desiredSize keeps beyond what the model needs (not counted above). */
export function desiredSizeNotes(layout: LayoutCost, ctx: Context): string[] {
  const desired = ctx.config.nodeGroup.desiredSize;
  const idle = sum(layout.perCluster.map((c) => Math.max(0, desired - c.nodes)));
  if (idle === 0) return [];
  return [
    `nodeGroup.desiredSize starts every cluster at ${desired} nodes; the N = ${layout.clusters} layout needs ` +
      `${layout.perCluster.map((c) => c.nodes).join(", ")}: ${idle} node(s) more than needed, ` +
      `${money(idle * ctx.node.pricePerMonth, ctx.prices.currency)} per month not counted above`,
  ];
}

/** Notes about the inputs: defaults used, region, Spot, several instance types, shared VPC. */
export function inputNotes(
  input: CostInput,
  ctx: Context,
  services: { name: string; perPod: Requests }[],
): string[] {
  const { config, node, usable } = ctx;
  const notes: string[] = [];
  if (config.costs === undefined) {
    notes.push(
      "no active-active:costs in this stack: every price is a built-in default (us-east-1 on-demand list price); set yours under active-active:costs",
    );
  }
  if (input.region && input.region !== "us-east-1") {
    notes.push(
      `the stack runs in ${input.region}, but the default prices are us-east-1's: set your region's prices under active-active:costs`,
    );
  }
  if (config.nodeGroup.instanceTypes.length > 1) {
    notes.push(
      `nodes priced as ${node.instanceType}, the first of nodeGroup.instanceTypes (${config.nodeGroup.instanceTypes.join(", ")})`,
    );
  }
  if (node.capacityType === "SPOT") {
    notes.push(
      `nodeGroup.capacityType is SPOT but ${node.instanceType} is priced at its on-demand price; set costs.nodes.instances."${node.instanceType}".pricePerHour to your Spot average`,
    );
  }
  if (config.network.mode === "shared-vpc") {
    notes.push(
      "network.mode is shared-vpc: the shared VPC's NAT gateways serve every cluster and are not counted per cluster",
    );
  }
  for (const s of services) {
    if (s.perPod.cpuMilli > usable.cpuMilli || s.perPod.memoryMiB > usable.memoryMiB) {
      notes.push(
        `a pod of service "${s.name}" requests ${showRequests(s.perPod)}, more than one ${node.instanceType} offers after the DaemonSets (${showRequests(usable)}): it cannot be scheduled`,
      );
    }
  }
  return notes;
}

/** The model's assumptions, stated with this environment's numbers. */
export function assumptions(ctx: Context): string[] {
  const { config, node } = ctx;
  return [
    `The services' requests on all ${config.clusters.length} configured clusters (replicas x requests x N, drained clusters included) are what the whole traffic needs; every layout spreads that by weight.`,
    "Drain headroom: while one cluster is drained, the others absorb its share in proportion to their weights, so each cluster keeps capacity for share / (1 - drained share) of the traffic, for the heaviest other cluster; with equal weights that is 1/(N-1) of the traffic, 1/(N-1) more than its share. One cluster serving everything has no drain headroom: when it fails, everything fails.",
    `Nodes: each cluster runs max(nodeGroup.minSize, needed) ${node.instanceType} nodes, where needed covers its system pods and its services at the drain share by CPU, memory and pod count, after the kubelet's reserve and the DaemonSets; pods are not bin-packed.`,
    "Requests are priced by node share: a set of requests costs the larger of its CPU and memory fraction of one node's allocatable capacity, times the node's monthly price (instance-hours plus root volume). Whole-node rounding is what the whole nodes cost beyond those shares; it is negative when small clusters fill their nodes better than one large cluster.",
    "N-1 leaves out the last cluster of the list; N+1 adds one at the environment's Kubernetes version with the clusters' mean weight.",
    "One cluster serving everything has 1 control plane, 1 NLB per service, its NAT gateways, 1 KMS key and no Route 53 health checks (there is no split to steer).",
  ];
}

/** Cluster names by the number of nodes they need, in cluster order. */
function namesByNodes(clusters: ClusterCost[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const c of clusters) out.set(c.nodes, [...(out.get(c.nodes) ?? []), c.name]);
  return out;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
