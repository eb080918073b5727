import type { StepKind, stepSummary } from "./plan";
import type { GateOutcome } from "./ports";

/** How a rollout ended. */
export type RolloutResult = "succeeded" | "paused" | "halted" | "refused";

/**
 * Where each cluster stands when a rollout ends: at its desired settings and full weight
 * (`done`), not yet (`pending`: a change or a ramp to go, or a removed cluster not deleted yet),
 * or out of service (`drained`).
 */
export type ClusterState = "done" | "pending" | "drained";

/** Fields every event carries. */
interface Base {
  /** ISO time of the event (virtual time in a simulation). */
  at: string;
  /** Milliseconds since the rollout started. */
  elapsedMs: number;
  cluster?: string;
  /** Step number in the plan, from 1. */
  step?: number;
}

/**
 * Every step of a rollout is an event: rendered for people on a terminal, one JSON object per
 * line with `--json`. Event names and fields are a contract.
 */
export type RolloutEvent = Base &
  (
    | {
        event: "rollout-started";
        rolloutId: string;
        resumed: boolean;
        /** Each step as `aa plan --json` summarises it (add and remove steps with `ramp`). */
        steps: ReturnType<typeof stepSummary>[];
        done: string[];
      }
    | { event: "precheck"; ok: boolean; gates: GateOutcome[] }
    | { event: "drain-check"; ok: boolean; gates: GateOutcome[] }
    | { event: "preflight-preview"; ok: boolean; changes: number; outside: Outside[] }
    | {
        event: "step-started";
        pass: number;
        /**
         * "upgrade" drains first; "release" (workloads only) stays in service; "add" creates a
         * cluster and ramps its traffic up; "remove" ramps it down, drains and deletes it.
         */
        kind: StepKind;
        /** The first release step: gates and soak pass before any other cluster starts. */
        canary: boolean;
        /** Whether the cluster is taken out of service (drained) for this step. */
        drains: boolean;
        changes: string[];
      }
    | { event: "drain"; weight: number; waitSeconds: number }
    | {
        event: "ramp";
        /** Up (a new cluster) or down (a cluster being removed). */
        direction: "up" | "down";
        /** Percent of the cluster's configured weight it serves now. */
        percent: number;
        /** Its Route 53 weight now. */
        weight: number;
        /** Seconds waited for resolvers to follow (the DNS TTL) before the cluster is judged. */
        waitSeconds: number;
      }
    | { event: "removed" }
    | { event: "preview"; ok: boolean; changes: number; outside: Outside[] }
    | { event: "update-started" }
    | { event: "update-finished" }
    | { event: "health-wait"; ok: boolean; attempt: number; gates: GateOutcome[] }
    | { event: "undrain"; weight: number }
    | { event: "soak"; ok: boolean; remainingSeconds: number; gates: GateOutcome[] }
    | { event: "step-finished" }
    | { event: "recovering"; reason: string }
    | { event: "halted"; reason: string; gate?: string }
    | { event: "record-failed"; reason: string }
    | { event: "simulated-crash"; reason: string }
    | {
        event: "rollout-finished";
        result: RolloutResult;
        reason?: string;
        /** With result "paused" (`--max-steps`): the cluster of the next step. */
        next?: string;
        clusters: { name: string; state: ClusterState }[];
      }
  );

/** A resource a step would change outside its own cluster. */
export interface Outside {
  urn: string;
  /**
   * The cluster it belongs to; null for environment-level; "unknown" when nothing ties it to a
   * cluster or to the environment (then `reason` says what was tried).
   */
  owner: string | null;
  kind: string;
  /** Why an "unknown" resource maps nowhere. */
  reason?: string;
}

export type RolloutEventName = RolloutEvent["event"];
