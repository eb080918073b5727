import type { GateOutcome } from "../rollout/ports";

/** How a game day ended: whether the environment kept serving without the lost cluster. */
export type GameDayResult = "kept-serving" | "not-kept-serving";

/** Fields every event carries, as in `aa rollout`'s events. */
interface Base {
  /** ISO time of the event (virtual time: a game day is a rehearsal). */
  at: string;
  /** Milliseconds since the cluster was lost. */
  elapsedMs: number;
  /** The cluster the event is about, when it is about one. */
  cluster?: string;
}

/** One service on one cluster that absorbs the lost cluster's share. */
export interface ServiceAbsorb {
  service: string;
  /** Replicas it runs now. */
  current: number;
  /** Replicas its grown share needs (the drain check's arithmetic). */
  required: number;
  /** Most replicas it may run: its HPA maximum, or its fixed replicas without one. */
  ceiling: number;
  /**
   * Replicas it can run: up to its ceiling, and only as many extra pods as fit on the cluster's
   * nodes (placed one per service in turn).
   */
  capacity: number;
  /** Estimated fraction of this service's requests on this cluster that fail (0: it keeps up). */
  failing: number;
  ok: boolean;
}

/** One cluster that absorbs the lost cluster's share. */
export interface ClusterAbsorb {
  cluster: string;
  /** Its share of all requests before the loss, and once the lost cluster's share has moved. */
  shareBefore: number;
  shareAfter: number;
  /** Its traffic grows by this factor. */
  factor: number;
  services: ServiceAbsorb[];
  /** Requests of the extra pods it needs, and what its nodes have free. */
  extra: { cpuMilli: number; memoryMiB: number };
  headroom: { cpuMilli: number; memoryMiB: number };
  ok: boolean;
  /** Why not, with numbers and the fix (the drain check's own words). */
  problems: string[];
}

/** The requests that fail because DNS still sends them to the lost cluster. */
export interface FailingRequests {
  /** Fraction of all requests that fail from the failure on: the lost cluster's share. */
  share: number;
  /** Seconds at that full share: until Route 53 takes the cluster out of DNS, or it is back. */
  fullSeconds: number;
  /** Seconds after that during which fewer fail, as resolvers' cached answers expire (TTL). */
  taperSeconds: number;
  /** All of it as seconds of the whole share failing: fullSeconds plus the taper's average. */
  equivalentSeconds: number;
  /** Seconds after the failure when no more requests fail for this reason. */
  endsAtSeconds: number;
}

/** A service that fails some of its requests once the others carry the lost cluster's share. */
export interface Overload {
  service: string;
  /** The clusters where it runs out. */
  clusters: string[];
  /** Estimated fraction of all of this service's requests that fail. */
  failing: number;
  /** From when (seconds after the failure) to when the lost cluster takes its share back. */
  fromSeconds: number;
  untilSeconds: number;
}

/**
 * Every moment of a game day is an event: a line of the timeline on a terminal, one JSON object
 * per line with `--json`. Event names and fields are a contract.
 */
export type GameDayEvent = Base &
  (
    | {
        event: "gameday-started";
        environment: string;
        lost: string;
        recoverAfterSeconds: number;
        /** Every cluster with its weight and share of requests before the loss. */
        clusters: { name: string; weight: number; share: number }[];
        dns: {
          ttl: number;
          healthCheckIntervalSeconds: number;
          healthCheckFailureThreshold: number;
          hostnames: string[];
        };
      }
    | {
        event: "cluster-lost";
        /** Fraction of all requests that fail now: those DNS sends to the lost cluster. */
        share: number;
        /** What its health gates say (every one fails). */
        gates: GateOutcome[];
      }
    | {
        event: "route53-unhealthy";
        /** Consecutive failed checks, `intervalSeconds` apart, after which Route 53 acts. */
        failedChecks: number;
        intervalSeconds: number;
        /** The clusters Route 53 answers with from now on. */
        serving: string[];
        /**
         * True when no cluster with a weight above 0 is left, so Route 53 falls back to the
         * weight-0 records (it does when every record with a weight is unhealthy).
         */
        fallback: boolean;
        hostnames: string[];
        ttl: number;
      }
    | {
        event: "absorb";
        ok: boolean;
        /** The factor every remaining cluster's traffic grows by. */
        factor: number;
        clusters: ClusterAbsorb[];
        /** Every problem, with numbers and the fix. */
        problems: string[];
        /** The services that fail some requests, with how many. */
        overloaded: Overload[];
      }
    | { event: "note"; reason: string }
    | {
        event: "cluster-back";
        /** What its health gates say (every one passes). */
        gates: GateOutcome[];
      }
    | { event: "route53-healthy"; passedChecks: number; intervalSeconds: number; ttl: number }
    | {
        event: "traffic-restored";
        /** The share of requests it carries again. */
        share: number;
        /** The clusters with a weight that carried its share while it was out. */
        absorbers: string[];
      }
    | {
        event: "gameday-finished";
        result: GameDayResult;
        keptServing: boolean;
        /** The verdict in words, with the numbers behind it. */
        reason: string;
        failing: FailingRequests;
        overloaded: Overload[];
        /** When Route 53 answered without the lost cluster, if it ever did. */
        outOfDns: { fromSeconds: number; toSeconds: number } | null;
      }
  );

export type GameDayEventName = GameDayEvent["event"];

/** An event as planned: everything but its time, which playing it on a clock adds. */
export type GameDayStep = WithoutTime<GameDayEvent>;

type WithoutTime<E> = E extends unknown ? Omit<E, "at" | "elapsedMs"> : never;
