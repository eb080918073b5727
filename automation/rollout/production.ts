import { deployedSettings } from "../../config/effective";
import {
  directiveEnv,
  type Directive,
  type FenceClaim,
  type PreviousState,
} from "../../config/rolloutState";
import { main } from "../../program";
import type { LoadedEnvironment } from "../environment";
import { UsageError } from "../exitCodes";
import { CapacityGate } from "../capacity/drainGate";
import { systemClock } from "../health/clock";
import {
  clusterTargetFromConfig,
  runGates,
  standardGates,
  type ClusterTarget,
  type HealthGate,
  type RoundOptions,
} from "../health";
import { clusterMembership } from "../../graph/membership";
import { clusterGraph } from "../blastRadius/graph";
import type { ClusterGraph } from "../blastRadius/steps";
import { runOffline } from "../offline/evaluate";
import { AutomationStack } from "../automationApi/automationStack";
import type { DeployedState } from "../automationApi/deployedState";
import type { RolloutEvent } from "./events";
import { FencedRolloutLock, rethrowFenceRefusal } from "./fencedLock";
import { productionMetrics } from "./productionMetrics";
import { runRollout, type RolloutOptions, type RolloutOutcome } from "./orchestrator";
import {
  type BlastRadius,
  type Change,
  type ClusterHealth,
  type GateOutcome,
  type RolloutStack,
  type RolloutStackState,
} from "./ports";

/**
 * The production side of `aa plan`, `aa rollout` and `aa status`: the environment's Pulumi stack
 * through the Automation API, the health gates against the real clusters, the metric gates
 * against the environment's Prometheus and CloudWatch (`productionMetrics.ts`), the blast radius
 * from the program's own graph, and the rollout lock in the stack's tags.
 */

/** Opens the environment's stack. A rollout works on an environment of the project, by name. */
export async function openStack(loaded: LoadedEnvironment): Promise<AutomationStack> {
  if (!loaded.file.path.startsWith(loaded.project.stackConfigDir)) {
    throw new UsageError(
      "--stack-file is for offline use (aa check, aa plan --deployed); name an environment of the project to work on its stack",
    );
  }
  return AutomationStack.open({
    environment: loaded.environment.name,
    projectDir: loaded.project.dir,
  });
}

/** The deployed state, from the stack's outputs. */
export async function readDeployedFromStack(loaded: LoadedEnvironment): Promise<PreviousState> {
  const stack = await openStack(loaded);
  const deployed = await stack.outputs();
  return deployed
    ? { clusters: deployed.clusters, rollout: deployed.rollout }
    : { clusters: [], rollout: null };
}

/**
 * The stack port as the orchestrator sees it: every update steered by a directive, which carries
 * the rollout's claim on the environment (`claim`, from {@link FencedRolloutLock}) while it holds
 * the lock. A preview or update the claim loses fails with `LockTakenError`.
 */
export class DirectedStack implements RolloutStack {
  private latest: DeployedState | undefined;

  constructor(
    private readonly stack: AutomationStack,
    private readonly claim: () => FenceClaim | undefined = () => undefined,
  ) {}

  /** The deployed state as of the last read or update. */
  get deployed(): DeployedState | undefined {
    return this.latest;
  }

  async readState(): Promise<RolloutStackState> {
    this.latest = await this.stack.outputs();
    if (!this.latest) {
      throw new UsageError(
        `stack ${this.stack.environment} has never been deployed; create it with \`pulumi up\` first, then roll out changes`,
      );
    }
    return { clusters: this.latest.clusters, rollout: this.latest.rollout };
  }

  /** Every step of the preview, unchanged resources included (their parents resolve others'). */
  async preview(directive: Directive): Promise<Change[]> {
    const result = await this.stack
      .preview({ programEnv: directiveEnv(this.claimed(directive)) })
      .catch(rethrowFenceRefusal);
    return result.events.flatMap((e) =>
      e.kind === "resource-pre"
        ? [
            {
              urn: e.urn,
              type: e.type,
              kind: e.op,
              ...(e.parent ? { parent: e.parent } : {}),
              ...(e.provider ? { provider: e.provider } : {}),
            },
          ]
        : [],
    );
  }

  async up(directive: Directive, message: string): Promise<void> {
    const result = await this.stack
      .up({ programEnv: directiveEnv(this.claimed(directive)), message })
      .catch(rethrowFenceRefusal);
    if (result.deployed) this.latest = result.deployed;
  }

  private claimed(directive: Directive): Directive {
    const lock = this.claim();
    return lock ? { ...directive, lock } : directive;
  }
}

/**
 * Which cluster owns each resource of an update: the program evaluated offline with the same
 * directive and deployed state, so its URNs are the ones the engine reports. What the program
 * does not register itself (children of remote components such as `eks:index:Cluster`) is tied
 * to a cluster by the steps' own parents and providers (`blastRadius/steps.ts`).
 */
export class ProgramBlastRadius implements BlastRadius {
  constructor(
    private readonly loaded: LoadedEnvironment,
    private readonly deployed: () => DeployedState | undefined,
  ) {}

  async graph(directive: Directive): Promise<ClusterGraph> {
    const deployed = this.deployed();
    const result = await runOffline({
      project: this.loaded.project.name,
      stack: this.loaded.environment.name,
      config: this.loaded.file.config,
      program: main,
      deployed: deployed ? { ...deployed } : {},
      env: directiveEnv(directive),
    });
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the program threw, as it threw it
    if (result.error !== undefined) throw result.error;
    return clusterGraph(result.resources, clusterMembership(result.resources));
  }
}

/** How to reach each cluster: its kubeconfig (a secret output) and its deployed facts. */
export class ClusterTargets {
  private kubeconfigs: Record<string, string> | undefined;

  constructor(
    private readonly loaded: LoadedEnvironment,
    private readonly stack: AutomationStack,
    private readonly deployed: () => DeployedState | undefined,
  ) {}

  /** The gates' target for one cluster, or why there is none. */
  async target(cluster: string): Promise<ClusterTarget | string> {
    const facts = this.deployed()?.clusters.find((c) => c.name === cluster);
    if (!facts) return `cluster ${cluster} is not in the stack outputs`;
    // Read once, and again for a cluster created since (an add step's new cluster).
    if (!this.kubeconfigs?.[cluster]) this.kubeconfigs = (await this.stack.kubeconfigs()).reveal();
    const kubeconfig = this.kubeconfigs[cluster];
    if (!kubeconfig) return `no kubeconfig output for cluster ${cluster}`;
    // What the cluster runs now: during a rollout it may differ from the config (a service not
    // added here yet, a namespace not moved yet).
    const desired = this.loaded.desired.find((d) => d.name === cluster);
    // A cluster no longer in the config runs what it was deployed with.
    const runs = desired ? deployedSettings(facts, desired.settings).settings : facts.settings;
    return clusterTargetFromConfig({
      config: this.loaded.environment.config,
      cluster,
      kubeconfig,
      kubernetesVersion: facts.kubernetesVersion,
      loadBalancers: facts.ingress,
      route53HealthCheckIds: Object.values(facts.healthChecks ?? {}),
      ...(facts.region ? { region: facts.region } : {}),
      ...(facts.eksClusterName ? { eksClusterName: facts.eksClusterName } : {}),
      ...(runs ? { runs } : {}),
    });
  }

  /** Every cluster's weight as deployed now. */
  weights(): Promise<Record<string, number>> {
    return Promise.resolve(
      Object.fromEntries((this.deployed()?.clusters ?? []).map((c) => [c.name, c.weight])),
    );
  }
}

/** The health gates against the real clusters, with each cluster's deployed facts. */
export class GateHealth implements ClusterHealth {
  constructor(
    /** Where each cluster is reached: in production {@link ClusterTargets}. */
    private readonly targets: Pick<ClusterTargets, "target">,
    private readonly gates: HealthGate[] = standardGates(),
  ) {}

  async check(cluster: string, opts: RoundOptions = {}): Promise<GateOutcome[]> {
    const target = await this.targets.target(cluster);
    if (typeof target === "string")
      return [{ gate: "deployed-state", cluster, ok: false, detail: target }];
    const results = await runGates(this.gates, target, opts);
    return results.map((r) => ({ gate: r.gate, cluster: r.cluster, ok: r.ok, detail: r.detail }));
  }
}

/** `aa rollout <env>` against the real environment. */
export async function runProductionRollout(
  loaded: LoadedEnvironment,
  options: RolloutOptions,
  emit: (event: RolloutEvent) => void,
): Promise<RolloutOutcome> {
  const stack = await openStack(loaded);
  const lock = new FencedRolloutLock(stack.rolloutLock(), () => stack.outputs());
  const directed = new DirectedStack(stack, () => lock.claim());
  const deployed = () => directed.deployed;
  const targets = new ClusterTargets(loaded, stack, deployed);
  const metrics = productionMetrics(loaded, (c) => targets.target(c), deployed);
  try {
    return await runRollout(
      {
        stack: directed,
        health: new GateHealth(targets),
        blastRadius: new ProgramBlastRadius(loaded, deployed),
        lock,
        clock: systemClock(),
        emit,
        drainGates: [new CapacityGate(targets)],
        ...(metrics.metrics ? { metrics: metrics.metrics } : {}),
      },
      options,
    );
  } finally {
    metrics.close();
  }
}

/** Removes a dead rollout's lock; returns who held it. */
export async function forceUnlock(loaded: LoadedEnvironment): Promise<string | undefined> {
  const stack = await openStack(loaded);
  const holder = await stack.rolloutLock().forceUnlock();
  return holder
    ? `${holder.by}${holder.since ? ` since ${holder.since.toISOString()}` : ""}`
    : undefined;
}
