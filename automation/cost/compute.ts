import { ConfigError, fieldName } from "../../config/errors";
import type { Environment } from "../../config/load";
import type { Context, RegionContext } from "./_context";
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
  type RegionPricing,
  type Requests,
} from "./model";
import { nodeShape } from "./node";
import { resolveRegionalPrices } from "./prices";
import { requests, systemPods, systemRequests } from "./systemPods";

/** What the cost report is computed from. */
export interface CostInput {
  /** The validated environment: its name and config (with the optional price table). */
  environment: Environment;
  /** The day EKS support tiers are read for, "YYYY-MM-DD". */
  asOf: string;
  /** The stack file, for messages. */
  source: string;
  /**
   * The stack's `aws:region`, when known: where the clusters without a region of their own run,
   * and the single cluster every overhead is measured against (the default prices are
   * us-east-1's).
   */
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
  // Each region's prices and node, once: a region's row of active-active:costs.regions over
  // the environment's table, else the environment's table.
  const byRegion = new Map<string, RegionContext>();
  const regional = (region: string | undefined): RegionContext => {
    let found = byRegion.get(region ?? "");
    if (!found) {
      const r = resolveRegionalPrices(config.costs, region);
      found = { ...r, node: nodeShape(config.nodeGroup, r.prices, input.source) };
      byRegion.set(region ?? "", found);
    }
    return found;
  };
  const { prices, node } = regional(input.region);
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

  const ctx: Context = {
    config,
    prices,
    node,
    regional,
    asOf: input.asOf,
    system,
    usable,
    workload,
  };
  const plans = planLayouts(config, input.region);
  const notes: string[] = [];
  const single = layoutCost(plans.single, ctx, notes);
  const layouts = plans.layouts.map((plan) => withOverhead(layoutCost(plan, ctx, notes), single));
  const configured = layouts.find((l) => l.label === "N");
  if (configured) notes.push(...desiredSizeNotes(configured, ctx));
  const regions = regionPricing(configured, ctx);
  notes.push(...regionNotes(regions, input.region, config.costs !== undefined));
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
    regions,
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

  // Each cluster is priced in its region; the node's size is the same everywhere.
  const at = plan.clusters.map((c) => ctx.regional(c.region));
  const perCluster: ClusterCost[] = plan.clusters.map((c, i) => {
    const { share, drainShare } = shares[i];
    const nodes = nodesNeeded(scale(drainShare), ctx);
    const cp = controlPlaneRate(c.kubernetesVersion, at[i].prices.eks, ctx.asOf, currency);
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
      ...(c.region !== undefined ? { region: c.region } : {}),
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
    cents(sum(perCluster.map((c, i) => nodeShare(pick(c), at[i].node) * at[i].node.pricePerMonth)));
  const nodes = sum(perCluster.map((c) => c.nodes));
  // The shares add up to 1, so the services cost what they cost on one cluster: computed once,
  // not summed per cluster, so no layout differs from another by a rounding cent. Priced in the
  // environment's region; what other regions charge more or less shows in the node rounding.
  const servicesMonthly = cents(nodeShare(workload, node) * nodeMonth);
  const systemMonthly = priced((c) => c.requests.systemPods);
  const headroomMonthly = priced((c) => c.requests.drainHeadroom);
  const groups = priceGroups(plan, at);
  const nodesMonthly = cents(
    sum(
      groups.map(
        (g) => sum(g.members.map((i) => perCluster[i].nodes)) * g.prices.node.pricePerMonth,
      ),
    ),
  );

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
      sum(
        groups.map(
          ({ members, prices: { prices: p } }) =>
            members.length *
            services *
            (p.network.loadBalancerPerHour + ipsPerLoadBalancer * p.network.publicIpv4PerHour) *
            hours,
        ),
      ),
      groups
        .map(
          ({ members, where, prices: { prices: p } }) =>
            `${members.length} cluster(s)${where} x ${services} service(s) x (${p.network.loadBalancerPerHour} + ${ipsPerLoadBalancer} IPv4 x ${p.network.publicIpv4PerHour})/h x ${hours} h`,
        )
        .join(" + "),
    ),
    natGateways: item(
      sum(
        groups.map(
          ({ members, prices: { prices: p } }) =>
            members.length *
            natPerCluster *
            (p.network.natGatewayPerHour + p.network.publicIpv4PerHour) *
            hours,
        ),
      ),
      config.network.mode === "shared-vpc"
        ? "shared VPC: its NAT gateways are not per cluster"
        : groups
            .map(
              ({ members, where, prices: { prices: p } }) =>
                `${members.length} cluster(s)${where} x ${natPerCluster} NAT gateway(s) x (${p.network.natGatewayPerHour} + ${p.network.publicIpv4PerHour} IPv4)/h x ${hours} h`,
            )
            .join(" + "),
    ),
    healthChecks: item(
      k * checksPerCluster * healthCheckMonthly,
      plan.label === "1"
        ? "one cluster: no weighted split to steer, no health checks"
        : `${k} cluster(s) x ${hostnames} hostname(s) x ${healthCheckMonthly}/month`,
    ),
    kmsKeys: item(
      sum(groups.map((g) => g.members.length * g.prices.prices.network.kmsKeyPerMonth)),
      groups
        .map(
          ({ members, where, prices: { prices: p } }) =>
            `${members.length} key(s)${where} x ${p.network.kmsKeyPerMonth}/month`,
        )
        .join(" + "),
    ),
    drainHeadroom: item(
      headroomMonthly,
      plan.label === "1"
        ? "one cluster: nothing to drain to it"
        : `services x (sum of drain shares - 1) = ${showRequests(sumRequests(perCluster.map((c) => c.requests.drainHeadroom)))}, as node shares`,
    ),
    nodeRounding: item(
      nodesMonthly - servicesMonthly - systemMonthly - headroomMonthly,
      `${groups
        .map(
          (g) =>
            `${sum(g.members.map((i) => perCluster[i].nodes))} node(s)${g.where} x ${money(g.prices.node.pricePerMonth, currency)}`,
        )
        .join(
          " + ",
        )} = ${money(nodesMonthly, currency)}, minus the node shares of services, system pods and headroom`,
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

/**
 * A layout's clusters grouped by the prices they are billed at, in order of first appearance:
 * clusters of regions with the same prices (the environment's table, for regions without a row)
 * are one group, so an environment priced alike everywhere is one group, as with one region.
 * `where` names the group's regions for the details (empty for a single group).
 */
function priceGroups(
  plan: LayoutPlan,
  at: RegionContext[],
): { members: number[]; prices: RegionContext; where: string }[] {
  const groups: { members: number[]; prices: RegionContext; regions: string[] }[] = [];
  at.forEach((r, i) => {
    const key = JSON.stringify([r.prices, r.node.pricePerMonth]);
    let group = groups.find(
      (g) => JSON.stringify([g.prices.prices, g.prices.node.pricePerMonth]) === key,
    );
    if (!group) groups.push((group = { members: [], prices: r, regions: [] }));
    group.members.push(i);
    const region = plan.clusters[i].region;
    if (region !== undefined && !group.regions.includes(region)) group.regions.push(region);
  });
  return groups.map((g) => ({
    members: g.members,
    prices: g.prices,
    where: groups.length > 1 && g.regions.length > 0 ? ` in ${g.regions.join(", ")}` : "",
  }));
}

/** The regions of the configured clusters and the prices each is billed at, in cluster order. */
function regionPricing(configured: LayoutCost | undefined, ctx: Context): RegionPricing[] {
  const out: RegionPricing[] = [];
  for (const c of configured?.perCluster ?? []) {
    const region = c.region ?? null;
    const known = out.find((r) => r.region === region);
    if (known) {
      known.clusters.push(c.name);
      continue;
    }
    const r = ctx.regional(c.region);
    out.push({
      region,
      clusters: [c.name],
      table: r.table,
      prices: {
        eks: {
          standardPerHour: r.prices.eks.standardPerHour,
          extendedPerHour: r.prices.eks.extendedPerHour,
        },
        network: r.prices.network,
        ebsGp3PerGiBMonth: r.prices.nodes.ebsGp3PerGiBMonth,
      },
      node: { pricePerHour: r.node.pricePerHour, pricePerMonth: r.node.pricePerMonth },
    });
  }
  return out;
}

/**
 * Which prices each region of the clusters was billed at, where that is not the obvious: a
 * cluster outside the stack's region priced with the environment's table, for lack of a row.
 */
function regionNotes(
  regions: RegionPricing[],
  stackRegion: string | undefined,
  hasCosts: boolean,
): string[] {
  const table = hasCosts
    ? "the environment's prices (active-active:costs)"
    : "the built-in us-east-1 prices";
  return regions
    .filter((r) => r.region !== null && r.region !== stackRegion && r.table === "environment")
    .map(
      (r) =>
        `${r.clusters.length === 1 ? "cluster" : "clusters"} ${r.clusters.join(", ")} ${r.clusters.length === 1 ? "runs" : "run"} in ${r.region}, priced with ${table}: ` +
        `active-active:costs.regions has no row for ${r.region}; add costs.regions."${r.region}" with that region's prices`,
    );
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
