import { randomUUID } from "node:crypto";
import type { ClusterSpec } from "../../config/clusters";
import { deployedSettings } from "../../config/effective";
import type { DeployedCluster, Directive, RolloutRecord } from "../../config/rolloutState";
import type { EnvironmentConfig } from "../../config/schema";
import type { ClusterState, Outside, RolloutEvent, RolloutResult } from "./events";
import { planRollout, PlanRefusal, type RolloutPlan, type RolloutStep } from "./plan";
import { mapSteps, type MappedChange } from "../blastRadius/steps";
import { soak } from "../health/soak";
import { waitUntilHealthy } from "../health/wait";
import type {
  BlastRadius,
  Clock,
  ClusterHealth,
  DrainGate,
  RolloutLockPort,
  RolloutStack,
  RolloutStackState,
} from "./ports";

/** Timing and ordering of a rollout. */
export interface RolloutOptions {
  /** Environment name. */
  environment: string;
  /** The desired state: each cluster's spec from the committed config. */
  desired: ClusterSpec[];
  /** The environment config (add-on matrix, DNS TTL). */
  config: Pick<EnvironmentConfig, "addonMatrix" | "dns">;
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
        steps: plan.steps.map((s) => ({
          number: s.number,
          pass: s.pass,
          cluster: s.cluster,
          kind: s.kind,
          changes: s.changes,
        })),
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
      await this.precheck(drained ?? released, undefined, true);
      await this.preflight(plan, drained);

      // Resume: a cluster left drained, or put back but not soaked, is settled first.
      let current = drained;
      if (drained) {
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
      for (const step of plan.steps) {
        await this.verifyLock();
        const drains = step.kind !== "release" || this.options.drainReleases === true;
        this.emit({
          event: "step-started",
          cluster: step.cluster,
          step: step.number,
          pass: step.pass,
          kind: step.kind,
          canary: step === canary,
          drains,
          changes: step.changes,
        });
        if (current !== step.cluster) {
          await this.precheck(undefined, step, false);
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

  /** The plan from the deployed state; a cluster left drained goes first in every pass. */
  private plan(drained: string | undefined): RolloutPlan {
    let order = this.options.order;
    if (drained) {
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
    exclude: string | undefined,
    step: RolloutStep | undefined,
    atStart: boolean,
  ) {
    const clusters = this.options.desired.map((d) => d.name).filter((n) => n !== exclude);
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
    for (const step of plan.steps) if (!first.has(step.cluster)) first.set(step.cluster, step);
    for (const step of first.values()) {
      const directive = this.directive({ advance: step, drained: drained ? [drained] : [] });
      const outside = await this.outside(step.cluster, directive);
      this.emit({
        event: "preflight-preview",
        cluster: step.cluster,
        step: step.number,
        ok: outside.outside.length === 0,
        changes: outside.changes.length,
        outside: outside.outside,
      });
      if (outside.outside.length > 0) {
        throw new Refusal(
          `the change for cluster ${step.cluster} would also change ${describeOutside(outside.outside)}; ` +
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
    const waitSeconds = this.options.config.dns.ttl + this.drainSeconds;
    this.record = {
      ...this.requireRecord(),
      drained: [step.cluster],
      current: step.cluster,
      currentTarget: step.toGeneration,
      soaking: undefined,
      state: "in-progress",
      reason: undefined,
    };
    await this.write({ drained: [step.cluster], record: this.record }, `drain ${step.cluster}`);
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
    const { changes, outside } = await this.outside(step.cluster, directive);
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
        `the update of cluster ${step.cluster} would also change ${describeOutside(outside)}; refused before updating`,
        "no",
      );
    }
    this.emit({ event: "update-started", cluster: step.cluster, step: step.number });
    await this.verifyLock();
    try {
      await this.deps.stack.up(
        directive,
        `aa rollout ${this.options.environment}: step ${step.number}, cluster ${step.cluster}`,
      );
    } catch (err) {
      if (this.dies(err)) throw err;
      throw new Halt(
        step.cluster,
        step,
        `the update of cluster ${step.cluster} failed: ${(err as Error).message}`,
        "unknown",
      );
    }
    this.changedThisRun = true;
    this.setDeployed(step.cluster, step.toGeneration);
    this.emit({ event: "update-finished", cluster: step.cluster, step: step.number });
  }

  /**
   * The shared health wait over this cluster's gates, each round a `health-wait` event; halts
   * when the gates still fail at the deadline.
   */
  private async healthWait(cluster: string, step: RolloutStep | undefined) {
    const waited = await waitUntilHealthy({
      check: (round) => this.deps.health.check(cluster, round),
      clock: this.deps.clock,
      timeoutMs: this.healthTimeoutMs,
      pollIntervalMs: this.pollMs,
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
    // The rollout passes no abort signal: a wait that did not pass ran into its deadline.
    const failed = waited.failing[0];
    throw new Halt(
      cluster,
      step,
      `cluster ${cluster} did not pass health gate "${failed.gate}" within ${this.healthTimeoutMs / 1000}s: ${failed.detail}`,
      "yes",
      failed.gate,
    );
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
      check: (round) => this.deps.health.check(cluster, round),
      clock: this.deps.clock,
      durationMs: this.soakSeconds * 1000,
      pollIntervalMs: this.pollMs,
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
    // The rollout passes no abort signal: a soak that did not hold had a failing round.
    const failed = held.failing[0];
    this.record = {
      ...this.requireRecord(),
      drained: [cluster],
      current: cluster,
      soaking: undefined,
    };
    await this.write(
      { drained: [cluster], record: this.record },
      `drain ${cluster} again: soak failed`,
    );
    throw new Halt(
      cluster,
      step,
      `cluster ${cluster} failed health gate "${failed.gate}" while soaking: ${failed.detail}; drained it again`,
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
  private async write(partial: Pick<Directive, "drained" | "record">, what: string) {
    await this.verifyLock();
    await this.deps.stack.up(
      { drained: partial.drained, record: partial.record },
      `aa rollout ${this.options.environment}: ${what}`,
    );
    this.changedThisRun = true;
    this.drainedNow = partial.drained;
    // What the program deployed: drained clusters at 0, every other at its configured weight.
    const weight = new Map(this.options.desired.map((d) => [d.name, d.weight]));
    this.state = {
      ...this.state,
      clusters: this.state.clusters.map((c) => ({
        ...c,
        weight: partial.drained.includes(c.name) ? 0 : (weight.get(c.name) ?? c.weight),
      })),
    };
  }

  private directive(args: { advance: RolloutStep; drained: string[] }): Directive {
    return {
      advance: { cluster: args.advance.cluster, settings: args.advance.to },
      drained: args.drained,
      record: this.record,
    };
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
      this.deps.stack.preview(directive),
      this.deps.blastRadius.graph(directive),
    ]);
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
    this.state = {
      ...this.state,
      clusters: this.state.clusters.map((c) => (c.name === cluster ? { ...c, generation } : c)),
    };
  }

  private requireRecord(): RolloutRecord {
    if (!this.record) throw new Error("internal: no rollout record");
    return this.record;
  }

  private finish(result: RolloutResult, reason?: string): RolloutOutcome {
    const drained = new Set(this.drainedNow);
    const clusters = this.options.desired.map((d): { name: string; state: ClusterState } => ({
      name: d.name,
      state: drained.has(d.name)
        ? "drained"
        : this.deployedGeneration(d.name) === d.generation
          ? "done"
          : "pending",
    }));
    this.emit({ event: "rollout-finished", result, reason, clusters });
    return { result, reason, clusters };
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
