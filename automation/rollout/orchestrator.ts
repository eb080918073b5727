import { randomUUID } from "node:crypto";
import type { ClusterSpec } from "../../config/clusters";
import { deployedSettings } from "../../config/effective";
import { rampWeights } from "../../config/ramp";
import type { DeployedCluster, Directive, RolloutRecord } from "../../config/rolloutState";
import type { EnvironmentConfig } from "../../config/schema";
import type { ClusterState, Outside, RolloutEvent, RolloutResult } from "./events";
import { planRollout, PlanRefusal, stepSummary, type RolloutPlan, type RolloutStep } from "./plan";
import { unionGraph } from "../blastRadius/graph";
import { mapSteps, type ClusterGraph, type MappedChange } from "../blastRadius/steps";
import { soak } from "../health/soak";
import type { RoundCheck } from "../health/run";
import { waitUntilHealthy } from "../health/wait";
import { metricFinal, metricSettled, MetricWatch } from "./metricWatch";
import type {
  BlastRadius,
  Change,
  Clock,
  ClusterHealth,
  DrainGate,
  GateOutcome,
  MetricGates,
  RolloutLockPort,
  RolloutStack,
  RolloutStackState,
} from "./ports";
import { LockTakenError } from "./ports";

/** Timing and ordering of a rollout. */
export interface RolloutOptions {
  /** Environment name. */
  environment: string;
  /** The desired state: each cluster's spec from the committed config. */
  desired: ClusterSpec[];
  /** The environment config (add-on matrix, DNS TTL; the ramp and replacements, when set). */
  config: Pick<EnvironmentConfig, "addonMatrix" | "dns"> &
    Partial<Pick<EnvironmentConfig, "rollout" | "clusters">>;
  /** Cluster order within each pass. @default config order */
  order?: string[];
  /** In-flight drain window added to the DNS TTL after a drain, seconds. @default 30 */
  drainSeconds?: number;
  /** How long gates must hold after a cluster is back in service, seconds. @default 300 */
  soakSeconds?: number;
  /** How long a changed cluster may take to pass its gates, seconds. @default 900 */
  healthTimeoutSeconds?: number;
  /** Seconds between gate checks while waiting and soaking. @default 15 */
  pollSeconds?: number;
  /** Who runs the rollout, recorded in the stack, e.g. "alice@laptop". */
  startedBy: string;
  /**
   * Drain a cluster for a release step too (workloads only), as for an upgrade. By default a
   * release keeps the cluster in service: its first cluster is the canary, and a release that
   * fails its gates is drained then. @default false
   */
  drainReleases?: boolean;
  /**
   * Perform at most this many steps, then pause: the lock is released, the progress stays in the
   * stack and a later run resumes with the next step (one job per cluster in CI, with an approval
   * between them). A cluster left drained by an earlier run is settled first and is not counted.
   * @default every step
   */
  maxSteps?: number;
}

/** What the orchestrator works through. */
export interface RolloutDeps {
  stack: RolloutStack;
  health: ClusterHealth;
  blastRadius: BlastRadius;
  lock: RolloutLockPort;
  clock: Clock;
  emit: (event: RolloutEvent) => void;
  /** Extra gates before a drain (e.g. capacity of the other clusters). @default none */
  drainGates?: DrainGate[];
  /**
   * The environment's metric gates, checked after the readiness gates pass in every round of a
   * health wait and a soak (and on the clusters that take a leaving cluster's traffic).
   * @default none
   */
  metrics?: MetricGates;
  /**
   * Whether an error a port threw stands for the death of this process (a simulation's
   * `isSimulatedCrash`): it goes through untouched, with no cleanup and no lock release, exactly
   * as a killed process would leave things. @default no error does
   */
  isProcessDeath?: (err: unknown) => boolean;
}

/** How a rollout ended. */
export interface RolloutOutcome {
  result: RolloutResult;
  reason?: string;
  /** The cluster of the next step, when the rollout paused (`maxSteps`). */
  next?: string;
  clusters: { name: string; state: ClusterState }[];
}

/** A step could not finish; the cluster stays drained and the rollout halts. */
class Halt extends Error {
  constructor(
    readonly cluster: string,
    readonly step: RolloutStep | undefined,
    reason: string,
    /** Whether the step's update ran: "no", "yes", or "unknown" (the update failed midway). */
    readonly applied: "no" | "yes" | "unknown",
    readonly gate?: string,
    /**
     * The traffic was already put right before halting (a new cluster ramped back to 0, a
     * leaving one back to its full weight): nothing more is drained.
     */
    readonly settled = false,
  ) {
    super(reason);
  }
}

/** The rollout cannot start; nothing was changed by this run. */
class Refusal extends Error {}

/** This rollout no longer holds the lock: stop at once, change nothing more. */
class LockLost extends Error {}

/**
 * Rolls a cluster-scoped change through the clusters one at a time, so that N-1 clusters are
 * healthy at every moment:
 *  1. pre-check: every cluster in service passes its health gates, else refuse to start;
 *     preflight: preview every cluster's next step and refuse if any would touch another
 *     cluster's resources, before anything is drained;
 *  2. per step: pre-check all clusters, drain-gates, drain (weight 0, wait TTL + drain window),
 *     preview only this cluster's change and refuse if it touches another cluster (blast radius),
 *     update, health wait, undrain, soak;
 *  3. progress is durable in the stack after every update (deployed settings + rollout record),
 *     so a rerun resumes from the deployed state and never changes a finished cluster again.
 * On failure it stops with that one cluster drained and the others serving, and says why.
 */
export async function runRollout(
  deps: RolloutDeps,
  options: RolloutOptions,
): Promise<RolloutOutcome> {
  return new Orchestrator(deps, options).run();
}

class Orchestrator {
  private readonly startedAt: number;
  private readonly drainSeconds: number;
  private readonly soakSeconds: number;
  private readonly healthTimeoutMs: number;
  private readonly pollMs: number;
  private state: RolloutStackState = { clusters: [], rollout: null };
  private record: RolloutRecord | null = null;
  /** Clusters at weight 0 as the stack stands now. */
  private drainedNow: string[] = [];
  /** Whether this run has changed the environment yet (an update ran). */
  private changedThisRun = false;
  /** This rollout's hold on the lock, checked before every change. */
  private lease: unknown;
  /** The metric gates' streaks of the current step; none without metric gates. */
  private watch: MetricWatch | undefined;

  constructor(
    private readonly deps: RolloutDeps,
    private readonly options: RolloutOptions,
  ) {
    this.startedAt = deps.clock.now();
    this.drainSeconds = options.drainSeconds ?? 30;
    this.soakSeconds = options.soakSeconds ?? 300;
    this.healthTimeoutMs = (options.healthTimeoutSeconds ?? 900) * 1000;
    this.pollMs = (options.pollSeconds ?? 15) * 1000;
  }

  async run(): Promise<RolloutOutcome> {
    let lease: unknown;
    try {
      lease = await this.deps.lock.acquire();
    } catch (err) {
      return this.finish("refused", (err as Error).message);
    }
    this.lease = lease;
    try {
      const outcome = await this.runLocked();
      await this.deps.lock.release(lease);
      return outcome;
    } catch (err) {
      if (this.dies(err)) throw err; // a dead process cleans nothing up
      await this.deps.lock.release(lease).catch(() => undefined);
      throw err;
    }
  }

  private async runLocked(): Promise<RolloutOutcome> {
    try {
      const read = await this.deps.stack.readState();
      this.state = { ...read, clusters: this.completed(read.clusters) };
      this.record = this.state.rollout;
      this.drainedNow = this.record?.drained ?? [];
      const drained = this.record?.drained[0];
      const plan = this.plan(drained);

      if (plan.steps.length === 0 && !this.record) {
        return this.finish("succeeded", "every cluster is already at its desired settings");
      }
      this.record ??= {
        id: `${new Date(this.deps.clock.now()).toISOString()}-${randomUUID().slice(0, 8)}`,
        startedAt: new Date(this.deps.clock.now()).toISOString(),
        startedBy: this.options.startedBy,
        target: Object.fromEntries(this.options.desired.map((d) => [d.name, d.generation])),
        drained: [],
        state: "in-progress",
        kinds: [...new Set(plan.steps.map((s) => s.kind))],
      };
      this.emit({
        event: "rollout-started",
        rolloutId: this.record.id,
        resumed: this.state.rollout !== null,
        steps: plan.steps.map(stepSummary),
        done: plan.done,
      });

      // A release whose update finished before the last run stopped is checked below, by its
      // health wait, not by the pre-check: its pods may still be rolling.
      const released =
        !drained &&
        this.record.current !== undefined &&
        this.deployedGeneration(this.record.current) === this.record.currentTarget
          ? this.record.current
          : undefined;
      // A cluster this rollout removes is not asked to be healthy: it is on its way out (often
      // because it is broken), and the N-1 that matter are the clusters that stay.
      const leaving = plan.steps.filter((s) => s.kind === "remove").map((s) => s.cluster);
      const settling = drained ?? released;
      await this.precheck([...(settling ? [settling] : []), ...leaving], undefined, true);
      await this.preflight(plan, drained);

      // Resume: a cluster left drained, or put back but not soaked, is settled first. A leaving
      // cluster left drained is not: its remove step goes on from the drain.
      let current = drained;
      this.newWatch();
      if (drained && this.isLeaving(drained)) {
        this.emit({
          event: "recovering",
          cluster: drained,
          reason: "it was drained to be removed: going on with its removal",
        });
      } else if (drained) {
        const deployed = this.deployedGeneration(drained);
        const applied =
          this.record.currentTarget !== undefined && deployed === this.record.currentTarget;
        const nextIsDrained = plan.steps[0]?.cluster === drained;
        if (applied || !nextIsDrained) {
          this.emit({
            event: "recovering",
            cluster: drained,
            reason: applied
              ? "its update finished before the last run stopped: checking health, then back into service"
              : "it was left drained and has nothing left to change: checking health, then back into service",
          });
          await this.healthWait(drained, undefined);
          await this.undrain(drained, undefined);
          await this.soak(drained, undefined);
          current = undefined;
        }
      } else if (this.record.soaking) {
        const soaking = this.record.soaking;
        this.emit({
          event: "recovering",
          cluster: soaking,
          reason: "the last run stopped while it soaked: soaking again",
        });
        await this.soak(soaking, undefined);
      } else if (released) {
        this.emit({
          event: "recovering",
          cluster: released,
          reason: "its release finished before the last run stopped: checking health, then soaking",
        });
        await this.healthWait(released, undefined);
        await this.soak(released, undefined);
      }

      const canary = plan.steps.find((s) => s.kind === "release");
      let stepsRun = 0;
      for (const step of plan.steps) {
        if (this.options.maxSteps !== undefined && stepsRun >= this.options.maxSteps) {
          return await this.pause(step, stepsRun);
        }
        stepsRun++;
        await this.verifyLock();
        if (step.kind === "add") {
          await this.addCluster(step);
          continue;
        }
        if (step.kind === "remove") {
          await this.removeCluster(step, current === step.cluster);
          current = undefined;
          continue;
        }
        const drains = step.kind !== "release" || this.options.drainReleases === true;
        this.stepStarted(step, { canary: step === canary, drains });
        if (current !== step.cluster) {
          await this.precheck([], step, false);
          if (drains) {
            await this.drainGates(step);
            await this.drain(step);
            current = step.cluster;
          }
        }
        await this.apply(step, current === step.cluster);
        await this.healthWait(step.cluster, step);
        if (current === step.cluster) {
          await this.undrain(step.cluster, step);
          current = undefined;
        }
        await this.soak(step.cluster, step);
        this.emit({ event: "step-finished", cluster: step.cluster, step: step.number });
      }

      const left = this.pending();
      if (left.length > 0) {
        // Never report success while a cluster is still to be changed, ramped or removed.
        throw new Halt(
          left[0],
          undefined,
          `the plan ran, but cluster ${left.join(", ")} is still not at its desired settings and weight; run \`aa plan\` to see why, then \`aa rollout\` again`,
          "no",
          undefined,
          true,
        );
      }
      await this.write({ drained: [], record: null }, "rollout finished");
      this.record = null;
      return this.finish("succeeded");
    } catch (err) {
      if (err instanceof Refusal) return this.finish("refused", err.message);
      if (err instanceof Halt) return this.halt(err);
      if (err instanceof LockLost) {
        this.emit({ event: "halted", reason: err.message });
        return this.finish("halted", err.message);
      }
      throw err;
    }
  }

  /**
   * Stops between steps (`maxSteps` reached), every cluster serving: the record stays in the
   * stack, no longer soaking a cluster that passed its soak, so that the next run resumes with
   * `next` and does not soak again.
   */
  private async pause(next: RolloutStep, stepsRun: number): Promise<RolloutOutcome> {
    const record = this.requireRecord();
    if (record.soaking !== undefined || record.current !== undefined) {
      this.record = { ...record, soaking: undefined, current: undefined, currentTarget: undefined };
      await this.write(
        { drained: [], record: this.record },
        `pause before step ${next.number} (cluster ${next.cluster})`,
      );
    }
    return this.finish(
      "paused",
      `after ${stepsRun} step${stepsRun === 1 ? "" : "s"} (--max-steps ${stepsRun}); ` +
        `next: step ${next.number}, ${next.kind} of cluster ${next.cluster}; run ` +
        `\`aa rollout ${this.options.environment}\` again to go on`,
      next.cluster,
    );
  }

  /**
   * How long a drain waits before its cluster changes: the DNS TTL (resolvers follow), the drain
   * window (requests in flight end), and the longest `drain.connectionSeconds` of the cluster's
   * services, as deployed or desired (long-lived connections end or move).
   */
  private drainWaitSeconds(cluster: string): number {
    const services = [
      ...(this.options.desired.find((d) => d.name === cluster)?.settings.services ?? []),
      ...(this.state.clusters.find((c) => c.name === cluster)?.settings?.services ?? []),
    ];
    const connections = Math.max(0, ...services.map((s) => s.drain?.connectionSeconds ?? 0));
    return this.options.config.dns.ttl + this.drainSeconds + connections;
  }

  /** Whether this error is the death of the process: nothing may be cleaned up after it. */
  private dies(err: unknown): boolean {
    return this.deps.isProcessDeath?.(err) === true;
  }

  /** Stops the rollout (nothing more is changed) when another rollout took the lock. */
  private async verifyLock() {
    try {
      await this.deps.lock.verify(this.lease);
    } catch (err) {
      throw new LockLost((err as Error).message);
    }
  }

  /** An update of the stack; see {@link fenced}. */
  private stackUp(directive: Directive, message: string): Promise<void> {
    return this.fenced(() => this.deps.stack.up(directive, message));
  }

  /** A preview of the stack; see {@link fenced}. */
  private stackPreview(directive: Directive): Promise<Change[]> {
    return this.fenced(() => this.deps.stack.preview(directive));
  }

  /**
   * A stack operation the stack refused because another rollout holds the environment
   * ({@link LockTakenError}): before this run changed anything that is a refusal, after it the
   * rollout stops as when the lock is lost.
   */
  private async fenced<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (!(err instanceof LockTakenError)) throw err;
      throw this.changedThisRun ? new LockLost(err.message) : new Refusal(err.message);
    }
  }

  /** The plan from the deployed state; a cluster left drained goes first in every pass. */
  private plan(drained: string | undefined): RolloutPlan {
    let order = this.options.order;
    if (drained && !this.isLeaving(drained)) {
      const base = order ?? this.options.desired.map((d) => d.name);
      order = [drained, ...base.filter((n) => n !== drained)];
    }
    try {
      return planRollout(this.options.desired, this.state.clusters, this.options.config, order);
    } catch (err) {
      if (err instanceof PlanRefusal) throw new Refusal(err.message);
      throw err;
    }
  }

  /** Every cluster in service passes its gates; at the start a failure refuses the rollout. */
  private async precheck(
    exclude: readonly string[],
    step: RolloutStep | undefined,
    atStart: boolean,
  ) {
    // Every cluster that serves traffic: a new cluster not ramped yet serves none, and a
    // leaving one serves until it is drained.
    const clusters = this.state.clusters
      .filter((c) => !exclude.includes(c.name) && (c.ramp ?? 100) > 0)
      .map((c) => c.name);
    const results = await Promise.all(clusters.map((c) => this.deps.health.check(c)));
    const gates = results.flat();
    const failed = gates.filter((g) => !g.ok);
    this.emit({
      event: "precheck",
      ok: failed.length === 0,
      gates,
      step: step?.number,
      cluster: step?.cluster,
    });
    if (failed.length === 0) return;
    const reason =
      `cluster ${failed[0].cluster} fails health gate "${failed[0].gate}": ${failed[0].detail}; ` +
      (atStart
        ? "refusing to start, because draining any cluster now would leave fewer than N-1 healthy"
        : `not draining ${step?.cluster}, because that would leave fewer than N-1 healthy clusters`);
    if (atStart || !step) throw new Refusal(reason);
    throw new Halt(step.cluster, step, reason, "no", failed[0].gate);
  }

  /** Previews every cluster's next step before anything is drained. */
  private async preflight(plan: RolloutPlan, drained: string | undefined) {
    const first = new Map<string, RolloutStep>();
    // A removal changes nothing until its delete, which is previewed then, against the graphs
    // from before and after it.
    for (const step of plan.steps) {
      if (step.kind !== "remove" && !first.has(step.cluster)) first.set(step.cluster, step);
    }
    // Previewed from the state as it is now, a later step also shows the creation of every new
    // cluster an earlier add step creates first: that is those steps' change, not this one's.
    const created = new Set(
      plan.steps.filter((s) => s.kind === "add" && s.from === null).map((s) => s.cluster),
    );
    for (const step of first.values()) {
      const directive = this.directive({ advance: step, drained: drained ? [drained] : [] });
      const previewed = await this.outside(step.cluster, directive);
      const outside = previewed.outside.filter(
        (o) => !(o.owner !== null && created.has(o.owner) && o.owner !== step.cluster),
      );
      this.emit({
        event: "preflight-preview",
        cluster: step.cluster,
        step: step.number,
        ok: outside.length === 0,
        changes: previewed.changes.filter(
          (c) =>
            !(
              c.owner.kind === "cluster" &&
              c.owner.cluster !== step.cluster &&
              created.has(c.owner.cluster)
            ),
        ).length,
        outside,
      });
      if (outside.length > 0) {
        throw new Refusal(
          `the change for cluster ${step.cluster} would also change ${describeOutside(outside)}; ` +
            "a cluster-scoped step must touch only its own cluster. Nothing was drained",
        );
      }
    }
  }

  private async drainGates(step: RolloutStep) {
    for (const gate of this.deps.drainGates ?? []) {
      const results = await gate.check(step.cluster);
      const failed = results.filter((r) => !r.ok);
      this.emit({
        event: "drain-check",
        ok: failed.length === 0,
        gates: results,
        cluster: step.cluster,
        step: step.number,
      });
      if (failed.length > 0) {
        throw new Halt(
          step.cluster,
          step,
          `not draining ${step.cluster}: ${failed[0].detail}`,
          "no",
          failed[0].gate,
        );
      }
    }
  }

  /**
   * Takes the step's cluster out of service. A cluster being removed is also set to 0% of its
   * weight: no ramp is partway any more, so the other clusters' weights are back at their
   * configured values now, and its deletion changes no other cluster's record.
   */
  private async drain(step: RolloutStep) {
    // N-1 clusters must keep serving: a cluster already at weight 0 (by config) means draining
    // this one would leave N-2.
    const idle = this.state.clusters.filter((c) => c.name !== step.cluster && c.weight === 0);
    if (idle.length > 0) {
      throw new Halt(
        step.cluster,
        step,
        `not draining ${step.cluster}: cluster ${idle.map((c) => c.name).join(", ")} already has weight 0, ` +
          `so draining ${step.cluster} would leave fewer than N-1 clusters serving; give ${idle[0].name} its weight back first`,
        "no",
      );
    }
    const waitSeconds = this.drainWaitSeconds(step.cluster);
    this.record = {
      ...this.requireRecord(),
      drained: [step.cluster],
      current: step.cluster,
      currentTarget: step.toGeneration,
      soaking: undefined,
      state: "in-progress",
      reason: undefined,
    };
    await this.write(
      {
        drained: [step.cluster],
        record: this.record,
        ...(step.kind === "remove" ? { ramp: { cluster: step.cluster, percent: 0 } } : {}),
      },
      `drain ${step.cluster}`,
    );
    this.emit({ event: "drain", cluster: step.cluster, step: step.number, weight: 0, waitSeconds });
    await this.deps.clock.sleep(waitSeconds * 1000);
  }

  /** Previews the step, refuses it if it touches another cluster, then updates. */
  private async apply(step: RolloutStep, drained: boolean) {
    if (!drained) {
      // A release in service: the record says which cluster changes, so that a rerun after a
      // crash checks and soaks it before going on.
      this.record = {
        ...this.requireRecord(),
        drained: [],
        current: step.cluster,
        currentTarget: step.toGeneration,
        soaking: undefined,
        state: "in-progress",
        reason: undefined,
      };
    }
    const directive = this.directive({ advance: step, drained: drained ? [step.cluster] : [] });
    await this.guardedUpdate(step, directive, await this.outside(step.cluster, directive), {
      refused: `the update of cluster ${step.cluster} would also change`,
      failed: `the update of cluster ${step.cluster} failed`,
      message: `step ${step.number}, cluster ${step.cluster}`,
    });
    this.changedThisRun = true;
    this.setDeployed(step.cluster, step.toGeneration);
    this.emit({ event: "update-finished", cluster: step.cluster, step: step.number });
  }

  /**
   * The blast-radius guard, then the update: a `preview` event; a halt, before anything changes,
   * when the previewed change reaches beyond the step's cluster; else the update, a failure of
   * which halts with its outcome unknown (the cluster may be half-changed).
   */
  private async guardedUpdate(
    step: RolloutStep,
    directive: Directive,
    attributed: { changes: MappedChange[]; outside: Outside[] },
    says: { refused: string; refusedThen?: string; failed: string; message: string },
  ) {
    const { changes, outside } = attributed;
    this.emit({
      event: "preview",
      cluster: step.cluster,
      step: step.number,
      ok: outside.length === 0,
      changes: changes.length,
      outside,
    });
    if (outside.length > 0) {
      throw new Halt(
        step.cluster,
        step,
        `${says.refused} ${describeOutside(outside)}${says.refusedThen ?? "; refused before updating"}`,
        "no",
      );
    }
    this.emit({ event: "update-started", cluster: step.cluster, step: step.number });
    await this.verifyLock();
    try {
      await this.stackUp(directive, `aa rollout ${this.options.environment}: ${says.message}`);
    } catch (err) {
      if (this.dies(err) || err instanceof LockLost || err instanceof Refusal) throw err;
      throw new Halt(step.cluster, step, `${says.failed}: ${(err as Error).message}`, "unknown");
    }
  }

  /**
   * The shared health wait over this cluster's gates, each round a `health-wait` event; halts
   * when the gates still fail at the deadline.
   */
  private async healthWait(cluster: string, step: RolloutStep | undefined) {
    const waited = await waitUntilHealthy({
      check: this.judged(cluster),
      clock: this.deps.clock,
      timeoutMs: this.healthTimeoutMs,
      pollIntervalMs: this.pollMs,
      final: metricFinal,
      onRound: (round) =>
        this.emit({
          event: "health-wait",
          cluster,
          step: step?.number,
          ok: round.ok,
          attempt: round.round,
          gates: round.results,
        }),
    });
    if (waited.ok) return;
    // The rollout passes no abort signal: a wait that did not pass ran into its deadline, or
    // a metric gate failed its checks in a row (waiting longer cannot help).
    const failed = waited.failing.find(metricFinal) ?? waited.failing[0];
    throw new Halt(
      cluster,
      step,
      waited.reason === "failed"
        ? `cluster ${cluster} failed health gate "${failed.gate}": ${failed.detail}`
        : `cluster ${cluster} did not pass health gate "${failed.gate}" within ${this.healthTimeoutMs / 1000}s: ${failed.detail}`,
      "yes",
      failed.gate,
    );
  }

  /**
   * One round of checks on a cluster: its readiness gates, then, when they all pass, the metric
   * gates due (with what is left of the round's time), folded into their streaks.
   */
  private judged(cluster: string): RoundCheck<GateOutcome> {
    return async (round) => {
      const started = this.deps.clock.now();
      const ready = await this.deps.health.check(cluster, round);
      const watch = this.watch;
      if (!watch || !ready.every((g) => g.ok)) return ready;
      const left =
        round.maxTimeoutMs === undefined
          ? {}
          : { maxTimeoutMs: Math.max(1, round.maxTimeoutMs - (this.deps.clock.now() - started)) };
      return [...ready, ...(await watch.round(cluster, { ...round, ...left }))];
    };
  }

  /** Starts the metric gates' streaks afresh: a new step judges its own change. */
  private newWatch() {
    const metrics = this.deps.metrics;
    this.watch =
      metrics && metrics.gates.length > 0 ? new MetricWatch(metrics, this.deps.clock) : undefined;
  }

  private async undrain(cluster: string, step: RolloutStep | undefined) {
    this.record = {
      ...this.requireRecord(),
      drained: [],
      current: undefined,
      currentTarget: undefined,
      soaking: cluster,
    };
    await this.write({ drained: [], record: this.record }, `undrain ${cluster}`);
    const weight = this.options.desired.find((d) => d.name === cluster)?.weight ?? 0;
    this.emit({ event: "undrain", cluster, step: step?.number, weight });
  }

  /**
   * The shared soak over this cluster's gates, each round a `soak` event: the gates must hold for
   * the soak window; on a failure the cluster is drained again and the rollout halts.
   */
  private async soak(cluster: string, step: RolloutStep | undefined) {
    const held = await soak({
      check: this.judged(cluster),
      clock: this.deps.clock,
      durationMs: this.soakSeconds * 1000,
      pollIntervalMs: this.pollMs,
      // A metric gate still waiting for samples, or failing fewer checks in a row than fail
      // it, has not judged the cluster: the soak goes on for it, up to the health timeout.
      settled: metricSettled,
      overtimeMs: this.healthTimeoutMs,
      onRound: (round) =>
        this.emit({
          event: "soak",
          cluster,
          step: step?.number,
          ok: round.ok,
          remainingSeconds: Math.round(round.remainingMs / 1000),
          gates: round.results,
        }),
    });
    if (held.ok) return;
    // The rollout passes no abort signal: a soak that did not hold had a failing round, or a
    // metric gate that could not judge the cluster by the end of the overtime.
    const failed = held.failing[0];
    const how =
      held.reason === "unsettled"
        ? `could not be judged by health gate "${failed.gate}" within ${this.healthTimeoutMs / 1000}s after its ${this.soakSeconds}s soak`
        : `failed health gate "${failed.gate}"`;
    if (step?.kind === "add") {
      // A new cluster that fails while its traffic ramps is ramped back to 0: the others serve.
      const at = this.rampOf(cluster);
      this.record = { ...this.requireRecord(), current: undefined, soaking: undefined };
      await this.write(
        { drained: [], record: this.record, ramp: { cluster, percent: 0 } },
        `ramp ${cluster} back to 0%: it failed while its traffic ramped`,
      );
      this.emit({
        event: "ramp",
        cluster,
        step: step.number,
        direction: "down",
        percent: 0,
        weight: 0,
        waitSeconds: 0,
      });
      throw new Halt(
        cluster,
        step,
        `cluster ${cluster} ${how} at ${at}% of its traffic: ${failed.detail}; ramped it back to 0%, the other clusters serve`,
        "yes",
        failed.gate,
        true,
      );
    }
    // A release that kept its cluster in service is drained now; an upgrade's, once more.
    const inService = step?.kind === "release" && this.options.drainReleases !== true;
    this.record = {
      ...this.requireRecord(),
      drained: [cluster],
      current: cluster,
      soaking: undefined,
    };
    await this.write(
      { drained: [cluster], record: this.record },
      `drain ${cluster}${inService ? "" : " again"}: soak failed`,
    );
    throw new Halt(
      cluster,
      step,
      `cluster ${cluster} ${how}${held.reason === "unsettled" ? "" : " while soaking"}: ${failed.detail}; ${inService ? "drained it" : "drained it again"}`,
      "yes",
      failed.gate,
    );
  }

  private async halt(halt: Halt): Promise<RolloutOutcome> {
    if (halt.applied === "no" && !this.changedThisRun && this.drainedNow.length === 0) {
      // Stopped before this run changed anything: that is a refusal, not a halt.
      return this.finish("refused", halt.message);
    }
    this.emit({
      event: "halted",
      cluster: halt.cluster,
      step: halt.step?.number,
      reason: halt.message,
      gate: halt.gate,
    });
    if (halt.applied === "unknown") {
      this.emit({
        event: "record-failed",
        cluster: halt.cluster,
        reason:
          "the failed update may have changed part of the cluster, so no further update runs now; " +
          (this.drainedNow.includes(halt.cluster)
            ? `${halt.cluster} stays drained (recorded when it was drained). `
            : `${halt.cluster} stays in service as the failed update left it (a release is not drained). `) +
          "Fix the cause and run `aa rollout` again",
      });
    } else {
      // A release that failed its gates while in service is taken out of service now: its
      // users see the failure. Never a second cluster: only when none is drained yet.
      const drainFailed =
        halt.applied === "yes" &&
        !halt.settled &&
        this.drainedNow.length === 0 &&
        (this.record?.drained.length ?? 0) === 0;
      const drained = drainFailed ? [halt.cluster] : (this.record?.drained ?? []);
      this.record = {
        ...this.requireRecord(),
        state: "halted",
        reason: halt.message,
        drained,
      };
      try {
        await this.write(
          { drained: this.record.drained, record: this.record },
          drainFailed ? `halt: drain ${halt.cluster}, its change failed` : `halt: ${halt.cluster}`,
        );
        if (drainFailed) {
          this.emit({
            event: "drain",
            cluster: halt.cluster,
            step: halt.step?.number,
            weight: 0,
            waitSeconds: 0,
          });
        }
      } catch (err) {
        if (this.dies(err)) throw err;
        this.emit({
          event: "record-failed",
          cluster: halt.cluster,
          reason: (err as Error).message,
        });
      }
    }
    return this.finish("halted", halt.message);
  }

  /** Runs an update that moves no cluster: only weights and the rollout record change. */
  private async write(partial: Pick<Directive, "drained" | "record" | "ramp">, what: string) {
    await this.verifyLock();
    await this.stackUp(
      {
        drained: partial.drained,
        record: partial.record,
        ...(partial.ramp ? { ramp: partial.ramp } : {}),
      },
      `aa rollout ${this.options.environment}: ${what}`,
    );
    this.changedThisRun = true;
    this.drainedNow = partial.drained;
    this.setTraffic(partial.drained, partial.ramp);
  }

  /**
   * What the program deployed: each cluster at its ramp's share of its configured weight (the
   * program's own arithmetic, `config/ramp.ts`), drained clusters at 0.
   */
  private setTraffic(drained: string[], ramp?: Directive["ramp"]) {
    const configured = new Map(this.options.desired.map((d) => [d.name, d.weight]));
    const clusters = this.state.clusters.map((c) => ({
      ...c,
      ramp: ramp?.cluster === c.name ? ramp.percent : (c.ramp ?? 100),
      configuredWeight: configured.get(c.name) ?? c.configuredWeight ?? c.weight,
    }));
    const weights = rampWeights(
      clusters.map((c) => ({
        configuredWeight: c.configuredWeight,
        ramp: c.ramp,
        drained: drained.includes(c.name),
      })),
    );
    this.state = {
      ...this.state,
      clusters: clusters.map((c, i) => ({ ...c, weight: weights[i] })),
    };
  }

  private directive(args: { advance: RolloutStep; drained: string[] }): Directive {
    return {
      advance: { cluster: args.advance.cluster, settings: args.advance.to },
      drained: args.drained,
      record: this.record,
    };
  }

  private stepStarted(step: RolloutStep, how: { canary: boolean; drains: boolean }) {
    this.newWatch();
    this.emit({
      event: "step-started",
      cluster: step.cluster,
      step: step.number,
      pass: step.pass,
      kind: step.kind,
      ...how,
      changes: step.changes,
    });
  }

  /**
   * An add step: creates the cluster (or brings it to its settings) without traffic, waits for
   * its gates, then ramps its traffic up step by step, with the DNS TTL and a soak after each.
   * A failure during the ramp takes it back to 0% and halts; the other clusters serve.
   */
  private async addCluster(step: RolloutStep) {
    this.stepStarted(step, { canary: false, drains: false });
    if (step.from === null || step.fromGeneration !== step.toGeneration) {
      await this.apply(step, false);
    }
    try {
      await this.healthWait(step.cluster, step);
    } catch (err) {
      // A new cluster that never gets healthy has no traffic to take away: nothing is drained.
      if (!(err instanceof Halt)) throw err;
      const reason = `${err.message}; it has no traffic yet, the other clusters serve`;
      throw new Halt(err.cluster, err.step, reason, err.applied, err.gate, true);
    }
    for (const percent of step.ramp ?? []) {
      await this.verifyLock();
      await this.rampTo(step, percent, "up");
      await this.soak(step.cluster, step);
    }
    this.emit({ event: "step-finished", cluster: step.cluster, step: step.number });
  }

  /**
   * A remove step: the others must be healthy and able to absorb the cluster's share; its
   * traffic ramps down (the others checked after each), it is drained, DNS and in-flight
   * requests are waited out, and only then is it released for deletion and deleted, with a
   * preview that must touch nothing but its own resources. `drained`: a resumed run found it
   * drained already.
   */
  private async removeCluster(step: RolloutStep, drained: boolean) {
    const cluster = step.cluster;
    this.stepStarted(step, { canary: false, drains: true });
    if (drained) {
      const waitSeconds = this.drainWaitSeconds(cluster);
      this.emit({ event: "drain", cluster, step: step.number, weight: 0, waitSeconds });
      await this.deps.clock.sleep(waitSeconds * 1000);
    } else {
      // The clusters that take its traffic must be healthy; the leaving one need not be.
      await this.precheck([cluster], step, false);
      await this.drainGates(step);
      for (const percent of step.ramp ?? []) {
        await this.verifyLock();
        await this.rampTo(step, percent, "down");
        await this.othersHold(step);
      }
      await this.drain(step);
    }

    // Release it: the one update that may delete a cluster, and only this one.
    const holding: Directive = { drained: [cluster], record: this.requireRecord() };
    this.record = {
      ...this.requireRecord(),
      drained: [],
      current: cluster,
      currentTarget: undefined,
      soaking: undefined,
      released: [...new Set([...(this.record?.released ?? []), cluster])],
    };
    const directive: Directive = { drained: [], record: this.record };
    // One graph at a time: the production graph runs the program offline, which sets process-wide
    // state (the directive's environment variable, Pulumi's runtime) for the length of a run.
    const steps = await this.stackPreview(directive);
    const after = await this.deps.blastRadius.graph(directive);
    const before = await this.deps.blastRadius.graph(holding);
    await this.guardedUpdate(
      step,
      directive,
      this.attribute(cluster, steps, unionGraph(after, before)),
      {
        refused: `deleting cluster ${cluster} would also change`,
        refusedThen: `; refused before deleting, ${cluster} stays drained`,
        failed: `deleting cluster ${cluster} failed`,
        message: `step ${step.number}, delete cluster ${cluster}`,
      },
    );
    this.changedThisRun = true;
    this.drainedNow = [];
    this.record = { ...this.record, current: undefined };
    this.state = {
      ...this.state,
      clusters: this.state.clusters.filter((c) => c.name !== cluster),
    };
    this.emit({ event: "removed", cluster, step: step.number });
    this.emit({ event: "step-finished", cluster, step: step.number });
  }

  /** Moves a cluster's traffic to `percent` of its weight and waits for resolvers to follow. */
  private async rampTo(step: RolloutStep, percent: number, direction: "up" | "down") {
    const cluster = step.cluster;
    this.record = {
      ...this.requireRecord(),
      drained: [],
      current: direction === "down" ? cluster : undefined,
      currentTarget: undefined,
      soaking: direction === "up" ? cluster : undefined,
    };
    await this.write(
      { drained: [], record: this.record, ramp: { cluster, percent } },
      `ramp ${cluster} ${direction} to ${percent}%`,
    );
    const waitSeconds = this.options.config.dns.ttl;
    const weight = this.state.clusters.find((c) => c.name === cluster)?.weight ?? 0;
    this.emit({
      event: "ramp",
      cluster,
      step: step.number,
      direction,
      percent,
      weight,
      waitSeconds,
    });
    await this.deps.clock.sleep(waitSeconds * 1000);
  }

  /**
   * After a leaving cluster's traffic moved to the others: they must still pass their gates;
   * otherwise the leaving cluster gets its full weight back and the rollout halts.
   */
  private async othersHold(step: RolloutStep) {
    const others = this.state.clusters
      .filter((c) => c.name !== step.cluster && (c.ramp ?? 100) > 0)
      .map((c) => c.name);
    const gates = (await Promise.all(others.map((c) => this.judged(c)({})))).flat();
    const failed = gates.filter((g) => !g.ok);
    this.emit({
      event: "precheck",
      ok: failed.length === 0,
      gates,
      step: step.number,
      cluster: step.cluster,
    });
    if (failed.length === 0) return;
    this.record = { ...this.requireRecord(), current: undefined };
    await this.write(
      { drained: [], record: this.record, ramp: { cluster: step.cluster, percent: 100 } },
      `ramp ${step.cluster} back to 100%: cluster ${failed[0].cluster} failed while taking its traffic`,
    );
    throw new Halt(
      step.cluster,
      step,
      `cluster ${failed[0].cluster} fails health gate "${failed[0].gate}" after taking more of ${step.cluster}'s traffic: ${failed[0].detail}; ${step.cluster} has its full weight back`,
      "yes",
      failed[0].gate,
      true,
    );
  }

  /** Whether a cluster is deployed but gone from the config (a remove step's cluster). */
  private isLeaving(cluster: string): boolean {
    return !this.options.desired.some((d) => d.name === cluster);
  }

  /** The percent of its weight a cluster serves as deployed now. */
  private rampOf(cluster: string): number {
    return this.state.clusters.find((c) => c.name === cluster)?.ramp ?? 100;
  }

  /** Clusters not yet at their desired settings and full weight, or not yet removed. */
  private pending(): string[] {
    const deployed = new Map(this.state.clusters.map((c) => [c.name, c]));
    const behind = this.options.desired
      .filter((d) => {
        const c = deployed.get(d.name);
        return !c || c.generation !== d.generation || ((c.ramp ?? 100) < 100 && d.weight > 0);
      })
      .map((d) => d.name);
    const leaving = this.state.clusters.filter((c) => this.isLeaving(c.name)).map((c) => c.name);
    return [...behind, ...leaving];
  }

  /**
   * The preview's changed resources, and those outside `cluster`: each step is attributed to a
   * cluster from the engine's own information (`blastRadius/steps.ts`, the one mapping the guard
   * and `aa blast-radius` share). Plumbing (default providers, internal steps) touches nothing.
   */
  private async outside(
    cluster: string,
    directive: Directive,
  ): Promise<{ changes: MappedChange[]; outside: Outside[] }> {
    const [steps, graph] = await Promise.all([
      this.stackPreview(directive),
      this.deps.blastRadius.graph(directive),
    ]);
    return this.attribute(cluster, steps, graph);
  }

  /** The changed resources of a preview, and those outside `cluster`. */
  private attribute(
    cluster: string,
    steps: Change[],
    graph: ClusterGraph,
  ): { changes: MappedChange[]; outside: Outside[] } {
    const report = mapSteps(
      steps.map((s) => ({
        urn: s.urn,
        type: s.type,
        op: s.kind,
        ...(s.parent ? { parent: s.parent } : {}),
        ...(s.provider ? { provider: s.provider } : {}),
      })),
      graph,
    );
    const outside: Outside[] = [];
    const changes = report.changes.filter((c) => c.owner.kind !== "plumbing");
    for (const change of changes) {
      const { owner } = change;
      if (owner.kind === "cluster" && owner.cluster === cluster) continue;
      outside.push({
        urn: change.urn,
        owner:
          owner.kind === "cluster"
            ? owner.cluster
            : owner.kind === "environment"
              ? null
              : "unknown",
        kind: change.ops.join(","),
        ...(owner.kind === "unmapped" ? { reason: owner.reason } : {}),
      });
    }
    return { changes, outside };
  }

  /**
   * The deployed clusters with their settings completed as the program completes them (outputs
   * of an earlier version lack keys added since), so that generations compare with the desired.
   */
  private completed(clusters: DeployedCluster[]): DeployedCluster[] {
    return clusters.map((c) => {
      const desired = this.options.desired.find((d) => d.name === c.name);
      if (!desired) return c;
      const { settings, generation } = deployedSettings(c, desired.settings);
      return { ...c, settings, generation };
    });
  }

  private deployedGeneration(cluster: string): string | undefined {
    return this.state.clusters.find((c) => c.name === cluster)?.generation;
  }

  private setDeployed(cluster: string, generation: string) {
    if (!this.state.clusters.some((c) => c.name === cluster)) {
      // A new cluster: created without traffic.
      const spec = this.options.desired.find((d) => d.name === cluster);
      const created: DeployedCluster = {
        name: cluster,
        weight: 0,
        ramp: 0,
        configuredWeight: spec?.weight ?? 0,
        kubernetesVersion: spec?.settings.kubernetesVersion ?? "",
        addons: spec?.settings.addons ?? { vpcCni: "", coredns: "", kubeProxy: "" },
        generation,
        ...(spec ? { settings: spec.settings } : {}),
        ingress: {},
      };
      this.state = { ...this.state, clusters: [...this.state.clusters, created] };
      return;
    }
    this.state = {
      ...this.state,
      clusters: this.state.clusters.map((c) => (c.name === cluster ? { ...c, generation } : c)),
    };
  }

  private requireRecord(): RolloutRecord {
    if (!this.record) throw new Error("internal: no rollout record");
    return this.record;
  }

  private finish(result: RolloutResult, reason?: string, next?: string): RolloutOutcome {
    const drained = new Set(this.drainedNow);
    const pending = new Set(this.pending());
    const leaving = this.state.clusters.filter((c) => this.isLeaving(c.name)).map((c) => c.name);
    const clusters = [...this.options.desired.map((d) => d.name), ...leaving].map(
      (name): { name: string; state: ClusterState } => ({
        name,
        state: drained.has(name) ? "drained" : pending.has(name) ? "pending" : "done",
      }),
    );
    this.emit({
      event: "rollout-finished",
      result,
      reason,
      ...(next !== undefined ? { next } : {}),
      clusters,
    });
    return { result, reason, ...(next !== undefined ? { next } : {}), clusters };
  }

  private emit(event: DistributiveOmit<RolloutEvent, "at" | "elapsedMs">) {
    const now = this.deps.clock.now();
    this.deps.emit({
      at: new Date(now).toISOString(),
      elapsedMs: now - this.startedAt,
      ...event,
    });
  }
}

function describeOutside(outside: Outside[]): string {
  const shown = outside
    .slice(0, 3)
    .map(
      (o) =>
        `${o.urn.split("::").pop()} (${o.owner === null ? "environment-level" : o.owner === "unknown" ? `maps to no cluster: ${o.reason ?? "not in the program"}` : `cluster ${o.owner}`}, ${o.kind})`,
    );
  return shown.join(", ") + (outside.length > 3 ? ` and ${outside.length - 3} more` : "");
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
