import { z } from "zod";
import { awsRegionSchema } from "./_aws";
import { showValue } from "./_show";

/**
 * The schema of `active-active:costs`: the price table `aa cost` uses to show what running N
 * clusters costs over running one. Every key is optional; a key left out takes the default that
 * `automation/cost/defaults.ts` (instance types: `capacity/instanceTypes.ts`) holds and `docs/cost.md` lists with its source (us-east-1
 * on-demand list prices). The defaults are a starting point: set your region's, your contract's
 * or your Savings Plan's prices here.
 *
 * Nothing here changes what is deployed; it is not part of a cluster's generation.
 */

const show = showValue;

/** A price in the table's currency per unit (hour, month, GiB-month), zero or more. */
const price = (unit: string, example: string) =>
  z
    .number({
      error: (iss) =>
        `expected a number, got ${show(iss.input)}; write the price per ${unit} as a plain number, e.g. ${example}`,
    })
    .min(0, {
      error: (iss) =>
        `${show(iss.input)} is below 0; a price per ${unit} is 0 or more, e.g. ${example}`,
    })
    .max(1_000_000, {
      error: (iss) =>
        `${show(iss.input)} is not a plausible price per ${unit}; write it in currency units, e.g. ${example}`,
    });

const positive = (what: string, example: string, max: number) =>
  z
    .number({
      error: (iss) => `expected a number, got ${show(iss.input)}; ${what}, e.g. ${example}`,
    })
    .gt(0, { error: (iss) => `${show(iss.input)} is not above 0; ${what}, e.g. ${example}` })
    .max(max, { error: (iss) => `${show(iss.input)} is above ${max}; ${what}, e.g. ${example}` });

const wholeNumber = (what: string, example: string, min: number, max: number) =>
  z
    .number({ error: (iss) => `expected a whole number, got ${show(iss.input)}; ${what}` })
    .int({ error: (iss) => `expected a whole number, got ${show(iss.input)}; ${what}` })
    .min(min, { error: (iss) => `${show(iss.input)} is below ${min}; ${what}, e.g. ${example}` })
    .max(max, { error: (iss) => `${show(iss.input)} is above ${max}; ${what}, e.g. ${example}` });

/** Same quantity syntax as `services[].resources` (config/schema.ts). */
const quantity = (what: string, example: string) =>
  z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, {
    error: (iss) =>
      `${show(iss.input)} is not a Kubernetes ${what} quantity; write it like "${example}"`,
  });

const isoDate = z.string().refine((s) => isCalendarDate(s), {
  error: (iss) => `${show(iss.input)} is not a date; write it as "YYYY-MM-DD", e.g. "2026-07-29"`,
});

/** True for a real calendar date written as YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** The EKS control plane: one per cluster, billed per hour by support tier. */
export const eksCostsSchema = z.strictObject({
  /** Control plane price per cluster-hour while its version is in standard support. */
  standardPerHour: price("cluster-hour", "0.10").optional(),
  /** Control plane price per cluster-hour once its version is in extended support. */
  extendedPerHour: price("cluster-hour", "0.60").optional(),
  /**
   * Which rate applies: "auto" reads each cluster's version against `standardSupportEnds` on the
   * report date; "standard" or "extended" force one rate for every cluster. @default "auto"
   */
  support: z.enum(["auto", "standard", "extended"]).optional(),
  /**
   * End of standard support per Kubernetes minor, e.g. `{"1.33": "2026-07-29"}`, merged over
   * the built-in EKS calendar. Copy new rows from the EKS Kubernetes release calendar.
   */
  standardSupportEnds: z
    .record(
      z.string().regex(/^1\.\d{1,2}$/, {
        error: (iss) =>
          `${show(iss.input)} is not a Kubernetes minor version; write it as "1.<minor>", e.g. "1.33"`,
      }),
      isoDate,
    )
    .optional(),
});

/** Per-cluster network entry points and egress. */
export const networkCostsSchema = z.strictObject({
  /** NAT gateway price per hour (data processing is not counted). */
  natGatewayPerHour: price("NAT-gateway-hour", "0.045").optional(),
  /** Network Load Balancer price per hour (capacity units are not counted). */
  loadBalancerPerHour: price("load-balancer-hour", "0.0225").optional(),
  /** Public IPv4 address price per hour (each NAT gateway's and each NLB subnet's address). */
  publicIpv4PerHour: price("address-hour", "0.005").optional(),
  /** Route 53 health check price per month (one per hostname and cluster). */
  healthCheckPerMonth: price("health-check-month", "0.50").optional(),
  /** Extra per health check and month for the 10-second ("fast") interval. */
  healthCheckFastIntervalPerMonth: price("health-check-month", "1.00").optional(),
  /** KMS customer managed key price per month (one per cluster, for secrets encryption). */
  kmsKeyPerMonth: price("key-month", "1.00").optional(),
});

/** One EC2 instance type: its size and price. Known types only need the fields you change. */
export const instanceCostSchema = z.strictObject({
  /** vCPUs of the instance type. */
  vcpu: positive("the instance type's vCPUs", "2", 1024).optional(),
  /** Memory of the instance type in GiB. */
  memoryGiB: positive("the instance type's memory in GiB", "8", 32768).optional(),
  /** Pods per node with the VPC CNI (EKS `eni-max-pods.txt`); sets the kubelet's memory reserve. */
  maxPods: wholeNumber("pods per node, as EKS eni-max-pods.txt lists it", "29", 1, 1000).optional(),
  /** On-demand (or your negotiated) price per instance-hour. */
  pricePerHour: price("instance-hour", "0.096").optional(),
});

/** The node group's per-node costs. */
export const nodeCostsSchema = z.strictObject({
  /** gp3 volume price per GiB-month (each node's root volume, `nodeGroup.diskSizeGiB`). */
  ebsGp3PerGiBMonth: price("GiB-month", "0.08").optional(),
  /** Instance types by name, merged over the built-in table, e.g. `{"m6i.large": {pricePerHour: 0.09}}`. */
  instances: z
    .record(
      z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, {
        error: (iss) => `${show(iss.input)} is not an EC2 instance type, e.g. "m6i.large"`,
      }),
      instanceCostSchema,
    )
    .optional(),
});

/**
 * The prices of one AWS region, over the environment's table (the keys above): what differs from
 * region to region. Sizes, support dates, system pods, currency and hours are the same everywhere;
 * Route 53 health checks are global, so they stay the environment's.
 */
export const regionCostsSchema = z.strictObject({
  /** The EKS rates in this region (they are the same in most regions). */
  eks: eksCostsSchema.pick({ standardPerHour: true, extendedPerHour: true }).optional(),
  /** NAT gateway, NLB, public IPv4 and KMS prices in this region. */
  network: networkCostsSchema
    .omit({ healthCheckPerMonth: true, healthCheckFastIntervalPerMonth: true })
    .optional(),
  /** Root volume and instance prices in this region; an instance row takes its price only. */
  nodes: z
    .strictObject({
      /** gp3 volume price per GiB-month in this region. */
      ebsGp3PerGiBMonth: price("GiB-month", "0.08").optional(),
      /** Instance prices in this region, e.g. `{"m6i.large": {pricePerHour: 0.107}}`. */
      instances: z
        .record(
          z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, {
            error: (iss) => `${show(iss.input)} is not an EC2 instance type, e.g. "m6i.large"`,
          }),
          instanceCostSchema.pick({ pricePerHour: true }),
        )
        .optional(),
    })
    .optional(),
});

/** Requests of one system component, overriding the built-in ones. */
const podOverrideSchema = z.strictObject({
  /** Replicas (Deployments only). */
  replicas: wholeNumber("replicas of the component", "2", 0, 1000).optional(),
  /** CPU request of one pod, e.g. "100m". */
  cpu: quantity("CPU", "100m").optional(),
  /** Memory request of one pod, e.g. "70Mi". */
  memory: quantity("memory", "70Mi").optional(),
});

/** One metrics agent that runs on every cluster. */
export const metricsAgentSchema = z.strictObject({
  /** Name shown in the report, e.g. "metrics-server". */
  name: z.string().min(1, { error: 'name the agent, e.g. "metrics-server"' }),
  /** "Deployment" (replicas per cluster) or "DaemonSet" (one pod per node). */
  kind: z.enum(["Deployment", "DaemonSet"]),
  /** Replicas per cluster (Deployments only). @default 1 */
  replicas: wholeNumber("replicas per cluster", "1", 0, 1000).optional(),
  /** CPU request of one pod, e.g. "100m". */
  cpu: quantity("CPU", "100m"),
  /** Memory request of one pod, e.g. "200Mi". */
  memory: quantity("memory", "200Mi"),
});

/** The system pods every cluster runs besides the services. */
export const systemPodCostsSchema = z.strictObject({
  /** CoreDNS (EKS add-on Deployment). */
  coredns: podOverrideSchema.optional(),
  /** kube-proxy (EKS add-on DaemonSet). */
  kubeProxy: podOverrideSchema.omit({ replicas: true }).optional(),
  /** VPC CNI `aws-node` (EKS add-on DaemonSet, both containers together). */
  vpcCni: podOverrideSchema.omit({ replicas: true }).optional(),
  /** Metrics agents; a list given here replaces the built-in list ([] for none). */
  metricsAgents: z.array(metricsAgentSchema).optional(),
});

/** `active-active:costs`: the price table of `aa cost`. */
export const costsSchema = z
  .strictObject({
    /** Currency of every price here (a label in the report; nothing is converted). @default "USD" */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, {
        error: (iss) => `${show(iss.input)} is not an ISO 4217 currency code, e.g. "USD"`,
      })
      .optional(),
    /** Hours billed per month. @default 730 (AWS's convention: 24 × 365 / 12) */
    hoursPerMonth: positive("hours billed per month (AWS uses 730)", "730", 744).optional(),
    eks: eksCostsSchema.optional(),
    network: networkCostsSchema.optional(),
    nodes: nodeCostsSchema.optional(),
    systemPods: systemPodCostsSchema.optional(),
    /**
     * Prices per AWS region, each merged over the table above for the clusters that run there
     * (`clusters[].region`, else the stack's `aws:region`), e.g. `{"eu-west-1": {nodes:
     * {instances: {"m6i.large": {pricePerHour: 0.107}}}}}`. A region without a row is priced
     * with the table above.
     */
    regions: z.record(awsRegionSchema, regionCostsSchema).optional(),
  })
  .superRefine((costs, ctx) => {
    const rates = [
      { path: ["eks"], eks: costs.eks },
      ...Object.entries(costs.regions ?? {}).map(([region, row]) => ({
        path: ["regions", region, "eks"],
        eks: row.eks,
      })),
    ];
    for (const { path, eks } of rates) {
      if (
        eks?.standardPerHour !== undefined &&
        eks.extendedPerHour !== undefined &&
        eks.extendedPerHour < eks.standardPerHour
      ) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "extendedPerHour"],
          input: eks.extendedPerHour,
          message: `${eks.extendedPerHour} is below ${[...path, "standardPerHour"].join(".")} ${eks.standardPerHour}; extended support costs more than standard support, check the two rates`,
        });
      }
    }
    const agents = costs.systemPods?.metricsAgents ?? [];
    agents.forEach((agent, i) => {
      const first = agents.findIndex((a) => a.name === agent.name);
      if (first < i) {
        ctx.addIssue({
          code: "custom",
          path: ["systemPods", "metricsAgents", i, "name"],
          input: agent.name,
          message: `"${agent.name}" is already the name of systemPods.metricsAgents[${first}]; list each agent once`,
        });
      }
      if (agent.kind === "DaemonSet" && agent.replicas !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["systemPods", "metricsAgents", i, "replicas"],
          input: agent.replicas,
          message: `${agent.replicas} has no effect on a DaemonSet (one pod per node); remove it or use kind "Deployment"`,
        });
      }
    });
  });

/** The price table as written in a stack file (every key optional). */
export type CostsConfig = z.output<typeof costsSchema>;
