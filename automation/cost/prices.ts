import type { CostsConfig } from "../../config/costs";
import { INSTANCE_TYPES } from "../../capacity/instanceTypes";
import * as defaults from "./defaults";
import type { InstanceType, PriceTable } from "./model";

/**
 * The price table `aa cost` uses: `active-active:costs` merged over the built-in defaults
 * (automation/cost/defaults.ts, and the instance table in capacity/instanceTypes.ts). Objects merge key by key; a `metricsAgents` list replaces the
 * built-in one; an instance type given in config merges over the built-in entry of that name.
 * Instance entries may stay partial here: `nodeShape` names what is missing for the type the node
 * group uses.
 */
export function resolvePrices(costs: CostsConfig | undefined): PriceTable {
  const c = costs ?? {};
  // Fresh objects throughout: the defaults are shared module constants and stay untouched.
  const instances: Record<string, Partial<InstanceType>> = Object.fromEntries(
    Object.entries(INSTANCE_TYPES).map(([name, entry]) => [name, { ...entry }]),
  );
  for (const [name, entry] of Object.entries(c.nodes?.instances ?? {})) {
    instances[name] = { ...instances[name], ...definedOnly(entry) };
  }
  return {
    currency: c.currency ?? defaults.CURRENCY,
    hoursPerMonth: c.hoursPerMonth ?? defaults.HOURS_PER_MONTH,
    eks: {
      standardPerHour: c.eks?.standardPerHour ?? defaults.EKS_STANDARD_PER_HOUR,
      extendedPerHour: c.eks?.extendedPerHour ?? defaults.EKS_EXTENDED_PER_HOUR,
      support: c.eks?.support ?? "auto",
      standardSupportEnds: {
        ...defaults.EKS_STANDARD_SUPPORT_ENDS,
        ...c.eks?.standardSupportEnds,
      },
    },
    network: { ...defaults.NETWORK, ...definedOnly(c.network ?? {}) },
    nodes: {
      ebsGp3PerGiBMonth: c.nodes?.ebsGp3PerGiBMonth ?? defaults.EBS_GP3_PER_GIB_MONTH,
      instances,
    },
    systemPods: {
      coredns: { ...defaults.SYSTEM_PODS.coredns, ...definedOnly(c.systemPods?.coredns ?? {}) },
      kubeProxy: {
        ...defaults.SYSTEM_PODS.kubeProxy,
        ...definedOnly(c.systemPods?.kubeProxy ?? {}),
      },
      vpcCni: { ...defaults.SYSTEM_PODS.vpcCni, ...definedOnly(c.systemPods?.vpcCni ?? {}) },
      metricsAgents: (c.systemPods?.metricsAgents ?? defaults.METRICS_AGENTS).map((a) => ({
        ...a,
      })),
    },
  };
}

/** A region's prices: the table `aa cost` prices the clusters of one region with. */
export interface RegionalPrices {
  /** The region; undefined when neither the cluster nor the stack names one. */
  region: string | undefined;
  /**
   * Where the prices come from: `costs.regions.<region>` merged over the environment's table,
   * or the environment's table alone when the stack has no row for the region.
   */
  table: "region" | "environment";
  prices: PriceTable;
}

/**
 * The prices of one region: `active-active:costs.regions.<region>` merged over the environment's
 * table ({@link resolvePrices}), key by key; an instance row of a region sets its price only. A
 * region without a row, or no region, is priced with the environment's table: the documented
 * fallback, which the report states.
 */
export function resolveRegionalPrices(
  costs: CostsConfig | undefined,
  region: string | undefined,
): RegionalPrices {
  const base = resolvePrices(costs);
  const row = region === undefined ? undefined : costs?.regions?.[region];
  if (!row) return { region, table: "environment", prices: base };
  const instances = { ...base.nodes.instances };
  for (const [name, entry] of Object.entries(row.nodes?.instances ?? {})) {
    instances[name] = { ...instances[name], ...definedOnly(entry) };
  }
  return {
    region,
    table: "region",
    prices: {
      ...base,
      eks: { ...base.eks, ...definedOnly(row.eks ?? {}) },
      network: { ...base.network, ...definedOnly(row.network ?? {}) },
      nodes: {
        ebsGp3PerGiBMonth: row.nodes?.ebsGp3PerGiBMonth ?? base.nodes.ebsGp3PerGiBMonth,
        instances,
      },
    },
  };
}

/** The keys of a config object that were actually written (zod leaves absent keys undefined). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
