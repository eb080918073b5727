import { ConfigError, fieldName } from "../../config/errors";
import type { Environment } from "../../config/load";
import type { Context } from "./_context";
import { assumptions, desiredSizeNotes, inputNotes, NOT_COUNTED, warnings } from "./_narrative";
import { controlPlaneRate } from "./controlPlane";
import { cents, money, showRequests } from "./_format";
import { drainShares, planLayouts, type LayoutPlan } from "./layouts";
import {
  LINE_ITEMS,
  type ClusterCost,
  type CostReport,
  type LayoutCost,
  type LineItem,
  type LineItemKey,
  type NodeShape,
  type Requests,
} from "./model";
import { nodeShape } from "./node";
import { resolvePrices } from "./prices";
import { requests, systemPods, systemRequests } from "./systemPods";

/** What the cost report is computed from. */
export interface CostInput {
  /** The validated environment: its name and config (with the optional price table). */
  environment: Environment;
  /** The day EKS support tiers are read for, "YYYY-MM-DD". */
  asOf: string;
  /** The stack file, for messages. */
  source: string;
  /** The stack's `aws:region`, when known (the default prices are us-east-1's). */
  region?: string;
}

/**
 * The monthly overhead of running the environment as N clusters instead of one, for N-1, N and
 * N+1, from the validated config alone (no cloud). Pure: the same input gives the same report.
 * Throws a ConfigError when the price table lacks the node's instance type or a Kyverno value
 * cannot be read. The formulas are in docs/cost.md.
 */
export function costReport(input: CostInput): CostReport {
  const { config } = input.environment;
  const prices = resolvePrices(config.costs);
  const node = nodeShape(config.nodeGroup, prices, input.source);
  const pods = systemPods(config, prices, input.source);
  const system = systemRequests(pods.pods);
  const usable = {
    cpuMilli: node.allocatable.cpuMilli - system.perNode.cpuMilli,
    memoryMiB: node.allocatable.memoryMiB - system.perNode.memoryMiB,
    pods: node.maxPods - system.podsPerNode,
  };
  if (usable.cpuMilli <= 0 || usable.memoryMiB <= 0 || usable.pods <= 0) {
    throw new ConfigError(input.source, [
      {
        field: fieldName(["nodeGroup", "instanceTypes", 0]),
        message:
          `"${node.instanceType}" has nothing left for pods after the kubelet's reserve and the ` +
          `DaemonSets (${showRequests(system.perNode)} and ${system.podsPerNode} pods per node); ` +
          "use a larger instance type",
      },
    ]);
  }

  const n = config.clusters.length;
  const services = config.services.map((s) => ({
    name: s.name,
    replicasPerCluster: s.replicas,
    perPod: requests(s.resources.requests.cpu, s.resources.requests.memory),
  }));
  const workload = {
    cpuMilli: n * sum(services.map((s) => s.replicasPerCluster * s.perPod.cpuMilli)),
    memoryMiB: n * sum(services.map((s) => s.replicasPerCluster * s.perPod.memoryMiB)),
    pods: n * sum(services.map((s) => s.replicasPerCluster)),
  };

  const ctx: Context = { config, prices, node, asOf: input.asOf, system, usable, workload };
  const plans = planLayouts(config);
  const notes: string[] = [];
  const single = layoutCost(plans.single, ctx, notes);
  const layouts = plans.layouts.map((plan) => withOverhead(layoutCost(plan, ctx, notes), single));
  const configured = layouts.find((l) => l.label === "N");
  if (configured) notes.push(...desiredSizeNotes(configured, ctx));
  if (!layouts.some((l) => l.label === "N-1")) {
    notes.push(
      `N-1 is not shown: ${n - 1} cluster is the single cluster every overhead is measured against`,
    );
  }

  return {
    schemaVersion: 1,
    environment: input.environment.name,
    asOf: input.asOf,
    currency: prices.currency,
    hoursPerMonth: prices.hoursPerMonth,
    configuredClusters: n,
    minClusters: config.minClusters,
    prices: {
      eks: prices.eks,
      network: prices.network,
      ebsGp3PerGiBMonth: prices.nodes.ebsGp3PerGiBMonth,
    },
    node,
    workload: {
      total: { cpuMilli: workload.cpuMilli, memoryMiB: workload.memoryMiB },
      pods: workload.pods,
      services,
    },
    systemPods: pods.pods,
    systemRequests: { perCluster: system.perCluster, perNode: system.perNode },
    single: withOverhead(single, single),
    layouts,
    assumptions: assumptions(ctx),
    notes: unique([...inputNotes(input, ctx, services), ...pods.notes, ...notes, NOT_COUNTED]),
  };
}

/** Nodes one cluster needs for `load` (its services at the drain share) plus its system pods. */
export function nodesNeeded(
  load: Requests & { pods: number },
  ctx: Pick<Context, "system" | "usable" | "config">,
): number {
  const { perCluster, podsPerCluster } = ctx.system;
  const byCpu = (perCluster.cpuMilli + load.cpuMilli) / ctx.usable.cpuMilli;
  const byMemory = (perCluster.memoryMiB + load.memoryMiB) / ctx.usable.memoryMiB;
  const byPods = (podsPerCluster + load.pods) / ctx.usable.pods;
  // Tolerate floating-point dust: 2.0000000000000004 nodes is 2 nodes.
  const needed = Math.ceil(Math.max(byCpu, byMemory, byPods) - 1e-9);
  return Math.max(ctx.config.nodeGroup.minSize, needed);
}

/** The fraction of one node's allocatable capacity a set of requests takes (its larger side). */
export function nodeShare(req: Requests, node: NodeShape): number {
  return Math.max(
    req.cpuMilli / node.allocatable.cpuMilli,
    req.memoryMiB / node.allocatable.memoryMiB,
  );
}

function layoutCost(plan: LayoutPlan, ctx: Context, notes: string[]): LayoutCost {
  const { prices, node, config, workload } = ctx;
  const hours = prices.hoursPerMonth;
  const currency = prices.currency;
  const k = plan.clusters.length;
  const shares = drainShares(plan.clusters.map((c) => c.weight));
  const scale = (f: number): Requests & { pods: number } => ({
    cpuMilli: workload.cpuMilli * f,
    memoryMiB: workload.memoryMiB * f,
    pods: workload.pods * f,
  });

  const perCluster: ClusterCost[] = plan.clusters.map((c, i) => {
    const { share, drainShare } = shares[i];
    const nodes = nodesNeeded(scale(drainShare), ctx);
    const cp = controlPlaneRate(c.kubernetesVersion, prices.eks, ctx.asOf, currency);
    if (cp.note) notes.push(cp.note);
    const normal = scale(share);
    const extra = scale(drainShare - share);
    return {
      name: c.name,
      weight: c.weight,
      share,
      drainShare,
      headroom: share > 0 ? drainShare / share - 1 : null,
      kubernetesVersion: c.kubernetesVersion,
      controlPlane: { support: cp.support, perHour: cp.perHour },
      nodes,
      requests: {
        services: tidy(normal),
        drainHeadroom: tidy(extra),
        systemPods: {
          cpuMilli: ctx.system.perCluster.cpuMilli + nodes * ctx.system.perNode.cpuMilli,
          memoryMiB: ctx.system.perCluster.memoryMiB + nodes * ctx.system.perNode.memoryMiB,
        },
      },
    };
  });

  const nodeMonth = node.pricePerMonth;
  const priced = (pick: (c: ClusterCost) => Requests) =>
    cents(sum(perCluster.map((c) => nodeShare(pick(c), node) * nodeMonth)));
  const nodes = sum(perCluster.map((c) => c.nodes));
  // The shares add up to 1, so the services cost what they cost on one cluster: computed once,
  // not summed per cluster, so no layout differs from another by a rounding cent.
  const servicesMonthly = cents(nodeShare(workload, node) * nodeMonth);
  const systemMonthly = priced((c) => c.requests.systemPods);
  const headroomMonthly = priced((c) => c.requests.drainHeadroom);
  const nodesMonthly = cents(nodes * nodeMonth);

  const net = prices.network;
  const services = config.services.length;
  const ipsPerLoadBalancer =
    config.network.mode === "shared-vpc"
      ? config.network.publicSubnetIds.length
      : config.network.availabilityZones;
  const natPerCluster =
    config.network.mode === "shared-vpc"
      ? 0
      : config.network.natGateways === "single"
        ? 1
        : config.network.availabilityZones;
  const hostnames = config.dns.hostnames.length;
  const fast = config.dns.healthCheckIntervalSeconds === 10;
  const checksPerCluster = plan.label === "1" ? 0 : hostnames;
  const healthCheckMonthly =
    net.healthCheckPerMonth + (fast ? net.healthCheckFastIntervalPerMonth : 0);
  const nodeMonthText = money(nodeMonth, currency);

  const item = (monthly: number, detail: string): LineItem => ({
    monthly: cents(monthly),
    overhead: 0,
    detail,
  });
  const cpRates = perCluster.map((c) => c.controlPlane.perHour);
  const items: Record<LineItemKey, LineItem> = {
    controlPlanes: item(
      sum(cpRates) * hours,
      unique(cpRates).length === 1
        ? `${k} control plane(s) x ${cpRates[0]}/h x ${hours} h`
        : `(${cpRates.join(" + ")})/h x ${hours} h`,
    ),
    systemPods: item(
      systemMonthly,
      `per cluster ${showRequests(ctx.system.perCluster)} + ${showRequests(ctx.system.perNode)} per node, ` +
        `as node shares x ${nodeMonthText} per node-month`,
    ),
    loadBalancers: item(
      k * services * (net.loadBalancerPerHour + ipsPerLoadBalancer * net.publicIpv4PerHour) * hours,
      `${k} cluster(s) x ${services} service(s) x (${net.loadBalancerPerHour} + ${ipsPerLoadBalancer} IPv4 x ${net.publicIpv4PerHour})/h x ${hours} h`,
    ),
    natGateways: item(
      k * natPerCluster * (net.natGatewayPerHour + net.publicIpv4PerHour) * hours,
      config.network.mode === "shared-vpc"
        ? "shared VPC: its NAT gateways are not per cluster"
        : `${k} cluster(s) x ${natPerCluster} NAT gateway(s) x (${net.natGatewayPerHour} + ${net.publicIpv4PerHour} IPv4)/h x ${hours} h`,
    ),
    healthChecks: item(
      k * checksPerCluster * healthCheckMonthly,
      plan.label === "1"
        ? "one cluster: no weighted split to steer, no health checks"
        : `${k} cluster(s) x ${hostnames} hostname(s) x ${healthCheckMonthly}/month`,
    ),
    kmsKeys: item(k * net.kmsKeyPerMonth, `${k} key(s) x ${net.kmsKeyPerMonth}/month`),
    drainHeadroom: item(
      headroomMonthly,
      plan.label === "1"
        ? "one cluster: nothing to drain to it"
        : `services x (sum of drain shares - 1) = ${showRequests(sumRequests(perCluster.map((c) => c.requests.drainHeadroom)))}, as node shares`,
    ),
    nodeRounding: item(
      nodesMonthly - servicesMonthly - systemMonthly - headroomMonthly,
      `${nodes} node(s) x ${nodeMonthText} = ${money(nodesMonthly, currency)}, minus the node shares of services, system pods and headroom`,
    ),
  };
  const servicesItem = item(
    servicesMonthly,
    `${showRequests(workload)} as node shares (the same in every layout)`,
  );

  return {
    label: plan.label,
    clusters: k,
    belowMinClusters: plan.belowMinClusters,
    perCluster,
    nodes,
    services: servicesItem,
    items,
    monthly: cents(servicesItem.monthly + sum(LINE_ITEMS.map((key) => items[key].monthly))),
    overhead: 0,
    warnings: warnings(plan, perCluster, config),
  };
}

/** The layout with every item's overhead over the single cluster's, and their sum. */
function withOverhead(layout: LayoutCost, single: LayoutCost): LayoutCost {
  const items = Object.fromEntries(
    LINE_ITEMS.map((key) => [
      key,
      {
        ...layout.items[key],
        overhead: cents(layout.items[key].monthly - single.items[key].monthly),
      },
    ]),
  ) as Record<LineItemKey, LineItem>;
  return {
    ...layout,
    services: {
      ...layout.services,
      overhead: cents(layout.services.monthly - single.services.monthly),
    },
    items,
    overhead: cents(sum(LINE_ITEMS.map((key) => items[key].overhead))),
  };
}

/** Requests to a hundredth of a millicore and MiB: no floating-point dust in the report. */
function tidy(req: Requests): Requests {
  return {
    cpuMilli: Math.round(req.cpuMilli * 100) / 100,
    memoryMiB: Math.round(req.memoryMiB * 100) / 100,
  };
}

function sumRequests(list: Requests[]): Requests {
  return {
    cpuMilli: sum(list.map((r) => r.cpuMilli)),
    memoryMiB: sum(list.map((r) => r.memoryMiB)),
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
