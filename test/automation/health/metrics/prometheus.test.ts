import * as assert from "node:assert/strict";
import { metricGate } from "../../../../automation/health/metrics/metricGate";
import { prometheusSource } from "../../../../automation/health/metrics/prometheus";
import type { MetricGateSpec, PrometheusMetric } from "../../../../config/metricGates";
import { kubeconfigFor } from "../_fakeKube";
import { targetFixture } from "../_fixtures";
import { startServer, type Reply, type TestServer } from "../_servers";

/**
 * The Prometheus source against a server on 127.0.0.1 answering as Prometheus' HTTP API does
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries): the answers
 * the real server cannot be made to give on demand (errors, hangs, NaN, scalars). The real
 * server's own answers are in prometheus.realPrometheus.test.ts.
 */

const vector = (...series: [Record<string, string>, string][]): Reply => ({
  json: {
    status: "success",
    data: {
      resultType: "vector",
      result: series.map(([metric, v]) => ({ metric, value: [1700000000, v] })),
    },
  },
});

const spec = (metric: PrometheusMetric): MetricGateSpec => ({
  name: "errors",
  origin: "config",
  metric,
  judge: { type: "absolute", max: 0.01, minSamples: 0 },
  window: "5m",
  windowMs: 300_000,
  intervalMs: 30_000,
  consecutiveFailures: 3,
});

describe("Prometheus source", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const kubeconfig = kubeconfigFor("https://127.0.0.1:1");
  const target = targetFixture(kubeconfig, { name: "a", peers: [{ name: "b" }] });
  const gate = (metric: PrometheusMetric, timeoutMs = 2000) =>
    metricGate({ spec: spec(metric), source: prometheusSource({ metric }), timeoutMs });
  const one = (url: string, query = "q"): PrometheusMetric => ({
    type: "prometheus",
    endpoint: { url, clusterLabel: "cluster" },
    query,
  });

  it("asks /api/v1/query under the URL's path, at the given time", async () => {
    server = await startServer({
      "/prom/api/v1/query": vector([{ cluster: "a" }, "0.002"], [{ cluster: "b" }, "0.001"]),
    });
    const metric = one(`${server.url}/prom/`, 'sum by (cluster) (rate(x{code=~"5.."}[5m]))');
    const source = prometheusSource({ metric, time: () => new Date(1_700_000_000_500) });
    const answers = await source.read([{ name: "a" }, { name: "b" }, { name: "c" }], {
      signal: new AbortController().signal,
    });
    assert.deepEqual(answers, [
      { cluster: "a", value: 0.002 },
      { cluster: "b", value: 0.001 },
      { cluster: "c" },
    ]);
    const asked = new URL(server.requests[0], server.url);
    assert.equal(asked.pathname, "/prom/api/v1/query");
    assert.equal(asked.searchParams.get("query"), metric.query);
    assert.equal(asked.searchParams.get("time"), "1700000000.500");
  });

  it("reads NaN as no value, and +Inf as infinitely bad", async () => {
    server = await startServer({
      "/api/v1/query": vector([{ cluster: "a" }, "NaN"], [{ cluster: "b" }, "+Inf"]),
    });
    const answers = await prometheusSource({ metric: one(server.url) }).read(
      [{ name: "a" }, { name: "b" }],
      { signal: new AbortController().signal },
    );
    assert.deepEqual(answers, [{ cluster: "a" }, { cluster: "b", value: Infinity }]);
  });

  it("reports Prometheus' own error with its HTTP status, and does not pass", async () => {
    server = await startServer({
      "/api/v1/query": {
        status: 400,
        json: {
          status: "error",
          errorType: "bad_data",
          error: 'invalid parameter "query": 1:6: parse error: unexpected end of input',
        },
      },
    });
    const result = await gate(one(server.url)).check(target);
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(
      result.detail,
      `Prometheus ${server.url} answered HTTP 400 (bad_data: invalid parameter "query": 1:6: parse error: unexpected end of input); query: q`,
    );
  });

  it("fails with a timeout when Prometheus does not answer", async () => {
    server = await startServer({ "/api/v1/query": "hang" });
    const result = await gate(one(server.url), 300).check(target);
    assert.equal(result.ok, false);
    assert.equal(result.failure, "timeout");
    assert.match(result.detail, /^no answer within 300 ms while reading errors for a, b$/);
  });

  it("refuses a series without the cluster label, saying how to keep it", async () => {
    server = await startServer({ "/api/v1/query": vector([{}, "0.5"]) });
    const result = await gate(one(server.url)).check(target);
    assert.equal(result.failure, "error");
    assert.match(
      result.detail,
      /returned a series without the "cluster" label; keep it, e.g\. sum by \(cluster\) \(\.\.\.\); query: q$/,
    );
  });

  it("reads one Prometheus per cluster, a scalar as the cluster's value", async () => {
    const a = await startServer({
      "/api/v1/query": {
        json: { status: "success", data: { resultType: "scalar", result: [1, "0.002"] } },
      },
    });
    server = await startServer({ "/api/v1/query": vector([{ job: "x" }, "0.001"]) });
    try {
      const metric: PrometheusMetric = {
        type: "prometheus",
        endpoint: { urls: { a: a.url, b: server.url } },
        query: "sum(rate(x[5m]))",
      };
      const result = await gate(metric).check(target);
      assert.equal(result.ok, true, result.detail);
      assert.deepEqual(result.observed?.changed, { cluster: "a", value: 0.002 });
      assert.deepEqual(result.observed?.baseline, [{ cluster: "b", value: 0.001 }]);
    } finally {
      await a.close();
    }
  });

  it("sends a URL's credentials as Basic auth and never shows them", async () => {
    server = await startServer({ "/api/v1/query": { status: 503, text: "unavailable\n" } });
    const withCredentials = server.url.replace("http://", "http://reader:s3cret-pw@");
    const result = await gate(one(withCredentials)).check(target);
    assert.equal(
      server.authorizations[0],
      `Basic ${Buffer.from("reader:s3cret-pw").toString("base64")}`,
    );
    assert.equal(
      result.detail,
      `Prometheus ${server.url} answered HTTP 503 (unavailable); query: q`,
    );
    assert.ok(!JSON.stringify(result).includes("s3cret-pw"));
  });
});
