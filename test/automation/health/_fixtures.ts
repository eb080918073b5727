import type {
  V1DaemonSet,
  V1Deployment,
  V1Node,
  V1NodeSystemInfo,
  V1Pod,
} from "@kubernetes/client-node";
import * as assert from "node:assert/strict";
import type { GateResult } from "../../../automation/health/gate";
import {
  defaultSystemWorkloads,
  normalizeClusterTarget,
  type ClusterTarget,
  type ClusterTargetArgs,
} from "../../../automation/health/target";
import { TOKEN, type ClusterState } from "./_fakeKube";

/** A node; Ready at v1.33 unless told otherwise. */
export function nodeFixture(
  o: {
    name?: string;
    ready?: "True" | "False" | "Unknown";
    version?: string;
    reason?: string;
  } = {},
): V1Node {
  return {
    metadata: { name: o.name ?? "ip-10-1-2-3.ec2.internal" },
    spec: {},
    status: {
      conditions: [
        { type: "MemoryPressure", status: "False" },
        {
          type: "Ready",
          status: o.ready ?? "True",
          reason: o.reason ?? (o.ready && o.ready !== "True" ? "KubeletNotReady" : "KubeletReady"),
        },
      ],
      nodeInfo: { kubeletVersion: o.version ?? "v1.33.5-eks-113cf36" } as V1NodeSystemInfo,
    },
  };
}

/** A Deployment; fully rolled out with 2/2 available unless told otherwise. */
export function deploymentFixture(o: {
  name: string;
  namespace: string;
  replicas?: number;
  updated?: number;
  total?: number;
  available?: number;
  generation?: number;
  observedGeneration?: number;
  stuck?: boolean;
}): V1Deployment {
  const replicas = o.replicas ?? 2;
  return {
    metadata: { name: o.name, namespace: o.namespace, generation: o.generation ?? 3 },
    spec: {
      replicas,
      selector: { matchLabels: { "app.kubernetes.io/name": o.name } },
      template: { metadata: { labels: { "app.kubernetes.io/name": o.name } } },
    },
    status: {
      observedGeneration: o.observedGeneration ?? o.generation ?? 3,
      replicas: o.total ?? o.updated ?? replicas,
      updatedReplicas: o.updated ?? replicas,
      readyReplicas: o.available ?? replicas,
      availableReplicas: o.available ?? replicas,
      conditions: o.stuck
        ? [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }]
        : [{ type: "Available", status: "True" }],
    },
  };
}

/** A DaemonSet; on 3 nodes, all updated and available unless told otherwise. */
export function daemonSetFixture(o: {
  name: string;
  namespace: string;
  desired?: number;
  updated?: number;
  available?: number;
}): V1DaemonSet {
  const desired = o.desired ?? 3;
  return {
    metadata: { name: o.name, namespace: o.namespace, generation: 1 },
    spec: {
      selector: { matchLabels: { "k8s-app": o.name } },
      template: { metadata: { labels: { "k8s-app": o.name } } },
    },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: desired,
      currentNumberScheduled: desired,
      updatedNumberScheduled: o.updated ?? desired,
      numberAvailable: o.available ?? desired,
      numberReady: o.available ?? desired,
      numberMisscheduled: 0,
    },
  };
}

/** A pod of a workload; Ready unless a waiting reason is given. */
export function podFixture(o: {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  waiting?: string;
  restarts?: number;
}): V1Pod {
  return {
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: o.waiting ? "False" : "True" }],
      containerStatuses: [
        {
          name: o.name.split("-")[0],
          image: "example",
          imageID: "",
          ready: !o.waiting,
          restartCount: o.restarts ?? 0,
          state: o.waiting ? { waiting: { reason: o.waiting } } : { running: {} },
        },
      ],
    },
  };
}

/** The state of a healthy cluster running `target`'s system workloads and services. */
export function healthyState(target: ClusterTarget): ClusterState {
  return {
    nodes: [
      nodeFixture({ name: "ip-10-1-2-3.ec2.internal" }),
      nodeFixture({ name: "ip-10-1-3-4.ec2.internal" }),
      nodeFixture({ name: "ip-10-1-4-5.ec2.internal" }),
    ],
    daemonSets: target.systemWorkloads
      .filter((w) => w.kind === "DaemonSet")
      .map((w) => daemonSetFixture({ name: w.name, namespace: w.namespace })),
    deployments: [
      ...target.systemWorkloads
        .filter((w) => w.kind === "Deployment")
        .map((w) => deploymentFixture({ name: w.name, namespace: w.namespace })),
      ...target.services.map((s) => deploymentFixture({ name: s.name, namespace: s.namespace })),
    ],
  };
}

/** A validated target for a fake cluster; one service "api" unless told otherwise. */
export function targetFixture(
  kubeconfig: string,
  overrides: Partial<ClusterTargetArgs> = {},
): ClusterTarget {
  return normalizeClusterTarget({
    name: "use1-a",
    kubeconfig,
    kubernetesVersion: "1.33",
    services: [{ name: "api", namespace: "apps", port: 80, loadBalancer: "127.0.0.1" }],
    systemWorkloads: defaultSystemWorkloads(),
    ...overrides,
  });
}

/** Fails when the token or any line of the kubeconfig's credentials shows up in the result. */
export function assertNoSecret(result: GateResult | GateResult[], kubeconfig?: string): void {
  const text = JSON.stringify(result);
  assert.ok(!text.includes(TOKEN), `the token leaked into: ${text}`);
  if (kubeconfig)
    assert.ok(!text.includes(kubeconfig.trim()), `the kubeconfig leaked into: ${text}`);
}
