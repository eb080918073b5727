import type {
  V1DaemonSet,
  V1Deployment,
  V1Node,
  V1Pod,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import type * as http from "node:http";
import { startServer, testCertificate, type Reply, type Route, type TestServer } from "./_servers";

/** The bearer token every fake cluster expects. Tests assert it never leaves a gate. */
export const TOKEN = "tok-aa-test-0d1e2f3a4b5c6d7e8f90";

/** What a fake cluster holds; tests change it between checks to model a cluster over time. */
export interface ClusterState {
  /** Answer of GET /readyz. @default 200 with every check passing */
  readyz?: Reply;
  /** gitVersion of GET /version. @default "v1.33.4-eks-2f1c1a3" */
  gitVersion?: string;
  nodes?: V1Node[];
  /** Serve the node list in pages of this size (with continue tokens). @default all at once */
  nodePageSize?: number;
  deployments?: V1Deployment[];
  daemonSets?: V1DaemonSet[];
  pods?: V1Pod[];
  hpas?: V2HorizontalPodAutoscaler[];
  /** Routes that win over the model, keyed by path, e.g. { "/api/v1/nodes": "hang" }. */
  overrides?: Record<string, Route>;
}

/** A Kubernetes-shaped API server on 127.0.0.1 and a kubeconfig that points at it. */
export interface FakeKube extends TestServer {
  state: ClusterState;
  /** A kubeconfig (YAML) for this server, authenticating with {@link TOKEN}. */
  kubeconfig: string;
}

/** Starts a fake API server. Requests without `Authorization: Bearer TOKEN` get a 401. */
export async function startFakeKube(
  state: ClusterState,
  opts: { tls?: boolean; auth?: "token" | "exec" } = {},
): Promise<FakeKube> {
  const ref: { kube?: FakeKube } = {};
  const server = await startServer(
    {},
    { tls: opts.tls, fallback: (req, url) => answer(ref.kube?.state ?? state, req, url) },
  );
  const kube: FakeKube = Object.assign(server, {
    state,
    kubeconfig: kubeconfigFor(server.url, { tls: opts.tls, auth: opts.auth ?? "token" }),
  });
  ref.kube = kube;
  return kube;
}

/** A kubeconfig for `server`: TLS with the test CA or plain HTTP; a static token or an exec plugin. */
export function kubeconfigFor(
  server: string,
  opts: { tls?: boolean; auth?: "token" | "exec"; token?: string } = {},
): string {
  const token = opts.token ?? TOKEN;
  const cluster = opts.tls
    ? `    certificate-authority-data: ${Buffer.from(testCertificate().cert).toString("base64")}`
    : "    insecure-skip-tls-verify: true";
  const credential = JSON.stringify({
    apiVersion: "client.authentication.k8s.io/v1beta1",
    kind: "ExecCredential",
    status: { token },
  });
  // Like `aws eks get-token`: an exec plugin prints an ExecCredential with a fresh token.
  const user =
    opts.auth === "exec"
      ? [
          "    exec:",
          "      apiVersion: client.authentication.k8s.io/v1beta1",
          `      command: ${JSON.stringify(process.execPath)}`,
          "      args:",
          "        - -e",
          `        - ${JSON.stringify(`process.stdout.write(${JSON.stringify(credential)})`)}`,
          "      interactiveMode: Never",
        ].join("\n")
      : `    token: ${token}`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: test",
    "  cluster:",
    `    server: ${server}`,
    cluster,
    "users:",
    "- name: test",
    "  user:",
    user,
    "contexts:",
    "- name: test",
    "  context:",
    "    cluster: test",
    "    user: test",
    "current-context: test",
    "",
  ].join("\n");
}

function answer(state: ClusterState, req: http.IncomingMessage, url: URL): Reply {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(401, "Unauthorized");
  const override = state.overrides?.[url.pathname];
  if (override) return typeof override === "function" ? override(req, url) : override;
  const p = url.pathname;
  if (p === "/readyz") {
    return (
      state.readyz ?? { text: "[+]ping ok\n[+]etcd ok\n[+]informer-sync ok\nreadyz check passed" }
    );
  }
  if (p === "/version") {
    const gitVersion = state.gitVersion ?? "v1.33.4-eks-2f1c1a3";
    const [major, minor] = gitVersion.replace(/^v/, "").split(".");
    return { json: { major, minor, gitVersion, platform: "linux/amd64" } };
  }
  if (p === "/api/v1/nodes") return nodeList(state, url);
  let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|daemonsets)\/([^/]+)$/.exec(p);
  if (m) {
    const [, namespace, kind, name] = m;
    const all: (V1Deployment | V1DaemonSet)[] =
      kind === "deployments" ? (state.deployments ?? []) : (state.daemonSets ?? []);
    const found = all.find((o) => o.metadata?.namespace === namespace && o.metadata?.name === name);
    if (!found) return status(404, `${kind}.apps "${name}" not found`);
    return {
      json: {
        apiVersion: "apps/v1",
        kind: kind === "deployments" ? "Deployment" : "DaemonSet",
        ...found,
      },
    };
  }
  if (p === "/api/v1/pods") {
    // Every namespace; the capacity read asks for pods that are not finished.
    const excluded = (url.searchParams.get("fieldSelector") ?? "")
      .split(",")
      .filter((f) => f.startsWith("status.phase!="))
      .map((f) => f.slice("status.phase!=".length));
    const items = (state.pods ?? []).filter((pod) => !excluded.includes(pod.status?.phase ?? ""));
    return { json: { apiVersion: "v1", kind: "PodList", metadata: {}, items } };
  }
  m = /^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers$/.exec(p);
  if (m) {
    const namespace = m[1];
    const items = (state.hpas ?? []).filter((h) => h.metadata?.namespace === namespace);
    return {
      json: {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscalerList",
        metadata: {},
        items,
      },
    };
  }
  m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p);
  if (m) {
    const namespace = m[1];
    const wanted = (url.searchParams.get("labelSelector") ?? "")
      .split(",")
      .filter(Boolean)
      .map((pair) => pair.split("="));
    const items = (state.pods ?? []).filter(
      (pod) =>
        pod.metadata?.namespace === namespace &&
        wanted.every(([k, v]) => pod.metadata?.labels?.[k] === v),
    );
    return { json: { apiVersion: "v1", kind: "PodList", metadata: {}, items } };
  }
  return status(404, `the server could not find the requested resource (${p})`);
}

function nodeList(state: ClusterState, url: URL): Reply {
  const nodes = state.nodes ?? [];
  const size = state.nodePageSize ?? (nodes.length || 1);
  const from = Number(url.searchParams.get("continue") ?? "0");
  const items = nodes.slice(from, from + size);
  const next = from + size < nodes.length ? String(from + size) : undefined;
  return {
    json: { apiVersion: "v1", kind: "NodeList", metadata: next ? { continue: next } : {}, items },
  };
}

/** A Kubernetes `Status` error answer. */
export function status(code: number, message: string): Reply {
  return {
    status: code,
    json: { kind: "Status", apiVersion: "v1", status: "Failure", message, code },
  };
}
