import { canonicalJson, type ClusterSettings, type ClusterSpec } from "../../../config/clusters";
import { deployedSettings, resolveEffective } from "../../../config/effective";
import type { DeployedCluster, Directive, RolloutRecord } from "../../../config/rolloutState";
import type { ServiceConfig } from "../../../config/schema";
import { stepKind, type StepKind } from "../plan";
import type { Change, RolloutStack, RolloutStackState } from "../ports";
import { hasFault, type Fault } from "./faults";
import { SimulatedCrash } from "./simulatedCrash";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SERVICE = "kubernetes:core/v1:Service";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
/** The Kubernetes resources of the services on a cluster (ServiceFleet's). */
const WORKLOAD_TYPES = [DEPLOYMENT, SERVICE, "kubernetes:policy/v1:PodDisruptionBudget", HPA];

/** Each URN once, the first kind reported for it. */
function unique(changes: Change[]): Change[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.urn) && seen.add(c.urn));
}

/** A resource of the simulated environment: its URN, type and inputs, by cluster. */
export interface SimResource {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
}

/** One update the simulated stack ran. */
export interface SimUpdate {
  message: string;
  directive: Directive;
  /** Clusters whose cluster-scoped settings this update changed. */
  changed: string[];
  /** What kind of change each changed cluster had: workloads only ("release") or more. */
  kinds: Record<string, StepKind>;
  /** Clusters at weight 0 after it. */
  drained: string[];
  /** Every deployed cluster's Route 53 weight after it. */
  weights: Record<string, number>;
}

/**
 * The environment's stack, in process: updates are decided by the program's own rules
 * (`resolveEffective`, so the simulation refuses exactly what `pulumi up` would refuse), and a
 * preview reports the resources of the real program (URNs from an offline evaluation) that the
 * update would change. Faults: `up-fails`, `preview-touches-other`, `crash-after-drain`,
 * `crash-after-up`, `crash-during-ramp` (once the cluster's traffic ramp reaches 50%).
 */
export class SimulatedStack implements RolloutStack {
  private clusters_: DeployedCluster[];
  private rollout: RolloutRecord | null = null;
  private readonly crashed = new Set<string>();
  /** Every update run, in order. */
  readonly updates: SimUpdate[] = [];

  constructor(
    private readonly desired: ClusterSpec[],
    initial: DeployedCluster[],
    private readonly resources: ReadonlyMap<string, SimResource[]>,
    private readonly faults: readonly Fault[],
    private readonly onClusterChanged: (cluster: string, kind: StepKind) => void = () => undefined,
    rollout: RolloutRecord | null = null,
    /** The environment's hostnames and the service each serves (`dns.hostnames`). */
    private readonly hostnames: readonly { hostname: string; service: string }[] = [],
    /**
     * Records the state after each update, before the update counts as done (a rehearsal's
     * `--sim-state` file); what it throws fails the update, with nothing changed.
     */
    private readonly persist: (state: RolloutStackState) => void = () => undefined,
  ) {
    this.clusters_ = initial.map((c) => ({ ...c }));
    this.rollout = rollout ? structuredClone(rollout) : null;
  }

  /** The clusters as deployed now. */
  clusters(): readonly DeployedCluster[] {
    return this.clusters_;
  }

  /** The Kubernetes version a cluster is deployed at now. */
  versionOf(cluster: string): string {
    return this.clusters_.find((c) => c.name === cluster)?.kubernetesVersion ?? "unknown";
  }

  /** The percent of its weight a cluster serves now (0 when it is not deployed). */
  rampOf(cluster: string): number {
    const c = this.clusters_.find((d) => d.name === cluster);
    return c ? (c.ramp ?? 100) : 0;
  }

  // The stack port is asynchronous (the real one runs the Pulumi engine); the simulation answers
  // at once, and what it throws (as the program or the engine would) is the promise's rejection.
  readState(): Promise<RolloutStackState> {
    return Promise.resolve(structuredClone({ clusters: this.clusters_, rollout: this.rollout }));
  }

  preview(directive: Directive): Promise<Change[]> {
    return new Promise((resolve) => resolve(this.changes(directive)));
  }

  up(directive: Directive, message: string): Promise<void> {
    return new Promise((resolve) => {
      this.update(directive, message);
      resolve();
    });
  }

  private changes(directive: Directive): Change[] {
    const next = this.resolve(directive);
    const changes: Change[] = [];
    // A released cluster: every resource of it is deleted.
    for (const gone of this.clusters_.filter(
      (c) => !next.some((n) => n.deployed.name === c.name),
    )) {
      changes.push(...this.all(gone.name, "delete"));
    }
    for (const { deployed: after, settings } of next) {
      const before = this.clusters_.find((c) => c.name === after.name);
      if (!before) {
        changes.push(...this.all(after.name, "create"));
        continue;
      }
      const was = this.deployedSettings(before);
      if (was && was.generation !== after.generation) {
        changes.push(...this.settingsChanges(after.name, was.settings, settings));
      }
      if (before.weight !== after.weight) {
        changes.push(...this.ofType(after.name, "aws:route53/record:Record", "update"));
      }
    }
    const advancing = directive.advance?.cluster;
    if (advancing && hasFault(this.faults, advancing, "preview-touches-other")) {
      const other = this.desired.find((d) => d.name !== advancing)?.name;
      if (other) changes.push(...this.ofType(other, "aws:eks/addon:Addon", "update").slice(0, 1));
    }
    return changes;
  }

  private update(directive: Directive, message: string): void {
    const advancing = directive.advance?.cluster;
    if (advancing && hasFault(this.faults, advancing, "up-fails")) {
      throw new Error(
        `updating urn:pulumi:...::${advancing}-eks: operation error EKS: UpdateClusterVersion, InvalidParameterException: unsupported Kubernetes version (simulated)`,
      );
    }
    const resolved = this.resolve(directive);
    const next = resolved.map((n) => n.deployed);
    const kinds: Record<string, StepKind> = {};
    for (const { deployed: n, settings } of resolved) {
      const before = this.clusters_.find((c) => c.name === n.name);
      const was = before && this.deployedSettings(before);
      if ((was?.generation ?? before?.generation) === n.generation) continue;
      kinds[n.name] = !before ? "add" : was ? stepKind(was.settings, settings) : "upgrade";
    }
    const changed = Object.keys(kinds);
    const rollout = directive.record ? structuredClone(directive.record) : null;
    // Durable first, as the backend records a `pulumi up`: a process killed after this line finds
    // the update done when it resumes, one killed before it finds it not done; never half.
    this.persist({ clusters: next, rollout });
    this.clusters_ = next;
    this.rollout = rollout;
    const drained = next.filter((c) => c.weight === 0).map((c) => c.name);
    const weights = Object.fromEntries(next.map((c) => [c.name, c.weight]));
    this.updates.push({
      message,
      directive: structuredClone(directive),
      changed,
      kinds,
      drained,
      weights,
    });
    changed.forEach((c) => this.onClusterChanged(c, kinds[c]));

    // Crashes happen after the update is durable, as a killed process would leave it.
    if (advancing && hasFault(this.faults, advancing, "crash-after-up"))
      this.crashOnce(advancing, "after-up");
    const drainedNow = directive.drained[0];
    if (!advancing && drainedNow && hasFault(this.faults, drainedNow, "crash-after-drain")) {
      this.crashOnce(drainedNow, "after-drain");
    }
    const ramp = directive.ramp;
    if (ramp && ramp.percent >= 50 && hasFault(this.faults, ramp.cluster, "crash-during-ramp")) {
      this.crashOnce(ramp.cluster, "during-ramp");
    }
  }

  private crashOnce(cluster: string, where: string) {
    const key = `${cluster}:${where}`;
    if (this.crashed.has(key)) return;
    this.crashed.add(key);
    throw new SimulatedCrash(`${where.replace("-", " ")} of cluster ${cluster}`);
  }

  /**
   * The deployed clusters after an update with this directive, with the settings each runs then
   * (throws as the program would).
   */
  private resolve(
    directive: Directive,
  ): { deployed: DeployedCluster; settings: ClusterSettings }[] {
    const effective = resolveEffective(
      this.desired,
      { clusters: this.clusters_, rollout: this.rollout },
      directive,
    );
    return effective.specs.map((spec) => {
      const before = this.clusters_.find((c) => c.name === spec.name);
      return {
        settings: spec.settings,
        deployed: {
          name: spec.name,
          weight: spec.weight,
          ramp: spec.ramp,
          configuredWeight: spec.configuredWeight,
          endpoint: before?.endpoint ?? `https://${spec.name}.eks.simulated`,
          kubernetesVersion: spec.settings.kubernetesVersion,
          addons: spec.settings.addons,
          kyvernoVersion: spec.settings.kyverno.version,
          generation: spec.generation,
          settings: spec.settings,
          ingress: before?.ingress ?? {},
        },
      };
    });
  }

  /** A deployed cluster's settings, completed as the program completes them. */
  private deployedSettings(cluster: DeployedCluster) {
    const desired = this.desired.find((d) => d.name === cluster.name);
    return desired && deployedSettings(cluster, desired.settings);
  }

  /**
   * The real program's resources an update from `from` to `to` changes on one cluster. The
   * resources are those of the program evaluated at the desired config, so a service that is
   * only in `from` (removed) has none to report.
   */
  private settingsChanges(cluster: string, from: ClusterSettings, to: ClusterSettings): Change[] {
    const out: Change[] = [];
    const differs = (a: unknown, b: unknown) => canonicalJson(a) !== canonicalJson(b);
    if (from.kubernetesVersion !== to.kubernetesVersion || differs(from.apiAccess, to.apiAccess)) {
      out.push(...this.ofType(cluster, "eks:index:Cluster", "update"));
    }
    if (from.kubernetesVersion !== to.kubernetesVersion || differs(from.nodeGroup, to.nodeGroup)) {
      out.push(...this.ofType(cluster, "aws:eks/nodeGroup:NodeGroup", "update"));
    }
    if (differs(from.nodeGroup, to.nodeGroup)) {
      out.push(...this.ofType(cluster, "aws:ec2/launchTemplate:LaunchTemplate", "update"));
    }
    const addonNames = { vpcCni: "vpc-cni", coredns: "coredns", kubeProxy: "kube-proxy" } as const;
    for (const key of Object.keys(addonNames) as (keyof typeof addonNames)[]) {
      if (from.addons[key] !== to.addons[key]) {
        out.push(
          ...this.ofType(cluster, "aws:eks/addon:Addon", "update").filter(
            (c) => this.inputsOf(cluster, c.urn).addonName === addonNames[key],
          ),
        );
      }
    }
    if (differs(from.kyverno, to.kyverno)) {
      out.push(...this.ofType(cluster, "kubernetes:helm.sh/v3:Release", "update"));
    }
    if (differs(from.network, to.network) || from.cidr !== to.cidr) {
      // A new VPC layout or block: new subnets, so a new EKS cluster and node group in them.
      out.push(
        ...(this.resources.get(cluster) ?? [])
          .filter((r) => r.type.startsWith("aws:ec2/"))
          .map((r) => ({ urn: r.urn, type: r.type, kind: "replace" })),
        ...this.ofType(cluster, "eks:index:Cluster", "replace"),
        ...this.ofType(cluster, "aws:eks/nodeGroup:NodeGroup", "replace"),
      );
    }
    if (from.namespace !== to.namespace) {
      // A workload's namespace cannot change in place: every workload moves to the new namespace.
      out.push(...this.ofType(cluster, NAMESPACE, "replace"));
      for (const type of WORKLOAD_TYPES) out.push(...this.ofType(cluster, type, "replace"));
    } else {
      out.push(...this.serviceChanges(cluster, from.services, to.services));
    }
    return unique(out);
  }

  /** The resources a change of the services makes on one cluster, service by service. */
  private serviceChanges(cluster: string, from: ServiceConfig[], to: ServiceConfig[]): Change[] {
    const out: Change[] = [];
    const differs = (a: unknown, b: unknown) => canonicalJson(a) !== canonicalJson(b);
    for (const after of to) {
      const before = from.find((s) => s.name === after.name);
      const of = (type: string, kind: string) =>
        this.ofType(cluster, type, kind).filter(
          (c) =>
            (this.inputsOf(cluster, c.urn).metadata as { name?: unknown })?.name === after.name,
        );
      // A service's health checks: those of the hostnames it serves (TrafficSplit names each
      // "<hostname> <cluster>"); two services may listen on the same port.
      const served = new Set(
        this.hostnames
          .filter((h) => h.service === after.name)
          .map((h) => `${h.hostname} ${cluster}`),
      );
      const healthChecks = (kind: string) =>
        this.ofType(cluster, HEALTH_CHECK, kind).filter((c) =>
          served.has(String((this.inputsOf(cluster, c.urn).tags as { Name?: unknown })?.Name)),
        );
      if (!before) {
        for (const type of WORKLOAD_TYPES) out.push(...of(type, "create"));
        out.push(...healthChecks("create"));
        continue;
      }
      const changed = (keys: (keyof ServiceConfig)[]) =>
        keys.some((k) => differs(before[k], after[k]));
      const podPort = (svc: ServiceConfig) => svc.containerPort ?? svc.port;
      if (
        changed(["image", "env", "replicas", "resources", "healthPath"]) ||
        podPort(before) !== podPort(after)
      ) {
        out.push(...of(DEPLOYMENT, "update"));
      }
      // The drain sets the load balancer's deregistration delay, an annotation of the Service.
      if (changed(["port", "containerPort", "drain"])) out.push(...of(SERVICE, "update"));
      if (changed(["port", "healthPath"])) out.push(...healthChecks("update"));
      if (changed(["autoscaling", "replicas"]) && after.autoscaling) {
        out.push(...of(HPA, before.autoscaling ? "update" : "create"));
      }
    }
    return out;
  }

  /** Every resource of a cluster, as one kind of change. */
  private all(cluster: string, kind: string): Change[] {
    return (this.resources.get(cluster) ?? []).map((r) => ({ urn: r.urn, type: r.type, kind }));
  }

  private ofType(cluster: string, type: string, kind: string): Change[] {
    return (this.resources.get(cluster) ?? [])
      .filter((r) => r.type === type)
      .map((r) => ({ urn: r.urn, type: r.type, kind }));
  }

  private inputsOf(cluster: string, urn: string): Record<string, unknown> {
    return (this.resources.get(cluster) ?? []).find((r) => r.urn === urn)?.inputs ?? {};
  }
}
