import { NEW_STREAK, nextStreak, type MetricStreak } from "../health/metrics/streak";
import type { RoundOptions } from "../health/run";
import type { Clock, GateOutcome, MetricGateInfo, MetricGates, MetricStanding } from "./ports";

/**
 * The metric gates of the clusters one step judges, over the rounds of its health wait and soak:
 * each gate is checked once per its interval (a round in between reuses its last reading), and
 * each check is folded into that gate's streak on that cluster (`nextStreak`), so that one noisy
 * reading does not halt a rollout and `consecutiveFailures` in a row do. The orchestrator makes
 * one per step: a new step starts every streak afresh.
 */
export class MetricWatch {
  private readonly seen = new Map<string, { at: number; outcome: GateOutcome }>();
  private readonly streaks = new Map<string, MetricStreak>();

  constructor(
    private readonly port: MetricGates,
    private readonly clock: Clock,
  ) {}

  /** Whether the environment has any metric gate. */
  get active(): boolean {
    return this.port.gates.length > 0;
  }

  /**
   * One round of the metric gates on a cluster: the gates due are checked (all of them on the
   * first round), the others repeat their last outcome. One outcome per gate, in the port's
   * order; `ok` is false only for a gate whose streak has `failed`.
   */
  async round(cluster: string, opts: RoundOptions = {}): Promise<GateOutcome[]> {
    const now = this.clock.now();
    const due = this.port.gates.filter((g) => {
      const last = this.seen.get(key(cluster, g.gate));
      return !last || now - last.at >= g.intervalMs;
    });
    if (due.length > 0) {
      // The port never throws by contract; should it, every gate due reads as an error (which
      // counts as a failure), never as a pass.
      const read = await this.port
        .check(
          cluster,
          due.map((g) => g.gate),
          opts,
        )
        .catch((err: unknown) =>
          due.map((g) => ({
            gate: g.gate,
            cluster,
            ok: false,
            detail: `${g.gate} could not be read: ${err instanceof Error ? err.message : String(err)}`,
            metric: { verdict: "error" as const, query: "" },
          })),
        );
      for (const gate of due) {
        const found = read.find((r) => r.gate === gate.gate);
        const outcome = this.fold(cluster, gate, found);
        this.seen.set(key(cluster, gate.gate), { at: now, outcome });
      }
    }
    return this.port.gates.map((g) => this.seen.get(key(cluster, g.gate))!.outcome);
  }

  private fold(
    cluster: string,
    gate: MetricGateInfo,
    found: Awaited<ReturnType<MetricGates["check"]>>[number] | undefined,
  ): GateOutcome {
    const k = key(cluster, gate.gate);
    const reading = found?.metric ?? {
      verdict: "error" as const,
      query: "",
    };
    const streak = nextStreak(
      this.streaks.get(k) ?? NEW_STREAK,
      reading.verdict,
      gate.consecutiveFailures,
    );
    this.streaks.set(k, streak);
    const metric: MetricStanding = {
      ...reading,
      status: streak.status,
      failures: streak.failures,
      consecutiveFailures: gate.consecutiveFailures,
    };
    const detail = found?.detail ?? `${gate.gate} gave no answer for ${cluster}`;
    // The standing goes before the query, which ends a metric gate's detail.
    const tail = `; query: ${reading.query}`;
    const at = reading.query && detail.endsWith(tail) ? detail.length - tail.length : detail.length;
    return {
      gate: gate.gate,
      cluster,
      ok: streak.status !== "failed",
      detail: `${detail.slice(0, at)}${standing(metric)}${detail.slice(at)}`,
      metric,
    };
  }
}

/** Where a gate stands, as the end of its detail: " (2 of 3 failing checks in a row)". */
function standing(m: MetricStanding): string {
  if (m.status === "failed") {
    return m.failures === 1 ? " (1 failing check)" : ` (${m.failures} failing checks in a row)`;
  }
  if (m.status === "failing") {
    return ` (${m.failures} of ${m.consecutiveFailures} failing checks in a row)`;
  }
  if (m.status === "waiting" && m.failures > 0) {
    return ` (${m.failures} of ${m.consecutiveFailures} failing checks in a row before it)`;
  }
  return "";
}

function key(cluster: string, gate: string): string {
  return `${cluster}\u0000${gate}`;
}

/**
 * Whether an outcome lets a soak end: any gate but a metric gate does; a metric gate only when its
 * last check passed (not one still waiting for samples, nor one failing fewer checks in a row than
 * fail it).
 */
export function metricSettled(outcome: GateOutcome): boolean {
  return outcome.metric === undefined || outcome.metric.status === "passing";
}

/** Whether a failing outcome is final: a metric gate that failed its checks in a row. */
export function metricFinal(outcome: GateOutcome): boolean {
  return outcome.metric?.status === "failed";
}
