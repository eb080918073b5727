/**
 * The data of `aa cost`: the resolved price table, the node and system pod shapes, and the report
 * (`aa cost --json` prints a {@link CostReport}). Plain data only; the functions that fill it in
 * live next to this file and are pure.
 */

import type { InstanceType } from "../../capacity/instanceTypes";
import type { Requests } from "../../capacity/requests";

// The capacity model's shapes, which `aa cost` shares (capacity/).
export type { InstanceType, Requests };

/** Requests of one kind of system pod, per pod. */
export interface PodRequests {
  /** Replicas per cluster (Deployments). */
  replicas?: number;
  cpu: string;
  memory: string;
}

/** A metrics agent that runs on every cluster. */
export interface MetricsAgent {
  name: string;
  kind: "Deployment" | "DaemonSet";
  /** Replicas per cluster (Deployments only). */
  replicas?: number;
  cpu: string;
  memory: string;
  /** Where the numbers come from. */
  source?: string;
}

/** Which EKS rate a control plane is billed at. */
export type SupportTier = "standard" | "extended";

/** Every price and default the model uses, after `active-active:costs` is merged over defaults. */
export interface PriceTable {
  currency: string;
  hoursPerMonth: number;
  eks: {
    standardPerHour: number;
    extendedPerHour: number;
    support: "auto" | SupportTier;
    /** End of standard support per Kubernetes minor ("YYYY-MM-DD"). */
    standardSupportEnds: Record<string, string>;
  };
  network: {
    natGatewayPerHour: number;
    loadBalancerPerHour: number;
    publicIpv4PerHour: number;
    healthCheckPerMonth: number;
    healthCheckFastIntervalPerMonth: number;
    kmsKeyPerMonth: number;
  };
  nodes: {
    ebsGp3PerGiBMonth: number;
    /**
     * Instance types by name. A type the stack adds may lack fields; `nodeShape` names what is
     * missing for the type the node group uses.
     */
    instances: Record<string, Partial<InstanceType>>;
  };
  systemPods: {
    coredns: Required<PodRequests>;
    kubeProxy: Omit<PodRequests, "replicas">;
    vpcCni: Omit<PodRequests, "replicas">;
    metricsAgents: MetricsAgent[];
  };
}

/** The node every cluster's node group runs, with what the kubelet keeps for itself. */
export interface NodeShape {
  instanceType: string;
  capacityType: "ON_DEMAND" | "SPOT";
  vcpu: number;
  memoryGiB: number;
  maxPods: number;
  /** kube-reserved CPU and memory plus the hard eviction threshold (EKS AMI formula). */
  reserved: Requests;
  /** What pods can request on one node: capacity minus {@link reserved}. */
  allocatable: Requests;
  diskSizeGiB: number;
  /** Instance price per hour. */
  pricePerHour: number;
  /** One node for a month: instance-hours plus its root volume. */
  pricePerMonth: number;
}

/** One system component's pods on every cluster. */
export interface SystemPod {
  name: string;
  /** Deployment: `replicas` pods per cluster. DaemonSet: one pod per node. */
  kind: "Deployment" | "DaemonSet";
  /** Pods per cluster (Deployments); null for DaemonSets. */
  replicas: number | null;
  /** Requests of one pod. */
  perPod: Requests;
  /** Where the numbers come from (chart default, config key, add-on default). */
  source: string;
}

/** The line items of a layout, in report order. */
export const LINE_ITEMS = [
  "controlPlanes",
  "systemPods",
  "loadBalancers",
  "natGateways",
  "healthChecks",
  "kmsKeys",
  "drainHeadroom",
  "nodeRounding",
] as const;
export type LineItemKey = (typeof LINE_ITEMS)[number];

/** What each line item is called in the text report. */
export const LINE_ITEM_LABELS: Record<LineItemKey, string> = {
  controlPlanes: "EKS control planes",
  systemPods: "System pods (requests)",
  loadBalancers: "Network Load Balancers",
  natGateways: "NAT gateways",
  healthChecks: "Route 53 health checks",
  kmsKeys: "KMS keys",
  drainHeadroom: "Drain headroom",
  nodeRounding: "Whole-node rounding",
};

/** One line item of one layout, per month, rounded to cents. */
export interface LineItem {
  /** What this layout pays for the item. */
  monthly: number;
  /** `monthly` minus what one cluster serving everything pays for it. */
  overhead: number;
  /** The arithmetic behind `monthly`, in words. */
  detail: string;
}

/** One cluster of a layout. */
export interface ClusterCost {
  name: string;
  weight: number;
  /** Share of the traffic: weight / sum of weights. */
  share: number;
  /** Largest share this cluster carries while any one other cluster is drained. */
  drainShare: number;
  /** drainShare / share - 1: capacity kept beyond the normal share (null at weight 0). */
  headroom: number | null;
  kubernetesVersion: string;
  /** The AWS region it runs in, whose prices it is priced with; absent when none is known. */
  region?: string;
  controlPlane: { support: SupportTier; perHour: number };
  /** Nodes this cluster needs to carry `drainShare` of the services plus its system pods. */
  nodes: number;
  requests: {
    /** The services at the normal share. */
    services: Requests;
    /** The services' extra requests at `drainShare` over `share`. */
    drainHeadroom: Requests;
    /** System pods: per-cluster Deployments plus DaemonSets on `nodes` nodes. */
    systemPods: Requests;
  };
}

/** Which layout: the configured N, one fewer, one more, or one cluster serving everything. */
export type LayoutLabel = "N-1" | "N" | "N+1" | "1";

/** The cost of one layout of the environment. */
export interface LayoutCost {
  label: LayoutLabel;
  clusters: number;
  /** True when this many clusters is below `minClusters` (shown for comparison only). */
  belowMinClusters: boolean;
  perCluster: ClusterCost[];
  /** Nodes over all clusters. */
  nodes: number;
  /** The services' own requests at their normal share: the same in every layout. */
  services: LineItem;
  items: Record<LineItemKey, LineItem>;
  /** Everything this layout pays per month (services, items). */
  monthly: number;
  /** Sum of the items' overhead: `monthly` minus one cluster's `monthly`. */
  overhead: number;
  /** Things a team must act on (a drain the node group cannot absorb, ...). */
  warnings: string[];
}

/** The prices of one region the configured clusters run in. */
export interface RegionPricing {
  /** The region; null when neither the clusters nor the stack name one. */
  region: string | null;
  /** The configured clusters that run there. */
  clusters: string[];
  /**
   * "region": `active-active:costs.regions.<region>` merged over the environment's table;
   * "environment": the environment's table, for lack of a row for the region.
   */
  table: "region" | "environment";
  /** The prices that may differ by region, as used there. */
  prices: {
    eks: { standardPerHour: number; extendedPerHour: number };
    network: PriceTable["network"];
    ebsGp3PerGiBMonth: number;
  };
  /** The node's price there. */
  node: { pricePerHour: number; pricePerMonth: number };
}

/** The `aa cost --json` document. Bump `schemaVersion` on any incompatible change. */
export interface CostReport {
  schemaVersion: 1;
  environment: string;
  /** The day EKS support tiers are read for ("YYYY-MM-DD"). */
  asOf: string;
  currency: string;
  hoursPerMonth: number;
  /** N: clusters in the config. */
  configuredClusters: number;
  minClusters: number;
  /**
   * The prices of the stack's own region (node and system pod numbers are under `node` and
   * `systemPods`); other regions' are under `regions`.
   */
  prices: {
    eks: PriceTable["eks"];
    network: PriceTable["network"];
    ebsGp3PerGiBMonth: number;
  };
  /** The prices each region of the configured clusters is priced with. */
  regions: RegionPricing[];
  node: NodeShape;
  /** What the whole traffic needs: every service's replicas x requests on all N clusters. */
  workload: {
    total: Requests;
    pods: number;
    services: { name: string; replicasPerCluster: number; perPod: Requests }[];
  };
  systemPods: SystemPod[];
  /** System pod requests per cluster (Deployments) and per node (DaemonSets). */
  systemRequests: { perCluster: Requests; perNode: Requests };
  /** One cluster serving all traffic: the baseline every overhead is measured against. */
  single: LayoutCost;
  /** N-1 (when it is at least 2), N and N+1, in that order. */
  layouts: LayoutCost[];
  /** The model's assumptions, stated. */
  assumptions: string[];
  /** Notes about the inputs (defaults used, support tiers, what is not counted). */
  notes: string[];
}
