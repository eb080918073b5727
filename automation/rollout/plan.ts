import { AaError, ExitCode } from "../../errors/aaError";
import { generationOf, type ClusterSettings, type ClusterSpec } from "../../config/clusters";
import { deployedSettings } from "../../config/effective";
import { rampPath } from "../../config/ramp";
import { clusterSettingsSchema, type DeployedCluster } from "../../config/rolloutState";
import { placementChanges, placementRefusal } from "../../config/placement";
import { kubeProxySkew } from "../../config/rules";
import type { EnvironmentConfig, ServiceConfig } from "../../config/schema";
import { minorOf } from "../../config/version";
import { UsageError } from "../exitCodes";

/**
 * What a step changes, and so how it is run:
 *  - `"release"`: workloads only (services' image, env, replicas, resources, containerPort,
 *    healthPath, autoscaling; services added or removed), and who may use the cluster's API
 *    (`access`: EKS access entries, which serve no traffic). The cluster's entry points and
 *    everything under the workloads stay as they are.
 *  - `"upgrade"`: everything else (control plane, add-ons, nodes, Kyverno, network and CIDR, API
 *    access, the services' namespace, a service's load-balancer port, which changes each
 *    cluster's entry point). An upgrade drains the cluster first.
 */
export type ChangeKind = "release" | "upgrade";

/**
 * What a step does: a change of what a cluster runs ({@link ChangeKind}), or a change of the
 * environment's clusters:
 *  - `"add"`: a cluster in the config that serves no traffic yet: create it (or bring it to its
 *    settings), check it, then ramp its traffic up (`rollout.rampPercent`), checking after each;
 *  - `"remove"`: a deployed cluster gone from the config: check the others can absorb its share,
 *    ramp it down, drain it, wait out DNS, then delete only its resources.
 */
export type StepKind = ChangeKind | "add" | "remove";

/** One cluster moving one hop: the unit a rollout drains, changes, checks and undrains. */
export interface RolloutStep {
  /** Position in the plan, from 1. */
  number: number;
  /** Pass number, from 1: a multi-minor upgrade takes one pass per minor over all clusters. */
  pass: number;
  cluster: string;
  /** Release, upgrade, add or remove. See {@link StepKind}. */
  kind: StepKind;
  /** What the cluster runs before the step; null for a cluster that is not deployed yet. */
  from: ClusterSettings | null;
  /** What it runs after (a removed cluster: what it runs until it is deleted). */
  to: ClusterSettings;
  /**
   * An add or remove step: the percents of its configured weight the cluster's traffic goes
   * through, in order ([10, 50, 100] up; [50, 10] down, then the drain).
   */
  ramp?: number[];
  /** An add or remove step: the percent of its weight the cluster serves before the step. */
  fromRamp?: number;
  /** An add step: the deployed cluster this one replaces (`clusters[].replaces`). */
  replaces?: string;
  /** A remove step: the new cluster that replaces this one. */
  replacedBy?: string;
  fromGeneration: string;
  toGeneration: string;
  /**
   * What changes, for people: "kubernetes 1.32 -> 1.33", "coredns v1 -> v2",
   * "service api image ghcr.io/acme/api:1.4.2 -> ghcr.io/acme/api:1.5.0".
   */
  changes: string[];
  /** True when this is the cluster's last step (it ends at its desired settings). */
  final: boolean;
}

/** What a step is, in one line of JSON: the summary `aa plan --json` and `rollout-started` show. */
export function stepSummary(s: RolloutStep) {
  return {
    number: s.number,
    pass: s.pass,
    cluster: s.cluster,
    kind: s.kind,
    changes: s.changes,
    ...(s.ramp ? { ramp: s.ramp } : {}),
    ...(s.replaces ? { replaces: s.replaces } : {}),
    ...(s.replacedBy ? { replacedBy: s.replacedBy } : {}),
  };
}

/** What the planner reads of the config. */
export type PlanConfig = Pick<EnvironmentConfig, "addonMatrix"> &
  Partial<Pick<EnvironmentConfig, "rollout" | "clusters">>;

/** The ramp when the config sets none. */
const DEFAULT_RAMP = [10, 50, 100];

/** The way from deployed to desired. */
export interface RolloutPlan {
  steps: RolloutStep[];
  /** Clusters already at their desired settings. */
  done: string[];
  /** Things to know that are not steps (clusters not deployed yet, ...). */
  notes: string[];
}

/** The change cannot be rolled out safely as asked; the message says why and what to do. */
export class PlanRefusal extends AaError {
  readonly exit = ExitCode.Refused;
  readonly code = "AA_PLAN_REFUSED";
}

/**
 * Plans the steps from the deployed state to the desired one. Pure. EKS-aware:
 *  - one Kubernetes minor per hop (1.31 -> 1.33 is two passes over all clusters), and a cluster
 *    moves to minor m+1 only when every cluster is at m or above, so clusters are never more
 *    than one minor apart at any moment; downgrades are refused (EKS cannot downgrade);
 *  - node groups follow their control plane (both are in the cluster's settings);
 *  - the add-ons of an intermediate minor come from `addonMatrix` (first listed version), or stay
 *    at their deployed versions when those are valid there; otherwise the plan is refused;
 *  - every other change of what a cluster runs (add-ons, Kyverno, node group, network, namespace,
 *    services, ...) is one step per cluster, in the last pass; the intermediate hops of a
 *    multi-minor upgrade keep everything else (services included) as deployed;
 *  - each change is a release (workloads only) or an upgrade ({@link StepKind});
 *  - a cluster in the config that serves no traffic yet (not deployed, or deployed below its full
 *    weight) is an `add` step, first in the first pass where its version fits, so the new
 *    capacity is there before any other cluster is drained; a deployed cluster that is no longer
 *    in the config is a `remove` step, last: a replacement (`replaces`) is always added before
 *    the cluster it replaces is removed. With nothing deployed yet there are no steps: the first
 *    `pulumi up` creates every cluster with its configured weight;
 *  - a deployed cluster the config moves to another region or account is refused
 *    (`config/placement.ts`): that is a new cluster that `replaces` it, not a step.
 * `order` sets the order of clusters within each pass (default: config order).
 */
export function planRollout(
  desired: ClusterSpec[],
  deployed: DeployedCluster[],
  config: PlanConfig,
  order?: string[],
): RolloutPlan {
  const byName = new Map(deployed.map((d) => [d.name, d]));
  const sequence = orderClusters(desired, order);
  const rampSteps = config.rollout?.rampPercent ?? DEFAULT_RAMP;
  const replacing = new Map(
    (config.clusters ?? []).flatMap((c) => (c.replaces ? [[c.name, c.replaces] as const] : [])),
  );
  const notes: string[] = [];
  const done: string[] = [];

  if (deployed.length === 0) {
    notes.push(
      "nothing is deployed yet; the first `pulumi up` creates every cluster with its configured weight",
    );
    return { steps: [], done, notes };
  }
  const moved = placementChanges(desired, deployed);
  if (moved.length > 0) throw new PlanRefusal(placementRefusal(moved));

  // Each cluster's deployed settings (completed where an earlier version recorded fewer keys),
  // and its hops, as the settings it passes through.
  const at = new Map<string, ClusterSettings>();
  const legacy = new Map<string, string[]>();
  const hops = new Map<string, ClusterSettings[]>();
  const adds: { spec: ClusterSpec; from: ClusterSettings | null; ramp: number }[] = [];
  for (const spec of sequence) {
    const dep = byName.get(spec.name);
    if (!dep) {
      adds.push({ spec, from: null, ramp: 0 });
      continue;
    }
    const current = deployedSettings(dep, spec.settings);
    if (current.completed.length > 0) legacy.set(spec.name, current.completed);
    if ((dep.ramp ?? 100) < 100 && spec.weight > 0) {
      adds.push({ spec, from: current.settings, ramp: dep.ramp ?? 100 });
      continue;
    }
    if (current.generation === spec.generation) {
      done.push(spec.name);
      continue;
    }
    at.set(spec.name, current.settings);
    hops.set(spec.name, hopsFor(spec.name, current.settings, spec.settings, config));
  }
  const removed = deployed.filter((d) => !desired.some((s) => s.name === d.name));

  if (legacy.size > 0) {
    const keys = [...new Set([...legacy.values()].flat())];
    notes.push(
      `the stack outputs of cluster ${[...legacy.keys()].join(", ")} were written by an earlier version of active-active and do not record ${keys.join(", ")}; ` +
        "they are taken as the config's, so a change to them does not show here. Run a plain `pulumi up` with the deployed config once to record them",
    );
  }

  // Passes: the k-th pass moves clusters to minor (lowest deployed minor + k); changes that keep
  // the minor ride along with the last pass. Within a pass, clusters go in `sequence` order.
  const base = Math.min(
    ...deployed.map((d) => minorOf(d.settings?.kubernetesVersion ?? d.kubernetesVersion)),
  );
  type Move = Omit<RolloutStep, "number" | "pass" | "fromGeneration" | "toGeneration" | "changes">;
  const moves: (Move & { pass?: number; rank: number })[] = [];
  for (const spec of sequence) {
    const path = hops.get(spec.name);
    if (!path) continue;
    let from = at.get(spec.name)!;
    path.forEach((to, i) => {
      const versionHop = to.kubernetesVersion !== from.kubernetesVersion;
      moves.push({
        cluster: spec.name,
        kind: stepKind(from, to),
        from,
        to,
        pass: versionHop ? minorOf(to.kubernetesVersion) - base : undefined,
        final: i === path.length - 1,
        rank: 1,
      });
      from = to;
    });
  }
  for (const add of adds) {
    const minor = minorOf(add.spec.settings.kubernetesVersion);
    if (add.from && minor - minorOf(add.from.kubernetesVersion) > 1) {
      throw new PlanRefusal(
        `cluster ${add.spec.name} serves no traffic yet and runs Kubernetes ${add.from.kubernetesVersion}, but the config asks for ${add.spec.settings.kubernetesVersion}; EKS moves one minor at a time. Set its kubernetesVersion to one minor above, roll out, then raise it again`,
      );
    }
    moves.push({
      cluster: add.spec.name,
      kind: "add",
      from: add.from,
      to: add.spec.settings,
      ramp: add.spec.weight > 0 ? rampPath(rampSteps, add.ramp, "up") : [],
      fromRamp: add.ramp,
      ...(replacing.has(add.spec.name) ? { replaces: replacing.get(add.spec.name) } : {}),
      pass: Math.max(1, minor - base),
      final: true,
      rank: 0,
    });
  }
  for (const dep of removed) {
    const settings = clusterSettingsSchema.safeParse(dep.settings);
    if (!settings.success) {
      throw new PlanRefusal(
        `cluster ${dep.name} is deployed but no longer in the config, and its stack outputs were written by an earlier version of active-active that did not record everything it runs, so \`aa rollout\` cannot keep it as it is while taking it out. ` +
          `Put ${dep.name} back into active-active:clusters as deployed, run a plain \`pulumi up\` once to record its settings, then remove it again`,
      );
    }
    const by = [...replacing].find(([, old]) => old === dep.name)?.[0];
    moves.push({
      cluster: dep.name,
      kind: "remove",
      from: settings.data,
      to: settings.data,
      ramp: rampPath(rampSteps, dep.ramp ?? 100, "down"),
      fromRamp: dep.ramp ?? 100,
      ...(by ? { replacedBy: by } : {}),
      final: true,
      rank: 2,
    });
  }
  const lastPass = Math.max(1, ...moves.map((m) => m.pass ?? 1));
  const position = new Map(sequence.map((s, i) => [s.name, i]));
  const rankOf = (cluster: string) => position.get(cluster) ?? sequence.length;
  const steps: RolloutStep[] = moves
    .map((m, i) => ({ ...m, pass: m.pass ?? lastPass, i }))
    .sort(
      (a, b) =>
        a.pass - b.pass || a.rank - b.rank || rankOf(a.cluster) - rankOf(b.cluster) || a.i - b.i,
    )
    .map(({ rank: _rank, i: _i, ...m }, i) => ({
      ...m,
      number: i + 1,
      fromGeneration: m.from ? generationOf(m.from) : "",
      toGeneration: generationOf(m.to),
      changes: describeStep(m),
    }));

  assertSkewHolds(deployed, steps);
  return { steps, done, notes };
}

/** What a step does, for people. */
function describeStep(
  m: Pick<RolloutStep, "kind" | "from" | "to" | "ramp" | "fromRamp" | "cluster">,
): string[] {
  const ramp = (from: number, path: number[]) => [from, ...path].map((p) => `${p}%`).join(" -> ");
  if (m.kind === "remove") {
    const path = m.ramp ?? [];
    return [
      ...(path.length > 0
        ? [`ramp traffic down ${ramp(m.fromRamp ?? 100, path)} of its weight`]
        : []),
      "drain (weight 0), wait for DNS",
      `delete cluster ${m.cluster} and everything it runs`,
    ];
  }
  if (m.kind === "add") {
    const path = m.ramp ?? [];
    const start =
      path.length > 0 ? `ramp traffic up ${ramp(m.fromRamp ?? 0, path)} of its weight` : "";
    const build = m.from
      ? describeChanges(m.from, m.to)
      : [`create cluster ${m.cluster} (Kubernetes ${m.to.kubernetesVersion})`];
    return [...build, ...(start ? [start] : [])];
  }
  return describeChanges(m.from!, m.to);
}

/** The settings a cluster passes through on its way from `from` to `to`, one minor per hop. */
function hopsFor(
  cluster: string,
  from: ClusterSettings,
  to: ClusterSettings,
  config: PlanConfig,
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

/**
 * Checks `--order` against the environment's clusters: every cluster once, no other. A wrong list
 * is a usage error (exit 2); the commands call this before anything runs.
 */
export function checkClusterOrder(order: string[] | undefined, names: string[]): void {
  if (!order || order.length === 0) return;
  const unknown = order.filter((o) => !names.includes(o));
  if (unknown.length > 0) {
    throw new UsageError(
      `--order names unknown cluster(s) ${unknown.join(", ")}; clusters are ${names.join(", ")}`,
    );
  }
  const missing = names.filter((n) => !order.includes(n));
  if (missing.length > 0 || new Set(order).size !== order.length) {
    throw new UsageError(
      `--order must list every cluster once (${names.join(", ")}); got ${order.join(", ")}`,
    );
  }
}

/** `desired` in `--order`'s order. */
function orderClusters(desired: ClusterSpec[], order: string[] | undefined): ClusterSpec[] {
  if (!order || order.length === 0) return desired;
  checkClusterOrder(
    order,
    desired.map((d) => d.name),
  );
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
    if (step.kind === "remove") version.delete(step.cluster);
    else version.set(step.cluster, minorOf(step.to.kubernetesVersion));
    check(`after step ${step.number} (${step.cluster})`);
  }
}

/** How a change of each key of a cluster's settings is run; services go by their own keys. */
const SETTINGS_KIND = {
  kubernetesVersion: "upgrade",
  addons: "upgrade",
  kyverno: "upgrade",
  nodeGroup: "upgrade",
  network: "upgrade",
  cidr: "upgrade",
  apiAccess: "upgrade",
  // Access entries authorize API callers; serving traffic does not go through them.
  access: "release",
  namespace: "upgrade",
  services: "by service key",
  // Never a step: where a deployed cluster runs does not change (config/placement.ts refuses).
  region: "upgrade",
  roleArn: "upgrade",
} as const satisfies Record<keyof ClusterSettings, ChangeKind | "by service key">;

/**
 * How a change of each key of a service is run. A service added or removed is a release; `name`
 * never differs between the two copies that are compared (a rename is a removal and an addition).
 */
const SERVICE_KIND = {
  name: "release",
  image: "release",
  env: "release",
  replicas: "release",
  resources: "release",
  containerPort: "release",
  healthPath: "release",
  autoscaling: "release",
  // The load balancer's deregistration delay: an attribute of its target group, in service.
  drain: "release",
  port: "upgrade",
} as const satisfies Record<keyof ServiceConfig, ChangeKind>;

/** Release when only workloads change between the two settings, else upgrade. Pure. */
export function stepKind(from: ClusterSettings, to: ClusterSettings): ChangeKind {
  for (const key of Object.keys(SETTINGS_KIND) as (keyof ClusterSettings)[]) {
    if (!differs(from[key], to[key])) continue;
    const kind = SETTINGS_KIND[key];
    if (kind === "upgrade") return kind;
    for (const [a, b] of servicePairs(from.services, to.services)) {
      if (!a || !b) continue;
      for (const k of Object.keys(SERVICE_KIND) as (keyof ServiceConfig)[]) {
        if (differs(a[k], b[k]) && SERVICE_KIND[k] === "upgrade") return "upgrade";
      }
    }
  }
  return "release";
}

/** Each service name's copy in `from` and in `to` (undefined where it is absent), by name. */
function servicePairs(
  from: ServiceConfig[],
  to: ServiceConfig[],
): [ServiceConfig | undefined, ServiceConfig | undefined][] {
  const names = [...new Set([...from, ...to].map((s) => s.name))].sort();
  return names.map((n) => [from.find((s) => s.name === n), to.find((s) => s.name === n)]);
}

const differs = (a: unknown, b: unknown) => canonical(a) !== canonical(b);
const canonical = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => sortKeys(x)) ?? "";
function sortKeys(x: unknown): unknown {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return x;
  return Object.fromEntries(
    Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

type Describe<T> = (from: T, to: T) => string[];

const arrow = (what: string, a: unknown, b: unknown): string[] =>
  differs(a, b) ? [`${what} ${fmt(a)} -> ${fmt(b)}`] : [];

/** Every key of an object pair, each as an arrow `<prefix> <key> a -> b` where it differs. */
function arrowsByKey(prefix: string, from: object, to: object): string[] {
  const a = from as Record<string, unknown>;
  const b = to as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) =>
    arrow(`${prefix} ${key}`, a[key], b[key]),
  );
}

/** How each key of a service's change is described, for every key a service has. */
const DESCRIBE_SERVICE: {
  [K in keyof ServiceConfig]-?: (svc: string) => Describe<ServiceConfig[K]>;
} = {
  name: () => () => [],
  image: (svc) => (a, b) => arrow(`service ${svc} image`, a, b),
  replicas: (svc) => (a, b) => arrow(`service ${svc} replicas`, a, b),
  port: (svc) => (a, b) => arrow(`service ${svc} port`, a, b),
  containerPort: (svc) => (a, b) => arrow(`service ${svc} containerPort`, a, b),
  resources: (svc) => (a, b) => arrow(`service ${svc} resources`, a, b),
  healthPath: (svc) => (a, b) => arrow(`service ${svc} healthPath`, a, b),
  autoscaling: (svc) => (a, b) => arrow(`service ${svc} autoscaling`, a, b),
  drain: (svc) => (a, b) => arrow(`service ${svc} drain`, a, b),
  env: (svc) => (a, b) => {
    const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    const what = names.flatMap((n) =>
      !(n in a)
        ? [`${n} added`]
        : !(n in b)
          ? [`${n} removed`]
          : differs(a[n], b[n])
            ? [`${n} changed`]
            : [],
    );
    return what.length > 0 ? [`service ${svc} env (${what.join(", ")})`] : [];
  },
};

/** How each key of a cluster's settings is described, for every key the settings have. */
const DESCRIBE: { [K in keyof ClusterSettings]-?: Describe<ClusterSettings[K]> } = {
  kubernetesVersion: (a, b) => arrow("kubernetes", a, b),
  addons: (a, b) => [
    ...arrow("vpc-cni", a.vpcCni, b.vpcCni),
    ...arrow("coredns", a.coredns, b.coredns),
    ...arrow("kube-proxy", a.kubeProxy, b.kubeProxy),
  ],
  kyverno: (a, b) => [
    ...arrow("kyverno chart", a.version, b.version),
    ...(differs({ ...a, version: 0 }, { ...b, version: 0 }) ? ["kyverno chart settings"] : []),
  ],
  nodeGroup: (a, b) => arrowsByKey("node group", a, b),
  network: (a, b) => arrowsByKey("network", a, b),
  cidr: (a, b) => arrow("cidr", a, b),
  apiAccess: (a, b) => arrow("API access", a.publicAccessCidrs, b.publicAccessCidrs),
  access: (a, b) => describeAccess(a, b),
  namespace: (a, b) => arrow("namespace", a, b),
  region: (a, b) => arrow("region", a, b),
  roleArn: (a, b) => arrow("role", a, b),
  services: (a, b) =>
    servicePairs(a, b).flatMap(([x, y]) => {
      if (!x) return [`service ${y!.name} added (${y!.image})`];
      if (!y) return [`service ${x.name} removed`];
      return (Object.keys(DESCRIBE_SERVICE) as (keyof ServiceConfig)[]).flatMap((k) =>
        (DESCRIBE_SERVICE[k](x.name) as Describe<unknown>)(x[k], y[k]),
      );
    }),
};

/**
 * An access change in words, per principal and policy: "access view for arn:... added",
 * "... removed", "... namespaces apps -> apps, web".
 */
function describeAccess(a: ClusterSettings["access"], b: ClusterSettings["access"]): string[] {
  type Grant = NonNullable<ClusterSettings["access"]>[number];
  const key = (g: Grant) => `${g.policy} for ${g.principalArn}`;
  const scope = (g: Grant) =>
    g.namespaces === undefined ? "the cluster" : [...g.namespaces].sort().join(", ");
  const before = new Map((a ?? []).map((g) => [key(g), g]));
  const after = new Map((b ?? []).map((g) => [key(g), g]));
  return [...new Set([...before.keys(), ...after.keys()])].flatMap((k) => {
    const x = before.get(k);
    const y = after.get(k);
    if (!x) return [`access ${k} added (${scope(y!)})`];
    if (!y) return [`access ${k} removed`];
    return scope(x) === scope(y) ? [] : [`access ${k}: ${scope(x)} -> ${scope(y)}`];
  });
}

/** Human descriptions of what changes between two settings: every difference, in words. */
export function describeChanges(from: ClusterSettings, to: ClusterSettings): string[] {
  return (Object.keys(DESCRIBE) as (keyof ClusterSettings)[]).flatMap((key) =>
    (DESCRIBE[key] as Describe<unknown>)(from[key], to[key]),
  );
}

function fmt(v: unknown): string {
  if (v === undefined) return "unset";
  return typeof v === "string" ? v : canonical(v);
}
