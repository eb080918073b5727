import { clusterAccessFromStack, type ClusterAccess } from "../../../automation/kube/clusterAccess";
import type { KubeconfigDoc } from "../../../automation/kube/kubeconfigDoc";

/** The token inside a fixture's kubeconfig: recognisable, so a test can look for it in output. */
export function fixtureToken(env: string, cluster: string): string {
  return `k8s-aws-v1.SECRET-${env}-${cluster}-9f8e7d6c5b4a`;
}

/** Certificate data inside a fixture's kubeconfig. */
export function fixtureCa(cluster: string): string {
  return `LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURW${cluster}`;
}

/**
 * A kubeconfig as @pulumi/eks exports it (JSON): one cluster "kubernetes", one user "aws" with an
 * exec plugin (`aws eks get-token`), one context "aws" as current context. `auth: "token"` puts a
 * static token in instead.
 */
export function eksKubeconfig(
  env: string,
  cluster: string,
  o: { auth?: "exec" | "token"; server?: string; contexts?: boolean } = {},
): string {
  const user =
    o.auth === "token"
      ? { token: fixtureToken(env, cluster) }
      : {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              `${env}-${cluster}-eks-0a1b2c3`,
              "--output",
              "json",
            ],
            env: [
              {
                name: "KUBERNETES_EXEC_INFO",
                value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}',
              },
            ],
          },
        };
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "kubernetes",
        cluster: {
          server:
            o.server ?? `https://${cluster.toUpperCase()}0123.gr7.us-east-1.eks.amazonaws.com`,
          "certificate-authority-data": fixtureCa(cluster),
        },
      },
    ],
    ...(o.contexts === false
      ? {}
      : {
          contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
          "current-context": "aws",
        }),
    users: [{ name: "aws", user }],
  });
}

/** Each cluster's access, as `aa` builds it from the stack outputs. */
export function accessFixture(
  env = "dev",
  clusters: readonly string[] = ["a", "b", "c"],
  auth: "exec" | "token" = "token",
): ClusterAccess[] {
  return clusterAccessFromStack(
    env,
    Object.fromEntries(clusters.map((c) => [c, eksKubeconfig(env, c, { auth })])),
  );
}

/** A user's own kubeconfig: a minikube context (current) and a production cluster of their own. */
export function userKubeconfig(): KubeconfigDoc {
  return {
    apiVersion: "v1",
    kind: "Config",
    preferences: { colors: true },
    clusters: [
      {
        name: "minikube",
        cluster: {
          server: "https://192.168.49.2:8443",
          "certificate-authority": "/home/me/.minikube/ca.crt",
          extensions: [
            {
              name: "cluster_info",
              extension: { provider: "minikube.sigs.k8s.io", version: "v1.34.0" },
            },
          ],
        },
      },
      {
        name: "ops",
        cluster: { server: "https://ops.example.com", "insecure-skip-tls-verify": true },
      },
    ],
    users: [
      {
        name: "minikube",
        user: {
          "client-certificate": "/home/me/.minikube/client.crt",
          "client-key": "/home/me/.minikube/client.key",
        },
      },
      { name: "ops-admin", user: { token: "my-own-ops-token-0123456789" } },
    ],
    contexts: [
      {
        name: "minikube",
        context: { cluster: "minikube", user: "minikube", namespace: "default" },
      },
      { name: "ops", context: { cluster: "ops", user: "ops-admin" } },
    ],
    "current-context": "minikube",
  };
}
