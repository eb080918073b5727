import type * as http from "node:http";
import { startServer, testCertificate, type Reply, type TestServer } from "../health/_servers";

/** A Kubernetes-shaped API server for one cluster, on 127.0.0.1 with TLS (the test CA). */
export interface KubeApi extends TestServer {
  cluster: string;
  /** The bearer token it accepts; every other request gets a 401. */
  token: string;
  /** The kubeconfig the stack would export for it (JSON, @pulumi/eks's shape). */
  kubeconfig: string;
}

/** The token of a cluster: distinct per cluster, recognisable in output. */
export function tokenOf(cluster: string): string {
  return `k8s-aws-v1.TOKEN-OF-${cluster}-0a1b2c3d4e5f60718293`;
}

/** Base64 of the test CA certificate, as `certificate-authority-data`. */
export function caData(): string {
  return Buffer.from(testCertificate().cert).toString("base64");
}

/**
 * Starts an API server that answers what kubectl asks for `version`, `get nodes` and `get pods`:
 * /version, discovery (/api, /apis, /api/v1) and the node and pod lists of cluster `cluster`
 * (nodes `node-<cluster>-1`, `-2`; pods `web-<cluster>-1` in `apps`).
 */
export async function startKubeApi(
  cluster: string,
  gitVersion = "v1.33.4-eks-0123456",
): Promise<KubeApi> {
  const token = tokenOf(cluster);
  const server = await startServer(
    {},
    { tls: true, fallback: (req, url) => answer(cluster, token, gitVersion, req, url) },
  );
  const kubeconfig = JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "kubernetes",
        cluster: { server: server.url, "certificate-authority-data": caData() },
      },
    ],
    contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
    "current-context": "aws",
    users: [{ name: "aws", user: { token } }],
  });
  return Object.assign(server, { cluster, token, kubeconfig });
}

function answer(
  cluster: string,
  token: string,
  gitVersion: string,
  req: http.IncomingMessage,
  url: URL,
): Reply {
  if (req.headers.authorization !== `Bearer ${token}`)
    return status(401, "Unauthorized", "Unauthorized");
  const created = "2026-01-01T00:00:00Z";
  const node = (name: string) => ({ metadata: { name, creationTimestamp: created } });
  const pod = (name: string) => ({
    metadata: { name, namespace: "apps", creationTimestamp: created },
  });
  switch (url.pathname) {
    case "/version": {
      const [major, minor] = gitVersion.replace(/^v/, "").split(".");
      return { json: { major, minor, gitVersion, platform: "linux/amd64" } };
    }
    case "/api":
      return { json: { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] } };
    case "/apis":
      return { json: { kind: "APIGroupList", apiVersion: "v1", groups: [] } };
    case "/api/v1":
      return {
        json: {
          kind: "APIResourceList",
          groupVersion: "v1",
          resources: [
            {
              name: "nodes",
              singularName: "node",
              namespaced: false,
              kind: "Node",
              verbs: ["get", "list"],
            },
            {
              name: "pods",
              singularName: "pod",
              namespaced: true,
              kind: "Pod",
              verbs: ["get", "list"],
            },
          ],
        },
      };
    case "/api/v1/nodes":
      return {
        json: {
          kind: "NodeList",
          apiVersion: "v1",
          metadata: {},
          items: [node(`node-${cluster}-1`), node(`node-${cluster}-2`)],
        },
      };
    case "/api/v1/pods":
    case "/api/v1/namespaces/apps/pods":
      return {
        json: { kind: "PodList", apiVersion: "v1", metadata: {}, items: [pod(`web-${cluster}-1`)] },
      };
    default:
      if (/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(url.pathname)) {
        return { json: { kind: "PodList", apiVersion: "v1", metadata: {}, items: [] } };
      }
      return status(404, "NotFound", "the server could not find the requested resource");
  }
}

function status(code: number, reason: string, message: string): Reply {
  return {
    status: code,
    json: { kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code },
  };
}
