import * as assert from "node:assert/strict";
import { systemPodsGate } from "../../../automation/health/systemPods";
import { defaultSystemWorkloads } from "../../../automation/health/target";
import { startFakeKube, status, type FakeKube } from "./_fakeKube";
import {
  assertNoSecret,
  daemonSetFixture,
  deploymentFixture,
  healthyState,
  podFixture,
  targetFixture,
} from "./_fixtures";

describe("system-pods gate", () => {
  let kube: FakeKube | undefined;
  afterEach(async () => {
    await kube?.close();
    kube = undefined;
  });
  const gate = systemPodsGate({ timeoutMs: 2000 });
  /** A healthy fake cluster, then `change` applied to its state. */
  async function cluster(change: (s: ReturnType<typeof healthyState>) => void = () => {}) {
    const target = targetFixture("placeholder");
    const state = healthyState(target);
    change(state);
    kube = await startFakeKube(state);
    return targetFixture(kube.kubeconfig);
  }
  const replaceDeployment = (
    s: ReturnType<typeof healthyState>,
    d: ReturnType<typeof deploymentFixture>,
  ) => (s.deployments = s.deployments!.map((x) => (x.metadata?.name === d.metadata?.name ? d : x)));

  it("passes when every system DaemonSet and Deployment is fully available", async () => {
    const result = await gate.check(await cluster());
    assert.equal(result.ok, true, result.detail);
    assert.equal(
      result.detail,
      "7 system workloads available: aws-node 3/3, kube-proxy 3/3, coredns 2/2, " +
        "kyverno-admission-controller 2/2, kyverno-background-controller 2/2, " +
        "kyverno-cleanup-controller 2/2, kyverno-reports-controller 2/2",
    );
    assertNoSecret(result, kube!.kubeconfig);
  });

  it("fails naming the unready pod when coredns is 1/2 available", async () => {
    const target = await cluster((s) => {
      replaceDeployment(
        s,
        deploymentFixture({ name: "coredns", namespace: "kube-system", available: 1 }),
      );
      s.pods = [
        podFixture({
          name: "coredns-6d4b-abcde",
          namespace: "kube-system",
          labels: { "app.kubernetes.io/name": "coredns" },
        }),
        podFixture({
          name: "coredns-6d4b-x2x9z",
          namespace: "kube-system",
          labels: { "app.kubernetes.io/name": "coredns" },
          waiting: "CrashLoopBackOff",
          restarts: 4,
        }),
      ];
    });
    const result = await gate.check(target);
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(
      result.detail,
      "kube-system/coredns 1/2 available (pod coredns-6d4b-x2x9z: CrashLoopBackOff (container coredns, 4 restarts))",
    );
  });

  it("fails when a DaemonSet has pods on fewer nodes than it should", async () => {
    const target = await cluster((s) => {
      s.daemonSets = s.daemonSets!.map((d) =>
        d.metadata?.name === "aws-node"
          ? daemonSetFixture({ name: "aws-node", namespace: "kube-system", available: 2 })
          : d,
      );
    });
    const result = await gate.check(target);
    assert.equal(result.ok, false);
    assert.equal(result.detail, "kube-system/aws-node 2/3 available");
  });

  it("fails when an expected workload does not exist", async () => {
    const target = await cluster((s) => {
      s.deployments = s.deployments!.filter(
        (d) => d.metadata?.name !== "kyverno-admission-controller",
      );
    });
    const result = await gate.check(target);
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(result.detail, "kyverno/kyverno-admission-controller Deployment not found");
  });

  it("treats an HTTP 500 on a read as an error, never as available", async () => {
    const target = await cluster((s) => {
      s.overrides = {
        "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy": status(
          500,
          "etcdserver: leader changed",
        ),
      };
    });
    const result = await gate.check(target);
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(
      result.detail,
      "reading DaemonSet kube-system/kube-proxy -> HTTP 500: etcdserver: leader changed",
    );
    assertNoSecret(result, kube!.kubeconfig);
  });

  it("fails after its timeout when a read never answers", async () => {
    const target = await cluster((s) => {
      s.overrides = { "/apis/apps/v1/namespaces/kube-system/deployments/coredns": "hang" };
    });
    const result = await gate.check(target, { timeoutMs: 150 });
    assert.equal(result.ok, false);
    assert.equal(result.failure, "timeout");
    assert.match(result.detail, /^no answer within 150 ms while /);
  });

  it("checks only the workloads the target expects", async () => {
    kube = await startFakeKube({
      deployments: [deploymentFixture({ name: "coredns", namespace: "kube-system" })],
    });
    const target = targetFixture(kube.kubeconfig, {
      systemWorkloads: [{ kind: "Deployment", namespace: "kube-system", name: "coredns" }],
    });
    const result = await gate.check(target);
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, "1 system workload available: coredns 2/2");
  });
});

describe("defaultSystemWorkloads", () => {
  it("expects the EKS add-ons and every Kyverno controller", () => {
    assert.deepEqual(
      defaultSystemWorkloads().map((w) => `${w.kind} ${w.namespace}/${w.name}`),
      [
        "DaemonSet kube-system/aws-node",
        "DaemonSet kube-system/kube-proxy",
        "Deployment kube-system/coredns",
        "Deployment kyverno/kyverno-admission-controller",
        "Deployment kyverno/kyverno-background-controller",
        "Deployment kyverno/kyverno-cleanup-controller",
        "Deployment kyverno/kyverno-reports-controller",
      ],
    );
  });

  it("follows the Kyverno namespace and leaves out controllers the chart values disable", () => {
    const workloads = defaultSystemWorkloads({
      namespace: "policy",
      values: { cleanupController: { enabled: false }, reportsController: { enabled: false } },
    });
    assert.deepEqual(
      workloads.filter((w) => w.namespace === "policy").map((w) => w.name),
      ["kyverno-admission-controller", "kyverno-background-controller"],
    );
  });
});
