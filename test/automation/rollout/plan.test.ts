import * as assert from "node:assert/strict";
import { UsageError } from "../../../automation/exitCodes";
import fc from "fast-check";
import { generationOf, planClusters } from "../../../config/clusters";
import { parseEnvironment } from "../../../config/load";
import type { EnvironmentConfig } from "../../../config/schema";
import {
  describeChanges,
  planRollout,
  PlanRefusal,
  stepKind,
} from "../../../automation/rollout/plan";
import { minorOf } from "../../../config/version";
import { deployedFrom, clusterFixture, environmentFixture, serviceFixture } from "../../_fixtures";

const MATRIX = {
  "1.32": {
    vpcCni: ["v1.19.2-eksbuild.1"],
    coredns: ["v1.11.4-eksbuild.2"],
    kubeProxy: ["v1.32.0-eksbuild.2"],
  },
  "1.33": {
    vpcCni: ["v1.19.5-eksbuild.1"],
    coredns: ["v1.12.1-eksbuild.2"],
    kubeProxy: ["v1.33.0-eksbuild.2"],
  },
  "1.34": {
    vpcCni: ["v1.20.1-eksbuild.1"],
    coredns: ["v1.12.2-eksbuild.1"],
    kubeProxy: ["v1.34.0-eksbuild.1"],
  },
};

/** The environment at one Kubernetes minor, add-ons from the matrix. */
function envAt(version: "1.32" | "1.33" | "1.34", more: Record<string, unknown> = {}) {
  const row = MATRIX[version];
  return parseEnvironment(
    "test",
    environmentFixture({
      kubernetesVersion: version,
      addons: { vpcCni: row.vpcCni[0], coredns: row.coredns[0], kubeProxy: row.kubeProxy[0] },
      addonMatrix: MATRIX,
      ...more,
    }),
    "test",
  ).config;
}

const plan = (from: EnvironmentConfig, to: EnvironmentConfig, order?: string[]) =>
  planRollout(planClusters(to), deployedFrom(planClusters(from)), to, order);

describe("planRollout", () => {
  it("has nothing to do when every cluster is at its desired settings", () => {
    const result = plan(envAt("1.33"), envAt("1.33"));
    assert.deepEqual(result.steps, []);
    assert.deepEqual(result.done, ["a", "b", "c"]);
  });

  it("upgrades one minor as one pass, one cluster per step, in config order", () => {
    const result = plan(envAt("1.33"), envAt("1.34"));
    assert.deepEqual(
      result.steps.map((s) => [s.number, s.pass, s.cluster, s.final]),
      [
        [1, 1, "a", true],
        [2, 1, "b", true],
        [3, 1, "c", true],
      ],
    );
    assert.deepEqual(result.steps[0].changes, [
      "kubernetes 1.33 -> 1.34",
      "vpc-cni v1.19.5-eksbuild.1 -> v1.20.1-eksbuild.1",
      "coredns v1.12.1-eksbuild.2 -> v1.12.2-eksbuild.1",
      "kube-proxy v1.33.0-eksbuild.2 -> v1.34.0-eksbuild.1",
    ]);
  });

  it("takes 1.32 -> 1.34 as two passes, with the matrix's add-ons on 1.33", () => {
    const to = envAt("1.34");
    const result = plan(envAt("1.32"), to);
    assert.deepEqual(
      result.steps.map((s) => `${s.pass}:${s.cluster}:${s.to.kubernetesVersion}`),
      ["1:a:1.33", "1:b:1.33", "1:c:1.33", "2:a:1.34", "2:b:1.34", "2:c:1.34"],
    );
    assert.equal(result.steps[0].to.addons.kubeProxy, "v1.33.0-eksbuild.2");
    assert.equal(result.steps[0].final, false);
    assert.equal(result.steps[5].toGeneration, planClusters(to)[2].generation);
  });

  it("keeps valid deployed add-ons on an intermediate minor the matrix does not list", () => {
    const from = envAt("1.32", { addonMatrix: {} });
    const to = parseEnvironment(
      "test",
      environmentFixture({
        kubernetesVersion: "1.34",
        addons: {
          vpcCni: "v1.20.1-eksbuild.1",
          coredns: "v1.12.2-eksbuild.1",
          kubeProxy: "v1.34.0-eksbuild.1",
        },
      }),
      "test",
    ).config;
    const result = plan(from, to);
    assert.equal(result.steps[0].to.kubernetesVersion, "1.33");
    assert.equal(result.steps[0].to.addons.kubeProxy, "v1.32.0-eksbuild.2");
  });

  it("runs non-version changes as one step per cluster", () => {
    const from = envAt("1.33");
    const to = envAt("1.33", {
      kyverno: { repository: "https://kyverno.github.io/kyverno/", version: "3.5.0" },
    });
    const result = plan(from, to);
    assert.deepEqual(
      result.steps.map((s) => [s.cluster, s.pass, s.changes]),
      [
        ["a", 1, ["kyverno chart 3.4.4 -> 3.5.0"]],
        ["b", 1, ["kyverno chart 3.4.4 -> 3.5.0"]],
        ["c", 1, ["kyverno chart 3.4.4 -> 3.5.0"]],
      ],
    );
  });

  it("follows --order within each pass", () => {
    const result = plan(envAt("1.32"), envAt("1.34"), ["c", "a", "b"]);
    assert.deepEqual(
      result.steps.map((s) => s.cluster),
      ["c", "a", "b", "c", "a", "b"],
    );
    // A usage error (exit 2), not a refusal: the list is wrong, not the change (#16).
    assert.throws(
      () => plan(envAt("1.32"), envAt("1.34"), ["c", "a"]),
      (err: unknown) =>
        err instanceof UsageError &&
        /--order must list every cluster once \(a, b, c\); got c, a/.test(err.message),
    );
    assert.throws(() => plan(envAt("1.32"), envAt("1.34"), ["c", "a", "x"]), /unknown cluster/);
  });

  it("continues a rollout that stopped halfway: finished clusters are not touched again", () => {
    const to = envAt("1.34");
    const deployed = deployedFrom(planClusters(envAt("1.33")));
    deployed[0] = deployedFrom(planClusters(to))[0];
    const result = planRollout(planClusters(to), deployed, to);
    assert.deepEqual(result.done, ["a"]);
    assert.deepEqual(
      result.steps.map((s) => s.cluster),
      ["b", "c"],
    );
  });

  it("refuses a downgrade, naming the cluster and the versions", () => {
    assert.throws(
      () => plan(envAt("1.34"), envAt("1.33")),
      (err: Error) =>
        err instanceof PlanRefusal && /cluster a runs Kubernetes 1.34/.test(err.message),
    );
  });

  it("refuses an intermediate minor it has no valid add-ons for", () => {
    const from = envAt("1.32", { addonMatrix: {} });
    const old = { ...from, addons: { ...from.addons, kubeProxy: "v1.29.0-eksbuild.1" } };
    const to = envAt("1.34", { addonMatrix: { "1.34": MATRIX["1.34"] } });
    assert.throws(
      () => planRollout(planClusters(to), deployedFrom(planClusters(old)), to),
      /add active-active:addonMatrix."1.33"/,
    );
  });

  it("never puts clusters more than one minor apart, and ends every cluster at its target (property)", () => {
    const versions = ["1.32", "1.33", "1.34"] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.array(fc.constantFrom(0, 1), { minLength: 3, maxLength: 3 }),
        fc.constantFrom(0, 1, 2),
        fc.shuffledSubarray(["a", "b", "c"], { minLength: 3, maxLength: 3 }),
        (start, ahead, targetOffset, order) => {
          const deployed = ["a", "b", "c"].map((_name, i) => {
            const v = versions[Math.min(2, start + ahead[i])];
            return deployedFrom(planClusters(envAt(v)))[i];
          });
          const highest = Math.max(...deployed.map((d) => minorOf(d.kubernetesVersion)));
          const target = versions[Math.min(2, highest - 32 + targetOffset)];
          const to = envAt(target);
          const result = planRollout(planClusters(to), deployed, to, order);
          const now = new Map(deployed.map((d) => [d.name, minorOf(d.kubernetesVersion)]));
          for (const step of result.steps) {
            now.set(step.cluster, minorOf(step.to.kubernetesVersion));
            assert.ok(Math.max(...now.values()) - Math.min(...now.values()) <= 1);
          }
          const desired = planClusters(to);
          for (const spec of desired) {
            const last = result.steps.filter((s) => s.cluster === spec.name).pop();
            const finalGeneration =
              last?.toGeneration ?? deployed.find((d) => d.name === spec.name)!.generation;
            assert.equal(finalGeneration, spec.generation);
          }
          for (let p = 1; p <= 3; p++) {
            const inPass = result.steps.filter((s) => s.pass === p).map((s) => s.cluster);
            assert.equal(new Set(inPass).size, inPass.length, "a cluster moves once per pass");
          }
        },
      ),
    );
  });
});

describe("planRollout: every change of what a cluster runs, and its kind", () => {
  const ADDONS_134 = {
    vpcCni: "v1.20.1-eksbuild.1",
    coredns: "v1.12.2-eksbuild.1",
    kubeProxy: "v1.34.0-eksbuild.1",
  };
  const cases: [string, Record<string, unknown>, "upgrade" | "release", string][] = [
    [
      "a version bump",
      { kubernetesVersion: "1.34", addons: ADDONS_134 },
      "upgrade",
      "kubernetes 1.33 -> 1.34",
    ],
    [
      "an add-on bump",
      {
        addons: {
          vpcCni: "v1.19.5-eksbuild.1",
          coredns: "v1.12.1-eksbuild.2",
          kubeProxy: "v1.33.1-eksbuild.1",
        },
        addonMatrix: {},
      },
      "upgrade",
      "kube-proxy v1.33.0-eksbuild.2 -> v1.33.1-eksbuild.1",
    ],
    [
      "an image change",
      { services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] },
      "release",
      "service api image ghcr.io/acme/api:1.0.0 -> ghcr.io/acme/api:1.1.0",
    ],
    [
      "an env-var change",
      { services: [serviceFixture({ env: { LOG_LEVEL: "debug", TRACE: "1" } })] },
      "release",
      "service api env (LOG_LEVEL changed, TRACE added)",
    ],
    [
      "a replica and resources change",
      {
        services: [
          serviceFixture({
            replicas: 3,
            resources: { requests: { cpu: "200m", memory: "128Mi" } },
          }),
        ],
      },
      "release",
      "service api replicas 2 -> 3",
    ],
    [
      "a new service",
      { services: [serviceFixture(), serviceFixture({ name: "web", port: 80 })] },
      "release",
      "service web added (ghcr.io/acme/api:1.0.0)",
    ],
    [
      "a service's load-balancer port",
      {
        services: [serviceFixture({ port: 9090 })],
      },
      "upgrade",
      "service api port 8080 -> 9090",
    ],
    [
      "a CIDR change",
      { clusters: ["a", "b", "c"].map((n, i) => clusterFixture(n, i + 8)) },
      "upgrade",
      "cidr 10.1.0.0/16 -> 10.9.0.0/16",
    ],
    ["a namespace change", { namespace: "web" }, "upgrade", "namespace apps -> web"],
    [
      "an access grant",
      {
        access: [
          {
            principalArn: "arn:aws:iam::123456789012:role/ops",
            policy: "edit",
            namespaces: ["web", "apps"],
          },
        ],
      },
      "release",
      "access edit for arn:aws:iam::123456789012:role/ops added (apps, web)",
    ],
    [
      "a network layout change",
      { network: { mode: "vpc-per-cluster", availabilityZones: 2, natGateways: "per-az" } },
      "upgrade",
      "network natGateways single -> per-az",
    ],
  ];

  for (const [what, change, kind, first] of cases) {
    it(`takes ${what} as one ${kind} step per cluster`, () => {
      const from = envAt("1.33");
      const to = envAt("1.33", change);
      const result = plan(from, to);
      assert.deepEqual(
        result.steps.map((s) => [s.cluster, s.pass, s.kind, s.final]),
        [
          ["a", 1, kind, true],
          ["b", 1, kind, true],
          ["c", 1, kind, true],
        ],
      );
      assert.equal(result.steps[0].changes[0], first);
      for (const step of result.steps) {
        assert.equal(
          step.toGeneration,
          planClusters(to).find((s) => s.name === step.cluster)!.generation,
        );
      }
    });
  }

  it("takes an upgrade with a new image as an upgrade that ships the image", () => {
    const result = plan(
      envAt("1.33"),
      envAt("1.34", { services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] }),
    );
    assert.deepEqual(
      result.steps.map((s) => s.kind),
      ["upgrade", "upgrade", "upgrade"],
    );
    assert.deepEqual(result.steps[0].changes.slice(-1), [
      "service api image ghcr.io/acme/api:1.0.0 -> ghcr.io/acme/api:1.1.0",
    ]);
  });

  it("keeps the deployed services on the intermediate hops and changes the image in the last one", () => {
    const image = "ghcr.io/acme/api:1.1.0";
    const result = plan(envAt("1.32"), envAt("1.34", { services: [serviceFixture({ image })] }));
    assert.deepEqual(
      result.steps.map((s) => [s.pass, s.cluster, s.kind, s.to.services[0].image]),
      [
        [1, "a", "upgrade", "ghcr.io/acme/api:1.0.0"],
        [1, "b", "upgrade", "ghcr.io/acme/api:1.0.0"],
        [1, "c", "upgrade", "ghcr.io/acme/api:1.0.0"],
        [2, "a", "upgrade", image],
        [2, "b", "upgrade", image],
        [2, "c", "upgrade", image],
      ],
    );
    assert.ok(!result.steps[0].changes.some((c) => c.startsWith("service")));
  });

  it("refuses to take out a removed cluster whose outputs do not record what it runs", () => {
    const to = envAt("1.33", { clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] });
    const legacy = deployedFrom(planClusters(envAt("1.33"))).map((d) => ({
      ...d,
      settings: undefined,
    }));
    assert.throws(
      () => planRollout(planClusters(to), legacy, to),
      (err: Error) =>
        err instanceof PlanRefusal &&
        /cluster c is deployed but no longer in the config/.test(err.message) &&
        /plain `pulumi up` once to record its settings/.test(err.message),
    );
  });

  it("has nothing to do for outputs of an earlier version that lack the settings added since", () => {
    const config = envAt("1.33");
    const legacy = deployedFrom(planClusters(config)).map((d) => {
      const settings = Object.fromEntries(
        Object.entries(d.settings!).filter(([k]) => !["namespace", "services", "cidr"].includes(k)),
      );
      return { ...d, settings, generation: generationOf(settings) };
    });
    const result = planRollout(planClusters(config), legacy, config);
    assert.deepEqual(result.steps, []);
    assert.deepEqual(result.done, ["a", "b", "c"]);
    assert.match(
      result.notes.join("\n"),
      /cluster a, b, c were written by an earlier version of active-active and do not record namespace, services, cidr/,
    );
  });

  it("describes every difference and is a release only for workload changes (property)", () => {
    const base = planClusters(envAt("1.33"))[0].settings;
    const variants = cases.map(([, change]) => planClusters(envAt("1.33", change))[0].settings);
    const kinds = cases.map(([, , kind]) => kind);
    fc.assert(
      fc.property(
        fc.subarray(
          variants.map((_v, i) => i),
          { minLength: 1 },
        ),
        (picked) => {
          // Two service variants would replace each other's list: combine at most one.
          fc.pre(picked.filter((i) => "services" in cases[i][1]).length <= 1);
          // Combine the picked changes, key by key, over the base settings.
          const to = { ...base };
          for (const i of picked) {
            const keys = new Set([...Object.keys(base), ...Object.keys(variants[i])]);
            for (const key of keys as Set<keyof typeof base>) {
              if (generationOf(variants[i][key] ?? null) !== generationOf(base[key] ?? null)) {
                Object.assign(to, { [key]: variants[i][key] });
              }
            }
          }
          const changes = describeChanges(base, to);
          assert.equal(changes.length > 0, generationOf(to) !== generationOf(base));
          const release = picked.every((i) => kinds[i] === "release");
          assert.equal(stepKind(base, to), release ? "release" : "upgrade");
        },
      ),
    );
  });
});

describe("addonMatrix validation", () => {
  it("rejects add-ons not listed for the environment's version", () => {
    assert.throws(
      () =>
        envAt("1.33", {
          addons: {
            vpcCni: "v1.18.0-eksbuild.1",
            coredns: "v1.12.1-eksbuild.2",
            kubeProxy: "v1.33.0-eksbuild.2",
          },
        }),
      /active-active:addons.vpcCni: "v1.18.0-eksbuild.1" is not listed for Kubernetes 1.33/,
    );
  });

  it("rejects a kube-proxy newer than its cluster", () => {
    assert.throws(
      () =>
        parseEnvironment(
          "test",
          environmentFixture({
            clusters: [clusterFixture("a", 0), clusterFixture("b", 1)],
            addons: {
              vpcCni: "v1.19.5-eksbuild.1",
              coredns: "v1.12.1-eksbuild.2",
              kubeProxy: "v1.34.0-eksbuild.1",
            },
          }),
          "test",
        ),
      /active-active:addons.kubeProxy: kube-proxy v1.34.0-eksbuild.1 is newer than Kubernetes 1.33/,
    );
  });
});

describe("planRollout: adding, removing and replacing clusters", () => {
  const abc = ["a", "b", "c"].map((n, i) => clusterFixture(n, i));
  const summary = (steps: ReturnType<typeof planRollout>["steps"]) =>
    steps.map((s) => [s.number, s.pass, s.cluster, s.kind, s.ramp ?? null]);

  it("adds a cluster that is in the config but not deployed: create, then ramp 10, 50, 100", () => {
    const to = envAt("1.33", { clusters: [...abc, clusterFixture("d", 3)] });
    const result = plan(envAt("1.33"), to);
    assert.deepEqual(summary(result.steps), [[1, 1, "d", "add", [10, 50, 100]]]);
    const [add] = result.steps;
    assert.equal(add.from, null);
    assert.equal(add.fromGeneration, "");
    assert.deepEqual(add.changes, [
      "create cluster d (Kubernetes 1.33)",
      "ramp traffic up 0% -> 10% -> 50% -> 100% of its weight",
    ]);
    assert.deepEqual(result.done, ["a", "b", "c"]);
  });

  it("continues the ramp of a cluster deployed below its full weight, with the config's steps", () => {
    const to = envAt("1.33", {
      clusters: [...abc, clusterFixture("d", 3)],
      rollout: { rampPercent: [5, 25, 50, 100] },
    });
    const deployed = deployedFrom(planClusters(to)).map((d) =>
      d.name === "d" ? { ...d, ramp: 25 } : d,
    );
    const result = planRollout(planClusters(to), deployed, to);
    assert.deepEqual(summary(result.steps), [[1, 1, "d", "add", [50, 100]]]);
    assert.deepEqual(result.steps[0].changes, ["ramp traffic up 25% -> 50% -> 100% of its weight"]);
  });

  it("removes a deployed cluster that is no longer in the config: ramp down, drain, delete", () => {
    const to = envAt("1.33", { clusters: abc.slice(0, 2) });
    const result = plan(envAt("1.33"), to);
    assert.deepEqual(summary(result.steps), [[1, 1, "c", "remove", [50, 10]]]);
    assert.deepEqual(result.steps[0].changes, [
      "ramp traffic down 100% -> 50% -> 10% of its weight",
      "drain (weight 0), wait for DNS",
      "delete cluster c and everything it runs",
    ]);
    assert.equal(result.steps[0].fromGeneration, result.steps[0].toGeneration);
  });

  it("replaces a cluster: the new one is added first, the old one removed last", () => {
    const to = envAt("1.33", {
      clusters: [abc[0], abc[1], clusterFixture("d", 3, { replaces: "c" })],
    });
    const result = plan(envAt("1.33"), to);
    assert.deepEqual(summary(result.steps), [
      [1, 1, "d", "add", [10, 50, 100]],
      [2, 1, "c", "remove", [50, 10]],
    ]);
    assert.equal(result.steps[0].replaces, "c");
    assert.equal(result.steps[1].replacedBy, "d");
  });

  it("orders a mixed change: adds first, then the upgrade pass, removals last", () => {
    const to = envAt("1.34", {
      clusters: [abc[0], abc[1], clusterFixture("d", 3), clusterFixture("e", 4, { replaces: "c" })],
    });
    const result = plan(envAt("1.33"), to);
    assert.deepEqual(summary(result.steps), [
      [1, 1, "d", "add", [10, 50, 100]],
      [2, 1, "e", "add", [10, 50, 100]],
      [3, 1, "a", "upgrade", null],
      [4, 1, "b", "upgrade", null],
      [5, 1, "c", "remove", [50, 10]],
    ]);
  });

  it("adds a cluster at the desired minor only once every cluster is within one minor of it", () => {
    const to = envAt("1.34", { clusters: [...abc, clusterFixture("d", 3)] });
    const result = plan(envAt("1.32"), to);
    assert.deepEqual(
      summary(result.steps).map(([n, pass, cluster, kind]) => [n, pass, cluster, kind]),
      [
        [1, 1, "a", "upgrade"],
        [2, 1, "b", "upgrade"],
        [3, 1, "c", "upgrade"],
        [4, 2, "d", "add"],
        [5, 2, "a", "upgrade"],
        [6, 2, "b", "upgrade"],
        [7, 2, "c", "upgrade"],
      ],
    );
  });

  it("has no steps for an environment with nothing deployed: the first pulumi up creates it", () => {
    const config = envAt("1.33");
    const result = planRollout(planClusters(config), [], config);
    assert.deepEqual(result.steps, []);
    assert.match(result.notes.join("\n"), /nothing is deployed yet/);
  });
});
