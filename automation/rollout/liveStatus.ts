import type { RolloutEvent } from "./events";
import type { GateOutcome } from "./ports";
import { clock, firstFailure } from "./render";

/** Where one cluster stands during a rollout, as the live view shows it. */
export interface ClusterStatus {
  name: string;
  /** "waiting" (a step to come), "running" (its step is under way), "done", "drained", "halted". */
  state: "waiting" | "running" | "done" | "pending" | "drained" | "halted";
  /** Its current (or last) step: number and kind. */
  step?: { number: number; kind: string };
  /** What its step is doing now, e.g. "updating", "health wait (attempt 3)", "soak: 120s left". */
  activity?: string;
  /** The last gate results it got. */
  gates?: GateOutcome[];
  /** When its current step started, on the rollout's clock (ms since the rollout started). */
  stepStartedMs?: number;
}

/** The live view's state: the rollout and every cluster, in plan order. */
export interface LiveStatus {
  rolloutId?: string;
  steps: number;
  /** Each step's cluster, by step number (from the plan the rollout started with). */
  plan: { number: number; cluster: string }[];
  /** The step under way, if any. */
  current?: number;
  clusters: ClusterStatus[];
  /** The rollout's clock at the last event (ms since it started). */
  elapsedMs: number;
  /** How the rollout ended, once it has. */
  result?: string;
}

export const EMPTY_STATUS: LiveStatus = { steps: 0, plan: [], clusters: [], elapsedMs: 0 };

/** `status` with `change` made to cluster `name` (added, waiting, if it was not listed). */
function withCluster(status: LiveStatus, name: string, change: Partial<ClusterStatus>): LiveStatus {
  const known = status.clusters.some((c) => c.name === name);
  const clusters = known
    ? status.clusters.map((c) => (c.name === name ? { ...c, ...change } : c))
    : [...status.clusters, { name, state: "waiting" as const, ...change }];
  return { ...status, clusters };
}

/** `status` after `e`. Pure. */
export function nextStatus(status: LiveStatus, e: RolloutEvent): LiveStatus {
  const at = { ...status, elapsedMs: e.elapsedMs };
  const update = (name: string | undefined, change: Partial<ClusterStatus>): LiveStatus =>
    name ? withCluster(at, name, change) : at;
  switch (e.event) {
    case "rollout-started": {
      const names = [...e.done, ...e.steps.map((s) => s.cluster)];
      const clusters = [...new Set(names)].map((name): ClusterStatus => ({
        name,
        state: e.done.includes(name) ? "done" : "waiting",
      }));
      const plan = e.steps.map((s) => ({ number: s.number, cluster: s.cluster }));
      return { ...at, rolloutId: e.rolloutId, steps: e.steps.length, plan, clusters };
    }
    case "step-started":
      return {
        ...update(e.cluster, {
          state: "running",
          step: { number: e.step ?? 0, kind: e.canary ? "release, canary" : e.kind },
          activity: "started",
          gates: undefined,
          stepStartedMs: e.elapsedMs,
        }),
        current: e.step,
      };
    case "drain":
      return update(e.cluster, { activity: `drained, waiting ${e.waitSeconds}s` });
    case "ramp":
      return update(e.cluster, { activity: `traffic ${e.direction} to ${e.percent}%` });
    case "preflight-preview":
    case "preview":
      return update(e.cluster, { activity: e.ok ? "previewed" : "preview touches others" });
    case "update-started":
      return update(e.cluster, { activity: "updating" });
    case "update-finished":
      return update(e.cluster, { activity: "updated" });
    case "health-wait":
      return update(e.cluster, {
        activity: e.ok ? "healthy" : `health wait (attempt ${e.attempt})`,
        gates: e.gates,
      });
    case "undrain":
      return update(e.cluster, { activity: "back in service" });
    case "soak":
      return update(e.cluster, {
        activity: e.remainingSeconds > 0 ? `soak: ${e.remainingSeconds}s left` : "soaked",
        gates: e.gates,
      });
    case "removed":
      return update(e.cluster, { activity: "deleted" });
    case "step-finished": {
      const more = at.plan.some((p) => p.cluster === e.cluster && p.number > (e.step ?? 0));
      return {
        ...update(e.cluster, { state: more ? "waiting" : "done", activity: "step done" }),
        current: undefined,
      };
    }
    case "halted":
      return update(e.cluster, { state: "halted", activity: e.reason });
    case "rollout-finished": {
      let next: LiveStatus = { ...at, result: e.result, current: undefined };
      for (const c of e.clusters) {
        const halted = next.clusters.find((x) => x.name === c.name)?.state === "halted";
        next = withCluster(next, c.name, { state: halted ? "halted" : c.state });
      }
      return next;
    }
    default:
      return at;
  }
}

/** The gates' results in a few words: "gates 7/7 ok" or the first failure. */
function gateSummary(gates: GateOutcome[] | undefined): string {
  if (!gates || gates.length === 0) return "";
  const ok = gates.filter((g) => g.ok).length;
  return ok === gates.length ? `gates ${ok}/${gates.length} ok` : `failing: ${firstFailure(gates)}`;
}

/**
 * The status block: a heading, then one line per cluster with its state, step, what it is doing,
 * its gates and how long its step has run. `nowMs` is the rollout's clock now. Pure.
 */
export function renderStatus(status: LiveStatus, nowMs: number, width = 120): string {
  const heading =
    `rollout ${status.rolloutId ?? ""}`.trimEnd() +
    (status.result
      ? ` ${status.result}`
      : status.current !== undefined
        ? `: step ${status.current} of ${status.steps}`
        : `: ${status.steps} step(s)`) +
    ` [${clock(nowMs)}]`;
  const nameWidth = Math.max(7, ...status.clusters.map((c) => c.name.length));
  const lines = status.clusters.map((c) => {
    const step = c.step ? `step ${c.step.number} ${c.step.kind}` : "";
    const inStep =
      c.state === "running" && c.stepStartedMs !== undefined
        ? `${clock(nowMs - c.stepStartedMs)} in step`
        : "";
    const parts = [c.activity, gateSummary(c.gates), inStep].filter(Boolean).join(" · ");
    const line = `  ${c.name.padEnd(nameWidth)}  ${c.state.padEnd(7)}  ${step.padEnd(24)}  ${parts}`;
    return line.length > width ? line.slice(0, width - 1) + "…" : line.trimEnd();
  });
  return [heading, ...lines].join("\n");
}
