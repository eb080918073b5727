import type { ClusterCapacity } from "../../capacity/absorb";
import { assessDrain, type DrainAssessment, type DrainNeed } from "../capacity/assess";
import { names, percent } from "./_format";
import type {
  ClusterAbsorb,
  FailingRequests,
  GameDayResult,
  GameDayStep,
  Overload,
  ServiceAbsorb,
} from "./events";

/**
 * The timeline of losing one cluster, as pure arithmetic over the environment's weights, its
 * Route 53 settings and each cluster's capacity. The model, stated in every result it feeds:
 *
 * - At 0 the cluster fails: every health gate, and Route 53's health checks of its load
 *   balancers. The requests DNS sends to it (its share by weight) fail.
 * - Route 53 takes it out of DNS after `healthCheckFailureThreshold` failed checks
 *   `healthCheckIntervalSeconds` apart (threshold x interval). Resolvers follow as their cached
 *   answers expire: fewer requests fail, none after one TTL (the expiries spread evenly).
 * - The other clusters carry its share by weight, with the drain check's arithmetic
 *   ({@link assessDrain}): each one's traffic grows by W / (W - w), its services' replicas must
 *   grow by the same factor up to their HPA maximum, and the extra pods must fit on its nodes as
 *   they are. Where they do not, the requests beyond what a service can run fail (the extra pods
 *   that fit are placed one per service in turn). The assessment is made for the whole share, at
 *   the moment the others carry the most of it.
 * - It comes back after `recoverAfterSeconds` (its gates pass again, as before); Route 53 puts it
 *   back after as many passing checks, and resolvers follow within one TTL.
 * - Route 53 answers with records of weight 0 only when every record with a weight is unhealthy.
 */
export interface GameDayArgs {
  /** The environment's name, for the verdict. */
  environment: string;
  /** The cluster that fails at 0. */
  lose: string;
  /**
   * Every cluster of the environment with its weight and capacity now: what the drain check
   * reads. Weight 0 serves no traffic, and absorbs none.
   */
  clusters: ClusterCapacity[];
  dns: {
    ttl: number;
    healthCheckIntervalSeconds: number;
    healthCheckFailureThreshold: number;
    /** The public hostnames Route 53 answers for. @default [] */
    hostnames?: string[];
  };
  /** Seconds after the failure at which the cluster passes its gates again. */
  recoverAfterSeconds: number;
  /** Fewest clusters the environment is declared with (`minClusters`). */
  minClusters: number;
}

/** One moment of the timeline. */
export interface PlannedStep {
  /** Seconds after the failure. */
  atSeconds: number;
  /** The event, without its time; a `gates` list is left empty for whoever runs the gates. */
  step: GameDayStep;
}

/** The whole game day, planned. */
export interface GameDayPlan {
  /** In time order, from `gameday-started` to `gameday-finished`. */
  steps: PlannedStep[];
  keptServing: boolean;
  result: GameDayResult;
}

/** Plans losing `args.lose`; throws when it is not one of `args.clusters` (a caller's bug). */
export function planGameDay(args: GameDayArgs): GameDayPlan {
  const lost = args.clusters.find((c) => c.cluster === args.lose);
  if (!lost) throw new Error(`planGameDay: no cluster "${args.lose}" among the clusters given`);
  const {
    ttl,
    healthCheckIntervalSeconds: interval,
    healthCheckFailureThreshold: threshold,
  } = args.dns;
  const hostnames = args.dns.hostnames ?? [];
  const recover = args.recoverAfterSeconds;
  const detect = threshold * interval;
  const serving = args.clusters.filter((c) => c.weight > 0);
  const total = serving.reduce((sum, c) => sum + c.weight, 0);
  const shareOf = (c: ClusterCapacity) => (total > 0 && c.weight > 0 ? c.weight / total : 0);
  const share = shareOf(lost);
  const others = serving.filter((c) => c.cluster !== lost.cluster);
  const idle = args.clusters.filter((c) => c.cluster !== lost.cluster && c.weight === 0);
  // Route 53 acts only if the cluster is still failing when the threshold is reached.
  const takenOut = recover > detect;
  const steps: PlannedStep[] = [];
  const at = (atSeconds: number, step: GameDayStep) => steps.push({ atSeconds, step });
  const note = (atSeconds: number, reason: string) =>
    at(atSeconds, { event: "note", cluster: lost.cluster, reason });

  at(0, {
    event: "gameday-started",
    cluster: lost.cluster,
    environment: args.environment,
    lost: lost.cluster,
    recoverAfterSeconds: recover,
    clusters: args.clusters.map((c) => ({ name: c.cluster, weight: c.weight, share: shareOf(c) })),
    dns: {
      ttl,
      healthCheckIntervalSeconds: interval,
      healthCheckFailureThreshold: threshold,
      hostnames,
    },
  });
  at(0, { event: "cluster-lost", cluster: lost.cluster, share, gates: [] });
  if (share === 0) {
    note(
      0,
      `${lost.cluster} serves no traffic (weight 0): losing it fails no request and asks nothing of the other clusters`,
    );
  }

  let absorb: Extract<GameDayStep, { event: "absorb" }> | undefined;
  let absorbAt = 0;
  if (takenOut) {
    const fallback = others.length === 0 && share > 0;
    at(detect, {
      event: "route53-unhealthy",
      cluster: lost.cluster,
      failedChecks: threshold,
      intervalSeconds: interval,
      serving: (fallback ? idle : others).map((c) => c.cluster),
      fallback,
      hostnames,
      ttl,
    });
    if (share > 0) {
      const left = others.length;
      // With none left the verdict says it all.
      if (left > 0 && left < args.minClusters) {
        note(
          detect,
          `while ${lost.cluster} is out, only ${names(others.map((c) => c.cluster))} serve${left === 1 ? "s" : ""}` +
            `, fewer than minClusters (${args.minClusters}): ` +
            (left === 1
              ? "one more cluster-scoped fault would fail every request"
              : `one more cluster-scoped fault would fail about ${percent(1 / left)} of requests`),
        );
      }
      // The others carry the most once every resolver has followed, unless it is back first.
      absorbAt = detect + Math.min(ttl, recover);
      const assessment = assessDrain(lost.cluster, args.clusters);
      absorb = absorbStep(assessment, args.clusters, lost, total, idle, absorbAt, recover + detect);
      at(absorbAt, absorb);
    }
  }

  at(recover, { event: "cluster-back", cluster: lost.cluster, gates: [] });
  if (takenOut) {
    at(recover + detect, {
      event: "route53-healthy",
      cluster: lost.cluster,
      passedChecks: threshold,
      intervalSeconds: interval,
      ttl,
    });
    at(recover + detect + ttl, {
      event: "traffic-restored",
      cluster: lost.cluster,
      share,
      absorbers: share > 0 ? others.map((c) => c.cluster) : [],
    });
  } else {
    note(
      recover,
      `${lost.cluster} was back before Route 53's failure threshold (${threshold} failed checks ${interval}s apart, ${detect}s): DNS never changed`,
    );
  }

  const failing = failingRequests(share, detect, ttl, recover, takenOut);
  const overloaded = absorb?.overloaded ?? [];
  const keptServing = share < 1 && (absorb === undefined || absorb.ok);
  const result: GameDayResult = keptServing ? "kept-serving" : "not-kept-serving";
  const end = Math.max(...steps.map((s) => s.atSeconds));
  at(end, {
    event: "gameday-finished",
    cluster: lost.cluster,
    result,
    keptServing,
    reason: verdict(args, lost.cluster, failing, absorb, absorbAt, takenOut, others, idle),
    failing,
    overloaded,
    outOfDns: takenOut ? { fromSeconds: detect, toSeconds: recover + detect } : null,
  });
  // A stable sort: moments at the same second keep the order they happen in.
  steps.sort((a, b) => a.atSeconds - b.atSeconds);
  return { steps, keptServing, result };
}

/** The requests that fail because DNS still sends them to the lost cluster. */
export function failingRequests(
  share: number,
  detect: number,
  ttl: number,
  recover: number,
  takenOut: boolean,
): FailingRequests {
  if (share === 0) {
    return { share, fullSeconds: 0, taperSeconds: 0, equivalentSeconds: 0, endsAtSeconds: 0 };
  }
  const full = Math.min(recover, detect);
  // After Route 53 acts, the failing share falls evenly to 0 over one TTL, unless it is back first.
  const taper = takenOut ? Math.min(recover, detect + ttl) - detect : 0;
  const tapered = ttl > 0 ? taper - (taper * taper) / (2 * ttl) : 0;
  return {
    share,
    fullSeconds: full,
    taperSeconds: taper,
    equivalentSeconds: full + tapered,
    endsAtSeconds: full + taper,
  };
}

/** The absorb event: the drain check's assessment, and what fails where it falls short. */
function absorbStep(
  assessment: DrainAssessment,
  clusters: ClusterCapacity[],
  lost: ClusterCapacity,
  total: number,
  idle: ClusterCapacity[],
  from: number,
  until: number,
): Extract<GameDayStep, { event: "absorb" }> {
  const remaining = total - lost.weight;
  const absorbing = assessment.clusters.map((need) => {
    const capacity = clusters.find((c) => c.cluster === need.cluster) as ClusterCapacity;
    return clusterAbsorb(need, capacity, total, remaining);
  });
  const problems = [...assessment.problems];
  if (absorbing.length === 0 && idle.length > 0) {
    problems.push(
      `Route 53 falls back to the weight-0 records of ${names(idle.map((c) => c.cluster))} once every record with a weight is unhealthy, ` +
        `but ${idle.length === 1 ? "it carries" : "they carry"} no traffic now, so nothing says ${idle.length === 1 ? "it" : "they"} could carry all of it; ` +
        "give another cluster a weight above 0",
    );
  }
  const overloaded: Overload[] = [];
  for (const service of lost.services.map((s) => s.service)) {
    const short = absorbing.flatMap((c) =>
      c.services
        .filter((s) => s.service === service && s.failing > 0)
        .map((s) => ({ cluster: c.cluster, failing: s.failing * c.shareAfter })),
    );
    if (short.length > 0) {
      overloaded.push({
        service,
        clusters: short.map((s) => s.cluster),
        failing: short.reduce((sum, s) => sum + s.failing, 0),
        fromSeconds: from,
        untilSeconds: until,
      });
    }
  }
  return {
    event: "absorb",
    cluster: lost.cluster,
    ok: assessment.ok,
    factor: assessment.factor,
    clusters: absorbing,
    problems,
    overloaded,
  };
}

/**
 * One absorbing cluster: the drain check's needs, and how much each service can really run: up
 * to its ceiling, with the extra pods placed on the nodes' free room one per service in turn (as
 * the HPAs scale together), whole pods only.
 */
function clusterAbsorb(
  need: DrainNeed,
  capacity: ClusterCapacity,
  total: number,
  remaining: number,
): ClusterAbsorb {
  const loads = new Map(capacity.services.map((s) => [s.service, s]));
  const placed = placePods(
    need.services.map((s) => ({
      pods: Math.min(s.required, s.ceiling) - s.current,
      cpuMilli: loads.get(s.service)?.cpuMilli ?? 0,
      memoryMiB: loads.get(s.service)?.memoryMiB ?? 0,
    })),
    need.headroom,
  );
  const services: ServiceAbsorb[] = need.services.map((s, i) => {
    const runs = s.current + placed[i];
    const demand = s.current * need.factor;
    // Below a millionth is the rounding of the factor, not a failing request.
    const failing = demand > 0 && runs < demand - 1e-6 ? 1 - runs / demand : 0;
    return {
      service: s.service,
      current: s.current,
      required: s.required,
      ceiling: s.ceiling,
      capacity: runs,
      failing,
      ok: s.ok,
    };
  });
  return {
    cluster: need.cluster,
    shareBefore: capacity.weight / total,
    shareAfter: capacity.weight / remaining,
    factor: need.factor,
    services,
    extra: need.extra,
    headroom: need.headroom,
    ok: need.ok,
    problems: need.problems,
  };
}

/**
 * How many of each service's extra pods fit in the free room: one pod per service in turn, while
 * one fits. Every pod fits when the drain check's extra requests are within the room.
 */
export function placePods(
  wanted: { pods: number; cpuMilli: number; memoryMiB: number }[],
  headroom: { cpuMilli: number; memoryMiB: number },
): number[] {
  const placed = wanted.map(() => 0);
  let cpu = headroom.cpuMilli;
  let memory = headroom.memoryMiB;
  for (let progress = true; progress;) {
    progress = false;
    wanted.forEach((w, i) => {
      if (placed[i] < w.pods && w.cpuMilli <= cpu && w.memoryMiB <= memory) {
        placed[i]++;
        cpu -= w.cpuMilli;
        memory -= w.memoryMiB;
        progress = true;
      }
    });
  }
  return placed;
}

/** The verdict in words, with the numbers behind it. */
function verdict(
  args: GameDayArgs,
  lost: string,
  failing: FailingRequests,
  absorb: Extract<GameDayStep, { event: "absorb" }> | undefined,
  absorbAt: number,
  takenOut: boolean,
  others: ClusterCapacity[],
  idle: ClusterCapacity[],
): string {
  const env = args.environment;
  const detect = args.dns.healthCheckFailureThreshold * args.dns.healthCheckIntervalSeconds;
  if (failing.share === 0) {
    return `${env} kept serving without ${lost}: it served no traffic (weight 0), so no request failed`;
  }
  const dnsPart =
    `about ${percent(failing.share)} of requests (${lost}'s share) failed for ${failing.fullSeconds}s` +
    (failing.taperSeconds > 0
      ? `, then fewer for ${failing.taperSeconds}s as resolvers followed DNS (as if all of ${lost}'s share failed for ${Math.round(failing.equivalentSeconds)}s)`
      : "");
  if (failing.share >= 1) {
    return (
      `${env} would not have kept serving without ${lost}: it is the only cluster with a weight above 0, so every request failed for ${failing.fullSeconds}s` +
      (takenOut && idle.length > 0
        ? `, then Route 53 fell back to ${names(idle.map((c) => c.cluster))} (weight 0), which nothing says could carry it all`
        : "") +
      `; give at least two clusters a weight above 0`
    );
  }
  if (!takenOut) {
    return `${env} kept serving without ${lost}: ${dnsPart}; it was back after ${args.recoverAfterSeconds}s, before Route 53's threshold (${detect}s), so nothing moved`;
  }
  const absorbers = names(others.map((c) => c.cluster));
  if (absorb && !absorb.ok) {
    const short = absorb.overloaded
      .map(
        (o) =>
          `${o.service} on ${names(o.clusters)} runs out (${shortfall(absorb, o)}): about ${percent(o.failing)} of ${o.service}'s requests fail from +${o.fromSeconds}s until ${lost} is back in DNS at +${o.untilSeconds}s`,
      )
      .join("; ");
    return (
      `${env} would not have kept serving without ${lost}: ${absorbers} cannot absorb its share` +
      (short ? `: ${short}` : `: ${absorb.problems[0]}`) +
      `; before that, ${dnsPart}`
    );
  }
  return `${env} kept serving without ${lost}: ${dnsPart}; from +${absorbAt}s ${absorbers} carried its share within their capacity`;
}

/** "needs 3 replicas, can run 2" for the first cluster where a service runs out. */
function shortfall(absorb: Extract<GameDayStep, { event: "absorb" }>, o: Overload): string {
  for (const c of absorb.clusters) {
    const s = c.services.find((x) => x.service === o.service && x.failing > 0);
    if (s) return `needs ${s.required} replicas on ${c.cluster}, can run ${s.capacity}`;
  }
  return "";
}
