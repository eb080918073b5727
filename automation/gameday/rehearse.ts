import type { Environment } from "../../config/load";
import type { DeployedCluster } from "../../config/rolloutState";
import { UsageError } from "../exitCodes";
import { SimulatedCapacity } from "../rollout/simulate/simulatedCapacity";
import { SimulatedHealth } from "../rollout/simulate/simulatedHealth";
import { VirtualClock } from "../rollout/simulate/virtualClock";
import type { GameDayEvent } from "./events";
import { planGameDay, type GameDayPlan } from "./timeline";

/** Arguments of {@link rehearseGameDay}. */
export interface GameDayRehearsalArgs {
  environment: Environment;
  /** The cluster to lose; a UsageError names the clusters when it is not one of them. */
  lose: string;
  /** Seconds after the failure at which the cluster passes its gates again. */
  recoverAfterSeconds: number;
  /**
   * The deployed state to start from (`pulumi stack output --json`): each cluster's weight as
   * deployed (0 for one a rollout holds drained) and its Kubernetes version.
   * @default the config's clusters, at their configured weights
   */
  deployed?: DeployedCluster[];
  /** Receives every event, in time order. */
  emit(event: GameDayEvent): void;
  /** @default a virtual clock that starts now */
  clock?: VirtualClock;
}

/**
 * Rehearses losing a cluster against the rollout's simulation: the capacity of every cluster
 * from the config's node group and services ({@link SimulatedCapacity}, as the rollout's drain
 * check sees it), the timeline planned from it ({@link planGameDay}), then played on a virtual
 * clock, the lost cluster's health gates ({@link SimulatedHealth}) failing from the start and
 * passing again when it is back. Touches nothing real.
 */
export async function rehearseGameDay(args: GameDayRehearsalArgs): Promise<GameDayPlan> {
  const { environment } = args;
  const { config } = environment;
  const clusterNames = config.clusters.map((c) => c.name);
  if (!clusterNames.includes(args.lose)) {
    throw new UsageError(
      `--lose ${JSON.stringify(args.lose)}: no cluster "${args.lose}" in ${environment.name}; clusters are ${clusterNames.join(", ")}`,
    );
  }
  const deployed = args.deployed ? new Map(args.deployed.map((d) => [d.name, d])) : undefined;
  const strangers = [...(deployed?.keys() ?? [])].filter((name) => !clusterNames.includes(name));
  if (strangers.length > 0) {
    throw new UsageError(
      `--deployed lists cluster ${strangers.join(", ")}, which the config of ${environment.name} does not have; ` +
        "a game day rehearses the config's clusters: put the cluster back into the config, or use outputs of this config",
    );
  }
  // A cluster the outputs do not list is not deployed yet: it serves nothing.
  const weights = Object.fromEntries(
    config.clusters.map((c) => [c.name, deployed ? (deployed.get(c.name)?.weight ?? 0) : c.weight]),
  );

  const clock = args.clock ?? new VirtualClock();
  const health = new SimulatedHealth(clock, {
    clusters: clusterNames,
    services: config.services.map((s) => s.name),
    nodes: config.nodeGroup.desiredSize,
    versionOf: (cluster) => deployed?.get(cluster)?.kubernetesVersion ?? config.kubernetesVersion,
    faults: [],
  });
  const capacity = new SimulatedCapacity(environment, () => weights);

  const plan = planGameDay({
    environment: environment.name,
    lose: args.lose,
    clusters: capacity.capacities(),
    dns: { ...config.dns, hostnames: config.dns.hostnames.map((h) => h.hostname) },
    recoverAfterSeconds: args.recoverAfterSeconds,
    minClusters: config.minClusters,
  });

  const start = clock.now();
  for (const { atSeconds, step } of plan.steps) {
    await clock.sleep(start + atSeconds * 1000 - clock.now());
    let event = step;
    if (step.event === "cluster-lost") {
      health.lose(args.lose);
      event = { ...step, gates: await health.check(args.lose) };
    } else if (step.event === "cluster-back") {
      health.restore(args.lose);
      event = { ...step, gates: await health.check(args.lose) };
    }
    args.emit({
      ...event,
      at: new Date(clock.now()).toISOString(),
      elapsedMs: clock.now() - start,
    });
  }
  return plan;
}
