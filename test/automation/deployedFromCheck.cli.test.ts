import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { aa } from "../_cli";
import {
  clusterFixture,
  environmentFixture,
  serviceFixture,
  stackConfigFixture,
} from "../_fixtures";

/** A stack file `Pulumi.qa.yaml` in a directory of its own. */
function stackFile(dir: string, env: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "Pulumi.qa.yaml");
  fs.writeFileSync(file, YAML.stringify({ config: stackConfigFixture(env) }));
  return file;
}

interface PlanJson {
  steps: { cluster: string; kind: string; changes: string[] }[];
  done: string[];
}

describe("aa plan and aa rollout --simulate, fed by aa check --json (as a user runs them)", () => {
  let dir: string;
  let deployed: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-plan-deployed-"));
    const check = aa([
      "check",
      "--stack-file",
      stackFile(path.join(dir, "base"), environmentFixture()),
      "--json",
    ]);
    assert.equal(check.code, 0, check.stderr);
    deployed = path.join(dir, "deployed.json");
    fs.writeFileSync(deployed, check.stdout);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const planOf = (name: string, env: Record<string, unknown>): PlanJson => {
    const file = stackFile(path.join(dir, name), env);
    const r = aa(["plan", "--stack-file", file, "--deployed", deployed, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as PlanJson;
  };

  const cases: [what: string, env: Record<string, unknown>, kind: string, change: RegExp][] = [
    [
      "a Kubernetes version bump",
      environmentFixture({
        kubernetesVersion: "1.34",
        addons: {
          vpcCni: "v1.19.5-eksbuild.1",
          coredns: "v1.12.1-eksbuild.2",
          kubeProxy: "v1.34.0-eksbuild.1",
        },
      }),
      "upgrade",
      /kubernetes 1\.33 -> 1\.34/,
    ],
    [
      "an add-on bump",
      environmentFixture({
        addons: {
          vpcCni: "v1.19.5-eksbuild.1",
          coredns: "v1.12.2-eksbuild.1",
          kubeProxy: "v1.33.0-eksbuild.2",
        },
      }),
      "upgrade",
      /coredns v1\.12\.1-eksbuild\.2 -> v1\.12\.2-eksbuild\.1/,
    ],
    [
      "an image change",
      environmentFixture({ services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] }),
      "release",
      /service api image ghcr\.io\/acme\/api:1\.0\.0 -> ghcr\.io\/acme\/api:1\.1\.0/,
    ],
    [
      "an env-var change",
      environmentFixture({ services: [serviceFixture({ env: { LOG_LEVEL: "debug" } })] }),
      "release",
      /service api env/,
    ],
    [
      "a CIDR change of every cluster",
      environmentFixture({
        clusters: ["a", "b", "c"].map((name, i) =>
          clusterFixture(name, i, { cidr: `10.${i + 21}.0.0/16` }),
        ),
      }),
      "upgrade",
      /cidr 10\.\d+\.0\.0\/16 -> 10\.2\d\.0\.0\/16/,
    ],
    [
      "a namespace change",
      environmentFixture({ namespace: "web" }),
      "upgrade",
      /namespace apps -> web/,
    ],
  ];

  for (const [what, env, kind, change] of cases) {
    it(`plans ${what} as one ${kind} step per cluster`, () => {
      const plan = planOf(what.replace(/\W+/g, "-"), env);
      assert.deepEqual(
        plan.steps.map((s) => [s.cluster, s.kind]),
        [
          ["a", kind],
          ["b", kind],
          ["c", kind],
        ],
      );
      for (const step of plan.steps)
        assert.ok(
          step.changes.some((c) => change.test(c)),
          step.changes.join("; "),
        );
    });
  }

  it("rehearses a release: the canary first, no drain, halting on its failing gate with b and c untouched", () => {
    const file = stackFile(
      path.join(dir, "release"),
      environmentFixture({ services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] }),
    );
    const r = aa([
      "rollout",
      "--stack-file",
      file,
      "--simulate",
      "--deployed",
      deployed,
      "--fault",
      "a:gate-fails",
      "--json",
    ]);
    assert.equal(r.code, 4, r.stderr);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const started = events.filter((e) => e.event === "step-started");
    assert.deepEqual(
      started.map((e) => [e.cluster, e.kind, e.canary, e.drains]),
      [["a", "release", true, false]],
    );
    const updates = events.filter((e) => e.event === "update-started").map((e) => e.cluster);
    assert.deepEqual(updates, ["a"], "only the canary is updated");
    const drains = events.filter((e) => e.event === "drain");
    assert.deepEqual(
      drains.map((e) => e.cluster),
      ["a"],
      "the canary is drained only once its release failed",
    );
    assert.ok(
      events.findIndex((e) => e.event === "halted") < events.findIndex((e) => e.event === "drain"),
    );
    const finished = events.at(-1) as {
      result: string;
      clusters: { name: string; state: string }[];
    };
    assert.equal(finished.result, "halted");
    assert.deepEqual(
      finished.clusters.map((c) => [c.name, c.state]),
      [
        ["a", "drained"],
        ["b", "pending"],
        ["c", "pending"],
      ],
    );
  });
});
