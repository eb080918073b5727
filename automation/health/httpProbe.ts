import { describeError } from "../k8s/probeError";
import { guardedGate, type CheckContext } from "./guard";
import { httpGet } from "./_httpGet";
import type { HealthGate } from "./gate";
import type { ServiceTarget } from "./target";

/** One service's probe as the HTTP probe gate saw it. */
export type ProbeObservation = {
  service: string;
  /** The URL requested; absent when the service has no load balancer hostname yet. */
  url?: string;
  ok: boolean;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** "200 OK", "503 Service Unavailable", "connection refused (ECONNREFUSED)", ... */
  summary: string;
};

/** What the HTTP probe gate saw. */
export type HttpProbeObserved = { probes: ProbeObservation[] };

/** Arguments of {@link httpProbeGate}. */
export interface HttpProbeGateArgs {
  /** Timeout of one check (all services are probed at once), milliseconds. @default 10000 */
  timeoutMs?: number;
}

/** Problems listed in a detail before "and N more". */
const SHOWN = 3;

/**
 * "http-probe": `GET <scheme>://<load balancer>:<port><health path>` of every service, through
 * this cluster's own load balancer, answers 2xx. Redirects are not followed (a 3xx fails: the
 * health path should answer itself). A service without a load balancer hostname fails. Over https
 * the certificate is not verified, as in Route 53's HTTPS health checks: the load balancer's
 * hostname is not the name on the service's certificate, and the probe asks "does it answer?".
 */
export function httpProbeGate(args: HttpProbeGateArgs = {}): HealthGate<HttpProbeObserved> {
  const name = "http-probe";
  const timeoutMs = args.timeoutMs ?? 10_000;
  return guardedGate(name, timeoutMs, async (ctx) => {
    const { target } = ctx;
    if (target.services.length === 0) {
      return { ok: true, detail: "no services to probe", observed: { probes: [] } };
    }
    const pending = new Set<string>();
    const showPending = () => ctx.step(`waiting for GET ${[...pending].join(", ")}`);
    const probes = await Promise.all(
      target.services.map((s) => probe(ctx, s, pending, showPending)),
    );
    const observed = { probes };
    const bad = probes.filter((p) => !p.ok);
    if (bad.length === 0) {
      const list = probes.map((p) => `${p.service} ${p.status}`).join(", ");
      return { ok: true, detail: `all services answer 2xx: ${list}`, observed };
    }
    const shown = bad
      .slice(0, SHOWN)
      .map((p) => (p.url ? `GET ${p.url} -> ${p.summary}` : `${p.service}: ${p.summary}`));
    const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more` : "";
    return { ok: false, detail: `${shown.join("; ")}${more}`, observed };
  });
}

async function probe(
  ctx: CheckContext,
  service: ServiceTarget,
  pending: Set<string>,
  showPending: () => void,
): Promise<ProbeObservation> {
  if (!service.loadBalancer) {
    return { service: service.name, ok: false, summary: "no load balancer hostname yet" };
  }
  const url = `${service.scheme}://${service.loadBalancer}:${service.port}${service.healthPath}`;
  pending.add(url);
  showPending();
  try {
    const res = await httpGet(new URL(url), {
      signal: ctx.signal,
      maxBodyBytes: 4096,
      anyCertificate: true,
    });
    const ok = res.status >= 200 && res.status < 300;
    return {
      service: service.name,
      url,
      ok,
      status: res.status,
      summary: `${res.status}${res.statusText ? ` ${res.statusText}` : ""}`,
    };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { service: service.name, url, ok: false, summary: describeError(err) };
  } finally {
    pending.delete(url);
    if (pending.size > 0) showPending();
  }
}
