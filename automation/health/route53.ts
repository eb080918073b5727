import {
  GetHealthCheckStatusCommand,
  Route53Client,
  type HealthCheckObservation,
} from "@aws-sdk/client-route-53";
import { describeError } from "../k8s/probeError";
import { guardedGate, type CheckContext } from "./guard";
import type { HealthGate } from "./gate";

/** One Route 53 health check as the gate saw it. */
export type HealthCheckObserved = {
  id: string;
  ok: boolean;
  /** Checkers that reported Success. */
  healthy: number;
  /** Checkers that reported at all. */
  checkers: number;
  /** "12/16 checkers report Success", or why the status could not be read. */
  summary: string;
  error?: boolean;
};

/** What the Route 53 gate saw. */
export type Route53Observed = { healthChecks: HealthCheckObserved[] };

/** Arguments of {@link route53Gate}. */
export interface Route53GateArgs {
  /**
   * The Route 53 client. Route 53 is a global service served from us-east-1.
   * @default new Route53Client({ region: "us-east-1" }) with the default credential chain
   */
  client?: Route53Client;
  /**
   * Share of checkers that must report Success, exclusive: the check is healthy when MORE than
   * this share does. Route 53 itself routes to an endpoint when more than 18% do; the gate is
   * stricter, so a cluster that only a minority of regions can reach does not pass.
   * @default 0.5 (a strict majority)
   */
  minHealthyShare?: number;
  /** Timeout of one check (all health checks are read at once), milliseconds. @default 10000 */
  timeoutMs?: number;
}

/**
 * "route53": every Route 53 health check watching this cluster (one per public hostname) reports
 * healthy: `GetHealthCheckStatus` returns at least one checker observation and more than
 * `minHealthyShare` of the checkers report a status starting with "Success". No observations at
 * all is unhealthy, and an API error (unknown id, access denied, throttled) is an error.
 */
export function route53Gate(args: Route53GateArgs = {}): HealthGate<Route53Observed> {
  const name = "route53";
  const timeoutMs = args.timeoutMs ?? 10_000;
  const share = args.minHealthyShare ?? 0.5;
  if (!(share >= 0 && share < 1)) {
    throw new RangeError(
      `route53Gate: minHealthyShare ${share} must be at least 0 and below 1, e.g. 0.5 (a strict majority)`,
    );
  }
  const client = args.client ?? new Route53Client({ region: "us-east-1" });
  return guardedGate(name, timeoutMs, async (ctx) => {
    const { target } = ctx;
    const ids = target.route53HealthCheckIds;
    if (ids.length === 0) {
      return {
        ok: true,
        detail: "no Route 53 health checks watch this cluster (no public hostnames)",
        observed: { healthChecks: [] },
      };
    }
    ctx.step(`reading Route 53 health check status of ${ids.join(", ")}`);
    const healthChecks = await Promise.all(ids.map((id) => readStatus(ctx, client, id, share)));
    const bad = healthChecks.filter((h) => !h.ok);
    const observed = { healthChecks };
    if (bad.length === 0) {
      const list = healthChecks.map((h) => `${h.id} ${h.healthy}/${h.checkers}`).join(", ");
      return {
        ok: true,
        detail: `Route 53 reports healthy: ${list} checkers report Success`,
        observed,
      };
    }
    return {
      ok: false,
      failure: bad.every((h) => h.error) ? "error" : "unhealthy",
      detail: bad.map((h) => `health check ${h.id}: ${h.summary}`).join("; "),
      observed,
    };
  });
}

async function readStatus(
  ctx: CheckContext,
  client: Route53Client,
  id: string,
  share: number,
): Promise<HealthCheckObserved> {
  try {
    const out = await client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }), {
      abortSignal: ctx.signal,
    });
    return { id, ...evaluateObservations(out.HealthCheckObservations ?? [], share) };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { id, ok: false, error: true, healthy: 0, checkers: 0, summary: describeAwsError(err) };
  }
}

/**
 * The verdict on one health check's checker observations: healthy when there is at least one
 * and more than `share` of them report "Success...". Pure. The summary names one failing
 * checker's report, which says why (e.g. "Failure: HTTP Status Code 503, Service Unavailable").
 */
export function evaluateObservations(
  observations: HealthCheckObservation[],
  share: number,
): { ok: boolean; healthy: number; checkers: number; summary: string } {
  const checkers = observations.length;
  const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith("Success")).length;
  if (checkers === 0) {
    return { ok: false, healthy, checkers, summary: "no checker has reported yet" };
  }
  const ok = healthy > share * checkers;
  const counted = `${healthy}/${checkers} checkers report Success`;
  if (ok) return { ok, healthy, checkers, summary: counted };
  const failing = observations.find((o) => !o.StatusReport?.Status?.startsWith("Success"));
  const example = failing
    ? `; e.g. ${failing.Region ?? "?"} ${failing.IPAddress ?? ""}: ${failing.StatusReport?.Status ?? "no status"}`
    : "";
  const needed = share === 0 ? "at least one" : `more than ${Math.round(share * 100)}%`;
  return { ok, healthy, checkers, summary: `${counted}, needs ${needed}${example}` };
}

function describeAwsError(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return `GetHealthCheckStatus failed: ${describeError(err)}`;
  const message = (e.message ?? "").split("\n")[0];
  return `GetHealthCheckStatus -> HTTP ${status} ${e.name ?? "Error"}${message ? `: ${message}` : ""}`;
}
