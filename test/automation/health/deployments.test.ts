import * as assert from "node:assert/strict";
import { deploymentsGate } from "../../../automation/health/deployments";
import { startFakeKube, status, type FakeKube } from "./_fakeKube";
import { assertNoSecret, deploymentFixture, targetFixture } from "./_fixtures";

describe("deployments gate", () => {
  let kube: FakeKube | undefined;
  afterEach(async () => {
    await kube?.close();
    kube = undefined;
  });
  const gate = deploymentsGate({ timeoutMs: 2000 });
  const services = [
    { name: "api", namespace: "apps", port: 80, loadBalancer: "127.0.0.1" },
    { name: "web", namespace: "apps", port: 81, loadBalancer: "127.0.0.1" },
  ];

  it("passes when every service's Deployment is rolled out and available", async () => {
    kube = await startFakeKube({
      deployments: [
        deploymentFixture({ name: "api", namespace: "apps" }),
        deploymentFixture({ name: "web", namespace: "apps", replicas: 3 }),
      ],
    });
    const result = await gate.check(targetFixture(kube.kubeconfig, { services }));
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, "2 service Deployments available: api 2/2, web 3/3");
    assertNoSecret(result, kube.kubeconfig);
  });

  it("fails while a rollout is half done", async () => {
    kube = await startFakeKube({
      deployments: [
        deploymentFixture({ name: "api", namespace: "apps" }),
        deploymentFixture({ name: "web", namespace: "apps", updated: 1, total: 3, available: 2 }),
      ],
    });
    const result = await gate.check(targetFixture(kube.kubeconfig, { services }));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(result.detail, "apps/web 1/2 updated, 2/2 available");
  });

  it("fails when a service's Deployment does not exist", async () => {
    kube = await startFakeKube({
      deployments: [deploymentFixture({ name: "api", namespace: "apps" })],
    });
    const result = await gate.check(targetFixture(kube.kubeconfig, { services }));
    assert.equal(result.ok, false);
    assert.equal(result.detail, "apps/web Deployment not found");
  });

  it("treats an HTTP 500 as an error, never as available", async () => {
    kube = await startFakeKube({
      deployments: [deploymentFixture({ name: "api", namespace: "apps" })],
      overrides: {
        "/apis/apps/v1/namespaces/apps/deployments/api": status(503, "the server is shutting down"),
      },
    });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(
      result.detail,
      "reading Deployment apps/api -> HTTP 503: the server is shutting down",
    );
  });

  it("fails after its timeout when a read never answers", async () => {
    kube = await startFakeKube({
      overrides: { "/apis/apps/v1/namespaces/apps/deployments/api": "hang" },
    });
    const result = await gate.check(targetFixture(kube.kubeconfig), { timeoutMs: 150 });
    assert.equal(result.failure, "timeout");
    assert.equal(result.detail, "no answer within 150 ms while reading Deployment apps/api");
  });

  it("passes, saying so, when the environment declares no services", async () => {
    const result = await gate.check(targetFixture("apiVersion: v1", { services: [] }));
    assert.equal(result.ok, true);
    assert.equal(result.detail, "no services declared");
  });
});
