import type { MetricsAgent, PriceTable } from "./model";

/**
 * The built-in price table of `aa cost`: AWS list prices for US East (N. Virginia), on-demand,
 * Linux, as published in 2026, and the requests of the system pods as their charts and EKS
 * add-ons ship them. Each value names its source. These are DEFAULTS: a stack overrides any of
 * them under `active-active:costs` (config/costs.ts), and should for another region, a Savings
 * Plan, an Enterprise Discount or Spot. docs/cost.md lists the same table. The instance types
 * (size and price) and what the kubelet keeps on a node are in `capacity/`, which the capacity
 * policy shares.
 */

/** Hours billed per month: AWS's pricing calculator uses 730 (24 x 365 / 12). */
export const HOURS_PER_MONTH = 730;

export const CURRENCY = "USD";

/**
 * EKS control plane, per cluster-hour. Source: https://aws.amazon.com/eks/pricing/ ("$0.10 per
 * cluster per hour" in standard support, "$0.60 per cluster per hour" in extended support).
 */
export const EKS_STANDARD_PER_HOUR = 0.1;
export const EKS_EXTENDED_PER_HOUR = 0.6;

/**
 * End of standard support per minor: the EKS Kubernetes release calendar,
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html. A minor is in
 * standard support for 14 months after its EKS release, then in extended support for 12 more,
 * after which EKS upgrades the cluster itself.
 */
export const EKS_STANDARD_SUPPORT_ENDS: Record<string, string> = {
  "1.28": "2024-11-26",
  "1.29": "2025-03-23",
  "1.30": "2025-07-23",
  "1.31": "2025-11-26",
  "1.32": "2026-03-23",
  "1.33": "2026-07-29",
  "1.34": "2026-12-02",
  "1.35": "2027-03-27",
  "1.36": "2027-08-02",
};

/** Extended support lasts this many months after standard support ends. */
export const EKS_EXTENDED_SUPPORT_MONTHS = 12;

/**
 * Network and small per-cluster items, us-east-1.
 * - NAT gateway $0.045/h (https://aws.amazon.com/vpc/pricing/); its $0.045/GB processed is
 *   traffic, which N clusters split rather than multiply, so it is not counted.
 * - Network Load Balancer $0.0225/h (https://aws.amazon.com/elasticloadbalancing/pricing/); its
 *   $0.006 per NLCU-hour is traffic, likewise not counted.
 * - Public IPv4 address $0.005/h (https://aws.amazon.com/vpc/pricing/, "Public IPv4 Address"
 *   since 2024-02-01): one per NAT gateway, one per NLB subnet (an internet-facing NLB in every
 *   public subnet, which the in-tree AWS cloud provider creates for a `LoadBalancer` Service).
 * - Route 53 health check $0.50/month for an AWS endpoint, optional features such as the
 *   10-second interval $1.00/month each (https://aws.amazon.com/route53/pricing/).
 * - KMS customer managed key $1/month (https://aws.amazon.com/kms/pricing/).
 */
export const NETWORK: PriceTable["network"] = {
  natGatewayPerHour: 0.045,
  loadBalancerPerHour: 0.0225,
  publicIpv4PerHour: 0.005,
  healthCheckPerMonth: 0.5,
  healthCheckFastIntervalPerMonth: 1.0,
  kmsKeyPerMonth: 1.0,
};

/** gp3 storage per GiB-month (https://aws.amazon.com/ebs/pricing/): each node's root volume. */
export const EBS_GP3_PER_GIB_MONTH = 0.08;

/**
 * EKS add-ons as EKS installs them without configuration values (this project sets none):
 * - CoreDNS: a Deployment of 2 replicas, each requesting 100m CPU and 70Mi memory.
 * - kube-proxy: a DaemonSet requesting 100m CPU (no memory request).
 * - VPC CNI `aws-node`: a DaemonSet whose two containers (aws-node and aws-eks-nodeagent, the
 *   network policy agent since v1.14) request 25m CPU each (no memory request); see
 *   aws/amazon-vpc-cni-k8s `config/master/aws-k8s-cni.yaml`.
 * Read them on a cluster with `kubectl -n kube-system get deploy/coredns ds/kube-proxy ds/aws-node
 * -o jsonpath='{..resources.requests}'`.
 */
export const SYSTEM_PODS: Omit<PriceTable["systemPods"], "metricsAgents"> = {
  coredns: { replicas: 2, cpu: "100m", memory: "70Mi" },
  kubeProxy: { cpu: "100m", memory: "0" },
  vpcCni: { cpu: "50m", memory: "0" },
};

/**
 * Metrics agents assumed on every cluster unless `costs.systemPods.metricsAgents` says otherwise.
 * This project does not install them; they model what nearly every cluster runs:
 * - metrics-server, which the Horizontal Pod Autoscaler (and so the drain capacity check) needs:
 *   chart defaults 1 replica, 100m CPU, 200Mi (kubernetes-sigs/metrics-server chart values.yaml);
 * - the CloudWatch agent of the `amazon-cloudwatch-observability` EKS add-on (Container
 *   Insights): a DaemonSet requesting 250m CPU and 128Mi, and its operator, 1 replica requesting
 *   100m CPU and 64Mi (aws-observability/helm-charts values.yaml). Its Fluent Bit log DaemonSet
 *   is a log agent and is not counted.
 */
export const METRICS_AGENTS: MetricsAgent[] = [
  {
    name: "metrics-server",
    kind: "Deployment",
    replicas: 1,
    cpu: "100m",
    memory: "200Mi",
    source: "metrics-server chart default",
  },
  {
    name: "cloudwatch-agent-operator",
    kind: "Deployment",
    replicas: 1,
    cpu: "100m",
    memory: "64Mi",
    source: "amazon-cloudwatch-observability add-on default",
  },
  {
    name: "cloudwatch-agent",
    kind: "DaemonSet",
    cpu: "250m",
    memory: "128Mi",
    source: "amazon-cloudwatch-observability add-on default",
  },
];

/**
 * Kyverno's controllers as the kyverno/kyverno chart 3.x ships them (charts/kyverno/values.yaml):
 * replicas unset (so 1 each), the admission controller requesting 100m CPU and 128Mi, the
 * background, cleanup and reports controllers 100m CPU and 64Mi each, all four enabled. The
 * admission controller's init container (10m, 64Mi) requests less than its main container, so
 * it adds nothing; the chart's cleanup CronJobs run for seconds and are not counted.
 * `kyverno.values` override these the way Helm merges values.
 */
export const KYVERNO_CHART_MAJOR = 3;
export const KYVERNO_CONTROLLERS = [
  {
    key: "admissionController",
    name: "kyverno-admission-controller",
    /** Where the chart reads this controller's requests. */
    requestsPath: ["container", "resources", "requests"],
    /** The admission controller cannot be disabled. */
    canDisable: false,
    cpu: "100m",
    memory: "128Mi",
  },
  {
    key: "backgroundController",
    name: "kyverno-background-controller",
    requestsPath: ["resources", "requests"],
    canDisable: true,
    cpu: "100m",
    memory: "64Mi",
  },
  {
    key: "cleanupController",
    name: "kyverno-cleanup-controller",
    requestsPath: ["resources", "requests"],
    canDisable: true,
    cpu: "100m",
    memory: "64Mi",
  },
  {
    key: "reportsController",
    name: "kyverno-reports-controller",
    requestsPath: ["resources", "requests"],
    canDisable: true,
    cpu: "100m",
    memory: "64Mi",
  },
] as const;
