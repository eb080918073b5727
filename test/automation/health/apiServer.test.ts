import * as assert from "node:assert/strict";
import { apiServerGate } from "../../../automation/health/apiServer";
import { closedPort } from "./_servers";
import { kubeconfigFor, startFakeKube, status, TOKEN, type FakeKube } from "./_fakeKube";
import { assertNoSecret, targetFixture } from "./_fixtures";

describe("api-server gate", () => {
  let kube: FakeKube | undefined;
  afterEach(async () => {
    await kube?.close();
    kube = undefined;
  });
  const gate = apiServerGate({ timeoutMs: 2000 });

  it("passes when /readyz answers 200 and /version reports the expected minor", async () => {
    kube = await startFakeKube({});
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.gate, "api-server");
    assert.equal(result.cluster, "use1-a");
    assert.equal(result.detail, "API server ready, v1.33.4-eks-2f1c1a3");
    assert.deepEqual(result.observed, {
      readyz: 200,
      failedChecks: [],
      gitVersion: "v1.33.4-eks-2f1c1a3",
    });
    assert.ok(kube.requests.includes("/readyz?verbose"));
    assert.ok(kube.authorizations.every((a) => a === `Bearer ${TOKEN}`));
    assertNoSecret(result, kube.kubeconfig);
  });

  it("fails naming the failing checks when /readyz answers 500", async () => {
    kube = await startFakeKube({
      readyz: {
        status: 500,
        text: "[+]ping ok\n[-]etcd failed: reason withheld\n[-]informer-sync failed: reason withheld\nreadyz check failed",
      },
    });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(
      result.detail,
      "GET /readyz -> 500 Internal Server Error: failing etcd, informer-sync",
    );
    assertNoSecret(result, kube.kubeconfig);
  });

  it("fails when the API server runs another minor than expected", async () => {
    kube = await startFakeKube({ gitVersion: "v1.32.9-eks-c5fbd2a" });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.match(result.detail, /runs v1\.32\.9-eks-c5fbd2a, expected 1\.33/);
  });

  it("fails after its timeout when /readyz never answers", async () => {
    kube = await startFakeKube({ overrides: { "/readyz": "hang" } });
    const result = await gate.check(targetFixture(kube.kubeconfig), { timeoutMs: 150 });
    assert.equal(result.ok, false);
    assert.equal(result.failure, "timeout");
    assert.equal(result.detail, "no answer within 150 ms while GET /readyz");
  });

  it("fails as an error when the connection is refused", async () => {
    const kubeconfig = kubeconfigFor(`http://127.0.0.1:${await closedPort()}`);
    const result = await gate.check(targetFixture(kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(result.detail, "GET /readyz failed: connection refused (ECONNREFUSED)");
    assertNoSecret(result, kubeconfig);
  });

  it("reports refused credentials as an error, without showing them", async () => {
    kube = await startFakeKube({});
    const kubeconfig = kubeconfigFor(kube.url, { token: "tok-wrong-5a6b7c8d9e0f" });
    const result = await gate.check(targetFixture(kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.match(
      result.detail,
      /^GET \/readyz -> 401 Unauthorized: the kubeconfig's credentials were refused$/,
    );
    assert.ok(!JSON.stringify(result).includes("tok-wrong-5a6b7c8d9e0f"));
  });

  it("redacts credentials that a server echoes back in an error", async () => {
    kube = await startFakeKube({
      overrides: {
        "/version": (req) => status(500, `rejected header ${req.headers.authorization}`),
      },
    });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(result.detail, "GET /version -> HTTP 500: rejected header [secret]");
    assertNoSecret(result, kube.kubeconfig);
  });

  it("trusts the certificate authority in the kubeconfig over TLS", async () => {
    kube = await startFakeKube({}, { tls: true });
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, true, result.detail);
  });

  it("fails over TLS when the server's certificate is not trusted", async () => {
    kube = await startFakeKube({}, { tls: true });
    const withoutCa = kube.kubeconfig
      .split("\n")
      .filter((line) => !line.includes("certificate-authority-data"))
      .join("\n");
    const result = await gate.check(targetFixture(withoutCa));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.match(result.detail, /TLS certificate not trusted/);
  });

  it("gets its token from an exec plugin, as a kubeconfig using `aws eks get-token` does", async () => {
    kube = await startFakeKube({}, { auth: "exec" });
    assert.ok(!kube.kubeconfig.includes(`token: ${TOKEN}`));
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.ok, true, result.detail);
    assert.ok(kube.authorizations.every((a) => a === `Bearer ${TOKEN}`));
  });

  it("redacts a token from an exec plugin that a server echoes back", async () => {
    kube = await startFakeKube(
      { overrides: { "/version": (req) => status(500, `rejected ${req.headers.authorization}`) } },
      { auth: "exec" },
    );
    const result = await gate.check(targetFixture(kube.kubeconfig));
    assert.equal(result.detail, "GET /version -> HTTP 500: rejected [secret]");
    assertNoSecret(result);
  });

  it("reports cancellation by the caller as aborted", async () => {
    kube = await startFakeKube({ overrides: { "/readyz": "hang" } });
    const controller = new AbortController();
    const pending = gate.check(targetFixture(kube.kubeconfig), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const result = await pending;
    assert.equal(result.ok, false);
    assert.equal(result.failure, "aborted");
  });

  it("fails without quoting a kubeconfig that is not YAML", async () => {
    const broken = `users:\n- name: x\n  user:\n    token: ${TOKEN}\n  : : [unclosed`;
    const result = await gate.check(targetFixture(broken));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.match(result.detail, /^the kubeconfig of cluster use1-a is not valid YAML or JSON/);
    assertNoSecret(result, broken);
  });
});
