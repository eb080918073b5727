import * as assert from "node:assert/strict";
import { evaluateNodes, nodesGate } from "../../../automation/health/nodes";
import { closedPort } from "./_servers";
import { kubeconfigFor, startFakeKube, status, type FakeKube } from "./_fakeKube";
import { assertNoSecret, nodeFixture, targetFixture } from "./_fixtures";

describe("nodes gate", () => {
  let kube: FakeKube | undefined;
  afterEach(async () => {
    await kube?.close();
    kube = undefined;
  });
  const gate = nodesGate({ timeoutMs: 2000 });
  const threeNodes = () => [
    nodeFixture({ name: "ip-10-1-2-3" }),
    nodeFixture({ name: "ip-10-1-3-4" }),
    nodeFixture({ name: "ip-10-1-4-5" }),
  ];

  it("passes when every node is Ready at the expected minor", async () => {
    kube = await startFakeKube({ nodes: threeNodes() });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, "3 nodes Ready, kubelet v1.33.5-eks-113cf36");
    assert.equal(result.observed?.nodes.length, 3);
    assertNoSecret(result, kube.kubeconfig);
  });

  it("fails naming the node that is not Ready", async () => {
    const nodes = threeNodes();
    nodes[1] = nodeFixture({ name: "ip-10-1-3-4", ready: "False" });
    kube = await startFakeKube({ nodes });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(result.detail, "node ip-10-1-3-4 Ready=False (KubeletNotReady)");
  });

  it("fails when a kubelet runs another minor", async () => {
    const nodes = threeNodes();
    nodes[2] = nodeFixture({ name: "ip-10-1-4-5", version: "v1.32.9-eks-c5fbd2a" });
    kube = await startFakeKube({ nodes });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.detail, "node ip-10-1-4-5 kubelet v1.32.9-eks-c5fbd2a, expected 1.33");
  });

  it("fails when no node is registered", async () => {
    kube = await startFakeKube({ nodes: [] });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(result.detail, "no nodes registered with the API server");
  });

  it("reads every page of the node list", async () => {
    const nodes = threeNodes();
    nodes[2] = nodeFixture({ name: "ip-10-1-4-5", ready: "Unknown", reason: "NodeStatusUnknown" });
    kube = await startFakeKube({ nodes, nodePageSize: 1 });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.detail, "node ip-10-1-4-5 Ready=Unknown (NodeStatusUnknown)");
    assert.equal(kube.requests.filter((r) => r.startsWith("/api/v1/nodes")).length, 3);
  });

  it("treats an HTTP 500 on the node list as an error, never as no nodes", async () => {
    kube = await startFakeKube({
      nodes: threeNodes(),
      overrides: { "/api/v1/nodes": status(500, "etcdserver: request timed out") },
    });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(result.detail, "listing nodes -> HTTP 500: etcdserver: request timed out");
    assertNoSecret(result, kube.kubeconfig);
  });

  it("fails after its timeout when the node list never comes", async () => {
    kube = await startFakeKube({ overrides: { "/api/v1/nodes": "hang" } });
    const result = await gate.check(targetFixture(kube.kubeconfig), { timeoutMs: 150 });
    assert.equal(result.ok, false);
    assert.equal(result.failure, "timeout");
    assert.equal(result.detail, "no answer within 150 ms while listing nodes");
  });

  it("fails as an error when the connection is refused", async () => {
    const kubeconfig = kubeconfigFor(`http://127.0.0.1:${await closedPort()}`);
    const result = await gate.check(targetFixture(kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.match(result.detail, /^listing nodes failed: connection refused \(ECONNREFUSED\)$/);
    assertNoSecret(result, kubeconfig);
  });

  describe("evaluateNodes", () => {
    it("says so when a node has no Ready condition", () => {
      const node = nodeFixture({ name: "n1" });
      node.status!.conditions = [];
      assert.equal(
        evaluateNodes([node], "1.33").detail,
        "node n1 Ready=Unknown, no Ready condition",
      );
    });

    it("lists three problems and counts the rest", () => {
      const nodes = ["a", "b", "c", "d", "e"].map((name) => nodeFixture({ name, ready: "False" }));
      const verdict = evaluateNodes(nodes, "1.33");
      assert.match(verdict.detail, /^node a .*; node b .*; node c .*; and 2 more$/);
    });

    it("accepts any patch and EKS build of the expected minor", () => {
      const nodes = [
        nodeFixture({ name: "a", version: "v1.33.0-eks-aaaaaaa" }),
        nodeFixture({ name: "b", version: "v1.33.12" }),
      ];
      assert.equal(evaluateNodes(nodes, "1.33").ok, true);
      assert.equal(evaluateNodes(nodes, "1.3").ok, false);
    });
  });
});
