import type { DeployedCluster, Directive, RolloutRecord } from "../../config/rolloutState";

/**
 * The narrow ports the rollout orchestrator works through. Production adapters: the Automation
 * API stack (`automation/stack`), the health gates (`automation/health`), the offline evaluation
 * of the program (blast radius) and the system clock. `aa rollout --simulate` plugs in-process
 * simulations into the same ports.
 */

/** One resource a preview would change. */
export interface Change {
  urn: string;
  type: string;
  /** create, update, replace, delete, ... */
  kind: string;
}

/** The deployed state the rollout starts from. */
export interface RolloutStackState {
  clusters: DeployedCluster[];
  rollout: RolloutRecord | null;
}

/** The environment's stack, steered one update at a time by a {@link Directive}. */
export interface RolloutStack {
  readState(): Promise<RolloutStackState>;
  /** What an update with this directive would change. */
  preview(directive: Directive): Promise<Change[]>;
  /** Runs the update with this directive; `message` is recorded in the stack's history. */
  up(directive: Directive, message: string): Promise<void>;
}

/** What one health gate found on one cluster (never contains a secret). */
export interface GateOutcome {
  gate: string;
  cluster: string;
  ok: boolean;
  detail: string;
}

/** Every health gate of one cluster, run once. Never throws: a failure is a failed outcome. */
export interface ClusterHealth {
  check(cluster: string, signal?: AbortSignal): Promise<GateOutcome[]>;
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
   * For the update this directive describes: the owning cluster of a URN, `null` for an
   * environment-level resource, `undefined` when the URN is not in the program at all.
   */
  ownerLookup(directive: Directive): Promise<(urn: string) => string | null | undefined>;
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
