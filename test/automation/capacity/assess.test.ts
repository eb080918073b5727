import * as assert from "node:assert/strict";
import { assessDrain } from "../../../automation/capacity/assess";
import { clusterCapacityFixture, serviceLoadFixture } from "../../_fixtures";

const service = serviceLoadFixture;
const cluster = clusterCapacityFixture;

describe("assessDrain", () => {
  it("allows the drain with no problems when the others have room and can scale", () => {
    const result = assessDrain("a", [cluster("a"), cluster("b"), cluster("c")]);
    assert.deepEqual([result.ok, result.factor, result.problems], [true, 1.5, []]);
    assert.deepEqual(
      result.clusters.map((c) => [c.cluster, c.problems]),
      [
        ["b", []],
        ["c", []],
      ],
    );
  });

  it("refuses when a service cannot scale far enough, with the numbers and the fix", () => {
    const result = assessDrain("a", [
      cluster("a"),
      cluster("b", { services: [service({ maxReplicas: 2 })] }),
    ]);
    assert.equal(result.ok, false);
    assert.equal(result.factor, 2);
    assert.match(
      result.problems[0],
      /b cannot absorb a's share \(x2\.00\): api needs 4 replicas, it runs a fixed 2 \(no autoscaling\)/,
    );
  });

  it("refuses when the nodes have no room for the extra pods", () => {
    const result = assessDrain("a", [
      cluster("a"),
      cluster("b", { headroom: { cpuMilli: 100, memoryMiB: 4096 } }),
      cluster("c"),
    ]);
    assert.equal(result.ok, false);
    assert.match(result.problems[0], /b needs 250m CPU and 256Mi memory more .* have 100m CPU/);
  });

  it("does not count a cluster already at weight 0 as absorbing", () => {
    const result = assessDrain("a", [cluster("a"), cluster("b"), cluster("c", { weight: 0 })]);
    assert.equal(result.factor, 2);
    assert.deepEqual(
      result.clusters.map((c) => c.cluster),
      ["b"],
    );
    const none = assessDrain("a", [cluster("a"), cluster("b", { weight: 0 })]);
    assert.equal(none.ok, false);
    assert.match(none.problems[0], /no other cluster serves traffic/);
  });
});
