import * as assert from "node:assert/strict";
import { ConfigError } from "../../config/errors";
import { durationMs } from "../../config/gates";
import { parseEnvironment } from "../../config/load";
import { metricGates } from "../../config/metricGates";
import { clusterFixture, environmentFixture, serviceFixture } from "../_fixtures";

const PROMETHEUS = "http://prometheus.monitoring:9090";

/** A Prometheus gate as written in a stack file; tests change one field. */
function gateFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "checkout-errors",
    query: "sum by (cluster) (rate(checkout_errors_total[{{window}}]))",
    samplesQuery: "sum by (cluster) (increase(checkout_total[{{window}}]))",
    judge: { type: "baseline", maxRatio: 2, minSamples: 50 },
    ...overrides,
  };
}

/** A CloudWatch gate as written in a stack file. */
function cloudwatchFixture(provider: Record<string, unknown> = {}, overrides = {}) {
  return {
    name: "pod-cpu",
    provider: {
      type: "cloudwatch",
      namespace: "ContainerInsights",
      metric: "pod_cpu_utilization",
      dimensions: { ClusterName: "prod-{{cluster}}", Namespace: "apps" },
      statistic: "Average",
      ...provider,
    },
    judge: { type: "absolute", max: 80 },
    ...overrides,
  };
}

const parse = (gates: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  parseEnvironment("test", environmentFixture({ gates, ...overrides }), "test stack").config;

/** The problems of a rejected config, one per line, or fails. */
function problems(gates: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  try {
    parse(gates, overrides);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems.map((p) => `${p.field}: ${p.message}`);
  }
  assert.fail("config was accepted");
}

describe("gates config", () => {
  it("has no metric gates when the environment declares none", () => {
    const config = parseEnvironment("test", environmentFixture(), "test stack").config;
    assert.equal(config.gates, undefined);
    assert.deepEqual(metricGates(config), []);
  });

  it("accepts a listed gate and fills in window, interval and consecutive failures", () => {
    const config = parse({
      prometheus: { url: PROMETHEUS },
      defaultMetrics: { enabled: false },
      metrics: [gateFixture()],
    });
    const [gate] = metricGates(config);
    assert.deepEqual(gate, {
      name: "checkout-errors",
      origin: "config",
      metric: {
        type: "prometheus",
        endpoint: { url: PROMETHEUS, clusterLabel: "cluster" },
        query: "sum by (cluster) (rate(checkout_errors_total[5m]))",
        samplesQuery: "sum by (cluster) (increase(checkout_total[5m]))",
      },
      judge: { type: "baseline", maxRatio: 2, worse: "higher", minSamples: 50 },
      window: "5m",
      windowMs: 300_000,
      intervalMs: 30_000,
      consecutiveFailures: 3,
    });
  });

  it("gives every service an error-ratio and a p99 latency gate when a Prometheus is declared", () => {
    const config = parse(
      { prometheus: { url: PROMETHEUS } },
      { services: [serviceFixture({ name: "api" }), serviceFixture({ name: "web" })] },
    );
    const gates = metricGates(config);
    assert.deepEqual(
      gates.map((g) => g.name),
      ["api-error-ratio", "api-latency-p99", "web-error-ratio", "web-latency-p99"],
    );
    const [errors, latency] = gates;
    assert.deepEqual(errors.metric, {
      type: "prometheus",
      endpoint: { url: PROMETHEUS, clusterLabel: "cluster" },
      query:
        '(sum by (cluster) (rate(http_requests_total{service="api", code=~"5.."}[5m])) ' +
        'or 0 * sum by (cluster) (rate(http_requests_total{service="api"}[5m]))) / ' +
        'sum by (cluster) (rate(http_requests_total{service="api"}[5m]))',
      samplesQuery: 'sum by (cluster) (increase(http_requests_total{service="api"}[5m]))',
    });
    assert.deepEqual(errors.judge, {
      type: "baseline",
      maxRatio: 2,
      maxDifference: 0.01,
      worse: "higher",
      minSamples: 100,
    });
    assert.equal(
      latency.metric.type === "prometheus" && latency.metric.query,
      'histogram_quantile(0.99, sum by (cluster, le) (rate(http_request_duration_seconds_bucket{service="api"}[5m])))',
    );
    assert.equal(latency.judge.type, "baseline");
    assert.ok(gates.every((g) => g.origin === "default"));
  });

  it("writes the default gates with the configured metric and label names", () => {
    const config = parse({
      prometheus: { urls: { a: "http://pa:9090", b: "http://pb:9090", c: "http://pc:9090" } },
      defaultMetrics: {
        requestsMetric: "istio_requests_total",
        durationMetric: "istio_request_duration_seconds",
        serviceLabel: "destination_service_name",
        statusLabel: "response_code",
        window: "2m",
      },
    });
    const [errors, latency] = metricGates(config);
    // One Prometheus per cluster: the whole answer is the cluster's, no cluster label.
    assert.equal(
      errors.metric.type === "prometheus" && errors.metric.query,
      '(sum (rate(istio_requests_total{destination_service_name="api", response_code=~"5.."}[2m])) ' +
        'or 0 * sum (rate(istio_requests_total{destination_service_name="api"}[2m]))) / ' +
        'sum (rate(istio_requests_total{destination_service_name="api"}[2m]))',
    );
    assert.equal(
      latency.metric.type === "prometheus" && latency.metric.samplesQuery,
      'sum (increase(istio_request_duration_seconds_count{destination_service_name="api"}[2m]))',
    );
    assert.equal(errors.windowMs, 120_000);
  });

  it("lets a listed gate replace the default gate of its name, and switches defaults off", () => {
    const replaced = metricGates(
      parse({
        prometheus: { url: PROMETHEUS },
        metrics: [gateFixture({ name: "api-latency-p99" })],
      }),
    );
    assert.deepEqual(
      replaced.map((g) => [g.name, g.origin]),
      [
        ["api-error-ratio", "default"],
        ["api-latency-p99", "config"],
      ],
    );
    const off = parse({ prometheus: { url: PROMETHEUS }, defaultMetrics: { enabled: false } });
    assert.deepEqual(metricGates(off), []);
  });

  it("accepts a CloudWatch gate, keeping {{cluster}} for each cluster", () => {
    const [gate] = metricGates(parse({ metrics: [cloudwatchFixture()] }));
    assert.deepEqual(gate.metric, {
      type: "cloudwatch",
      namespace: "ContainerInsights",
      metric: "pod_cpu_utilization",
      dimensions: { ClusterName: "prod-{{cluster}}", Namespace: "apps" },
      statistic: "Average",
    });
    assert.deepEqual(gate.judge, { type: "absolute", max: 80, minSamples: 0 });
  });

  it("accepts {{eksCluster}} as the value that tells clusters apart", () => {
    const [gate] = metricGates(
      parse({ metrics: [cloudwatchFixture({ dimensions: { ClusterName: "{{eksCluster}}" } })] }),
    );
    assert.deepEqual(gate.metric.type === "cloudwatch" && gate.metric.dimensions, {
      ClusterName: "{{eksCluster}}",
    });
  });

  it("reads durations as Prometheus writes them", () => {
    assert.equal(durationMs("30s"), 30_000);
    assert.equal(durationMs("5m"), 300_000);
    assert.equal(durationMs("1h"), 3_600_000);
    for (const bad of ["5", "1m30s", "0s", "-1m", "5 m", "1d"])
      assert.equal(durationMs(bad), undefined, bad);
  });

  describe("refuses, naming the field, the value and the fix", () => {
    it("a per-cluster URL map that leaves a cluster out or names an unknown one", () => {
      assert.deepEqual(
        problems({
          prometheus: { urls: { a: "http://pa:9090", b: "http://pb:9090", x: "http://px:9090" } },
        }),
        [
          'active-active:gates.prometheus.urls: names no URL for cluster(s) "c"; give every cluster its Prometheus URL, or use url with a clusterLabel',
          'active-active:gates.prometheus.urls.x: "x" is not a cluster of this environment; use one of: "a", "b", "c"',
        ],
      );
    });

    it("both url and urls, or neither, and a cluster label with urls", () => {
      assert.deepEqual(problems({ prometheus: { url: PROMETHEUS, urls: { a: PROMETHEUS } } }), [
        "active-active:gates.prometheus.urls: give either url (one Prometheus, clusters told apart by clusterLabel) or urls (one Prometheus per cluster), not both",
      ]);
      assert.match(
        problems({ prometheus: {} })[0],
        /^active-active:gates\.prometheus\.url: missing; give url/,
      );
      assert.deepEqual(
        problems({
          prometheus: {
            urls: { a: PROMETHEUS, b: PROMETHEUS, c: PROMETHEUS },
            clusterLabel: "k8s_cluster",
          },
        }),
        [
          "active-active:gates.prometheus.clusterLabel: has no effect with urls (each Prometheus serves one cluster); remove it",
        ],
      );
    });

    it("a URL that is not http(s)", () => {
      assert.match(
        problems({ prometheus: { url: "ftp://prom:9090" } })[0],
        /^active-active:gates\.prometheus\.url: "ftp:\/\/prom:9090" is not an http:\/\/ or https:\/\/ URL/,
      );
    });

    it("a Prometheus gate with no Prometheus to read", () => {
      assert.match(
        problems({ metrics: [gateFixture()] })[0],
        /^active-active:gates\.metrics\[0\]\.provider: no Prometheus to read from; declare the environment's in gates\.prometheus, or give this gate a url/,
      );
    });

    it("a Prometheus gate without a query, or that waits for samples it cannot count", () => {
      assert.deepEqual(
        problems({
          prometheus: { url: PROMETHEUS },
          metrics: [gateFixture({ query: undefined, samplesQuery: undefined })],
        }).map((p) => p.split(";")[0]),
        [
          "active-active:gates.metrics[0].query: missing",
          "active-active:gates.metrics[0].samplesQuery: missing",
        ],
      );
      assert.match(
        problems({
          prometheus: { url: PROMETHEUS },
          metrics: [gateFixture({ samplesQuery: undefined })],
        })[0],
        /samplesQuery: missing; judge\.minSamples is 50, so the gate must count samples: .* or set minSamples to 0$/,
      );
    });

    it("a judge without limits, or with a ratio below 1", () => {
      const at = (judge: Record<string, unknown>) =>
        problems({ prometheus: { url: PROMETHEUS }, metrics: [gateFixture({ judge })] });
      assert.match(
        at({ type: "baseline" })[0],
        /judge\.maxRatio: missing; a baseline judge needs maxRatio, maxDifference or both/,
      );
      assert.match(
        at({ type: "absolute" })[0],
        /judge\.max: missing; an absolute judge needs max, min or both/,
      );
      assert.match(
        at({ type: "absolute", min: 2, max: 1 })[0],
        /judge\.min: 2 is above max \(1\), so nothing could pass/,
      );
      assert.match(at({ type: "baseline", maxRatio: 0.5 })[0], /judge\.maxRatio: 0\.5 is below 1/);
      assert.match(
        at({ type: "canary" })[0],
        /judge\.type: "canary" is not a judge; use "absolute" \(a threshold\) or "baseline"/,
      );
    });

    it("durations that are not Prometheus durations", () => {
      const [problem] = problems({
        prometheus: { url: PROMETHEUS },
        metrics: [gateFixture({ window: "5 minutes" })],
      });
      assert.equal(
        problem,
        'active-active:gates.metrics[0].window: "5 minutes" is not a duration; write the window as a whole number of s, m or h, e.g. "5m"',
      );
    });

    it("two metric gates of one name", () => {
      assert.deepEqual(
        problems({ prometheus: { url: PROMETHEUS }, metrics: [gateFixture(), gateFixture()] }),
        [
          'active-active:gates.metrics[1].name: "checkout-errors" is already the name of gates.metrics[0]; give every metric gate a unique name',
        ],
      );
    });

    it("a CloudWatch gate that does not tell clusters apart, has a query or a window of seconds", () => {
      assert.deepEqual(
        problems({
          metrics: [
            cloudwatchFixture(
              { dimensions: { ClusterName: "prod" } },
              { query: "x", window: "90s" },
            ),
          ],
        }).map((p) => p.split(";")[0]),
        [
          "active-active:gates.metrics[0].query: has no effect on a CloudWatch gate (its metric, dimensions and statistic are the query)",
          "active-active:gates.metrics[0].provider.dimensions: no value names the cluster, so every cluster would read the same series",
          "active-active:gates.metrics[0].window: CloudWatch periods of metrics are whole minutes",
        ],
      );
      assert.match(
        problems({ metrics: [cloudwatchFixture({ statistic: "Median" })] })[0],
        /provider\.statistic: "Median" is not a CloudWatch statistic; use Average, Sum, Minimum, Maximum, SampleCount or a percentile such as "p99"$/,
      );
    });

    it("a baseline gate in an environment of one cluster", () => {
      const found = problems(
        { prometheus: { url: PROMETHEUS }, metrics: [gateFixture()] },
        { clusters: [clusterFixture("a", 0)] },
      );
      assert.ok(
        found.includes(
          "active-active:gates.metrics[0].judge.type: a baseline gate compares a cluster with the others, and this environment has 1 cluster(s); add clusters, or use an absolute judge",
        ),
        found.join("\n"),
      );
    });

    it("default metric settings without a Prometheus", () => {
      assert.deepEqual(problems({ defaultMetrics: { serviceLabel: "app" } }), [
        "active-active:gates.defaultMetrics: has no effect without gates.prometheus (the default gates read the environment's Prometheus); declare it, or remove defaultMetrics",
      ]);
    });

    it("a misspelt key, suggesting the right one", () => {
      assert.match(
        problems({
          prometheus: { url: PROMETHEUS },
          metrics: [gateFixture({ consecutiveFailure: 2 })],
        })[0],
        /metrics\[0\]\.consecutiveFailure: unknown key "consecutiveFailure"; did you mean "consecutiveFailures"\?/,
      );
    });
  });
});
