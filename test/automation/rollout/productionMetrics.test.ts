import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadEnvironment } from "../../../automation/environment";
import { normalizeClusterTarget } from "../../../automation/health/target";
import { productionMetrics } from "../../../automation/rollout/productionMetrics";
import type { DeployedState } from "../../../automation/automationApi/deployedState";
import { planClusters } from "../../../config/clusters";
import { ROOT } from "../../_cli";
import { deployedFrom } from "../../_fixtures";
import { realEksClusterNames } from "../../_realEks";
import { startFakeCloudWatch, type FakeCloudWatch } from "../health/metrics/_fakeCloudWatch";

/**
 * The production metric gates of an environment with a CloudWatch gate: the clients the toolkit
 * makes itself (one per region, default credential chain), pointed at a CloudWatch on 127.0.0.1
 * by the SDK's own `AWS_ENDPOINT_URL_CLOUDWATCH`, and `{{eksCluster}}` filled in from the stack
 * outputs.
 */

const GATE = `  active-active:gates:
    metrics:
      - name: node-cpu
        provider:
          type: cloudwatch
          namespace: ContainerInsights
          metric: node_cpu_utilization
          dimensions: { ClusterName: "{{eksCluster}}" }
          statistic: Average
        judge: { type: baseline, maxRatio: 1.5, minSamples: 0 }
`;

/** Three real EKS cluster names (test/fixtures/real/eks, recorded by pulumi-eks's tests). */
const REAL_NAMES = [...new Set(realEksClusterNames().map((r) => r.name))].slice(0, 3);

const ENV = {
  AWS_ENDPOINT_URL_CLOUDWATCH: "",
  AWS_ACCESS_KEY_ID: "AKIDTESTONLY",
  AWS_SECRET_ACCESS_KEY: "test-only-secret",
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_EC2_METADATA_DISABLED: "true",
};

describe("production metric gates: CloudWatch clients per region", () => {
  let cw: FakeCloudWatch;
  let saved: Record<string, string | undefined>;
  let file: string;

  before(async () => {
    cw = await startFakeCloudWatch(() => ({
      values: { v0: [40], n0: [60], v1: [41], n1: [60], v2: [90], n2: [60] },
    }));
    saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const dev = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-cw-")), "Pulumi.cw.yaml");
    fs.writeFileSync(file, dev.replace(/^config:\n/m, `config:\n${GATE}`));
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await cw.close();
  });

  it("reads each cluster in its own region, by its EKS name, and judges it against the others", async () => {
    const loaded = loadEnvironment(undefined, file);
    const clusters = deployedFrom(planClusters(loaded.environment.config)).map((c) => ({
      ...c,
      // Names as AWS knows real clusters: recorded by pulumi-eks's own deployments.
      eksClusterName: REAL_NAMES[["a", "b", "c"].indexOf(c.name)],
      // c runs in a region of its own; a and b in the stack's (us-east-1).
      ...(c.name === "c" ? { region: "us-west-2" } : {}),
    }));
    const deployed = { clusters } as unknown as DeployedState;
    const metrics = productionMetrics(
      loaded,
      (cluster) => {
        const facts = clusters.find((c) => c.name === cluster)!;
        return Promise.resolve(
          normalizeClusterTarget({
            name: cluster,
            kubeconfig: "(not read by metric gates)",
            kubernetesVersion: "1.33",
            services: [],
            ...(facts.region ? { region: facts.region } : {}),
            eksClusterName: facts.eksClusterName,
          }),
        );
      },
      () => deployed,
    );
    try {
      assert.ok(metrics.metrics);
      const [read] = await metrics.metrics.check("a", ["metric:node-cpu"]);
      assert.equal(read.metric.verdict, "pass", read.detail);
      assert.equal(read.metric.value, 40);
      // One request per region, each signed for its region, each naming its clusters' EKS names.
      const byRegion = cw.requests.map((r) => ({
        region: /Credential=[^/]+\/\d+\/([^/]+)\/monitoring\//.exec(r.authorization ?? "")?.[1],
        names: [
          ...new Set(r.body.MetricDataQueries.map((q) => q.MetricStat.Metric.Dimensions[0].Value)),
        ],
      }));
      byRegion.sort((x, y) => String(x.region).localeCompare(String(y.region)));
      assert.deepEqual(byRegion, [
        { region: "us-east-1", names: [REAL_NAMES[0], REAL_NAMES[1]] },
        { region: "us-west-2", names: [REAL_NAMES[2]] },
      ]);
    } finally {
      metrics.close();
    }
  });

  it("says which output is missing when a cluster's EKS name is not recorded yet", async () => {
    const loaded = loadEnvironment(undefined, file);
    const clusters = deployedFrom(planClusters(loaded.environment.config));
    const metrics = productionMetrics(
      loaded,
      (cluster) =>
        Promise.resolve(
          normalizeClusterTarget({
            name: cluster,
            kubeconfig: "(not read by metric gates)",
            kubernetesVersion: "1.33",
            services: [],
          }),
        ),
      () => ({ clusters }) as unknown as DeployedState,
    );
    try {
      const [read] = await metrics.metrics!.check("a", ["metric:node-cpu"]);
      assert.equal(read.metric.verdict, "error");
      assert.match(
        read.detail,
        /^no EKS cluster name for cluster a \(stack output clusters\[\]\.eksClusterName, which \{\{eksCluster\}\} needs\); run `pulumi up` once with this version to record it; query: /,
      );
    } finally {
      metrics.close();
    }
  });

  it("has no port for an environment without metric gates", () => {
    const loaded = loadEnvironment("dev", undefined);
    const metrics = productionMetrics(
      loaded,
      () => Promise.resolve("unused"),
      () => undefined,
    );
    assert.equal(metrics.metrics, undefined);
    metrics.close();
  });
});
