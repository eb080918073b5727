import * as assert from "node:assert/strict";
import type { V1Deployment, V1Node, V1Pod } from "@kubernetes/client-node";
import { CapacityGate } from "../../../automation/capacity/drainGate";
import { readCapacity } from "../../../automation/capacity/liveCapacity";
import {
  startFakeKube,
  status,
  TOKEN,
  type ClusterState,
  type FakeKube,
} from "../health/_fakeKube";
import { targetFixture } from "../health/_fixtures";

/** A ready node with this much allocatable. */
function node(
  name: string,
  cpu: string,
  memory: string,
  more: Partial<V1Node["spec"]> = {},
): V1Node {
  return {
    metadata: { name },
    spec: { ...more },
    status: {
      allocatable: { cpu, memory, pods: "58" },
      conditions: [{ type: "Ready", status: "True" }],
    },
  };
}

/** A running pod on a node, requesting this much. */
function pod(
  name: string,
  nodeName: string,
  cpu: string,
  memory: string,
  phase = "Running",
): V1Pod {
  return {
    metadata: { name, namespace: "apps" },
    spec: { nodeName, containers: [{ name: "c", resources: { requests: { cpu, memory } } }] },
    status: { phase },
  };
}

function deployment(name: string, replicas: number, cpu: string, memory: string): V1Deployment {
  return {
    metadata: { name, namespace: "apps" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, resources: { requests: { cpu, memory } } }] },
      },
    },
  };
}

/** A cluster running `api` (2 replicas of 250m/256Mi) on one 2-CPU node, with an HPA to `max`. */
function clusterState(max: number | undefined, freeCpu = "2"): ClusterState {
  return {
    nodes: [node("n1", freeCpu, "8Gi"), node("cordoned", "4", "16Gi", { unschedulable: true })],
    pods: [
      pod("api-1", "n1", "250m", "256Mi"),
      pod("api-2", "n1", "250m", "256Mi"),
      pod("done", "n1", "1", "1Gi", "Succeeded"),
      pod("elsewhere", "cordoned", "1", "1Gi"),
    ],
    deployments: [deployment("api", 2, "250m", "256Mi")],
    hpas:
      max === undefined
        ? []
        : [
            {
              metadata: { name: "api", namespace: "apps" },
              spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
                minReplicas: 2,
                maxReplicas: max,
              },
            },
          ],
  };
}

const services = [{ name: "api", namespace: "apps", port: 80, loadBalancer: "127.0.0.1" }];

describe("capacity before a drain (live state)", () => {
  const kubes: FakeKube[] = [];
  afterEach(async () => {
    await Promise.all(kubes.splice(0).map((k) => k.close()));
  });
  const start = async (state: ClusterState) => {
    const kube = await startFakeKube(state);
    kubes.push(kube);
    return kube;
  };

  it("reads replicas, the HPA maximum and the free room of ready, schedulable nodes", async () => {
    const kube = await start(clusterState(6));
    const result = await readCapacity(targetFixture(kube.kubeconfig, { name: "b", services }));
    assert.equal(result.ok, true, result.detail);
    assert.deepEqual(result.observed, {
      cluster: "b",
      services: [{ service: "api", replicas: 2, maxReplicas: 6, cpuMilli: 250, memoryMiB: 256 }],
      // 2000m - 2 x 250m on n1; the cordoned node and the finished pod do not count.
      headroom: { cpuMilli: 1500, memoryMiB: 8192 - 512 },
    });
    assert.ok(!JSON.stringify(result).includes(TOKEN));
  });

  it("never reads a failed listing as free room", async () => {
    const kube = await start({
      ...clusterState(6),
      overrides: { "/api/v1/pods": status(500, "etcdserver: request timed out") },
    });
    const result = await readCapacity(targetFixture(kube.kubeconfig, { name: "b", services }));
    assert.equal(result.ok, false);
    assert.match(result.detail, /listing pods -> HTTP 500: etcdserver: request timed out/);
  });

  it("lets the drain go ahead when the others can scale and have room", async () => {
    const b = await start(clusterState(6));
    const c = await start(clusterState(6));
    const gate = gateFor({ a: 1, b: 1, c: 1 }, { b: b.kubeconfig, c: c.kubeconfig });
    const outcomes = await gate.check("a");
    assert.deepEqual(
      outcomes.map((o) => [o.cluster, o.ok]),
      [
        ["b", true],
        ["c", true],
      ],
    );
    assert.match(outcomes[0].detail, /can absorb a's share \(x1\.50\): needs 250m CPU/);
  });

  it("refuses the drain with numbers when an HPA cannot go high enough", async () => {
    const b = await start(clusterState(2));
    const gate = gateFor({ a: 1, b: 1 }, { b: b.kubeconfig });
    const [outcome] = await gate.check("a");
    assert.equal(outcome.ok, false);
    assert.match(outcome.detail, /b cannot absorb a's share \(x2\.00\): api needs 4 replicas/);
  });

  it("refuses the drain when the nodes are full", async () => {
    const b = await start(clusterState(6, "600m"));
    const gate = gateFor({ a: 1, b: 1, c: 0 }, { b: b.kubeconfig });
    const [outcome] = await gate.check("a");
    assert.equal(outcome.ok, false);
    assert.match(outcome.detail, /b needs 500m CPU and 512Mi memory more .* have 100m CPU/);
  });

  it("refuses when another cluster's capacity cannot be read", async () => {
    const gate = gateFor({ a: 1, b: 1 }, {});
    const [outcome] = await gate.check("a");
    assert.equal(outcome.ok, false);
    assert.match(outcome.detail, /cannot read the capacity of b: no kubeconfig/);
  });
});

function gateFor(weights: Record<string, number>, kubeconfigs: Record<string, string>) {
  return new CapacityGate({
    weights: () => Promise.resolve(weights),
    target: (cluster) =>
      Promise.resolve(
        kubeconfigs[cluster]
          ? targetFixture(kubeconfigs[cluster], { name: cluster, services })
          : `no kubeconfig for ${cluster}`,
      ),
  });
}
