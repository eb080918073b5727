import type { RolloutEvent } from "./events";
import type { GateOutcome } from "./ports";

/**
 * A renderer for a terminal or a CI log: like {@link renderEvent}, but a health wait that says the
 * same as the previous one is not repeated.
 */
export function createRenderer(): (e: RolloutEvent) => string | undefined {
  let last = "";
  return (e) => {
    if (e.event === "health-wait" && !e.ok) {
      const key = `${e.cluster}:${firstFailure(e.gates)}`;
      if (key === last) return undefined;
      last = key;
    } else if ((e.event === "soak" || e.event === "health-wait") && e.ok) {
      // A metric gate's values change every check; where it stands is what is news (the soak's
      // first round repeats what the health wait's last one just said).
      const g = watched(e.gates, e.event === "soak" && e.remainingSeconds === 0);
      const key = g ? `${e.cluster}:${g.gate}:${g.metric?.status}:${g.metric?.failures}` : "";
      if (e.event === "soak" && g && key === last) return undefined;
      last = key;
    } else {
      last = "";
    }
    return renderEvent(e);
  };
}

/**
 * One line per event for people. Secrets never reach events, so nothing here needs redacting.
 * `elapsed` is the rollout's own clock (compressed in a simulation).
 */
export function renderEvent(e: RolloutEvent): string | undefined {
  const t = `[${clock(e.elapsedMs)}]`;
  const who = e.cluster ? ` ${e.cluster}` : "";
  const step = e.step ? ` step ${e.step}` : "";
  switch (e.event) {
    case "rollout-started": {
      const lines = [
        `${t} rollout ${e.rolloutId} ${e.resumed ? "resumed" : "started"}: ${e.steps.length} step(s)` +
          (e.done.length ? `; already done: ${e.done.join(", ")}` : ""),
      ];
      for (const s of e.steps) {
        const why = s.replaces
          ? ` (replaces ${s.replaces})`
          : s.replacedBy
            ? ` (replaced by ${s.replacedBy})`
            : "";
        lines.push(
          `        ${String(s.number).padStart(2)}. pass ${s.pass}  ${s.cluster}  ${s.kind}${why}  ${s.changes.join(", ")}`,
        );
      }
      return lines.join("\n");
    }
    case "precheck":
      return e.ok
        ? `${t}${who} pre-check: ${e.gates.length} gate(s) pass on ${new Set(e.gates.map((g) => g.cluster)).size} cluster(s)`
        : `${t}${who} pre-check FAILED: ${firstFailure(e.gates)}`;
    case "drain-check":
      return e.ok
        ? `${t}${who}${step} capacity ok: ${e.gates.map((g) => `${g.cluster} ${g.detail}`).join("; ") || "nothing to absorb"}`
        : `${t}${who}${step} capacity check FAILED: ${firstFailure(e.gates)}`;
    case "preflight-preview":
      return e.ok
        ? `${t}${who}${step} preflight preview: ${e.changes} change(s), all inside ${e.cluster}`
        : `${t}${who}${step} preflight preview: touches other clusters: ${e.outside.map((o) => o.urn.split("::").pop()).join(", ")}`;
    case "step-started":
      return (
        `${t}${who}${step} (pass ${e.pass}, ${e.canary ? "release, canary" : e.kind}` +
        `${e.kind === "release" && e.drains ? ", drained" : e.kind === "release" ? ", stays in service" : ""}): ` +
        e.changes.join(", ")
      );
    case "drain":
      return `${t}${who}${step} drained (weight 0); waiting ${e.waitSeconds}s for DNS TTL and in-flight requests`;
    case "ramp":
      return (
        `${t}${who}${step} traffic ramped ${e.direction} to ${e.percent}% of its weight (weight ${e.weight})` +
        (e.waitSeconds > 0 ? `; waiting ${e.waitSeconds}s for DNS TTL` : "")
      );
    case "removed":
      return `${t}${who}${step} deleted: the cluster and everything it ran are gone`;
    case "preview":
      return e.ok
        ? `${t}${who}${step} preview: ${e.changes} change(s), all inside ${e.cluster}`
        : `${t}${who}${step} preview touches other clusters; refusing to update`;
    case "update-started":
      return `${t}${who}${step} updating...`;
    case "update-finished":
      return `${t}${who}${step} updated`;
    case "health-wait": {
      if (!e.ok) {
        return `${t}${who}${step} waiting for health (attempt ${e.attempt}): ${firstFailure(e.gates)}`;
      }
      const failing = watched(e.gates, false);
      return (
        `${t}${who}${step} healthy: ${e.gates.filter((g) => g.ok).length} gate(s) pass` +
        (failing ? `; watching ${failing.gate}: ${failing.detail}` : "")
      );
    }
    case "undrain":
      return `${t}${who}${step} back in service (weight ${e.weight})`;
    case "soak": {
      if (!e.ok) return `${t}${who}${step} soak FAILED: ${firstFailure(e.gates)}`;
      const over = e.remainingSeconds === 0;
      const open = watched(e.gates, over);
      if (open) {
        return over
          ? `${t}${who}${step} soak window over, still judging ${open.gate}: ${open.detail}`
          : `${t}${who}${step} soaking (${e.remainingSeconds}s left), watching ${open.gate}: ${open.detail}`;
      }
      return over ? `${t}${who}${step} soak passed: gates held` : undefined;
    }
    case "step-finished":
      return `${t}${who}${step} done`;
    case "recovering":
      return `${t}${who} resuming: ${e.reason}`;
    case "halted":
      return `${t}${who}${step} HALTED: ${e.reason}`;
    case "simulated-crash":
      return `${t} SIMULATED CRASH: ${e.reason}`;
    case "record-failed":
      return `${t}${who} note: ${e.reason}`;
    case "rollout-finished":
      return (
        `${t} rollout ${e.result}` +
        (e.reason ? `: ${e.reason}` : "") +
        `\n        clusters: ${e.clusters.map((c) => `${c.name}=${c.state}`).join(", ")}` +
        (e.result === "halted"
          ? "\n        at most one cluster is out of service, as the lines above say; fix the cause, then run `aa rollout` again to resume (`aa status` shows where things stand)"
          : "")
      );
  }
}

/**
 * The metric gate to show while it has not passed: one failing fewer checks in a row than fail
 * it, or (`waiting` true) one that cannot judge yet.
 */
function watched(gates: GateOutcome[], waiting: boolean): GateOutcome | undefined {
  return (
    gates.find((g) => g.metric?.status === "failing") ??
    (waiting ? gates.find((g) => g.metric && g.metric.status !== "passing") : undefined)
  );
}

export function firstFailure(gates: GateOutcome[]): string {
  const failed = gates.filter((g) => !g.ok);
  if (failed.length === 0) return "ok";
  const f = failed[0];
  return (
    `${f.cluster} ${f.gate}: ${f.detail}` +
    (failed.length > 1 ? ` (+${failed.length - 1} more)` : "")
  );
}

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = `${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
  return h > 0 ? `${h}:${mm}` : mm;
}
