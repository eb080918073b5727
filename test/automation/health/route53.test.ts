import * as assert from "node:assert/strict";
import { evaluateObservations, route53Gate } from "../../../automation/health/route53";
import { kubeconfigFor } from "./_fakeKube";
import { assertNoSecret, targetFixture } from "./_fixtures";
import { checkers, errorXml, startFakeRoute53, statusPath, statusXml } from "./_fakeRoute53";

const A = "8c3f4d52-7d1e-4e1c-9a57-0f2f0b7e6d11";
const B = "0b6a7c1d-2e3f-4a5b-8c9d-0e1f2a3b4c5d";

describe("route53 gate", () => {
  let r53: Awaited<ReturnType<typeof startFakeRoute53>> | undefined;
  afterEach(async () => {
    r53?.client.destroy();
    await r53?.close();
    r53 = undefined;
  });
  const kubeconfig = kubeconfigFor("https://127.0.0.1:1");
  const target = (ids: string[]) => targetFixture(kubeconfig, { route53HealthCheckIds: ids });

  it("passes when most checkers of every health check report Success", async () => {
    r53 = await startFakeRoute53({ [A]: statusXml(checkers(8)), [B]: statusXml(checkers(6)) });
    const result = await route53Gate({ client: r53.client, timeoutMs: 2000 }).check(target([A, B]));
    assert.equal(result.ok, true, result.detail);
    assert.equal(
      result.detail,
      `Route 53 reports healthy: ${A} 8/8, ${B} 6/8 checkers report Success`,
    );
    assert.deepEqual(r53.requests.sort(), [statusPath(B), statusPath(A)].sort());
    assert.ok(
      r53.authorizations.every((a) => a?.startsWith("AWS4-HMAC-SHA256 ")),
      "requests are signed",
    );
    assertNoSecret(result, kubeconfig);
  });

  it("fails when only a minority of checkers report Success, quoting one failure", async () => {
    r53 = await startFakeRoute53({ [A]: statusXml(checkers(3)) });
    const result = await route53Gate({ client: r53.client }).check(target([A]));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.equal(
      result.detail,
      `health check ${A}: 3/8 checkers report Success, needs more than 50%; ` +
        "e.g. eu-west-1 15.177.3.13: Failure: HTTP Status Code 503, Service Unavailable. Resolved IP: 52.1.2.3",
    );
  });

  it("fails when no checker has reported yet", async () => {
    r53 = await startFakeRoute53({ [A]: statusXml([]) });
    const result = await route53Gate({ client: r53.client }).check(target([A]));
    assert.equal(result.ok, false);
    assert.equal(result.detail, `health check ${A}: no checker has reported yet`);
  });

  it("reports an unknown health check as an error", async () => {
    r53 = await startFakeRoute53({});
    const result = await route53Gate({ client: r53.client }).check(target([A]));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(
      result.detail,
      `health check ${A}: GetHealthCheckStatus -> HTTP 404 NoSuchHealthCheck: A health check with the specified id does not exist.`,
    );
  });

  it("reports throttling as an error, never as healthy", async () => {
    r53 = await startFakeRoute53({ [A]: errorXml(400, "Throttling", "Rate exceeded") });
    const result = await route53Gate({ client: r53.client }).check(target([A]));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.match(result.detail, /Throttling: Rate exceeded$/);
  });

  it("fails after its timeout when Route 53 never answers", async () => {
    r53 = await startFakeRoute53({ [A]: "hang" });
    const result = await route53Gate({ client: r53.client }).check(target([A]), { timeoutMs: 150 });
    assert.equal(result.ok, false);
    assert.equal(result.failure, "timeout");
    assert.equal(
      result.detail,
      `no answer within 150 ms while reading Route 53 health check status of ${A}`,
    );
  });

  it("passes, saying so, when no health check watches the cluster", async () => {
    const result = await route53Gate({ client: undefined }).check(target([]));
    assert.equal(result.ok, true);
    assert.equal(
      result.detail,
      "no Route 53 health checks watch this cluster (no public hostnames)",
    );
  });

  it("refuses a share outside [0, 1)", () => {
    assert.throws(
      () => route53Gate({ minHealthyShare: 1 }),
      /minHealthyShare 1 must be at least 0 and below 1/,
    );
  });
});

describe("evaluateObservations", () => {
  const obs = (healthy: number, total: number) =>
    checkers(healthy, total).map((c) => ({
      Region: c.region as "us-east-1",
      IPAddress: c.ip,
      StatusReport: { Status: c.status },
    }));

  it("needs strictly more than the share", () => {
    assert.equal(evaluateObservations(obs(4, 8), 0.5).ok, false);
    assert.equal(evaluateObservations(obs(5, 8), 0.5).ok, true);
  });
  it("with share 0, one Success is enough", () => {
    assert.equal(evaluateObservations(obs(1, 8), 0).ok, true);
    assert.equal(evaluateObservations(obs(0, 8), 0).summary.includes("needs at least one"), true);
  });
});
