import * as assert from "node:assert/strict";
import type { OfflineResult } from "../../automation/offline/evaluate";
import { directiveEnv, type Directive, type RolloutRecord } from "../../config/rolloutState";
import { clusterFixture, environmentFixture } from "../_fixtures";
import { runProgram } from "./_program";

/** The program under Pulumi's mock runtime, from the given deployed outputs. */
const run = (
  env: Record<string, unknown>,
  deployed: Record<string, unknown> = {},
  directive?: Directive,
): Promise<OfflineResult> => runProgram(env, deployed, directive ? directiveEnv(directive) : {});

const record = (more: Partial<RolloutRecord> = {}): RolloutRecord => ({
  id: "r1",
  startedAt: "2026-12-02T00:00:00Z",
  startedBy: "test",
  target: {},
  drained: [],
  state: "in-progress",
  ...more,
});

const weights = (result: OfflineResult) =>
  result.resources
    .filter((r) => r.type === "aws:route53/record:Record")
    .map((r) => [
      r.inputs.setIdentifier,
      (r.inputs.weightedRoutingPolicies as { weight: number }[])[0].weight,
    ]);

const eksClusters = (result: OfflineResult) =>
  result.resources.filter((r) => r.type === "eks:index:Cluster").map((r) => r.name);

const four = environmentFixture({
  clusters: [
    clusterFixture("a", 0),
    clusterFixture("b", 1),
    clusterFixture("c", 2),
    clusterFixture("d", 3),
  ],
});
const two = environmentFixture({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });

describe("the program's cluster lifecycle rules (under mocks)", () => {
  let deployed: Record<string, unknown>;

  before(async () => {
    const first = await run(environmentFixture());
    assert.equal(first.error, undefined, String(first.error));
    deployed = first.outputs;
  });

  it("registers a new cluster with weight 0 on a plain pulumi up of a serving environment", async () => {
    const result = await run(four, deployed);
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(eksClusters(result), ["test-a-eks", "test-b-eks", "test-c-eks", "test-d-eks"]);
    assert.deepEqual(weights(result), [
      ["a", 1],
      ["b", 1],
      ["c", 1],
      ["d", 0],
    ]);
    const d = (result.outputs.clusters as { name: string; ramp: number; weight: number }[])[3];
    assert.deepEqual([d.name, d.ramp, d.weight], ["d", 0, 0]);
  });

  it("keeps the new cluster at weight 0 on the next plain pulumi up", async () => {
    const created = await run(four, deployed);
    const again = await run(four, created.outputs);
    assert.equal(again.error, undefined, String(again.error));
    assert.deepEqual(weights(again).at(-1), ["d", 0]);
  });

  it("gives every cluster of a brand-new environment its configured weight", async () => {
    const result = await run(four);
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(
      weights(result).map(([, w]) => w),
      [1, 1, 1, 1],
    );
  });

  it("ramps the directive's cluster to a share of its weight, the others scaled alike", async () => {
    const created = await run(four, deployed);
    const result = await run(four, created.outputs, {
      drained: [],
      record: record({ kinds: ["add"] }),
      ramp: { cluster: "d", percent: 10 },
    });
    assert.equal(result.error, undefined, String(result.error));
    assert.deepEqual(weights(result), [
      ["a", 100],
      ["b", 100],
      ["c", 100],
      ["d", 10],
    ]);
  });

  it("refuses a plain pulumi up that would delete cluster c, naming aa rollout; registers nothing", async () => {
    const result = await run(two, deployed);
    assert.match(String((result.error as Error)?.message), /cluster "c" is deployed but no longer/);
    assert.match(String((result.error as Error)?.message), /aa rollout <env>/);
    assert.deepEqual(eksClusters(result), []);
  });

  it("keeps a leaving cluster as deployed while aa rollout drains it, and deletes it once released", async () => {
    const draining = await run(two, deployed, {
      drained: ["c"],
      record: record({ drained: ["c"] }),
    });
    assert.equal(draining.error, undefined, String(draining.error));
    assert.deepEqual(eksClusters(draining), ["test-a-eks", "test-b-eks", "test-c-eks"]);
    assert.deepEqual(weights(draining), [
      ["a", 1],
      ["b", 1],
      ["c", 0],
    ]);
    const released = await run(two, draining.outputs, {
      drained: [],
      record: record({ released: ["c"] }),
    });
    assert.equal(released.error, undefined, String(released.error));
    assert.deepEqual(eksClusters(released), ["test-a-eks", "test-b-eks"]);
    assert.deepEqual(
      (released.outputs.clusters as { name: string }[]).map((c) => c.name),
      ["a", "b"],
    );
  });
});
