import { z } from "zod";
import { awsRegionSchema, roleArnSchema } from "./_aws";
import { parseCidr } from "./_cidr";
import { accessSchema } from "./access";
import { secureValueSchema } from "./secretEnv";
import { costsSchema } from "./costs";
import { gatesSchema } from "./gates";
import { crossFieldRules } from "./rules";
import { showValue } from "./_show";

/**
 * The schema of an environment's stack config: every key under the `active-active:` namespace of
 * `stacks/Pulumi.<env>.yaml`. Objects are strict, so a misspelt key is an error, not a silently
 * ignored setting. The shapes are here; the rules that span fields (cluster count, names,
 * weights, version skew, CIDR overlap, duplicate services) are in `./rules.ts` and run after the
 * fields themselves are valid.
 */

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const show = showValue;

/** A DNS-safe name (RFC 1123 label) of at most `max` characters. */
function dnsName(what: string, example: string, max: number) {
  return z
    .string()
    .max(max, {
      error: (iss) =>
        `${show(iss.input)} is longer than ${max} characters; use a shorter ${what} (e.g. "${example}")`,
    })
    .regex(DNS_LABEL, {
      error: (iss) =>
        `${show(iss.input)} is not a DNS-safe ${what}; use lowercase letters, digits and "-", ` +
        `starting with a letter (e.g. "${example}")`,
    });
}

export const kubernetesVersionSchema = z.string().regex(/^1\.\d{1,2}$/, {
  error: (iss) =>
    `${show(iss.input)} is not a Kubernetes minor version; write it as "1.<minor>", e.g. "1.31"`,
});

const cidr = z.string().superRefine((value, ctx) => {
  const parsed = parseCidr(value);
  if (typeof parsed === "string") {
    ctx.addIssue({ code: "custom", message: parsed, input: value });
    return;
  }
  if (parsed.bitmask < 16 || parsed.bitmask > 24) {
    ctx.addIssue({
      code: "custom",
      input: value,
      message: `"${value}" has prefix /${parsed.bitmask}; a cluster VPC must be between /16 and /24 (AWS allows /16 to /28, and the subnets need room), e.g. "10.1.0.0/16"`,
    });
  }
});

const addonVersion = (addon: string, example: string) =>
  z.string().regex(/^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/, {
    error: (iss) =>
      `${show(iss.input)} is not an EKS add-on version for ${addon}; use a version that ` +
      `\`aws eks describe-addon-versions --addon-name ${addon}\` lists, e.g. "${example}"`,
  });

const quantity = (what: string, example: string) =>
  z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, {
    error: (iss) =>
      `${show(iss.input)} is not a Kubernetes ${what} quantity; write it like "${example}"`,
  });

const int = (min: number, max: number, hint: string) =>
  z
    .number({ error: (iss) => `expected a whole number, got ${show(iss.input)}; ${hint}` })
    .int({ error: (iss) => `expected a whole number, got ${show(iss.input)}; ${hint}` })
    .min(min, { error: (iss) => `${show(iss.input)} is below ${min}; ${hint}` })
    .max(max, { error: (iss) => `${show(iss.input)} is above ${max}; ${hint}` });

/** One cluster of the environment. */
export const clusterSchema = z.strictObject({
  /** Cluster name, unique in the environment; part of every resource name of the cluster. */
  name: dnsName("cluster name", "use1-a", 24),
  /** Route 53 weight of this cluster's records, 0–255. 0 drains the cluster. @default 1 */
  weight: int(0, 255, "Route 53 weights are whole numbers from 0 to 255").default(1),
  /** Kubernetes minor version of this cluster. @default the environment's kubernetesVersion */
  kubernetesVersion: kubernetesVersionSchema.optional(),
  /** CIDR block of this cluster's own VPC (required unless the network is a shared VPC). */
  cidr: cidr.optional(),
  /**
   * AWS region this cluster runs in: with it (or `roleArn`), everything of the cluster is created
   * with an AWS provider of its own. Fixed once the cluster is deployed (a new cluster that
   * replaces it moves it).
   * @default the stack's `aws:region`, on the environment's own AWS provider
   */
  region: awsRegionSchema.optional(),
  /**
   * IAM role to assume for everything of this cluster: the role in the cluster's AWS account.
   * Fixed once the cluster is deployed, like `region`.
   * @default none: the environment's own credentials and account
   */
  roleArn: roleArnSchema.optional(),
  /**
   * The deployed cluster this new one takes the place of: `aa rollout` adds this cluster, ramps
   * its traffic up, then removes the old one (docs/lifecycle.md). The old one is no longer
   * listed in `clusters`. @default none
   */
  replaces: dnsName("cluster name", "use1-a", 24).optional(),
});

/** How `aa rollout` moves traffic onto a new cluster and off a removed one. */
export const rolloutSchema = z.strictObject({
  /**
   * The steps of a traffic ramp, in percent of the cluster's configured weight: a new cluster
   * goes through them in order, a removed one back down. Increasing, ending at 100.
   * @default [10, 50, 100]
   */
  rampPercent: z
    .array(int(1, 100, "ramp steps are percentages from 1 to 100, e.g. [10, 50, 100]"))
    .min(1, { error: "list at least one ramp step; the last is 100, e.g. [10, 50, 100]" })
    .default([10, 50, 100]),
});

/** EKS managed add-on versions, pinned per cluster. */
export const addonsSchema = z.strictObject({
  /** Amazon VPC CNI (`vpc-cni`) add-on version, e.g. "v1.19.2-eksbuild.1". */
  vpcCni: addonVersion("vpc-cni", "v1.19.2-eksbuild.1"),
  /** CoreDNS (`coredns`) add-on version, e.g. "v1.11.4-eksbuild.2". */
  coredns: addonVersion("coredns", "v1.11.4-eksbuild.2"),
  /** kube-proxy (`kube-proxy`) add-on version, e.g. "v1.31.3-eksbuild.2". */
  kubeProxy: addonVersion("kube-proxy", "v1.31.3-eksbuild.2"),
});

/**
 * Which add-on versions are valid on which Kubernetes minor, newest first, e.g.
 * `{"1.33": {vpcCni: ["v1.19.5-eksbuild.1"], coredns: [...], kubeProxy: [...]}}`. Copy the rows
 * from `aws eks describe-addon-versions --kubernetes-version 1.33`. When a minor has a row, the
 * add-ons deployed on it must be listed there; `aa plan` uses the first version of each list for
 * the intermediate minors of a multi-minor upgrade.
 */
export const addonMatrixSchema = z.record(
  kubernetesVersionSchema,
  z.strictObject({
    vpcCni: z.array(addonVersion("vpc-cni", "v1.19.5-eksbuild.1")).min(1),
    coredns: z.array(addonVersion("coredns", "v1.12.1-eksbuild.2")).min(1),
    kubeProxy: z.array(addonVersion("kube-proxy", "v1.33.0-eksbuild.2")).min(1),
  }),
);

/** The Kyverno Helm chart installed on every cluster. */
export const kyvernoSchema = z.strictObject({
  /** Helm repository URL: `https://` (a chart repository) or `oci://` (a registry). */
  repository: z.url({
    protocol: /^(https|oci)$/,
    error: (iss) =>
      `${show(iss.input)} is not an https:// or oci:// URL; use the chart repository, e.g. "https://kyverno.github.io/kyverno/" or "oci://ghcr.io/kyverno/charts"`,
  }),
  /** Chart version (exact, so every cluster runs the same bits). */
  version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, {
    error: (iss) => `${show(iss.input)} is not an exact chart version; pin one, e.g. "3.3.4"`,
  }),
  /** Chart name in the repository. @default "kyverno" */
  chart: z.string().min(1).default("kyverno"),
  /** Namespace Kyverno is installed into. @default "kyverno" */
  namespace: dnsName("namespace", "kyverno", 63).default("kyverno"),
  /** Chart values. @default {} */
  values: z.record(z.string(), z.unknown()).default({}),
});

/** Shape of each cluster's managed node group. */
export const nodeGroupSchema = z.strictObject({
  /** EC2 instance types, e.g. ["m6i.large"]. */
  instanceTypes: z
    .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, { error: "not an EC2 instance type" }))
    .min(1, { error: 'list at least one instance type, e.g. ["m6i.large"]' }),
  /** Minimum nodes per cluster. */
  minSize: int(1, 1000, "set at least 1 node per cluster"),
  /** Desired nodes per cluster (between minSize and maxSize). */
  desiredSize: int(1, 1000, "set a node count between minSize and maxSize"),
  /** Maximum nodes per cluster. */
  maxSize: int(1, 1000, "set a node count of at least desiredSize"),
  /** Root volume size in GiB. @default 50 */
  diskSizeGiB: int(20, 16384, "use at least 20 GiB").default(50),
  /** ON_DEMAND or SPOT. @default "ON_DEMAND" */
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
  /** EKS AMI type. @default "AL2023_x86_64_STANDARD" */
  amiType: z.string().default("AL2023_x86_64_STANDARD"),
});

/** Each cluster gets its own VPC: the default, and the only layout with no shared network. */
const vpcPerClusterSchema = z.strictObject({
  /** Each cluster in its own VPC (CIDR from `clusters[].cidr`). */
  mode: z.literal("vpc-per-cluster"),
  /** Availability zones per VPC (EKS needs at least 2). @default 3 */
  availabilityZones: int(2, 6, "EKS needs 2 to 6 availability zones").default(3),
  /** NAT gateways per VPC: one per AZ, or a single one. @default "per-az" */
  natGateways: z.enum(["per-az", "single"]).default("per-az"),
});

/** Every cluster in one existing VPC: an explicit opt-in to a shared failure domain. */
const sharedVpcSchema = z.strictObject({
  /** All clusters share this existing VPC (explicit opt-in). */
  mode: z.literal("shared-vpc"),
  /** Existing VPC id, e.g. "vpc-0abc". */
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { error: 'expected a VPC id like "vpc-0abc123"' }),
  /** Existing private subnet ids (at least two AZs). */
  privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(2),
  /** Existing public subnet ids (at least two AZs). */
  publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(2),
});

export const networkSchema = z.discriminatedUnion("mode", [vpcPerClusterSchema, sharedVpcSchema], {
  error: (iss) =>
    `mode ${show((iss.input as { mode?: unknown } | undefined)?.mode)} is not known; use "vpc-per-cluster" (the default) or "shared-vpc"`,
});

/** Who may reach each cluster's Kubernetes API. */
export const apiAccessSchema = z.strictObject({
  /** CIDRs allowed to reach the public API endpoint; [] keeps the endpoint private. @default [] */
  publicAccessCidrs: z.array(cidrString()).default([]),
});

function cidrString() {
  return z.string().superRefine((value, ctx) => {
    const parsed = parseCidr(value);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed, input: value });
  });
}

/** One public hostname, served by one service on every cluster. */
export const hostnameSchema = z.strictObject({
  /** Fully qualified hostname inside the hosted zone, e.g. "api.dev.example.com". */
  hostname: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
    error: (iss) => `${show(iss.input)} is not a lowercase DNS hostname, e.g. "api.example.com"`,
  }),
  /** Name of the service this hostname routes to. */
  service: z.string(),
});

/** Route 53 settings: the traffic split between clusters. */
export const dnsSchema = z.strictObject({
  /** Existing Route 53 hosted zone id, e.g. "Z0123456789ABCDEFGHIJ". */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, {
    error: (iss) => `${show(iss.input)} is not a Route 53 hosted zone id, e.g. "Z0123456789ABC"`,
  }),
  /** The hosted zone's domain, e.g. "dev.example.com"; every hostname must be below it. */
  zoneName: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/),
  /** TTL of the weighted records in seconds. Short, so draining takes effect fast. @default 60 */
  ttl: int(0, 86400, "use a short TTL such as 60 so that drains take effect quickly").default(60),
  /** Health check interval, 10 or 30 seconds. @default 30 */
  healthCheckIntervalSeconds: z
    .union([z.literal(10), z.literal(30)], {
      error: (iss) => `${show(iss.input)} is not a Route 53 health check interval; use 10 or 30`,
    })
    .default(30),
  /** Failed checks before a cluster is taken out of DNS, 1–10. @default 3 */
  healthCheckFailureThreshold: int(1, 10, "Route 53 allows 1 to 10").default(3),
  /** Public hostnames, each routed to all clusters. */
  hostnames: z.array(hostnameSchema).default([]),
});

/** One service, deployed to every cluster. */
export const serviceSchema = z.strictObject({
  /** Service name: the Deployment, Service and PodDisruptionBudget name on every cluster. */
  name: dnsName("service name", "api", 40),
  /** Container image, pinned by tag or digest. */
  image: z.string().min(1, { error: 'set the container image, e.g. "ghcr.io/acme/api:1.4.2"' }),
  /** Replicas per cluster. @default 2 */
  replicas: int(1, 1000, "set replicas per cluster, at least 1").default(2),
  /** Port the service's load balancer listens on. */
  port: int(1, 65535, "use a TCP port from 1 to 65535"),
  /** Port the container listens on. @default port */
  containerPort: int(1, 65535, "use a TCP port from 1 to 65535").optional(),
  /** Container resources. */
  resources: z.strictObject({
    requests: z.strictObject({
      cpu: quantity("CPU", "250m"),
      memory: quantity("memory", "256Mi"),
    }),
    limits: z
      .strictObject({
        cpu: quantity("CPU", "1").optional(),
        memory: quantity("memory", "512Mi").optional(),
      })
      .optional(),
  }),
  /** HTTP path for readiness, liveness and the Route 53 health check. @default "/healthz" */
  healthPath: z
    .string()
    .regex(/^\/[^\s]*$/, {
      error: (iss) => `${show(iss.input)} is not an HTTP path; start it with "/", e.g. "/healthz"`,
    })
    .default("/healthz"),
  /**
   * Horizontal pod autoscaling on every cluster (an HPA per cluster, from `replicas` up to
   * `maxReplicas` on CPU). This is what lets the other clusters absorb a drained cluster's share;
   * the capacity check before a drain reads it. Needs a metrics server on the clusters.
   * @default none: a fixed `replicas` per cluster
   */
  autoscaling: z
    .strictObject({
      /** Most replicas per cluster. */
      maxReplicas: int(1, 1000, "set the most replicas one cluster may run"),
      /** Target average CPU utilization, percent of requests. @default 70 */
      targetCpuPercent: int(1, 100, "use a percentage such as 70").default(70),
    })
    .optional(),
  /**
   * How long the service's clients may hold a connection (websockets, gRPC streams, keep-alive
   * pools): a drain waits this long, beyond the DNS TTL and the drain window, before its cluster
   * changes, and the load balancer's deregistration delay is set to it.
   * @default none (0: requests are short)
   */
  drain: z
    .strictObject({
      connectionSeconds: int(0, 3600, "use whole seconds from 0 to 3600, e.g. 300"),
    })
    .optional(),
  /**
   * Environment variables: a string, or a secret as `pulumi config set --secret --path` writes it
   * (`{secure: <ciphertext>}`), which each cluster gets in a Kubernetes Secret (config/secretEnv.ts).
   * @default {}
   */
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: (iss) => `${show(iss.input)} is not an environment variable name`,
      }),
      z.union([z.string(), secureValueSchema], {
        error: (iss) =>
          `expected a string value, got ${show(iss.input)}; quote it (a secret is set with \`pulumi config set --secret --path 'active-active:services[N].env.NAME' VALUE\`)`,
      }),
    )
    .default({}),
});

/** Every `active-active:` key of a stack, each field checked on its own. */
export const environmentShape = z.strictObject({
  /** Fewest clusters this environment may have. @default 2 */
  minClusters: int(2, 64, "an environment needs at least 2 clusters").default(2),
  /** Kubernetes minor version of every cluster, e.g. "1.31". */
  kubernetesVersion: kubernetesVersionSchema,
  /** The clusters; at least 2 and at least minClusters. */
  clusters: z.array(clusterSchema),
  addons: addonsSchema,
  /** Add-on versions valid per Kubernetes minor. @default {} */
  addonMatrix: addonMatrixSchema.default({}),
  kyverno: kyvernoSchema,
  nodeGroup: nodeGroupSchema,
  /** @default { mode: "vpc-per-cluster" } */
  network: networkSchema.default({
    mode: "vpc-per-cluster",
    availabilityZones: 3,
    natGateways: "per-az",
  }),
  /** @default { publicAccessCidrs: [] } */
  apiAccess: apiAccessSchema.default({ publicAccessCidrs: [] }),
  /**
   * Who may use every cluster's Kubernetes API, besides the identity that created the clusters:
   * EKS access entries with access policies (see config/access.ts). @default none
   */
  access: accessSchema.optional(),
  /** Namespace the services are deployed to on every cluster. @default "apps" */
  namespace: dnsName("namespace", "apps", 63).default("apps"),
  dns: dnsSchema,
  services: z.array(serviceSchema).default([]),
  /** How `aa rollout` ramps traffic. @default { rampPercent: [10, 50, 100] } */
  rollout: rolloutSchema.default({ rampPercent: [10, 50, 100] }),
  /** Price table of `aa cost` (see config/costs.ts and docs/cost.md). @default built-in prices */
  costs: costsSchema.optional(),
  /**
   * Metric gates of `aa rollout` (see config/gates.ts and docs/config.md#gates): the default pair
   * per service when a Prometheus is declared, and any listed. @default none
   */
  gates: gatesSchema.optional(),
});

/**
 * The whole environment: every `active-active:` key of a stack, with the rules that span fields
 * (`./rules.ts`) run once the fields themselves are valid.
 */
export const environmentSchema = environmentShape.superRefine(crossFieldRules, {
  // Also when some fields failed: the rules run on the keys that passed (see crossFieldRules).
  when: (payload) => typeof payload.value === "object" && payload.value !== null,
});

export type EnvironmentConfig = z.output<typeof environmentSchema>;
/** The environment config as written in a stack file. */
export type EnvironmentConfigInput = z.input<typeof environmentSchema>;
export type ServiceConfig = EnvironmentConfig["services"][number];
export type ClusterConfig = EnvironmentConfig["clusters"][number];
