import type { ClusterSettings } from "../../config/clusters";
import type { EnvironmentConfig } from "../../config/schema";
import { UsageError } from "../exitCodes";

/** A Deployment or DaemonSet that must be fully available for the cluster to count as healthy. */
export interface SystemWorkload {
  kind: "Deployment" | "DaemonSet";
  namespace: string;
  name: string;
}

/** One service as deployed on one cluster: what the deployments and HTTP probe gates check. */
export interface ServiceTargetArgs {
  /** Service name: the name of its Deployment on the cluster. */
  name: string;
  /** Namespace of the Deployment, e.g. "apps". */
  namespace: string;
  /** Port the service's load balancer listens on. */
  port: number;
  /** HTTP path the probe requests. @default "/healthz" */
  healthPath?: string;
  /**
   * Hostname (or IP) of this service's load balancer on this cluster, without scheme or port.
   * @default none: the HTTP probe gate then fails with "no load balancer hostname yet"
   */
  loadBalancer?: string;
  /** Scheme the load balancer speaks. @default "http" (the NLBs we create pass TCP through) */
  scheme?: "http" | "https";
}

/** Everything the health gates need to know about one cluster. */
export interface ClusterTargetArgs {
  /** Cluster name within the environment, e.g. "use1-a". */
  name: string;
  /**
   * The cluster's kubeconfig (YAML or JSON), e.g. the stack output `kubeconfigs.<name>`.
   * A SECRET: the gates never print it, nor put any of it into a result or an error.
   */
  kubeconfig: string;
  /**
   * The Kubernetes minor the cluster must run right now ("1.33"): the deployed version before an
   * update, the desired one after. The API server and every kubelet must report this minor.
   */
  kubernetesVersion: string;
  /** The services deployed on this cluster. @default [] (the service gates then pass, saying so) */
  services?: ServiceTargetArgs[];
  /**
   * Ids of the Route 53 health checks that watch this cluster (one per public hostname).
   * @default [] (the Route 53 gate then passes, saying there is nothing to check)
   */
  route53HealthCheckIds?: string[];
  /** System workloads that must be fully available. @default {@link defaultSystemWorkloads}() */
  systemWorkloads?: SystemWorkload[];
  /**
   * The AWS region the cluster runs in (stack output `clusters[].region`): its kubeconfig's
   * `aws eks get-token` asks for a token there when it names no region itself.
   * @default none: the kubeconfig's own, else the shell's
   */
  region?: string;
  /**
   * The EKS cluster's own name (stack output `clusters[].eksClusterName`): CloudWatch metric
   * gates name it with `{{eksCluster}}`. @default unknown
   */
  eksClusterName?: string;
  /**
   * The other clusters of the environment, which serve the same traffic: the baseline a metric
   * gate compares this cluster with (each with its region, where CloudWatch reads it).
   * @default [] (a baseline metric gate then waits: there is nothing to compare with)
   */
  peers?: ClusterPeer[];
}

/** Another cluster of the environment, as a metric gate's baseline. */
export interface ClusterPeer {
  /** Cluster name, e.g. "use1-b". */
  name: string;
  /** Its AWS region, when known. */
  region?: string;
  /** Its EKS cluster's name (stack output `clusters[].eksClusterName`), when known. */
  eksClusterName?: string;
}

/** A validated {@link ServiceTargetArgs} with defaults filled in. */
export interface ServiceTarget {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly healthPath: string;
  readonly loadBalancer: string | undefined;
  readonly scheme: "http" | "https";
}

/** A validated {@link ClusterTargetArgs} with defaults filled in; what every gate receives. */
export interface ClusterTarget {
  readonly name: string;
  /** SECRET: never print, log or copy into a result. */
  readonly kubeconfig: string;
  readonly kubernetesVersion: string;
  readonly services: readonly ServiceTarget[];
  readonly route53HealthCheckIds: readonly string[];
  readonly systemWorkloads: readonly SystemWorkload[];
  /** The cluster's AWS region, when known. */
  readonly region?: string;
  /** The EKS cluster's own name, when known. */
  readonly eksClusterName?: string;
  /** The other clusters of the environment: a metric gate's baseline. */
  readonly peers: readonly ClusterPeer[];
}

/** Settings of the Kyverno chart that decide which of its controllers run. */
export interface KyvernoSettings {
  /** Namespace Kyverno is installed into. @default "kyverno" */
  namespace?: string;
  /** The chart values; `<controller>.enabled: false` removes that controller. @default {} */
  values?: Record<string, unknown>;
}

const KYVERNO_CONTROLLERS = [
  ["admissionController", "admission-controller"],
  ["backgroundController", "background-controller"],
  ["cleanupController", "cleanup-controller"],
  ["reportsController", "reports-controller"],
] as const;

/**
 * The system workloads every cluster of ours runs: the EKS add-ons (aws-node and kube-proxy
 * DaemonSets, coredns Deployment in kube-system) and Kyverno's controllers (Deployments named
 * `kyverno-<controller>`, Helm release "kyverno"), leaving out controllers the chart values disable.
 */
export function defaultSystemWorkloads(kyverno: KyvernoSettings = {}): SystemWorkload[] {
  const namespace = kyverno.namespace ?? "kyverno";
  const values = kyverno.values ?? {};
  const prefix = typeof values.fullnameOverride === "string" ? values.fullnameOverride : "kyverno";
  const kyvernoDeployments = KYVERNO_CONTROLLERS.filter(([key]) => {
    const settings = values[key];
    return !(isRecord(settings) && settings.enabled === false);
  }).map(([, suffix]): SystemWorkload => ({
    kind: "Deployment",
    namespace,
    name: `${prefix}-${suffix}`,
  }));
  return [
    { kind: "DaemonSet", namespace: "kube-system", name: "aws-node" },
    { kind: "DaemonSet", namespace: "kube-system", name: "kube-proxy" },
    { kind: "Deployment", namespace: "kube-system", name: "coredns" },
    ...kyvernoDeployments,
  ];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const MINOR = /^1\.\d{1,2}$/;
const HEALTH_CHECK_ID = /^[A-Za-z0-9-]{1,64}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Validates a cluster target and fills in its defaults. Throws a {@link UsageError} that names
 * the field, shows the bad value and says how to fix it; the kubeconfig is never shown.
 */
export function normalizeClusterTarget(args: ClusterTargetArgs): ClusterTarget {
  const name = String(args.name ?? "");
  const fail = (field: string, problem: string): never => {
    throw new UsageError(`cluster target ${JSON.stringify(name)}: ${field} ${problem}`);
  };
  if (!DNS_LABEL.test(name)) {
    throw new UsageError(
      `cluster target name ${show(args.name)} is not a cluster name; use the name from the stack config, e.g. "use1-a"`,
    );
  }
  if (typeof args.kubeconfig !== "string" || args.kubeconfig.trim() === "") {
    fail(
      "kubeconfig",
      "is empty; pass this cluster's kubeconfig (stack output kubeconfigs.<name>)",
    );
  }
  if (typeof args.kubernetesVersion !== "string" || !MINOR.test(args.kubernetesVersion)) {
    fail(
      "kubernetesVersion",
      `${show(args.kubernetesVersion)} is not a Kubernetes minor version; write it as "1.<minor>", e.g. "1.33"`,
    );
  }
  const services = (args.services ?? []).map((s, i): ServiceTarget => {
    const at = `services[${i}]`;
    if (!DNS_LABEL.test(String(s.name))) {
      fail(`${at}.name`, `${show(s.name)} is not a service name; use its Deployment's name`);
    }
    if (!DNS_LABEL.test(String(s.namespace))) {
      fail(`${at}.namespace`, `${show(s.namespace)} is not a namespace, e.g. "apps"`);
    }
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) {
      fail(`${at}.port`, `${show(s.port)} is not a TCP port; use 1 to 65535`);
    }
    const healthPath = s.healthPath ?? "/healthz";
    if (!/^\/\S*$/.test(healthPath)) {
      fail(`${at}.healthPath`, `${show(healthPath)} is not an HTTP path; start it with "/"`);
    }
    if (s.loadBalancer !== undefined && !HOST.test(s.loadBalancer)) {
      fail(
        `${at}.loadBalancer`,
        `${show(s.loadBalancer)} is not a hostname; give the bare load balancer hostname, without scheme, port or path`,
      );
    }
    const scheme = s.scheme ?? "http";
    if (scheme !== "http" && scheme !== "https") {
      fail(`${at}.scheme`, `${show(scheme)} is not supported; use "http" or "https"`);
    }
    return {
      name: s.name,
      namespace: s.namespace,
      port: s.port,
      healthPath,
      loadBalancer: s.loadBalancer,
      scheme,
    };
  });
  const ids = args.route53HealthCheckIds ?? [];
  ids.forEach((id, i) => {
    if (typeof id !== "string" || !HEALTH_CHECK_ID.test(id)) {
      fail(
        `route53HealthCheckIds[${i}]`,
        `${show(id)} is not a Route 53 health check id; use the id of the cluster's health check, e.g. "8c3f4d52-7d1e-4e1c-9a57-0f2f0b7e6d11"`,
      );
    }
  });
  const systemWorkloads = (args.systemWorkloads ?? defaultSystemWorkloads()).map((w, i) => {
    const at = `systemWorkloads[${i}]`;
    if (w.kind !== "Deployment" && w.kind !== "DaemonSet") {
      fail(`${at}.kind`, `${show(w.kind)} is not supported; use "Deployment" or "DaemonSet"`);
    }
    if (!DNS_LABEL.test(String(w.namespace))) {
      fail(`${at}.namespace`, `${show(w.namespace)} is not a namespace, e.g. "kube-system"`);
    }
    if (!DNS_LABEL.test(String(w.name))) {
      fail(`${at}.name`, `${show(w.name)} is not a workload name, e.g. "coredns"`);
    }
    return { kind: w.kind, namespace: w.namespace, name: w.name };
  });
  if (args.region !== undefined && !REGION.test(String(args.region))) {
    fail("region", `${show(args.region)} is not an AWS region name, e.g. "us-west-2"`);
  }
  const peers = (args.peers ?? []).map((p, i): ClusterPeer => {
    const at = `peers[${i}]`;
    if (!DNS_LABEL.test(String(p.name)) || p.name === name) {
      fail(
        `${at}.name`,
        `${show(p.name)} is not another cluster's name; list the environment's other clusters, e.g. "use1-b"`,
      );
    }
    if (p.region !== undefined && !REGION.test(String(p.region))) {
      fail(`${at}.region`, `${show(p.region)} is not an AWS region name, e.g. "us-west-2"`);
    }
    return {
      name: p.name,
      ...(p.region !== undefined ? { region: p.region } : {}),
      ...(typeof p.eksClusterName === "string" ? { eksClusterName: p.eksClusterName } : {}),
    };
  });
  return {
    name,
    kubeconfig: args.kubeconfig,
    kubernetesVersion: args.kubernetesVersion,
    services,
    route53HealthCheckIds: [...ids],
    systemWorkloads,
    ...(args.region !== undefined ? { region: args.region } : {}),
    ...(typeof args.eksClusterName === "string" ? { eksClusterName: args.eksClusterName } : {}),
    peers,
  };
}

/** Arguments of {@link clusterTargetFromConfig}: one cluster's deployed facts. */
export interface ClusterTargetFromConfigArgs {
  /** The environment's validated config (services, namespace, Kyverno settings). */
  config: EnvironmentConfig;
  /**
   * The cluster's name; one of `config.clusters`, or a deployed cluster a rollout is removing
   * (then `runs.services` and `kubernetesVersion` describe it).
   */
  cluster: string;
  /** The cluster's kubeconfig (stack output `kubeconfigs.<name>`). SECRET. */
  kubeconfig: string;
  /** The minor the cluster must run now ("1.33"). @default the cluster's version in `config` */
  kubernetesVersion?: string;
  /** Load balancer hostname per service name (stack output `clusters[].ingress`). @default {} */
  loadBalancers?: Record<string, string | undefined>;
  /** Route 53 health check ids that watch this cluster. @default [] */
  route53HealthCheckIds?: string[];
  /**
   * The AWS region the cluster runs in (stack output `clusters[].region`).
   * @default the cluster's `region` in `config`, if it has one
   */
  region?: string;
  /** The EKS cluster's own name (stack output `clusters[].eksClusterName`). @default unknown */
  eksClusterName?: string;
  /**
   * What the cluster runs now (its deployed settings): its services, their namespace and its
   * Kyverno settings. While a rollout moves the clusters one at a time, they differ from the
   * config's (a service not added to this cluster yet, a namespace not moved yet).
   * @default the config's services, namespace and Kyverno settings
   */
  runs?: Partial<Pick<ClusterSettings, "services" | "namespace" | "kyverno">>;
  /**
   * The other clusters, the baseline of metric gates.
   * @default every other cluster of `config`, with its region from `config`
   */
  peers?: ClusterPeer[];
}

/**
 * The target of one cluster of an environment: every service it runs (the config's unless
 * `runs` says otherwise; in its namespace, with its port and health path, through this cluster's
 * load balancer), the system workloads that follow from the Kyverno settings, the expected
 * version and the other clusters (a metric gate's baseline). Pure; validates like
 * {@link normalizeClusterTarget}.
 */
export function clusterTargetFromConfig(args: ClusterTargetFromConfigArgs): ClusterTarget {
  const { config } = args;
  const cluster = config.clusters.find((c) => c.name === args.cluster);
  // A cluster no longer in the config (a rollout is removing it) is described by what it runs.
  const leaving = !cluster && args.runs?.services !== undefined && args.kubernetesVersion;
  if (!cluster && !leaving) {
    throw new UsageError(
      `cluster ${show(args.cluster)} is not in this environment; use one of: ${config.clusters.map((c) => show(c.name)).join(", ")}`,
    );
  }
  return normalizeClusterTarget({
    name: args.cluster,
    kubeconfig: args.kubeconfig,
    kubernetesVersion:
      args.kubernetesVersion ?? cluster?.kubernetesVersion ?? config.kubernetesVersion,
    services: (args.runs?.services ?? config.services).map((s) => ({
      name: s.name,
      namespace: args.runs?.namespace ?? config.namespace,
      port: s.port,
      healthPath: s.healthPath,
      loadBalancer: args.loadBalancers?.[s.name] || undefined,
    })),
    route53HealthCheckIds: args.route53HealthCheckIds ?? [],
    ...((args.region ?? cluster?.region) !== undefined
      ? { region: args.region ?? cluster?.region }
      : {}),
    ...(args.eksClusterName !== undefined ? { eksClusterName: args.eksClusterName } : {}),
    systemWorkloads: defaultSystemWorkloads({
      namespace: (args.runs?.kyverno ?? config.kyverno).namespace,
      values: (args.runs?.kyverno ?? config.kyverno).values,
    }),
    peers:
      args.peers ??
      config.clusters
        .filter((c) => c.name !== args.cluster)
        .map((c) => ({ name: c.name, ...(c.region !== undefined ? { region: c.region } : {}) })),
  });
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
