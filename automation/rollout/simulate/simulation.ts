import { clusterSpec, planClusters, type ClusterSpec } from "../../../config/clusters";
import type { Environment } from "../../../config/load";
import type { DeployedCluster, RolloutRecord } from "../../../config/rolloutState";
import { minorOf } from "../../../config/version";
import { clusterGraph, unionGraph } from "../../blastRadius/graph";
import type { Evaluation } from "../../offline/evaluate";
import type { BlastRadius, RolloutLockPort, RolloutStackState } from "../ports";
import { EnvironmentMetrics, servingPeers } from "../environmentMetrics";
import { normalizeClusterTarget } from "../../health/target";
import type { Fault } from "./faults";
import { checkMetricFaults, simulatedGates, simulatedSource } from "./simulatedMetrics";
import { MemoryRolloutLock } from "./memoryLock";
import { SimulatedCapacity } from "./simulatedCapacity";
import { SimulatedHealth } from "./simulatedHealth";
import { SimulatedStack, type SimResource } from "./simulatedStack";
import { VirtualClock } from "./virtualClock";

/** Everything `aa rollout --simulate` runs the orchestrator against. */
export interface Simulation {
  clock: VirtualClock;
  stack: SimulatedStack;
  health: SimulatedHealth;
  /** The capacity check before each drain, from the config's node group and services. */
  capacity: SimulatedCapacity;
  /**
   * The real metric gates over simulated metrics (`simulatedMetrics.ts`); undefined when the
   * environment switched every metric gate off.
   */
  metrics: EnvironmentMetrics | undefined;
  /**
   * True when the environment declares no `gates`: the rehearsal runs the default pair per
   * service against a simulated Prometheus.
   */
  metricsAssumed: boolean;
  lock: MemoryRolloutLock & RolloutLockPort;
  blastRadius: BlastRadius;
  desired: ClusterSpec[];
  /** Where the simulated environment starts. */
  initial: DeployedCluster[];
}

export interface SimulationArgs {
  environment: Environment;
  /** The program evaluated offline: the resources (URNs) and which cluster owns each. */
  evaluation: Evaluation;
  /**
   * The program evaluated from the deployed state during a rollout, when a deployed cluster is no
   * longer in the config: it still builds that cluster, so its resources (what its removal
   * deletes) come from here. @default none
   */
  leaving?: Pick<Evaluation, "resources" | "membership">;
  /** The deployed state to start from. @default the config one Kubernetes minor below */
  deployed?: DeployedCluster[];
  /** The rollout record the simulated stack holds (a halted rehearsal being resumed). @default none */
  rollout?: RolloutRecord | null;
  faults?: Fault[];
  startedBy?: string;
  /**
   * Records the simulated stack's state after every update, before the update returns (a
   * rehearsal's `--sim-state` file), so that a kill at any moment loses no finished update and a
   * resume never applies one twice. What it throws fails that update, with nothing changed.
   * @default nothing is recorded
   */
  persist?: (state: RolloutStackState) => void;
}

/**
 * An in-process environment for `aa rollout --simulate`: the stack (deciding updates with the
 * program's own rules), cluster health that changes over virtual time, an in-memory lock and the
 * blast radius from the real program's graph. Same orchestrator, same events, compressed time.
 */
export function createSimulation(args: SimulationArgs): Simulation {
  const clock = new VirtualClock();
  const desired = planClusters(args.environment.config);
  const initial = args.deployed ?? oneMinorBelow(desired, args.environment);
  const faults = args.faults ?? [];
  const { membership } = args.evaluation;

  const desiredGraph = clusterGraph(args.evaluation.resources, membership);
  const resources = clusterResources(args.evaluation);
  let graph = desiredGraph;
  if (args.leaving) {
    const configured = new Set(desired.map((d) => d.name));
    for (const [cluster, list] of clusterResources(args.leaving)) {
      if (!configured.has(cluster)) resources.set(cluster, list);
    }
    graph = unionGraph(desiredGraph, clusterGraph(args.leaving.resources, args.leaving.membership));
  }

  // The stack tells the health model when a cluster changed; health asks the stack its version.
  const healthRef: { current?: SimulatedHealth } = {};
  const stack = new SimulatedStack(
    desired,
    initial,
    resources,
    faults,
    (cluster, kind) => healthRef.current?.clusterChanged(cluster, kind),
    args.rollout ?? null,
    args.environment.config.dns.hostnames,
    args.persist,
  );
  const health = new SimulatedHealth(clock, {
    clusters: desired.map((d) => d.name),
    services: args.environment.config.services.map((s) => s.name),
    versionOf: (cluster) => stack.versionOf(cluster),
    rampOf: (cluster) => stack.rampOf(cluster),
    faults,
  });
  healthRef.current = health;

  const capacity = new SimulatedCapacity(args.environment, () =>
    Object.fromEntries(stack.clusters().map((c) => [c.name, c.weight])),
  );

  const gates = simulatedGates(args.environment.config);
  checkMetricFaults(faults, gates.specs);
  const world = {
    weights: () => Object.fromEntries(stack.clusters().map((c) => [c.name, c.weight])),
    // Whether it runs the change: also in a rehearsal resumed from --sim-state, where the
    // update that brought it there ran in an earlier process.
    changed: (cluster: string) =>
      stack.clusters().find((c) => c.name === cluster)?.generation ===
      desired.find((d) => d.name === cluster)?.generation,
    faults,
  };
  const metrics =
    gates.specs.length === 0
      ? undefined
      : new EnvironmentMetrics({
          specs: gates.specs,
          source: (spec) => simulatedSource(spec, world),
          target: (cluster) =>
            Promise.resolve(
              normalizeClusterTarget({
                name: cluster,
                kubeconfig: "(simulated)",
                kubernetesVersion: stack.versionOf(cluster),
                services: [],
              }),
            ),
          peers: (cluster) => servingPeers(stack.clusters(), cluster),
        });

  return {
    clock,
    stack,
    health,
    capacity,
    metrics,
    metricsAssumed: gates.assumed,
    lock: new MemoryRolloutLock(args.environment.name, clock, args.startedBy ?? "simulation"),
    blastRadius: { graph: () => Promise.resolve(graph) },
    desired,
    initial,
  };
}

/** Each cluster's resources in an evaluation of the program, by cluster name. */
function clusterResources(
  evaluation: Pick<Evaluation, "resources" | "membership">,
): Map<string, SimResource[]> {
  const { membership } = evaluation;
  const names = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const resources = new Map<string, SimResource[]>();
  for (const r of evaluation.resources) {
    const cluster = names.get(membership.clusterOf.get(r.urn) ?? "");
    if (cluster) {
      const list = resources.get(cluster) ?? [];
      list.push({ urn: r.urn, type: r.type, inputs: r.inputs });
      resources.set(cluster, list);
    }
  }
  return resources;
}

/**
 * The environment as if deployed one Kubernetes minor below its config: add-ons from the
 * add-on matrix when it lists that minor, else the config's, with kube-proxy on the lower minor.
 */
export function oneMinorBelow(desired: ClusterSpec[], environment: Environment): DeployedCluster[] {
  return desired.map((spec) => {
    const minor = minorOf(spec.settings.kubernetesVersion) - 1;
    const version = `1.${minor}`;
    const row = environment.config.addonMatrix[version];
    const addons = row
      ? { vpcCni: row.vpcCni[0], coredns: row.coredns[0], kubeProxy: row.kubeProxy[0] }
      : {
          ...spec.settings.addons,
          kubeProxy: spec.settings.addons.kubeProxy.replace(/^v1\.\d+\./, `v1.${minor}.`),
        };
    const before = clusterSpec({
      ...spec,
      settings: { ...spec.settings, kubernetesVersion: version, addons },
    });
    return {
      name: before.name,
      weight: before.weight,
      endpoint: `https://${before.name}.eks.simulated`,
      kubernetesVersion: version,
      addons,
      kyvernoVersion: before.settings.kyverno.version,
      generation: before.generation,
      settings: before.settings,
      ingress: {},
    };
  });
}
