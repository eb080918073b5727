import type { z } from "zod";
import { cidrsOverlap, overlappingBlocks, subnetBits } from "./_cidr";
import { minorOf } from "./version";
import { CLUSTER_PLACEHOLDER, durationMs, EKS_CLUSTER_PLACEHOLDER } from "./gates";
import type { environmentShape } from "./schema";

/**
 * The rules of an environment's config that span fields: cluster count and names, weights,
 * version skew, add-ons against the add-on matrix, CIDR overlap, a cluster's role against its
 * region, services and DNS, metric gates against the clusters. They run once
 * every field is valid on its own (`environmentSchema` in `./schema.ts`), and report every
 * problem, each at the field a user edits to fix it.
 */

type Parsed = z.output<typeof environmentShape>;

/**
 * Adds an issue for every cross-field problem of `env`. Each rule runs only when the keys it reads
 * passed their own checks: a rule never sees a value already reported as invalid (an invalid
 * CIDR is not compared with the others, a malformed version not measured for skew), so every
 * problem is reported once, at its field.
 */
export function crossFieldRules(env: Parsed, ctx: z.RefinementCtx): void {
  const fail = (path: PropertyKey[], input: unknown, message: string) =>
    ctx.addIssue({ code: "custom", path, input, message });
  const reported = new Set(ctx.issues.map((issue) => String(issue.path?.[0])));
  const passed = (...keys: (keyof Parsed)[]) => keys.every((key) => !reported.has(key));

  if (passed("clusters", "minClusters")) clusterListRules(env, fail);
  if (passed("clusters")) checkReplaces(env, fail);
  if (passed("rollout")) checkRamp(env, fail);
  if (passed("kubernetesVersion", "clusters")) checkVersionSkew(env, fail);
  if (passed("kubernetesVersion", "clusters", "addons", "addonMatrix")) checkAddons(env, fail);
  if (passed("clusters", "network")) checkNetwork(env, fail);
  if (passed("clusters")) checkPlacement(env, fail);
  if (passed("services")) checkServices(env, fail);
  if (passed("dns", "services")) checkDns(env, fail);
  if (passed("gates", "clusters", "minClusters")) checkGates(env, fail);

  const ng = env.nodeGroup;
  if (passed("nodeGroup") && (ng.minSize > ng.desiredSize || ng.desiredSize > ng.maxSize)) {
    fail(
      ["nodeGroup", "desiredSize"],
      ng.desiredSize,
      `sizes must satisfy minSize <= desiredSize <= maxSize, got ${ng.minSize} <= ${ng.desiredSize} <= ${ng.maxSize}; adjust them`,
    );
  }
}

type Fail = (path: PropertyKey[], input: unknown, message: string) => void;

/** Enough clusters, unique names, and some traffic. */
function clusterListRules(env: Parsed, fail: Fail): void {
  const needed = Math.max(2, env.minClusters);
  if (env.clusters.length < needed) {
    fail(
      ["clusters"],
      env.clusters.length,
      `${env.clusters.length} cluster(s) declared, but this environment needs at least ${needed}` +
        (env.minClusters > 2 ? ` (minClusters is ${env.minClusters})` : "") +
        `; add clusters until there are ${needed}`,
    );
  }

  firstDuplicate(env.clusters.map((c) => c.name)).forEach(({ index, value, first }) =>
    fail(
      ["clusters", index, "name"],
      value,
      `"${value}" is already the name of clusters[${first}]; give every cluster a unique name`,
    ),
  );

  if (env.clusters.length > 0 && env.clusters.every((c) => c.weight === 0)) {
    fail(
      ["clusters"],
      env.clusters.map((c) => c.weight),
      "every cluster has weight 0, so no cluster would receive traffic; give at least one cluster a weight above 0",
    );
  }
}

/** `replaces` names a cluster that is gone from the list, and each old cluster only once. */
function checkReplaces(env: Parsed, fail: Fail): void {
  const names = env.clusters.map((c) => c.name);
  const seen = new Map<string, number>();
  env.clusters.forEach((c, i) => {
    if (c.replaces === undefined) return;
    const path = ["clusters", i, "replaces"];
    if (c.replaces === c.name) {
      fail(
        path,
        c.replaces,
        `cluster "${c.name}" cannot replace itself; a replacement is a new cluster with its own name and CIDR`,
      );
    } else if (names.includes(c.replaces)) {
      fail(
        path,
        c.replaces,
        `"${c.replaces}" is still listed in clusters; remove its entry, because the new cluster "${c.name}" takes its place once \`aa rollout\` has ramped it up`,
      );
    } else if (seen.has(c.replaces)) {
      fail(
        path,
        c.replaces,
        `clusters[${seen.get(c.replaces)}] already replaces "${c.replaces}"; one new cluster replaces each old one`,
      );
    }
    seen.set(c.replaces, i);
  });
}

/** The ramp goes up step by step and ends with the full configured weight. */
function checkRamp(env: Parsed, fail: Fail): void {
  const ramp = env.rollout.rampPercent;
  const path = ["rollout", "rampPercent"];
  if (ramp.some((p, i) => i > 0 && p <= ramp[i - 1])) {
    fail(path, ramp, `ramp steps must increase, got [${ramp.join(", ")}]; e.g. [10, 50, 100]`);
  } else if (ramp[ramp.length - 1] !== 100) {
    fail(
      path,
      ramp,
      `the last ramp step must be 100 (the full weight), got [${ramp.join(", ")}]; e.g. [10, 50, 100]`,
    );
  }
}

function checkVersionSkew(env: Parsed, fail: Fail): void {
  const effective = env.clusters.map((c) => c.kubernetesVersion ?? env.kubernetesVersion);
  env.clusters.forEach((c, i) => {
    if (c.kubernetesVersion === undefined) return;
    const j = effective.findIndex((v) => Math.abs(minorOf(v) - minorOf(c.kubernetesVersion!)) > 1);
    if (j < 0) return;
    const inherited =
      env.clusters[j].kubernetesVersion === undefined
        ? " (the environment's kubernetesVersion)"
        : "";
    fail(
      ["clusters", i, "kubernetesVersion"],
      c.kubernetesVersion,
      `"${c.kubernetesVersion}" is more than one minor version from cluster "${env.clusters[j].name}" at "${effective[j]}"${inherited}; clusters of one environment may differ by at most one minor, so move one minor at a time with \`aa rollout\``,
    );
  });
}

function checkAddons(env: Parsed, fail: Fail): void {
  const versions = new Set([
    env.kubernetesVersion,
    ...env.clusters.map((c) => c.kubernetesVersion ?? env.kubernetesVersion),
  ]);
  for (const version of versions) {
    const problem = kubeProxySkew(env.addons.kubeProxy, version);
    if (problem) fail(["addons", "kubeProxy"], env.addons.kubeProxy, problem);
    const row = env.addonMatrix[version];
    if (!row) continue;
    for (const key of ["vpcCni", "coredns", "kubeProxy"] as const) {
      if (!row[key].includes(env.addons[key])) {
        fail(
          ["addons", key],
          env.addons[key],
          `"${env.addons[key]}" is not listed for Kubernetes ${version} in addonMatrix."${version}".${key} (${row[key].join(", ")}); use one of those or add it to the matrix`,
        );
      }
    }
  }
}

/**
 * Why a kube-proxy version cannot run on a cluster version (Kubernetes' skew policy: never newer
 * than the control plane, at most three minors older), or undefined when it can.
 */
export function kubeProxySkew(kubeProxy: string, clusterVersion: string): string | undefined {
  const proxyMinor = Number(/^v1\.(\d+)\./.exec(kubeProxy)?.[1]);
  const clusterMinor = minorOf(clusterVersion);
  if (Number.isNaN(proxyMinor)) return undefined;
  if (proxyMinor > clusterMinor) {
    return `kube-proxy ${kubeProxy} is newer than Kubernetes ${clusterVersion}; kube-proxy must not be newer than its control plane, use a v1.${clusterMinor}.x version`;
  }
  if (clusterMinor - proxyMinor > 3) {
    return `kube-proxy ${kubeProxy} is more than three minors older than Kubernetes ${clusterVersion}; use a v1.${clusterMinor}.x version`;
  }
  return undefined;
}

function checkNetwork(env: Parsed, fail: Fail): void {
  const net = env.network;
  if (net.mode === "shared-vpc") {
    env.clusters.forEach((c, i) => {
      if (c.cidr !== undefined) {
        fail(
          ["clusters", i, "cidr"],
          c.cidr,
          `"${c.cidr}" has no effect with network.mode "shared-vpc"; remove it`,
        );
      }
    });
    return;
  }
  env.clusters.forEach((c, i) => {
    if (c.cidr === undefined) {
      fail(
        ["clusters", i, "cidr"],
        undefined,
        `missing: each cluster has its own VPC, so give it a CIDR that no other cluster uses, e.g. "${freeBlock(env)}"`,
      );
      return;
    }
    const prefix = Number(c.cidr.split("/")[1]);
    if (prefix + subnetBits(2 * net.availabilityZones) > 28) {
      fail(
        ["clusters", i, "cidr"],
        c.cidr,
        `"${c.cidr}" is too small for ${2 * net.availabilityZones} subnets (public and private in ${net.availabilityZones} AZs); use a larger block such as /16`,
      );
    }
  });
  const overlaps = overlappingBlocks(env.clusters.map((c) => c.cidr));
  const free = overlaps.length > 0 ? freeBlock(env) : "";
  for (const { index, other } of overlaps.slice(0, MAX_OVERLAP_LINES)) {
    const cidr = env.clusters[index].cidr;
    fail(
      ["clusters", index, "cidr"],
      cidr,
      `"${cidr}" overlaps clusters[${other}].cidr "${env.clusters[other].cidr}"; give each cluster a disjoint block, e.g. "${free}"`,
    );
  }
  if (overlaps.length > MAX_OVERLAP_LINES) {
    fail(
      ["clusters"],
      overlaps.length,
      `and ${overlaps.length - MAX_OVERLAP_LINES} more clusters whose cidr overlaps another's; give each cluster a disjoint block`,
    );
  }
}

/** Overlapping CIDRs reported one per line, up to this many; then one line counts the rest. */
const MAX_OVERLAP_LINES = 10;

/** The AWS partition a region belongs to ("aws", "aws-cn", "aws-us-gov"). */
function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** A cluster's role must live in the partition of its region: IAM roles do not cross them. */
function checkPlacement(env: Parsed, fail: Fail): void {
  env.clusters.forEach((c, i) => {
    if (c.region === undefined || c.roleArn === undefined) return;
    const partition = c.roleArn.split(":")[1];
    const expected = partitionOf(c.region);
    if (partition !== expected) {
      fail(
        ["clusters", i, "roleArn"],
        c.roleArn,
        `"${c.roleArn}" is in partition "${partition}", but region "${c.region}" is in "${expected}"; give a role of the cluster's account in "${expected}" (arn:${expected}:iam::<account>:role/<name>)`,
      );
    }
  });
}

function checkServices(env: Parsed, fail: Fail): void {
  env.services.forEach((svc, i) => {
    if (svc.autoscaling && svc.autoscaling.maxReplicas < svc.replicas) {
      fail(
        ["services", i, "autoscaling", "maxReplicas"],
        svc.autoscaling.maxReplicas,
        `${svc.autoscaling.maxReplicas} is below replicas (${svc.replicas}); set maxReplicas to at least ${svc.replicas}`,
      );
    }
  });
  firstDuplicate(env.services.map((s) => s.name)).forEach(({ index, value, first }) =>
    fail(
      ["services", index, "name"],
      value,
      `"${value}" is already the name of services[${first}]; service names must be unique`,
    ),
  );
  // Ports may repeat: each service has its own Service of type LoadBalancer (its own NLB and
  // health checks), so two services on 8080 do not meet anywhere.
}

function checkDns(env: Parsed, fail: Fail): void {
  const zone = env.dns.zoneName;
  const services = new Set(env.services.map((s) => s.name));
  firstDuplicate(env.dns.hostnames.map((h) => h.hostname)).forEach(({ index, value, first }) =>
    fail(
      ["dns", "hostnames", index, "hostname"],
      value,
      `"${value}" is already listed as dns.hostnames[${first}]; list each hostname once`,
    ),
  );
  env.dns.hostnames.forEach((h, i) => {
    if (!h.hostname.endsWith(`.${zone}`)) {
      fail(
        ["dns", "hostnames", i, "hostname"],
        h.hostname,
        `"${h.hostname}" is not below the hosted zone "${zone}"` +
          (h.hostname === zone ? " (weighted CNAME records cannot sit at the zone apex)" : "") +
          `; use a name such as "${h.service}.${zone}"`,
      );
    }
    if (!services.has(h.service)) {
      fail(
        ["dns", "hostnames", i, "service"],
        h.service,
        `"${h.service}" is not a declared service; use one of: ${[...services].map((s) => `"${s}"`).join(", ") || "(no services declared)"}`,
      );
    }
  });
}

/**
 * Metric gates against the clusters and each other: a per-cluster URL map names every cluster
 * and only those, a Prometheus gate has a Prometheus and a query, a gate that waits for samples
 * can count them, a CloudWatch gate reads one series per cluster over whole minutes, a baseline
 * has other clusters to compare with, and names are unique.
 */
function checkGates(env: Parsed, fail: Fail): void {
  const gates = env.gates;
  if (!gates) return;
  const clusters = env.clusters.map((c) => c.name);
  const checkUrls = (path: PropertyKey[], urls: Record<string, string> | undefined) => {
    if (urls === undefined) return;
    const missing = clusters.filter((c) => urls[c] === undefined);
    if (missing.length > 0) {
      fail(
        path,
        Object.keys(urls),
        `names no URL for cluster(s) ${missing.map((c) => `"${c}"`).join(", ")}; give every cluster its Prometheus URL, or use url with a clusterLabel`,
      );
    }
    for (const name of Object.keys(urls).filter((n) => !clusters.includes(n))) {
      fail(
        [...path, name],
        name,
        `"${name}" is not a cluster of this environment; use one of: ${clusters.map((c) => `"${c}"`).join(", ")}`,
      );
    }
  };
  checkUrls(["gates", "prometheus", "urls"], gates.prometheus?.urls);
  if (gates.defaultMetrics && !gates.prometheus) {
    fail(
      ["gates", "defaultMetrics"],
      gates.defaultMetrics,
      "has no effect without gates.prometheus (the default gates read the environment's Prometheus); declare it, or remove defaultMetrics",
    );
  }

  firstDuplicate(gates.metrics.map((g) => g.name)).forEach(({ index, value, first }) =>
    fail(
      ["gates", "metrics", index, "name"],
      value,
      `"${value}" is already the name of gates.metrics[${first}]; give every metric gate a unique name`,
    ),
  );
  gates.metrics.forEach((gate, i) => {
    const at = (...path: PropertyKey[]) => ["gates", "metrics", i, ...path];
    const p = gate.provider;
    if (p.type === "prometheus") {
      checkUrls(at("provider", "urls"), p.urls);
      if (p.url === undefined && p.urls === undefined && !gates.prometheus) {
        fail(
          at("provider"),
          p,
          `no Prometheus to read from; declare the environment's in gates.prometheus, or give this gate a url, e.g. { type: prometheus, url: "http://prometheus.monitoring:9090" }`,
        );
      }
      if (gate.query === undefined) {
        fail(
          at("query"),
          undefined,
          "missing; a Prometheus gate needs a PromQL query whose value is a cluster's, e.g. \"sum by (cluster) (rate(http_requests_total{code=~'5..'}[{{window}}]))\"",
        );
      }
      if (gate.judge.minSamples > 0 && gate.samplesQuery === undefined) {
        fail(
          at("samplesQuery"),
          undefined,
          `missing; judge.minSamples is ${gate.judge.minSamples}, so the gate must count samples: give a query of the requests in the window, e.g. "sum by (cluster) (increase(http_requests_total[{{window}}]))", or set minSamples to 0`,
        );
      }
    } else {
      for (const key of ["query", "samplesQuery"] as const) {
        if (gate[key] !== undefined) {
          fail(
            at(key),
            gate[key],
            "has no effect on a CloudWatch gate (its metric, dimensions and statistic are the query); remove it",
          );
        }
      }
      const names = (v: string) =>
        v.includes(CLUSTER_PLACEHOLDER) || v.includes(EKS_CLUSTER_PLACEHOLDER);
      if (!Object.values(p.dimensions).some(names)) {
        fail(
          at("provider", "dimensions"),
          p.dimensions,
          `no value names the cluster, so every cluster would read the same series; write ${EKS_CLUSTER_PLACEHOLDER} (the EKS cluster's name) or ${CLUSTER_PLACEHOLDER} (the name in this config) in the value that tells clusters apart, e.g. { ClusterName: "${EKS_CLUSTER_PLACEHOLDER}" }`,
        );
      }
      const ms = durationMs(gate.window) ?? 0;
      if (ms % 60_000 !== 0) {
        fail(
          at("window"),
          gate.window,
          `CloudWatch periods of metrics are whole minutes; use a window of whole minutes, e.g. "${Math.max(1, Math.round(ms / 60_000))}m"`,
        );
      }
    }
    if (gate.judge.type === "baseline" && clusters.length < 2) {
      fail(
        at("judge", "type"),
        "baseline",
        `a baseline gate compares a cluster with the others, and this environment has ${clusters.length} cluster(s); add clusters, or use an absolute judge`,
      );
    }
  });
}

/** The first 10.x.0.0/16 that overlaps no declared cluster CIDR: a concrete fix to suggest. */
function freeBlock(env: Parsed): string {
  const used = env.clusters.map((c) => c.cidr).filter((c): c is string => c !== undefined);
  for (let x = 0; x < 256; x++) {
    const candidate = `10.${x}.0.0/16`;
    if (!used.some((u) => cidrsOverlap(u, candidate))) return candidate;
  }
  return "172.16.0.0/16";
}

/** Every repeated value after its first occurrence, with both positions. */
function firstDuplicate<T>(values: T[]): { index: number; value: T; first: number }[] {
  const seen = new Map<T, number>();
  const out: { index: number; value: T; first: number }[] = [];
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else out.push({ index, value, first });
  });
  return out;
}

/** The validated environment config, defaults filled in. */
