import * as assert from "node:assert/strict";
import { runOffline, type OfflineResult } from "../../automation/offline/evaluate";
import { DIRECTIVE_ENV } from "../../config/rolloutState";
import { main } from "../../program";
import { environmentFixture, stackConfigFixture } from "../_fixtures";

const run = (
  env: Record<string, unknown>,
  deployed: Record<string, unknown> = {},
  vars: Record<string, string> = {},
): Promise<OfflineResult> =>
  runOffline({
    project: "active-active",
    stack: "test",
    config: stackConfigFixture(env),
    program: main,
    deployed,
    env: vars,
  });

const at134 = environmentFixture({
  kubernetesVersion: "1.34",
  addons: {
    vpcCni: "v1.19.5-eksbuild.1",
    coredns: "v1.12.1-eksbuild.2",
    kubeProxy: "v1.34.0-eksbuild.1",
  },
});

describe("the program's cluster-by-cluster rule", () => {
  let deployed: Record<string, unknown>;

  before(async () => {
    const first = await run(environmentFixture());
    assert.equal(first.error, undefined, String(first.error));
    deployed = first.outputs;
  });

  it("exports each cluster's deployed settings and no rollout record", () => {
    const clusters = deployed.clusters as { settings: { kubernetesVersion: string } }[];
    assert.equal(clusters.length, 3);
    assert.equal(clusters[0].settings.kubernetesVersion, "1.33");
    assert.equal(deployed.rollout, null);
  });

  it("reads its own last outputs through a StackReference to itself", async () => {
    const again = await run(environmentFixture(), deployed);
    const ref = again.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    assert.equal(ref?.inputs.name, "organization/active-active/test");
    assert.equal(again.error, undefined);
  });

  it("refuses a plain update that changes every cluster's version, pointing to aa rollout", async () => {
    const result = await run(at134, deployed);
    assert.ok(result.error instanceof Error);
    assert.match((result.error as Error).message, /3 clusters at once \(a, b, c\)/);
    assert.match((result.error as Error).message, /aa rollout/);
    const eks = result.resources.filter((r) => r.type === "eks:index:Cluster");
    assert.deepEqual(eks, [], "nothing of the environment is registered");
  });

  it("moves only the cluster the rollout directive names, drained", async () => {
    const result = await run(at134, deployed, {
      [DIRECTIVE_ENV]: JSON.stringify({
        advance: {
          cluster: "a",
          settings: {
            ...(deployed.clusters as { settings: Record<string, unknown> }[])[0].settings,
            kubernetesVersion: "1.34",
            addons: {
              vpcCni: "v1.19.5-eksbuild.1",
              coredns: "v1.12.1-eksbuild.2",
              kubeProxy: "v1.34.0-eksbuild.1",
            },
          },
        },
        drained: ["a"],
        record: {
          id: "r1",
          startedAt: "2026-11-25T00:00:00Z",
          startedBy: "test",
          target: {},
          drained: ["a"],
          state: "in-progress",
          current: "a",
        },
      }),
    });
    assert.equal(result.error, undefined, String(result.error));
    const versions = result.resources
      .filter((r) => r.type === "eks:index:Cluster")
      .map((r) => r.inputs.version);
    assert.deepEqual(versions, ["1.34", "1.33", "1.33"]);
    const weights = result.resources
      .filter((r) => r.type === "aws:route53/record:Record")
      .map((r) => [r.inputs.setIdentifier, r.inputs.weightedRoutingPolicies]);
    assert.deepEqual(weights, [
      ["a", [{ weight: 0 }]],
      ["b", [{ weight: 1 }]],
      ["c", [{ weight: 1 }]],
    ]);
    assert.equal((result.outputs.rollout as { current: string }).current, "a");
  });

  it("rejects a malformed directive with a message that names the variable", async () => {
    const result = await run(environmentFixture(), deployed, { [DIRECTIVE_ENV]: "{nope" });
    assert.match(String((result.error as Error)?.message), /AA_ROLLOUT_DIRECTIVE is not JSON/);
  });
});
