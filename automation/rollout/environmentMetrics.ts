import type { MetricGateSpec } from "../../config/metricGates";
import type { DeployedCluster } from "../../config/rolloutState";
import type { HealthGate } from "../health/gate";
import { metricGate, type MetricObserved } from "../health/metrics/metricGate";
import type { MetricSource } from "../health/metrics/source";
import type { RoundOptions } from "../health/run";
import type { ClusterPeer, ClusterTarget } from "../health/target";
import type { MetricGateInfo, MetricGates, MetricReading } from "./ports";

/** Arguments of {@link EnvironmentMetrics}. */
export interface EnvironmentMetricsArgs {
  /** The environment's metric gates: `metricGates(config)` (config/metricGates.ts). */
  specs: readonly MetricGateSpec[];
  /** Where a gate reads: `sourceFor` in production, a simulated source in a rehearsal. */
  source: (spec: MetricGateSpec) => MetricSource;
  /** The cluster the gates judge, or why it cannot be reached. */
  target: (cluster: string) => Promise<ClusterTarget | string>;
  /**
   * Its baseline: the other clusters serving traffic now (not a drained one, nor a new one not
   * ramped up yet), each with its region.
   */
  peers: (cluster: string) => ClusterPeer[];
  /** Timeout of one check of one gate, milliseconds. @default 15000 */
  timeoutMs?: number;
}

/**
 * The {@link MetricGates} port over the real metric gates (`health/metrics/metricGate.ts`), one
 * per spec, each reading through its source: the changed cluster and the clusters in service
 * besides it, judged as the spec says. The same adapter serves a real rollout and a rehearsal;
 * only the sources differ.
 */
export class EnvironmentMetrics implements MetricGates {
  readonly gates: readonly MetricGateInfo[];
  private readonly byName: Map<string, { gate: HealthGate<MetricObserved>; query: string }>;

  constructor(private readonly args: EnvironmentMetricsArgs) {
    this.byName = new Map(
      args.specs.map((spec) => {
        const source = args.source(spec);
        const gate = metricGate({ spec, source, timeoutMs: args.timeoutMs });
        return [gate.name, { gate, query: source.query }];
      }),
    );
    this.gates = args.specs.map((spec) => ({
      gate: `metric:${spec.name}`,
      intervalMs: spec.intervalMs,
      consecutiveFailures: spec.consecutiveFailures,
    }));
  }

  async check(
    cluster: string,
    gates: readonly string[],
    opts: RoundOptions = {},
  ): ReturnType<MetricGates["check"]> {
    const found = await this.args.target(cluster);
    if (typeof found === "string") {
      return gates.map((gate) => ({
        gate,
        cluster,
        ok: false,
        detail: found,
        metric: { verdict: "error", query: this.byName.get(gate)?.query ?? "" },
      }));
    }
    const target = { ...found, peers: this.args.peers(cluster) };
    return Promise.all(
      gates.map(async (name) => {
        const known = this.byName.get(name);
        if (!known) {
          return {
            gate: name,
            cluster,
            ok: false,
            detail: `no metric gate ${name} in this environment`,
            metric: { verdict: "error" as const, query: "" },
          };
        }
        const { gate, query } = known;
        const timeoutMs =
          opts.maxTimeoutMs === undefined
            ? gate.timeoutMs
            : Math.max(1, Math.min(gate.timeoutMs, opts.maxTimeoutMs));
        const result = await gate.check(target, { signal: opts.signal, timeoutMs });
        return {
          gate: result.gate,
          cluster,
          ok: result.ok,
          detail: result.detail,
          metric: reading(result.observed, result.failure, query),
        };
      }),
    );
  }
}

/** The plain reading of a check: from what the gate observed, or (a timeout) an error. */
function reading(
  observed: MetricObserved | undefined,
  failure: string | undefined,
  query: string,
): MetricReading {
  if (!observed) return { verdict: failure === "waiting" ? "wait" : "error", query };
  return {
    verdict: observed.verdict,
    query: observed.query,
    ...(observed.changed.value !== undefined ? { value: observed.changed.value } : {}),
    ...(observed.changed.samples !== undefined ? { samples: observed.changed.samples } : {}),
    ...(observed.baselineValue !== undefined ? { baseline: observed.baselineValue } : {}),
    ...(observed.baselineClusters ? { baselineClusters: observed.baselineClusters } : {}),
    ...(observed.limit !== undefined ? { limit: observed.limit } : {}),
  };
}

/** The clusters serving traffic besides this one, as deployed now, each with its region. */
export function servingPeers(
  clusters: readonly Pick<DeployedCluster, "name" | "weight" | "region" | "eksClusterName">[],
  cluster: string,
): ClusterPeer[] {
  return clusters
    .filter((c) => c.name !== cluster && c.weight > 0)
    .map((c) => ({
      name: c.name,
      ...(c.region ? { region: c.region } : {}),
      ...(c.eksClusterName ? { eksClusterName: c.eksClusterName } : {}),
    }));
}
