import * as assert from "node:assert/strict";
import fc from "fast-check";
import { generationOf, planClusters } from "../../config/clusters";
import { resolveEffective, RolloutRefusal } from "../../config/effective";
import { parseEnvironment } from "../../config/load";
import type { Directive, PreviousState, RolloutRecord } from "../../config/rolloutState";
import { deployedFrom, clusterFixture, environmentFixture, serviceFixture } from "../_fixtures";

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

describe("resolveEffective on everything a cluster runs", () => {
  const refusedForEvery = (desired: ReturnType<typeof specs>) =>
    assert.throws(
      () => resolveEffective(desired, { clusters: deployedFrom(specs()) }),
      (err: Error) =>
        err instanceof RolloutRefusal &&
        /3 clusters at once \(a, b, c\)/.test(err.message) &&
        /aa rollout <env>/.test(err.message),
    );

  it("refuses a plain update that gives every cluster a new CIDR", () => {
    refusedForEvery(specs({ clusters: ["a", "b", "c"].map((n, i) => clusterFixture(n, i + 10)) }));
  });

  it("refuses a plain update that moves the services to another namespace", () => {
    refusedForEvery(specs({ namespace: "web" }));
  });

  it("refuses a plain update that ships a new image, env or replica count everywhere", () => {
    refusedForEvery(specs({ services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] }));
    refusedForEvery(specs({ services: [serviceFixture({ env: { LOG_LEVEL: "debug" } })] }));
    refusedForEvery(specs({ services: [serviceFixture({ replicas: 3 })] }));
  });

  it("moves b to the new image while a and c keep their deployed services", () => {
    const before = specs();
    const desired = specs({ services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] });
    const effective = resolveEffective(
      desired,
      { clusters: deployedFrom(before) },
      {
        advance: { cluster: "b", settings: desired[1].settings },
        drained: [],
        record: record({ current: "b" }),
      },
    );
    assert.deepEqual(
      effective.specs.map((s) => s.settings.services[0].image),
      ["ghcr.io/acme/api:1.0.0", "ghcr.io/acme/api:1.1.0", "ghcr.io/acme/api:1.0.0"],
    );
    assert.deepEqual(effective.pinned, ["a", "c"]);
  });

  it("refuses to delete a deployed cluster that is no longer in the config, naming it and aa rollout", () => {
    const desired = specs({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    assert.throws(
      () => resolveEffective(desired, { clusters: deployedFrom(specs()) }),
      (err: Error) =>
        err instanceof RolloutRefusal &&
        /cluster "c" is deployed but no longer in the config/.test(err.message) &&
        /aa rollout <env>/.test(err.message),
    );
  });

  it("keeps a removed cluster as deployed while a rollout that has not released it is recorded", () => {
    const desired = specs({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    const deployed = deployedFrom(specs());
    const cases: [PreviousState, Directive | undefined][] = [
      [{ clusters: deployed, rollout: record({ released: ["b"] }) }, undefined],
      [{ clusters: deployed }, { drained: ["c"], record: record() }],
    ];
    for (const [previous, directive] of cases) {
      const effective = resolveEffective(desired, previous, directive);
      assert.deepEqual(
        effective.specs.map((s) => [s.name, s.removing === true]),
        [
          ["a", false],
          ["b", false],
          ["c", true],
        ],
      );
      const c = effective.specs[2];
      assert.equal(c.generation, deployed[2].generation);
      assert.equal(c.weight, directive ? 0 : 1);
    }
  });

  it("refuses to keep a removed cluster whose outputs do not record what it runs", () => {
    const desired = specs({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    const deployed = deployedFrom(specs()).map((c) => ({ ...c, settings: undefined }));
    assert.throws(
      () => resolveEffective(desired, { clusters: deployed }, { drained: [], record: record() }),
      (err: Error) =>
        err instanceof RolloutRefusal &&
        /cluster "c" is deployed but no longer in the config/.test(err.message) &&
        /plain `pulumi up` once to record its settings/.test(err.message),
    );
  });

  it("lets an update delete a removed cluster that aa rollout drained and released", () => {
    const desired = specs({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    const released = record({ released: ["c"] });
    const plain = resolveEffective(desired, { clusters: deployedFrom(specs()), rollout: released });
    assert.deepEqual(
      plain.specs.map((s) => s.name),
      ["a", "b"],
    );
    const steered = resolveEffective(
      desired,
      { clusters: deployedFrom(specs()) },
      { drained: [], record: released },
    );
    assert.deepEqual(
      steered.specs.map((s) => s.name),
      ["a", "b"],
    );
  });

  describe("outputs written by an earlier version (settings without the keys added since)", () => {
    /** What an earlier version exported: settings without namespace, services and cidr. */
    const legacy = (from = specs()) =>
      deployedFrom(from).map((d) => {
        const settings = Object.fromEntries(
          Object.entries(d.settings!).filter(
            ([k]) => !["namespace", "services", "cidr"].includes(k),
          ),
        );
        return { ...d, settings, generation: generationOf(settings) };
      });

    it("makes no cluster pending, takes the missing keys from the config and says so", () => {
      const desired = specs();
      const effective = resolveEffective(desired, { clusters: legacy() });
      assert.deepEqual(effective.pending, []);
      assert.deepEqual(effective.specs, desired);
      assert.match(
        effective.notes.join("\n"),
        /cluster a, b, c were recorded by an earlier version of active-active, without namespace, services, cidr/,
      );
    });

    it("still sees a real difference in a key they recorded", () => {
      const desired = at134();
      assert.throws(
        () => resolveEffective(desired, { clusters: legacy() }),
        /3 clusters at once \(a, b, c\)/,
      );
    });

    it("pins a cluster at its recorded settings, completed from the config", () => {
      const desired = at134();
      const effective = resolveEffective(
        desired,
        { clusters: legacy() },
        {
          advance: { cluster: "a", settings: desired[0].settings },
          drained: ["a"],
          record: record({ drained: ["a"], current: "a" }),
        },
      );
      assert.deepEqual(
        effective.specs.map((s) => s.settings.kubernetesVersion),
        ["1.34", "1.33", "1.33"],
      );
      assert.equal(effective.specs[1].settings.cidr, "10.2.0.0/16");
      assert.equal(effective.specs[1].settings.namespace, "apps");
    });

    it("takes a cluster recorded without access as one with none, so a first grant rolls", () => {
      const grant = [{ principalArn: "arn:aws:iam::123456789012:role/ops", policy: "view" }];
      const withoutAccess = (from = specs()) =>
        deployedFrom(from).map((d) => {
          const settings = Object.fromEntries(
            Object.entries(d.settings!).filter(([k]) => k !== "access"),
          );
          return { ...d, settings, generation: generationOf(settings) };
        });
      const effective = resolveEffective(specs(), { clusters: withoutAccess() });
      assert.deepEqual(effective.pending, [], "no grant in the config: nothing changes");
      assert.doesNotMatch(effective.notes.join("\n"), /without access/);
      assert.throws(
        () => resolveEffective(specs({ access: grant }), { clusters: withoutAccess() }),
        /3 clusters at once \(a, b, c\)/,
      );
    });

    it("reads the earliest outputs, with no settings at all, by their version and add-ons", () => {
      const earliest = (from = specs()) =>
        deployedFrom(from).map(({ settings, ...rest }) => {
          void settings;
          return { ...rest, generation: "0123456789ab" };
        });
      assert.deepEqual(resolveEffective(specs(), { clusters: earliest() }).pending, []);
      assert.throws(
        () => resolveEffective(at134(), { clusters: earliest() }),
        /3 clusters at once \(a, b, c\)/,
        "a version difference is still seen",
      );
    });
  });

  describe("traffic of new and leaving clusters", () => {
    const four = () =>
      specs({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("b", 1),
          clusterFixture("c", 2),
          clusterFixture("d", 3),
        ],
      });
    const threeDeployed = () => deployedFrom(specs());

    it("creates a new cluster of a serving environment at weight 0 on a plain update, and says so", () => {
      const effective = resolveEffective(four(), { clusters: threeDeployed() });
      assert.deepEqual(
        effective.specs.map((s) => [s.name, s.weight, s.ramp]),
        [
          ["a", 1, 100],
          ["b", 1, 100],
          ["c", 1, 100],
          ["d", 0, 0],
        ],
      );
      assert.match(effective.notes.join("\n"), /cluster d is created without traffic \(weight 0\)/);
      assert.match(effective.notes.join("\n"), /aa rollout <env>/);
    });

    it("gives a brand-new environment its configured weights at once", () => {
      const effective = resolveEffective(four(), {});
      assert.deepEqual(
        effective.specs.map((s) => s.weight),
        [1, 1, 1, 1],
      );
    });

    it("keeps a deployed cluster's ramp on a plain update, and moves it only by directive", () => {
      const deployed = [...threeDeployed(), { ...deployedFrom(four())[3], weight: 0, ramp: 0 }];
      const plain = resolveEffective(four(), { clusters: deployed });
      assert.deepEqual(
        plain.specs.map((s) => s.weight),
        [1, 1, 1, 0],
      );
      const ramped = resolveEffective(
        four(),
        { clusters: deployed },
        { drained: [], record: record(), ramp: { cluster: "d", percent: 10 } },
      );
      // 10% of weight 1: every weight scaled by 100, d at 10.
      assert.deepEqual(
        ramped.specs.map((s) => [s.weight, s.ramp]),
        [
          [100, 100],
          [100, 100],
          [100, 100],
          [10, 10],
        ],
      );
      const held = resolveEffective(four(), {
        clusters: [...threeDeployed(), { ...deployedFrom(four())[3], weight: 50, ramp: 50 }],
      });
      assert.deepEqual(
        held.specs.map((s) => s.weight),
        [100, 100, 100, 50],
      );
      assert.match(held.notes.join("\n"), /cluster d serves 50% of its weight/);
    });

    it("ramps a leaving cluster down from its configured weight, then drains it", () => {
      const desired = specs({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
      const deployed = threeDeployed().map((c) => ({ ...c, weight: 3, configuredWeight: 3 }));
      const down = resolveEffective(
        desired,
        { clusters: deployed },
        { drained: [], record: record(), ramp: { cluster: "c", percent: 50 } },
      );
      // Scale 85 (255 / 3): a and b at 1 x 85 (their config says weight 1), c at 50% of 3 x 85.
      assert.deepEqual(
        down.specs.map((s) => [s.name, s.weight]),
        [
          ["a", 85],
          ["b", 85],
          ["c", 128],
        ],
      );
    });

    it("refuses a directive that ramps a cluster the environment does not have", () => {
      assert.throws(
        () =>
          resolveEffective(
            four(),
            { clusters: threeDeployed() },
            { drained: [], record: record(), ramp: { cluster: "z", percent: 10 } },
          ),
        /ramps cluster "z", which this environment does not have/,
      );
    });
  });
});
