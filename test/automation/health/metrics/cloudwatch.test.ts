import * as assert from "node:assert/strict";
import { cloudwatchSource } from "../../../../automation/health/metrics/cloudwatch";
import { metricGate } from "../../../../automation/health/metrics/metricGate";
import type { CloudWatchMetric, MetricGateSpec } from "../../../../config/metricGates";
import { kubeconfigFor } from "../_fakeKube";
import { targetFixture } from "../_fixtures";
import { startFakeCloudWatch, type Answer, type FakeCloudWatch } from "./_fakeCloudWatch";

const METRIC: CloudWatchMetric = {
  type: "cloudwatch",
  namespace: "ContainerInsights",
  metric: "pod_cpu_utilization",
  dimensions: { ClusterName: "prod-{{cluster}}", Namespace: "apps" },
  statistic: "Average",
};

const spec = (judge: MetricGateSpec["judge"]): MetricGateSpec => ({
  name: "pod-cpu",
  origin: "config",
  metric: METRIC,
  judge,
  window: "5m",
  windowMs: 300_000,
  intervalMs: 30_000,
  consecutiveFailures: 3,
});

const NOW = new Date("2026-03-02T10:07:42Z");

describe("CloudWatch source", () => {
  let cw: FakeCloudWatch | undefined;
  afterEach(async () => {
    await cw?.close();
    cw = undefined;
  });
  const kubeconfig = kubeconfigFor("https://127.0.0.1:1");
  const target = targetFixture(kubeconfig, { name: "a", peers: [{ name: "b" }, { name: "c" }] });
  const check = (judge: MetricGateSpec["judge"], answer: (r: unknown) => Answer) =>
    startFakeCloudWatch(answer).then((fake) => {
      cw = fake;
      const source = cloudwatchSource({
        metric: METRIC,
        windowMs: 300_000,
        clientFor: () => fake.client,
        now: () => NOW,
      });
      return metricGate({ spec: spec(judge), source, timeoutMs: 5000 }).check(target);
    });

  it("reads each cluster's statistic and sample count over the window, signed", async () => {
    const result = await check(
      { type: "baseline", maxRatio: 1.5, worse: "higher", minSamples: 10 },
      () => ({ values: { v0: [41.5], n0: [60], v1: [40], n1: [60], v2: [44], n2: [58] } }),
    );
    assert.equal(result.ok, true, result.detail);
    assert.equal(
      result.detail,
      "a 41.5 (60 samples) vs baseline 42 (median of b 40, c 44): within the limit 63 (1.5x); " +
        "query: ContainerInsights pod_cpu_utilization{ClusterName=prod-{{cluster}}, Namespace=apps} Average over 300s",
    );
    const [req] = cw!.requests;
    assert.equal(req.target, "GraniteServiceVersion20100801.GetMetricData");
    assert.ok(req.authorization?.startsWith("AWS4-HMAC-SHA256 "), "requests are signed");
    assert.ok(!JSON.stringify(result).includes("test-only-secret"));
    // One period, the window, ending at the last whole minute.
    assert.equal(req.body.EndTime, Date.parse("2026-03-02T10:07:00Z") / 1000);
    assert.equal(req.body.StartTime, Date.parse("2026-03-02T10:02:00Z") / 1000);
    assert.deepEqual(
      req.body.MetricDataQueries.map((q) => [
        q.Id,
        q.MetricStat.Stat,
        q.MetricStat.Period,
        q.MetricStat.Metric.Dimensions.map((d) => `${d.Name}=${d.Value}`).join(","),
      ]),
      [
        ["v0", "Average", 300, "ClusterName=prod-a,Namespace=apps"],
        ["n0", "SampleCount", 300, "ClusterName=prod-a,Namespace=apps"],
        ["v1", "Average", 300, "ClusterName=prod-b,Namespace=apps"],
        ["n1", "SampleCount", 300, "ClusterName=prod-b,Namespace=apps"],
        ["v2", "Average", 300, "ClusterName=prod-c,Namespace=apps"],
        ["n2", "SampleCount", 300, "ClusterName=prod-c,Namespace=apps"],
      ],
    );
  });

  it("fails a cluster above an absolute threshold", async () => {
    const result = await check({ type: "absolute", max: 85, minSamples: 0 }, () => ({
      values: { v0: [97.2], n0: [60] },
    }));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "unhealthy");
    assert.match(
      result.detail,
      /^a 97\.2 \(60 samples\) is above max 85; query: ContainerInsights /,
    );
  });

  it("waits when the changed cluster has no datapoint in the window", async () => {
    const result = await check({ type: "absolute", max: 85, minSamples: 0 }, () => ({
      values: {},
    }));
    assert.equal(result.failure, "waiting");
    assert.equal(result.observed?.verdict, "wait");
    assert.deepEqual(result.observed?.changed, { cluster: "a", samples: 0 });
  });

  it("does not pass when CloudWatch refuses, naming the error", async () => {
    const result = await check({ type: "absolute", max: 85, minSamples: 0 }, () => ({
      status: 400,
      code: "AccessDenied",
      message: "User is not authorized to perform: cloudwatch:GetMetricData",
    }));
    assert.equal(result.ok, false);
    assert.equal(result.failure, "error");
    assert.match(
      result.detail,
      /^GetMetricData failed: HTTP 400 AccessDenied: User is not authorized to perform: cloudwatch:GetMetricData; query: /,
    );
  });
});
