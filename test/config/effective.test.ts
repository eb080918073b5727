import * as assert from "node:assert/strict";
import fc from "fast-check";
import { planClusters } from "../../config/clusters";
import { resolveEffective, RolloutRefusal } from "../../config/effective";
import { parseEnvironment } from "../../config/load";
import type { RolloutRecord } from "../../config/rolloutState";
import { deployedFrom, clusterFixture, environmentFixture } from "../_fixtures";

const specs = (overrides: Record<string, unknown> = {}) =>
  planClusters(parseEnvironment("test", environmentFixture(overrides), "test").config);

const at134 = () =>
  specs({
    kubernetesVersion: "1.34",
    addons: {
      vpcCni: "v1.19.5-eksbuild.1",
      coredns: "v1.12.1-eksbuild.2",
      kubeProxy: "v1.34.0-eksbuild.1",
    },
  });

const record = (more: Partial<RolloutRecord> = {}): RolloutRecord => ({
  id: "r1",
  startedAt: "2026-11-25T00:00:00Z",
  startedBy: "test",
  target: {},
  drained: [],
  state: "in-progress",
  ...more,
});

describe("resolveEffective", () => {
  it("deploys the config as is when nothing is deployed yet", () => {
    const desired = specs();
    const effective = resolveEffective(desired, {});
    assert.deepEqual(effective.specs, desired);
    assert.deepEqual(effective.pending, []);
    assert.equal(effective.rollout, null);
  });

  it("lets a plain update change one cluster's cluster-scoped settings", () => {
    const deployed = deployedFrom(specs());
    const desired = specs({
      clusters: [
        clusterFixture("a", 0, { kubernetesVersion: "1.34" }),
        clusterFixture("b", 1),
        clusterFixture("c", 2),
      ],
    });
    const effective = resolveEffective(desired, { clusters: deployed });
    assert.deepEqual(effective.pending, ["a"]);
    assert.equal(effective.specs[0].settings.kubernetesVersion, "1.34");
  });

  it("refuses a plain update that changes several clusters at once, pointing to aa rollout", () => {
    assert.throws(
      () => resolveEffective(at134(), { clusters: deployedFrom(specs()) }),
      (err: Error) =>
        err instanceof RolloutRefusal &&
        /3 clusters at once \(a, b, c\)/.test(err.message) &&
        /aa rollout <env>/.test(err.message),
    );
  });

  it("moves exactly the directive's cluster and holds the others at their deployed settings", () => {
    const before = specs();
    const desired = at134();
    const effective = resolveEffective(
      desired,
      { clusters: deployedFrom(before) },
      {
        advance: { cluster: "b", settings: desired[1].settings },
        drained: ["b"],
        record: record({ drained: ["b"], current: "b" }),
      },
    );
    assert.deepEqual(
      effective.specs.map((s) => s.settings.kubernetesVersion),
      ["1.33", "1.34", "1.33"],
    );
    assert.deepEqual(effective.pinned, ["a", "c"]);
    assert.deepEqual(
      effective.specs.map((s) => s.weight),
      [1, 0, 1],
    );
    assert.equal(effective.specs[0].generation, before[0].generation);
  });

  it("keeps a halted rollout's clusters pinned and drained in a plain update, with a note", () => {
    const desired = at134();
    const deployed = deployedFrom(specs());
    deployed[0] = deployedFrom(desired)[0]; // a is done
    const effective = resolveEffective(desired, {
      clusters: deployed,
      rollout: record({ state: "halted", drained: ["b"], reason: "gate failed" }),
    });
    assert.deepEqual(
      effective.specs.map((s) => s.settings.kubernetesVersion),
      ["1.34", "1.33", "1.33"],
    );
    assert.deepEqual(
      effective.specs.map((s) => s.weight),
      [1, 0, 1],
    );
    assert.match(effective.notes.join("\n"), /clusters b, c stay at their deployed/);
    assert.match(effective.notes.join("\n"), /cluster b stays drained/);
    assert.equal(effective.rollout?.state, "halted");
  });

  it("clears the rollout record when the directive says the rollout finished", () => {
    const desired = specs();
    const effective = resolveEffective(
      desired,
      { clusters: deployedFrom(desired), rollout: record({ drained: ["a"] }) },
      { drained: [], record: null },
    );
    assert.equal(effective.rollout, null);
    assert.ok(effective.specs.every((s) => s.weight === 1));
  });

  it("never drains more than one cluster or leaves none serving", () => {
    const desired = specs();
    assert.throws(
      () => resolveEffective(desired, {}, { drained: ["a", "b"], record: null }),
      /at most one cluster may be out of service/,
    );
    const two = specs({
      clusters: [clusterFixture("a", 0), clusterFixture("b", 1, { weight: 0 })],
    });
    assert.throws(
      () => resolveEffective(two, {}, { drained: ["a"], record: null }),
      /no cluster with traffic/,
    );
  });

  it("refuses a directive that would put clusters two minors apart", () => {
    const desired = specs();
    const settings = { ...desired[0].settings, kubernetesVersion: "1.35" };
    assert.throws(
      () =>
        resolveEffective(
          desired,
          { clusters: deployedFrom(desired) },
          { advance: { cluster: "a", settings }, drained: [], record: record() },
        ),
      /more than one Kubernetes minor apart/,
    );
  });

  it("with any directive, moves at most the directive's cluster (property)", () => {
    const before = specs();
    const desired = at134();
    fc.assert(
      fc.property(
        fc.subarray(["a", "b", "c"]),
        fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }),
        (done, advance) => {
          const deployed = deployedFrom(before).map((d, i) =>
            done.includes(d.name) ? deployedFrom(desired)[i] : d,
          );
          const effective = resolveEffective(
            desired,
            { clusters: deployed },
            {
              advance: advance
                ? { cluster: advance, settings: desired.find((d) => d.name === advance)!.settings }
                : undefined,
              drained: advance ? [advance] : [],
              record: record(),
            },
          );
          effective.specs.forEach((s, i) => {
            const moved = s.generation !== deployed[i].generation;
            if (moved) assert.equal(s.name, advance);
          });
        },
      ),
    );
  });
});
