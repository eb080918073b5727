import { describeError, ProbeError } from "../k8s/probeError";
import { guardedGate } from "./guard";
import { httpGet } from "./_httpGet";
import { kubeCall, kubeSession } from "../k8s/kube";
import { minorOfReported } from "./_version";
import type { HealthGate } from "./gate";

/** What the API server gate saw. */
export type ApiServerObserved = {
  /** HTTP status of `GET /readyz`. */
  readyz: number;
  /** The failing checks `/readyz?verbose` listed, e.g. ["etcd"]. */
  failedChecks: string[];
  /** `gitVersion` from `/version`, when the server was ready. */
  gitVersion?: string;
};

/** Arguments of {@link apiServerGate}. */
export interface ApiServerGateArgs {
  /** Timeout of one check, milliseconds. @default 10000 */
  timeoutMs?: number;
}

/**
 * "api-server": the Kubernetes API server answers `GET /readyz` with 200, and `/version` reports
 * the expected minor. A non-200 readyz names the failing checks (`[-]etcd failed`); 401/403 means
 * the kubeconfig's credentials were refused, which is an error, not a verdict on the cluster.
 */
export function apiServerGate(args: ApiServerGateArgs = {}): HealthGate<ApiServerObserved> {
  const name = "api-server";
  const timeoutMs = args.timeoutMs ?? 10_000;
  return guardedGate(name, timeoutMs, async (ctx) => {
    const { target } = ctx;
    const kube = kubeSession(ctx);
    ctx.step("getting credentials");
    const { agent, headers } = await kube.rawRequest();
    const url = new URL(`${kube.server}/readyz?verbose`);
    ctx.step(`GET ${url.pathname}`);
    const res = await httpGet(url, { signal: ctx.signal, agent, headers }).catch((err) => {
      throw new ProbeError(`GET /readyz failed: ${describeError(err)}`);
    });
    const failedChecks = [...res.body.matchAll(/^\[-\]([^\s]+) failed/gm)].map((m) => m[1]);
    const observed: ApiServerObserved = { readyz: res.status, failedChecks };
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        failure: "error",
        detail: `GET /readyz -> ${res.status} ${res.statusText}: the kubeconfig's credentials were refused`,
        observed,
      };
    }
    if (res.status !== 200) {
      const why = failedChecks.length > 0 ? `: failing ${failedChecks.join(", ")}` : "";
      return {
        ok: false,
        failure: res.status === 404 ? "error" : "unhealthy",
        detail: `GET /readyz -> ${res.status} ${res.statusText}${why}`,
        observed,
      };
    }
    const info = await kubeCall(ctx, "GET /version", () => kube.version.getCode({}, kube.options));
    observed.gitVersion = info.gitVersion;
    const minor = minorOfReported(info.gitVersion);
    if (minor !== target.kubernetesVersion) {
      return {
        ok: false,
        detail: `API server is ready but runs ${info.gitVersion ?? "an unknown version"}, expected ${target.kubernetesVersion}`,
        observed,
      };
    }
    return { ok: true, detail: `API server ready, ${info.gitVersion}`, observed };
  });
}
