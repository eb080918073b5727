import { capacityOutcomes } from "../../capacity/drainGate";
import type { ClusterCapacity } from "../../../capacity/absorb";
import { assessDrain } from "../../capacity/assess";
import { nodeShape } from "../../cost/node";
import { resolvePrices } from "../../cost/prices";
import { requests, systemPods, systemRequests } from "../../cost/systemPods";
import type { Environment } from "../../../config/load";
import type { DrainGate, GateOutcome } from "../ports";

/**
 * The capacity check of a simulated environment: every cluster runs its node group's desired
 * nodes (sized from the instance table of `aa cost`), the system pods of the cost model and each
 * service's configured replicas; a service may scale to its `autoscaling.maxReplicas`. The same
 * arithmetic as the live check ({@link assessDrain}), on numbers the config implies.
 */
export class SimulatedCapacity implements DrainGate {
  /** What one cluster runs and has room for: the config's, the same on every cluster. */
  private readonly shape: Omit<ClusterCapacity, "weight" | "cluster">;

  constructor(
    environment: Environment,
    private readonly weights: () => Record<string, number>,
  ) {
    const { config } = environment;
    const prices = resolvePrices(config.costs);
    const node = nodeShape(config.nodeGroup, prices, `stack ${environment.name}`);
    const system = systemRequests(systemPods(config, prices, `stack ${environment.name}`).pods);
    const nodes = config.nodeGroup.desiredSize;
    const services = config.services.map((s) => {
      const r = requests(s.resources.requests.cpu, s.resources.requests.memory);
      return {
        service: s.name,
        replicas: s.replicas,
        maxReplicas: s.autoscaling?.maxReplicas ?? s.replicas,
        cpuMilli: r.cpuMilli,
        memoryMiB: r.memoryMiB,
      };
    });
    const used = {
      cpuMilli:
        system.perCluster.cpuMilli +
        nodes * system.perNode.cpuMilli +
        services.reduce((sum, s) => sum + s.replicas * s.cpuMilli, 0),
      memoryMiB:
        system.perCluster.memoryMiB +
        nodes * system.perNode.memoryMiB +
        services.reduce((sum, s) => sum + s.replicas * s.memoryMiB, 0),
    };
    const headroom = {
      cpuMilli: Math.round(nodes * node.allocatable.cpuMilli - used.cpuMilli),
      memoryMiB: Math.round(nodes * node.allocatable.memoryMiB - used.memoryMiB),
    };
    this.shape = { services, headroom };
  }

  /** Every deployed cluster (a new one at weight 0 absorbs nothing; a leaving one counts). */
  check(cluster: string): Promise<GateOutcome[]> {
    return Promise.resolve(capacityOutcomes(assessDrain(cluster, this.capacities())));
  }

  /** Every deployed cluster's capacity with its weight now: what {@link assessDrain} reads. */
  capacities(): ClusterCapacity[] {
    return Object.entries(this.weights()).map(([name, weight]) => ({
      ...this.shape,
      cluster: name,
      weight,
    }));
  }
}
