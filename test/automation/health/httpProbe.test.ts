import * as assert from "node:assert/strict";
import { httpProbeGate } from "../../../automation/health/httpProbe";
import type { ServiceTargetArgs } from "../../../automation/health/target";
import { closedPort, startServer, type TestServer } from "./_servers";
import { assertNoSecret, targetFixture } from "./_fixtures";
import { kubeconfigFor } from "./_fakeKube";

describe("http-probe gate", () => {
  let lb: TestServer | undefined;
  afterEach(async () => {
    await lb?.close();
    lb = undefined;
  });
  const gate = httpProbeGate({ timeoutMs: 2000 });
  const kubeconfig = kubeconfigFor("https://127.0.0.1:1");
  const service = (port: number, o: Partial<ServiceTargetArgs> = {}): ServiceTargetArgs => ({
    name: "api",
    namespace: "apps",
    port,
    loadBalancer: "127.0.0.1",
    ...o,
  });

  it("passes when every service's health path answers 2xx through its load balancer", async () => {
    lb = await startServer({ "/healthz": { text: "ok" }, "/ready": { status: 204 } });
    const target = targetFixture(kubeconfig, {
      services: [service(lb.port), service(lb.port, { name: "web", healthPath: "/ready" })],
    });
    const result = await gate.check(target);
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.detail, "all services answer 2xx: api 200, web 204");
    assert.deepEqual(lb.requests.sort(), ["/healthz", "/ready"]);
    assertNoSecret(result, kubeconfig);
  });

  it("fails with the URL and status when a health path answers 503", async () => {
    lb = await startServer({ "/healthz": { status: 503, text: "draining" } });
    const result = await gate.check(targetFixture(kubeconfig, { services: [service(lb.port)] }));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(
      result.detail,
      `GET http://127.0.0.1:${lb.port}/healthz -> 503 Service Unavailable`,
    );
  });

  it("fails on a redirect: the health path must answer itself", async () => {
    lb = await startServer({ "/healthz": { status: 302, headers: { location: "/login" } } });
    const result = await gate.check(targetFixture(kubeconfig, { services: [service(lb.port)] }));
    assert.equal(result.ok, false);
    assert.match(result.detail, /-> 302 Found$/);
  });

  it("names only the failing service", async () => {
    lb = await startServer({ "/healthz": { text: "ok" }, "/web": { status: 500 } });
    const target = targetFixture(kubeconfig, {
      services: [service(lb.port), service(lb.port, { name: "web", healthPath: "/web" })],
    });
    const result = await gate.check(target);
    assert.equal(result.detail, `GET http://127.0.0.1:${lb.port}/web -> 500 Internal Server Error`);
  });

  it("fails after its timeout when the load balancer never answers", async () => {
    lb = await startServer({ "/healthz": "hang" });
    const result = await gate.check(targetFixture(kubeconfig, { services: [service(lb.port)] }), {
      timeoutMs: 150,
    });
    assert.equal(result.ok, false);
    assert.equal(result.failure, "timeout");
    assert.equal(
      result.detail,
      `no answer within 150 ms while waiting for GET http://127.0.0.1:${lb.port}/healthz`,
    );
  });

  it("fails when the load balancer refuses the connection", async () => {
    const port = await closedPort();
    const result = await gate.check(targetFixture(kubeconfig, { services: [service(port)] }));
    assert.equal(result.ok, false);
    assert.equal(
      result.detail,
      `GET http://127.0.0.1:${port}/healthz -> connection refused (ECONNREFUSED)`,
    );
  });

  it("probes https load balancers without verifying the certificate, as Route 53 does", async () => {
    lb = await startServer({ "/healthz": { text: "ok" } }, { tls: true });
    const target = targetFixture(kubeconfig, { services: [service(lb.port, { scheme: "https" })] });
    const result = await gate.check(target);
    assert.equal(result.ok, true, result.detail);
  });

  it("fails when a service has no load balancer hostname yet", async () => {
    const result = await gate.check(
      targetFixture(kubeconfig, { services: [service(80, { loadBalancer: undefined })] }),
    );
    assert.equal(result.ok, false);
    assert.equal(result.detail, "api: no load balancer hostname yet");
  });
});
