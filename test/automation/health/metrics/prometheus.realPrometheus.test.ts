import * as assert from "node:assert/strict";
import { buildStatus, renderStatus } from "../../../../automation/commands/status";
import { loadEnvironment } from "../../../../automation/environment";
import { sourceFor } from "../../../../automation/health/metrics/sourceFor";
import { normalizeClusterTarget } from "../../../../automation/health/target";
import {
  EnvironmentMetrics,
  servingPeers,
} from "../../../../automation/rollout/environmentMetrics";
import { MetricWatch } from "../../../../automation/rollout/metricWatch";
import { planClusters } from "../../../../config/clusters";
import { metricGate } from "../../../../automation/health/metrics/metricGate";
import { prometheusSource } from "../../../../automation/health/metrics/prometheus";
import { parseEnvironment } from "../../../../config/load";
import { metricGates, type MetricGateSpec } from "../../../../config/metricGates";
import { deployedFrom, environmentFixture, serviceFixture } from "../../../_fixtures";
import { runOnce, simulatedEnvironment, simulation } from "../../rollout/_simulation";
import { closedPort } from "../_servers";
import { kubeconfigFor } from "../_fakeKube";
import { targetFixture } from "../_fixtures";
import {
  openMetrics,
  prometheusBinaries,
  startPrometheus,
  type RealPrometheus,
  type Series,
} from "./_realPrometheus";
import { itWhere } from "../../../_skip";

/** Why these tests do not run without Prometheus; every skipped test says it. */
const WHY_SKIPPED =
  "no prometheus and promtool on PATH here (apt-get install -y prometheus; .ci/run installs it)";

const havePrometheus = prometheusBinaries() !== undefined;

const prometheusIt = itWhere(havePrometheus, "Prometheus", WHY_SKIPPED);

// The data ends an hour before the last full hour (inside retention, out of the head block),
// and every query is evaluated at that instant.
const END = (Math.floor(Date.now() / 3_600_000) - 1) * 3600;
const START = END - 15 * 60;
const AT = new Date(END * 1000);

/** A value as read, to six significant digits (PromQL's float arithmetic). */
const round = (v: number | null | undefined) =>
  v === null || v === undefined ? v : Number(v.toPrecision(6));

const counter = (per: number) => (t: number) => Number((per * t).toFixed(3));

/** Requests of one service on one cluster: `rate` per second, `errorRate` of them 500s. */
function requests(service: string, cluster: string, rate: number, errorRate: number): Series[] {
  return [
    { labels: { cluster, service, code: "200" }, values: counter(rate - errorRate) },
    { labels: { cluster, service, code: "500" }, values: counter(errorRate) },
  ];
}

/** A histogram of one service on one cluster: every request in the bucket ending at `le`. */
function durations(service: string, cluster: string, rate: number, le: string) {
  const bounds = ["0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
  const from = bounds.indexOf(le);
  return {
    buckets: bounds.map((b, i): Series => ({
      labels: { cluster, service, le: b },
      values: i >= from ? counter(rate) : () => 0,
    })),
    count: { labels: { cluster, service }, values: counter(rate) } as Series,
    sum: { labels: { cluster, service }, values: counter(rate * Number(le)) } as Series,
  };
}

/**
 * Three clusters serving four services: "healthy" (0.1% errors everywhere), "degraded" (a at
 * 5%, b and c at 0.1%), "quiet" (a serves 0.05 requests a second: 45 in 15 minutes) and "slow"
 * (a's requests take 0.5-1 s, b's and c's under 0.1 s).
 */
function backfill(): string {
  const clusters = ["a", "b", "c"];
  const slow = clusters.map((c) => durations("slow", c, 10, c === "a" ? "1" : "0.1"));
  return openMetrics(
    [
      {
        name: "http_requests",
        type: "counter",
        samples: [
          {
            name: "http_requests_total",
            series: [
              ...clusters.flatMap((c) => requests("healthy", c, 10, c === "c" ? 0.012 : 0.01)),
              ...clusters.flatMap((c) => requests("degraded", c, 10, c === "a" ? 0.5 : 0.01)),
              ...clusters.flatMap((c) =>
                c === "a" ? requests("quiet", c, 0.05, 0.02) : requests("quiet", c, 10, 0.01),
              ),
            ],
          },
        ],
      },
      {
        name: "http_request_duration_seconds",
        type: "histogram",
        samples: [
          { name: "http_request_duration_seconds_bucket", series: slow.flatMap((s) => s.buckets) },
          { name: "http_request_duration_seconds_count", series: slow.map((s) => s.count) },
          { name: "http_request_duration_seconds_sum", series: slow.map((s) => s.sum) },
        ],
      },
    ],
    START,
    END,
  );
}

/** The default gates of the four services, reading the Prometheus at `url`. */
function defaultGates(url: string): Map<string, MetricGateSpec> {
  const config = parseEnvironment(
    "test",
    environmentFixture({
      services: ["healthy", "degraded", "quiet", "slow"].map((name) => serviceFixture({ name })),
      dns: { hostedZoneId: "Z0TEST0000EXAMPLE", zoneName: "test.example.com", hostnames: [] },
      gates: { prometheus: { url } },
    }),
    "test stack",
  ).config;
  return new Map(metricGates(config).map((g) => [g.name, g]));
}

describe("metric gates against a real Prometheus on 127.0.0.1", function () {
  let prom: RealPrometheus | undefined;
  let gates: Map<string, MetricGateSpec>;
  before(async function () {
    if (!havePrometheus) return;
    this.timeout(60_000);
    prom = await startPrometheus(backfill());
    gates = defaultGates(prom.url);
  });
  after(async () => prom?.close());

  const kubeconfig = kubeconfigFor("https://127.0.0.1:1");
  const canary = targetFixture(kubeconfig, {
    name: "a",
    peers: [{ name: "b" }, { name: "c" }],
  });
  const check = (name: string, spec?: MetricGateSpec) => {
    const s = spec ?? gates.get(name)!;
    const source = prometheusSource({ metric: s.metric as never, time: () => AT });
    return metricGate({ spec: s, source, timeoutMs: 10_000 }).check(canary);
  };

  prometheusIt("passes a healthy canary: its error ratio is the baseline's", async () => {
    const result = await check("healthy-error-ratio");
    assert.equal(result.ok, true, result.detail);
    assert.equal(result.gate, "metric:healthy-error-ratio");
    assert.equal(result.observed?.verdict, "pass");
    assert.equal(result.observed?.changed.value, 0.001);
    assert.equal(result.observed?.changed.samples, 3000);
    assert.match(
      result.detail,
      /^a 0\.001 \(3000 samples\) vs baseline 0\.0011 \(median of b 0\.001, c 0\.0012\): within the limit 0\.0111 \(2x and \+0\.01\); query: \(sum by \(cluster\) \(rate\(http_requests_total\{service="healthy", code=~"5\.\."\}\[5m\]\)\)/,
    );
  });

  prometheusIt(
    "fails a degraded canary (5% errors against 0.1%), showing both values and the query",
    async () => {
      const result = await check("degraded-error-ratio");
      assert.equal(result.ok, false);
      assert.equal(result.failure, "unhealthy");
      assert.equal(result.observed?.verdict, "fail");
      const query = gates.get("degraded-error-ratio")!.metric;
      assert.equal(
        result.detail,
        `a 0.05 (3000 samples) vs baseline 0.001 (median of b 0.001, c 0.001): above the limit 0.011 (2x and +0.01); query: ${query.type === "prometheus" ? query.query : ""}`,
      );
      assert.deepEqual(
        result.observed?.baseline.map((b) => [b.cluster, "value" in b ? b.value : undefined]),
        [
          ["b", 0.001],
          ["c", 0.001],
        ],
      );
    },
  );

  prometheusIt("fails a canary whose p99 latency is ten times the baseline's", async () => {
    const result = await check("slow-latency-p99");
    assert.equal(result.ok, false, result.detail);
    assert.equal(result.observed?.verdict, "fail");
    assert.match(result.detail, /^a 0\.995 \(3000 samples\) vs baseline 0\.099 /);
  });

  prometheusIt("waits while the canary has too few requests in the window", async () => {
    const result = await check("quiet-error-ratio");
    assert.equal(result.ok, false);
    assert.equal(result.failure, "waiting");
    assert.equal(result.observed?.verdict, "wait");
    assert.match(
      result.detail,
      /^waiting: a has 15 samples in the window, fewer than 100; query: /,
    );
  });

  prometheusIt("fails safe when Prometheus is down: the gate does not pass", async () => {
    const down = defaultGates(`http://127.0.0.1:${await closedPort()}`).get("healthy-error-ratio")!;
    const result = await check("healthy-error-ratio", down);
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.equal(result.observed?.verdict, "error");
    assert.match(
      result.detail,
      /^Prometheus http:\/\/127\.0\.0\.1:\d+ did not answer: connection refused \(ECONNREFUSED\); query: /,
    );
  });

  describe("wired into rollouts and aa status", () => {
    /** Clusters a, b and c as deployed, every one serving. */
    const deployed = () =>
      deployedFrom(planClusters(loadEnvironment("dev", undefined).environment.config));
    /** The port over the real Prometheus, for these gates, evaluated at the data's instant. */
    const port = (names: string[]) =>
      new EnvironmentMetrics({
        specs: names.map((n) => gates.get(n)!),
        source: (spec) => sourceFor(spec, { now: () => AT }),
        target: (cluster) =>
          Promise.resolve(
            normalizeClusterTarget({
              name: cluster,
              kubeconfig: "(not used by metric gates)",
              kubernetesVersion: "1.33",
              services: [],
            }),
          ),
        peers: (cluster) => servingPeers(deployed(), cluster),
      });

    prometheusIt(
      "reads every gate of a cluster against the clusters serving besides it",
      async () => {
        const read = await port(["healthy-error-ratio", "degraded-error-ratio"]).check("a", [
          "metric:healthy-error-ratio",
          "metric:degraded-error-ratio",
        ]);
        assert.deepEqual(
          read.map((r) => [r.gate, r.metric.verdict, r.metric.value, round(r.metric.baseline)]),
          [
            ["metric:healthy-error-ratio", "pass", 0.001, 0.0011],
            ["metric:degraded-error-ratio", "fail", 0.05, 0.001],
          ],
        );
        assert.deepEqual(read[1].metric.baselineClusters, ["b", "c"]);
        assert.equal(read[1].metric.samples, 3000);
      },
    );

    prometheusIt("fails the degraded canary after its third failing check in a row", async () => {
      let now = 0;
      const watch = new MetricWatch(port(["degraded-error-ratio"]), {
        now: () => now,
        sleep: () => Promise.resolve(),
      });
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const [o] = await watch.round("a");
        statuses.push([o.ok, o.metric?.status]);
        now += 30_000;
      }
      assert.deepEqual(statuses, [
        [true, "failing"],
        [true, "failing"],
        [false, "failed"],
      ]);
    });

    prometheusIt(
      "halts a rollout in its first cluster, on the values Prometheus returns",
      async () => {
        const env = await simulatedEnvironment({
          services: [serviceFixture({ name: "degraded", autoscaling: { maxReplicas: 4 } })],
          dns: { hostedZoneId: "Z0TEST0000EXAMPLE", zoneName: "test.example.com", hostnames: [] },
        });
        const sim = simulation(env);
        const run = await runOnce(sim, env.environment, {
          metrics: port(["degraded-error-ratio"]),
        });
        assert.ok(run.outcome !== "crashed");
        assert.equal(run.outcome.result, "halted");
        const halted = run.events.find((e) => e.event === "halted");
        assert.ok(halted?.event === "halted");
        assert.equal(halted.cluster, "a");
        assert.match(
          halted.reason,
          /^cluster a failed health gate "metric:degraded-error-ratio" while soaking: a 0\.05 \(3000 samples\) vs baseline 0\.001 \(median of b 0\.001, c 0\.001\): above the limit 0\.011 \(2x and \+0\.01\) \(3 failing checks in a row\); query: \(sum by \(cluster\) \(rate\(http_requests_total\{service="degraded", code=~"5\.\."\}\[5m\]\)\).*; drained it again$/,
        );
        assert.deepEqual(
          run.outcome.clusters.map((c) => `${c.name}=${c.state}`),
          ["a=drained", "b=pending", "c=pending"],
        );
      },
    );

    prometheusIt("aa status shows each cluster's gate values next to the baseline", async () => {
      const loaded = loadEnvironment("dev", undefined);
      const report = await buildStatus(
        loaded,
        { clusters: deployed(), rollout: null },
        null,
        undefined,
        undefined,
        port(["degraded-error-ratio", "quiet-error-ratio"]),
      );
      const a = report.clusters.find((c) => c.name === "a")!;
      assert.deepEqual(
        a.metrics?.map((m) => [
          m.gate,
          m.verdict,
          round(m.value),
          m.samples,
          round(m.baseline),
          round(m.limit),
        ]),
        [
          ["metric:degraded-error-ratio", "fail", 0.05, 3000, 0.001, 0.011],
          ["metric:quiet-error-ratio", "wait", 0.4, 15, null, null],
        ],
      );
      const b = report.clusters.find((c) => c.name === "b")!;
      assert.deepEqual(
        b.metrics?.map((m) => [m.verdict, m.baselineClusters]),
        [
          ["pass", ["a", "c"]],
          // a's 15 requests are too few to count in b's baseline.
          ["pass", ["c"]],
        ],
      );
      const text = renderStatus(report);
      assert.match(text, /metric gates \(each cluster against the median of the others serving\):/);
      assert.match(
        text,
        /metric:degraded-error-ratio\s+│?\s*a\s+│?\s*0\.05\s+│?\s*3000\s+│?\s*0\.001 \(b, c\)\s+│?\s*0\.011\s+│?\s*fail/,
      );
      assert.match(text, /\n {2}metric:degraded-error-ratio: \(sum by \(cluster\)/);
    });
  });
});
