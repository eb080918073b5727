import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  VersionApi,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from "@kubernetes/client-node";
import type { Agent, OutgoingHttpHeaders } from "node:http";
import { withExecRegion } from "../kube/execRegion";
import type { Redactor } from "../redact/redactor";
import { describeError, ProbeError } from "./probeError";

/**
 * What a call to a cluster's API server needs: the cluster (its name and kubeconfig, a secret),
 * the signal that ends the call, where to remember credentials so no output shows them, and
 * where to say what the call is doing (a timeout reports the last step). A health gate's
 * `KubeContext` is one.
 */
export interface KubeContext {
  readonly target: { readonly name: string; readonly kubeconfig: string; readonly region?: string };
  readonly signal: AbortSignal;
  readonly redactor: Redactor;
  step(description: string): void;
}

/** The Kubernetes clients of one check, all bound to its abort signal and redactor. */
export interface KubeSession {
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  version: VersionApi;
  /** Pass to every generated API call: sets the abort signal, records the credential sent. */
  options: ConfigurationOptions;
  /** The API server's base URL (no credentials in it). */
  server: string;
  /** Agent and headers for a raw request to the API server (e.g. `/readyz`). */
  rawRequest(): Promise<{ agent?: Agent; headers: OutgoingHttpHeaders }>;
}

/**
 * Builds the clients from the target's kubeconfig (@kubernetes/client-node 1.x). A kubeconfig that
 * does not parse fails with a message that quotes none of it: the YAML parser's own message would
 * show the text around the error, which may be a token.
 */
export function kubeSession(ctx: KubeContext): KubeSession {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(ctx.target.kubeconfig);
  } catch (err) {
    const line = (err as { mark?: { line?: number } }).mark?.line;
    throw new ProbeError(
      `the kubeconfig of cluster ${ctx.target.name} is not valid YAML or JSON` +
        (typeof line === "number" ? ` (line ${line + 1})` : "") +
        "; pass the kubeconfig from the stack outputs",
    );
  }
  // The token is asked for in the cluster's region, when the kubeconfig names none.
  const user = kc.getCurrentUser();
  if (user && ctx.target.region) {
    const pinned = withExecRegion(user as unknown as { exec?: unknown }, ctx.target.region);
    if (pinned !== (user as unknown)) {
      kc.loadFromOptions({
        clusters: kc.getClusters(),
        contexts: kc.getContexts(),
        currentContext: kc.getCurrentContext(),
        users: kc.getUsers().map((u) => (u === user ? (pinned as unknown as typeof u) : u)),
      });
    }
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server) {
    throw new ProbeError(
      `the kubeconfig of cluster ${ctx.target.name} has no current context with a cluster server; ` +
        "set current-context to the cluster's context",
    );
  }
  const signalMiddleware: ObservableMiddleware = {
    pre: (request: RequestContext) => {
      request.setSignal(ctx.signal);
      ctx.redactor.remember(request.getHeaders()["Authorization"]);
      return new Observable(Promise.resolve(request));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    autoscaling: kc.makeApiClient(AutoscalingV2Api),
    version: kc.makeApiClient(VersionApi),
    options: { middleware: [signalMiddleware], middlewareMergeStrategy: "append" },
    server: cluster.server.replace(/\/+$/, ""),
    rawRequest: async () => {
      const opts: { headers?: OutgoingHttpHeaders; agent?: Agent } = {};
      try {
        await kc.applyToHTTPSOptions(opts);
      } catch (err) {
        throw new ProbeError(
          `cannot use the kubeconfig of cluster ${ctx.target.name} (credentials or TLS settings): ${firstLine(err)}`,
        );
      }
      const headers = opts.headers ?? {};
      ctx.redactor.remember(String(headers.Authorization ?? headers.authorization ?? ""));
      return { agent: opts.agent, headers };
    },
  };
}

/**
 * Runs one Kubernetes API call, naming it as the check's current step; an error answer becomes a
 * {@link ProbeError} such as `listing nodes -> HTTP 500: etcdserver: request timed out`.
 */
export async function kubeCall<T>(
  ctx: KubeContext,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  ctx.step(what);
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiException) {
      const code = (err as ApiException<unknown>).code;
      const reason = statusMessage((err as ApiException<unknown>).body);
      throw new ProbeError(`${what} -> HTTP ${code}${reason ? `: ${reason}` : ""}`, code);
    }
    if (err instanceof ProbeError || ctx.signal.aborted) throw err;
    throw new ProbeError(`${what} failed: ${describeError(err)}`);
  }
}

/** The items of a paginated list, every page of it: a list cut short is an error, never "all". */
export async function listAll<T>(
  ctx: KubeContext,
  what: string,
  page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
): Promise<T[]> {
  const items: T[] = [];
  let cont: string | undefined;
  for (let pages = 1; ; pages++) {
    const list = await kubeCall(ctx, what, () => page(cont));
    if (!Array.isArray(list?.items)) {
      throw new ProbeError(
        `${what}: the answer has no items list; is the server a Kubernetes API?`,
      );
    }
    items.push(...list.items);
    cont = list.metadata?._continue || undefined;
    if (!cont) return items;
    if (pages >= 100) throw new ProbeError(`${what}: more than 100 pages; the listing never ended`);
  }
}

/** Page size of every list call: big enough for one page on most clusters. */
export const PAGE_SIZE = 500;

/** True for an HTTP 404 answer: the object does not exist (a real answer, not a failure to ask). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ProbeError && err.status === 404;
}

/** The `message` of a Kubernetes `Status` body, or a one-line excerpt of any other body. */
function statusMessage(body: unknown): string {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return oneLine(body);
    }
  }
  if (
    parsed &&
    typeof parsed === "object" &&
    typeof (parsed as { message?: unknown }).message === "string"
  ) {
    return oneLine((parsed as { message: string }).message);
  }
  return typeof parsed === "string" ? oneLine(parsed) : "";
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return oneLine(message.split("\n")[0]);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
