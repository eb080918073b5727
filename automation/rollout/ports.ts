import type { DeployedCluster, Directive, RolloutRecord } from "../../config/rolloutState";
import type { ClusterGraph } from "../blastRadius/steps";
import type { RoundOptions } from "../health/run";
import type { MetricVerdict, StreakStatus } from "../health/metrics/streak";

/**
 * The narrow ports the rollout orchestrator works through. Production adapters: the Automation
 * API stack (`automation/automationApi`), the health gates (`automation/health`), the offline evaluation
 * of the program (blast radius) and the system clock. `aa rollout --simulate` plugs in-process
 * simulations into the same ports.
 */

/**
 * One step of a preview. A preview reports every resource, unchanged ones too (`same`): their
 * parents and providers tie the changed children of remote components to their cluster.
 */
export interface Change {
  urn: string;
  type: string;
  /** The engine's operation: same, create, update, replace, delete, ... */
  kind: string;
  /** Parent URN from the step's state, when the engine reported one. */
  parent?: string;
  /** Provider reference (`urn::id`) from the step's state, when the engine reported one. */
  provider?: string;
}

/** The deployed state the rollout starts from. */
export interface RolloutStackState {
  clusters: DeployedCluster[];
  rollout: RolloutRecord | null;
}

/**
 * The stack refused a preview or update because another rollout holds the environment (the
 * fence of `config/rolloutFence.ts`): the operation changed nothing.
 */
export class LockTakenError extends Error {
  override name = "LockTakenError";
}

/**
 * The environment's stack, steered one update at a time by a {@link Directive}. A preview or
 * update that another rollout's hold on the environment refuses fails with {@link LockTakenError}.
 */
export interface RolloutStack {
  readState(): Promise<RolloutStackState>;
  /** The steps of a preview of an update with this directive. */
  preview(directive: Directive): Promise<Change[]>;
  /** Runs the update with this directive; `message` is recorded in the stack's history. */
  up(directive: Directive, message: string): Promise<void>;
}

/** What one health gate found on one cluster (never contains a secret). */
export interface GateOutcome {
  gate: string;
  cluster: string;
  /**
   * Whether the gate lets the cluster go on. For a metric gate, false only once it failed
   * `consecutiveFailures` checks in a row (`metric.status` "failed"): one bad reading, or too few
   * samples to judge, does not stop a cluster by itself.
   */
  ok: boolean;
  detail: string;
  /** A metric gate's reading and where it stands over the checks; absent for other gates. */
  metric?: MetricStanding;
}

/** What one check of a metric gate read on the changed cluster and its baseline. */
export interface MetricReading {
  /**
   * The check's verdict: `pass`, `fail` (beyond the limit), `wait` (too few samples or no value
   * yet: cannot judge) or `error` (no usable answer: counts as a failure).
   */
  verdict: MetricVerdict;
  /** The query as people read it (PromQL, or the CloudWatch metric). */
  query: string;
  /** The changed cluster's value and samples in the window, when read. */
  value?: number;
  samples?: number;
  /** The median of the other clusters it was compared with (a baseline judge). */
  baseline?: number;
  /** The other clusters whose values made the baseline. */
  baselineClusters?: string[];
  /** The value beyond which the cluster fails. */
  limit?: number;
}

/** A metric gate's reading, and its streak over the checks of one step. */
export interface MetricStanding extends MetricReading {
  /** `passing`, `waiting`, `failing` (fewer than `consecutiveFailures` in a row) or `failed`. */
  status: StreakStatus;
  /** Failing checks in a row. */
  failures: number;
  consecutiveFailures: number;
}

/** One metric gate of the environment, as the orchestrator schedules it. */
export interface MetricGateInfo {
  /** Its gate name, `metric:<name>`. */
  gate: string;
  /** How often it is checked, milliseconds; a round in between reuses the last reading. */
  intervalMs: number;
  /** How many failing checks in a row fail it. */
  consecutiveFailures: number;
}

/**
 * The environment's metric gates: each judges a changed cluster by what its users see, alone or
 * against the other clusters in service. Checked during the health wait and the soak, after the
 * readiness gates of the round passed; the orchestrator keeps each gate's streak.
 */
export interface MetricGates {
  readonly gates: readonly MetricGateInfo[];
  /**
   * Checks these gates (names from {@link gates}) once on the cluster. Never throws: a failure
   * to read is a reading with verdict `error`.
   */
  check(
    cluster: string,
    gates: readonly string[],
    opts?: RoundOptions,
  ): Promise<(Omit<GateOutcome, "metric"> & { metric: MetricReading })[]>;
}

/** Every health gate of one cluster, run once. Never throws: a failure is a failed outcome. */
export interface ClusterHealth {
  /**
   * One round of every gate on the cluster: the round of the shared health wait and soak
   * (`health/wait.ts`, `health/soak.ts`). `opts.signal` cancels it; during a health wait
   * `opts.maxTimeoutMs` is the time left before the deadline, and caps every gate's timeout.
   */
  check(cluster: string, opts?: RoundOptions): Promise<GateOutcome[]>;
}

/**
 * A gate that runs before a cluster is drained, beyond health: e.g. "can the other clusters
 * absorb this cluster's traffic". Undefined outcome list means nothing to check.
 */
export interface DrainGate {
  check(cluster: string): Promise<GateOutcome[]>;
}

/** Which cluster each resource of an update belongs to. */
export interface BlastRadius {
  /**
   * The resource graph of the update this directive describes, with each resource's cluster;
   * the steps of its preview are attributed to clusters against it (`blastRadius/steps.ts`).
   * Callers await one graph before asking for the next: the production adapter runs the program
   * offline, one run per process at a time (`runOffline`).
   */
  graph(directive: Directive): Promise<ClusterGraph>;
}

/** Time, injectable: the real clock in production, a virtual one in simulations and tests. */
export type { Clock } from "../health/clock";

/** One rollout per environment at a time. */
export interface RolloutLockPort {
  /** Takes the lock or throws an Error whose message names the holder and since when. */
  acquire(): Promise<unknown>;
  /** Throws when this rollout no longer holds the lock. */
  verify(lease: unknown): Promise<void>;
  release(lease: unknown): Promise<void>;
}
