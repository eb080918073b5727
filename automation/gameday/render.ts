import type { GateOutcome } from "../rollout/ports";
import { names, percent } from "./_format";
import type { ClusterAbsorb, GameDayEvent } from "./events";

/**
 * One line (or a few) per game-day event for people: the time since the cluster was lost, then
 * what happened. `--json` prints the events themselves instead.
 */
export function renderGameDayEvent(e: GameDayEvent): string {
  const t = `+${Math.round(e.elapsedMs / 1000)}s`.padEnd(7);
  const x = e.cluster ?? "";
  const indent = " ".repeat(7);
  switch (e.event) {
    case "gameday-started": {
      const lost = e.clusters.find((c) => c.name === e.lost);
      const serving = e.clusters.filter((c) => c.weight > 0);
      const total = serving.reduce((sum, c) => sum + c.weight, 0);
      const idle = e.clusters.filter((c) => c.weight === 0 && c.name !== e.lost).map((c) => c.name);
      return (
        `${t}game day on ${e.environment} (a rehearsal: nothing real is touched): lose ${e.lost}, back after ${e.recoverAfterSeconds}s\n` +
        `${indent}${e.lost} serves ${percent(lost?.share ?? 0)} of requests (weight ${lost?.weight ?? 0} of ${total}); ` +
        (idle.length > 0
          ? `${names(idle)} at weight 0 serve${idle.length === 1 ? "s" : ""} none; `
          : "") +
        `Route 53 checks every ${e.dns.healthCheckIntervalSeconds}s and acts after ${e.dns.healthCheckFailureThreshold} checks; TTL ${e.dns.ttl}s`
      );
    }
    case "cluster-lost":
      return (
        `${t}${x} fails its health checks: ${failures(e.gates)}\n` +
        indent +
        (e.share >= 1
          ? `every request fails: DNS sends them all to ${x}`
          : e.share > 0
            ? `about ${percent(e.share)} of requests fail: those DNS sends to ${x}`
            : "no request fails: it serves no traffic")
      );
    case "route53-unhealthy":
      return (
        `${t}Route 53 takes ${x} out of DNS after ${e.failedChecks} failed check(s) ${e.intervalSeconds}s apart` +
        (e.serving.length > 0
          ? `: answers with ${names(e.serving)} only${e.fallback ? ` (weight 0: Route 53's fallback when every record with a weight is unhealthy)` : ""}`
          : ": no cluster left to answer with") +
        (e.hostnames.length > 0 ? ` for ${e.hostnames.join(", ")}` : "") +
        `; resolvers follow within the TTL (${e.ttl}s)`
      );
    case "absorb":
      return absorbLines(e, t, indent);
    case "note":
      return `${t}note: ${e.reason}`;
    case "cluster-back":
      return `${t}${x} is back: ${e.gates.every((g) => g.ok) ? `${e.gates.length} gate(s) pass` : failures(e.gates)}`;
    case "route53-healthy":
      return `${t}Route 53 puts ${x} back in DNS after ${e.passedChecks} passing check(s) ${e.intervalSeconds}s apart; resolvers follow within the TTL (${e.ttl}s)`;
    case "traffic-restored":
      if (e.share === 0)
        return `${t}${x} is in DNS again at weight 0: it serves when its weight is raised`;
      return (
        `${t}${x} carries its share (${percent(e.share)}) again` +
        (e.absorbers.length > 0
          ? `; ${names(e.absorbers)} scale${e.absorbers.length === 1 ? "s" : ""} back down (an HPA waits its scale-down window, 5 minutes by default)`
          : "")
      );
    case "gameday-finished":
      return (
        `${t}verdict: ${e.reason}` +
        (e.outOfDns
          ? `\n${indent}${x} was out of DNS from +${e.outOfDns.fromSeconds}s to +${e.outOfDns.toSeconds}s`
          : "")
      );
  }
}

/** The absorb event: clusters whose numbers are the same share one line. */
function absorbLines(
  e: Extract<GameDayEvent, { event: "absorb" }>,
  t: string,
  indent: string,
): string {
  if (e.clusters.length === 0) {
    return `${t}nothing can absorb ${e.cluster}'s share: ${e.problems.join("; ")}`;
  }
  const groups = new Map<string, ClusterAbsorb[]>();
  for (const c of e.clusters) {
    const key = JSON.stringify([c.services, c.extra, c.headroom, c.problems.length]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lines = [...groups.values()].map((group, i) => {
    const c = group[0];
    const who = names(group.map((g) => g.cluster));
    const services = c.services
      .map(
        (s) =>
          `${s.service} ${s.current} -> ${s.required} replicas (max ${s.ceiling})` +
          (s.failing > 0
            ? ` can run ${s.capacity}: about ${percent(s.failing)} of its requests there fail`
            : ""),
      )
      .join(", ");
    const nodes = `nodes ${c.extra.cpuMilli}m CPU / ${c.extra.memoryMiB}Mi more, ${c.headroom.cpuMilli}m / ${c.headroom.memoryMiB}Mi free`;
    const head =
      `${i === 0 ? t : indent}${who} absorb${group.length === 1 ? "s" : ""} ${e.cluster}'s share ` +
      `(x${c.factor.toFixed(2)}, ${percent(c.shareBefore)} -> ${percent(c.shareAfter)} of requests${group.length > 1 ? " each" : ""}): ${services}; ${nodes}: `;
    return c.ok
      ? `${head}ok`
      : `${head}NOT ENOUGH\n${group
          .flatMap((g) => g.problems)
          .map((p) => `${indent}  ${p}`)
          .join("\n")}`;
  });
  return lines.join("\n");
}

function failures(gates: GateOutcome[]): string {
  const failed = gates.filter((g) => !g.ok);
  if (failed.length === 0) return "every gate passes";
  return (
    `${failed[0].gate}: ${failed[0].detail}` +
    (failed.length > 1 ? ` (+${failed.length - 1} more failing)` : "")
  );
}
