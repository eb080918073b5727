import { generationOf, type ClusterSettings, type ClusterSpec } from "../../config/clusters";
import type { DeployedCluster } from "../../config/rolloutState";
import { kubeProxySkew } from "../../config/schema";
import type { EnvironmentConfig } from "../../config/schema";
import { minorOf } from "../../config/_version";

/** One cluster moving one hop: the unit a rollout drains, changes, checks and undrains. */
export interface RolloutStep {
  /** Position in the plan, from 1. */
  number: number;
  /** Pass number, from 1: a multi-minor upgrade takes one pass per minor over all clusters. */
  pass: number;
  cluster: string;
  from: ClusterSettings;
  to: ClusterSettings;
  fromGeneration: string;
  toGeneration: string;
  /** What changes, for people: "kubernetes 1.32 -> 1.33", "coredns v1 -> v2". */
  changes: string[];
  /** True when this is the cluster's last step (it ends at its desired settings). */
  final: boolean;
}

/** The way from deployed to desired. */
export interface RolloutPlan {
  steps: RolloutStep[];
  /** Clusters already at their desired settings. */
  done: string[];
  /** Things to know that are not steps (clusters not deployed yet, ...). */
  notes: string[];
}

/** The change cannot be rolled out safely as asked; the message says why and what to do. */
export class PlanRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanRefusal";
  }
}

/**
 * Plans the steps from the deployed state to the desired one. Pure. EKS-aware:
 *  - one Kubernetes minor per hop (1.31 -> 1.33 is two passes over all clusters), and a cluster
 *    moves to minor m+1 only when every cluster is at m or above, so clusters are never more
 *    than one minor apart at any moment; downgrades are refused (EKS cannot downgrade);
 *  - node groups follow their control plane (both are in the cluster's settings);
 *  - the add-ons of an intermediate minor come from `addonMatrix` (first listed version), or stay
 *    at their deployed versions when those are valid there; otherwise the plan is refused;
 *  - every other cluster-scoped change (add-ons, Kyverno, node group, ...) is one step per cluster,
 *    in the last pass.
 * `order` sets the order of clusters within each pass (default: config order).
 */
export function planRollout(
  desired: ClusterSpec[],
  deployed: DeployedCluster[],
  config: Pick<EnvironmentConfig, "addonMatrix">,
  order?: string[],
): RolloutPlan {
  const byName = new Map(deployed.map((d) => [d.name, d]));
  const sequence = orderClusters(desired, order);
  const notes: string[] = [];
  const done: string[] = [];

  // Each cluster's hops, as the settings it passes through.
  const hops = new Map<string, ClusterSettings[]>();
  for (const spec of sequence) {
    const dep = byName.get(spec.name);
    if (!dep) {
      notes.push(`cluster ${spec.name} is not deployed yet; \`pulumi up\` creates it`);
      continue;
    }
    if (dep.generation === spec.generation) {
      done.push(spec.name);
      continue;
    }
    if (!dep.settings) {
      throw new PlanRefusal(
        `the stack outputs do not record cluster ${spec.name}'s deployed settings; run a plain \`pulumi up\` with the deployed config once, then plan again`,
      );
    }
    hops.set(spec.name, hopsFor(spec.name, dep.settings, spec.settings, config));
  }

  // Passes: the k-th pass moves clusters to minor (lowest deployed minor + k); changes that keep
  // the minor ride along with the last pass. Within a pass, clusters go in `sequence` order.
  const base = Math.min(
    ...deployed.map((d) => minorOf(d.settings?.kubernetesVersion ?? d.kubernetesVersion)),
  );
  const moves: {
    cluster: string;
    from: ClusterSettings;
    to: ClusterSettings;
    pass?: number;
    final: boolean;
  }[] = [];
  for (const spec of sequence) {
    const path = hops.get(spec.name);
    if (!path) continue;
    let from = byName.get(spec.name)!.settings!;
    path.forEach((to, i) => {
      const versionHop = to.kubernetesVersion !== from.kubernetesVersion;
      moves.push({
        cluster: spec.name,
        from,
        to,
        pass: versionHop ? minorOf(to.kubernetesVersion) - base : undefined,
        final: i === path.length - 1,
      });
      from = to;
    });
  }
  const lastPass = Math.max(1, ...moves.map((m) => m.pass ?? 1));
  const rank = new Map(sequence.map((s, i) => [s.name, i]));
  const steps: RolloutStep[] = moves
    .map((m, i) => ({ ...m, pass: m.pass ?? lastPass, i }))
    .sort((a, b) => a.pass - b.pass || rank.get(a.cluster)! - rank.get(b.cluster)! || a.i - b.i)
    .map((m, i) => ({
      number: i + 1,
      pass: m.pass,
      cluster: m.cluster,
      from: m.from,
      to: m.to,
      fromGeneration: generationOf(m.from),
      toGeneration: generationOf(m.to),
      changes: describeChanges(m.from, m.to),
      final: m.final,
    }));

  assertSkewHolds(deployed, steps);
  return { steps, done, notes };
}

/** The settings a cluster passes through on its way from `from` to `to`, one minor per hop. */
function hopsFor(
  cluster: string,
  from: ClusterSettings,
  to: ClusterSettings,
  config: Pick<EnvironmentConfig, "addonMatrix">,
): ClusterSettings[] {
  const m0 = minorOf(from.kubernetesVersion);
  const m1 = minorOf(to.kubernetesVersion);
  if (m1 < m0) {
    throw new PlanRefusal(
      `cluster ${cluster} runs Kubernetes ${from.kubernetesVersion} and the config asks for ${to.kubernetesVersion}; EKS cannot downgrade a cluster. Set kubernetesVersion back to "${from.kubernetesVersion}" or later`,
    );
  }
  const path: ClusterSettings[] = [];
  let current = from;
  for (let m = m0 + 1; m < m1; m++) {
    const version = `1.${m}`;
    current = {
      ...current,
      kubernetesVersion: version,
      addons: addonsFor(cluster, version, current, config),
    };
    path.push(current);
  }
  path.push(to);
  return path;
}

function addonsFor(
  cluster: string,
  version: string,
  current: ClusterSettings,
  config: Pick<EnvironmentConfig, "addonMatrix">,
): ClusterSettings["addons"] {
  const row = config.addonMatrix[version];
  if (row) return { vpcCni: row.vpcCni[0], coredns: row.coredns[0], kubeProxy: row.kubeProxy[0] };
  if (!kubeProxySkew(current.addons.kubeProxy, version)) return current.addons;
  throw new PlanRefusal(
    `cluster ${cluster} passes through Kubernetes ${version} on its way up, and its deployed kube-proxy ${current.addons.kubeProxy} cannot run there; add active-active:addonMatrix."${version}" with the add-on versions for ${version}`,
  );
}

function orderClusters(desired: ClusterSpec[], order: string[] | undefined): ClusterSpec[] {
  if (!order || order.length === 0) return desired;
  const names = desired.map((d) => d.name);
  const unknown = order.filter((o) => !names.includes(o));
  if (unknown.length > 0) {
    throw new PlanRefusal(
      `--order names unknown cluster(s) ${unknown.join(", ")}; clusters are ${names.join(", ")}`,
    );
  }
  const missing = names.filter((n) => !order.includes(n));
  if (missing.length > 0 || new Set(order).size !== order.length) {
    throw new PlanRefusal(
      `--order must list every cluster once (${names.join(", ")}); got ${order.join(", ")}`,
    );
  }
  return order.map((n) => desired.find((d) => d.name === n)!);
}

/** Replays the steps and refuses the plan if clusters would ever be more than one minor apart. */
function assertSkewHolds(deployed: DeployedCluster[], steps: RolloutStep[]): void {
  const version = new Map(
    deployed.map((d) => [d.name, minorOf(d.settings?.kubernetesVersion ?? d.kubernetesVersion)]),
  );
  const check = (when: string) => {
    const values = [...version.values()];
    if (values.length && Math.max(...values) - Math.min(...values) > 1) {
      throw new PlanRefusal(
        `${when}, clusters would be more than one minor apart (${[...version].map(([n, m]) => `${n}=1.${m}`).join(", ")}); bring the lagging clusters up first`,
      );
    }
  };
  check("already now");
  for (const step of steps) {
    version.set(step.cluster, minorOf(step.to.kubernetesVersion));
    check(`after step ${step.number} (${step.cluster})`);
  }
}

/** Human descriptions of what changes between two settings. */
export function describeChanges(from: ClusterSettings, to: ClusterSettings): string[] {
  const out: string[] = [];
  const arrow = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${what} ${fmt(a)} -> ${fmt(b)}`);
  };
  arrow("kubernetes", from.kubernetesVersion, to.kubernetesVersion);
  arrow("vpc-cni", from.addons.vpcCni, to.addons.vpcCni);
  arrow("coredns", from.addons.coredns, to.addons.coredns);
  arrow("kube-proxy", from.addons.kubeProxy, to.addons.kubeProxy);
  arrow("kyverno chart", from.kyverno.version, to.kyverno.version);
  if (
    JSON.stringify({ ...from.kyverno, version: 0 }) !==
    JSON.stringify({ ...to.kyverno, version: 0 })
  ) {
    out.push("kyverno chart settings");
  }
  for (const key of Object.keys({
    ...from.nodeGroup,
    ...to.nodeGroup,
  }) as (keyof ClusterSettings["nodeGroup"])[]) {
    arrow(`node group ${key}`, from.nodeGroup[key], to.nodeGroup[key]);
  }
  if (JSON.stringify(from.network) !== JSON.stringify(to.network)) out.push("network layout");
  arrow("API access", from.apiAccess.publicAccessCidrs, to.apiAccess.publicAccessCidrs);
  return out;
}

function fmt(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
