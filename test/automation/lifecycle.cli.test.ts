import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { aa, ROOT } from "../_cli";

/**
 * The commands docs/lifecycle.md gives ("Try it offline"), run as a user would: dev as deployed
 * today, then the add, remove and replace examples of examples/lifecycle/, rehearsed.
 */
describe("aa rollout --simulate of the lifecycle examples (docs/lifecycle.md)", function () {
  this.timeout(120_000);
  let dir: string;
  let deployed: string;
  const example = (name: string) => path.join(ROOT, "examples", "lifecycle", `Pulumi.${name}.yaml`);
  /** `aa rollout --simulate` of one example, from dev as deployed, as docs/lifecycle.md runs it. */
  const rehearse = (name: string, ...more: string[]) =>
    aa(["rollout", "--simulate", "--deployed", deployed, "--stack-file", example(name), ...more]);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-lifecycle-"));
    deployed = path.join(dir, "deployed.json");
    const check = aa(["check", "dev", "--json"]);
    assert.equal(check.code, 0, check.stderr);
    fs.writeFileSync(deployed, check.stdout);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the docs give exactly these commands", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "lifecycle.md"), "utf8");
    for (const name of ["dev-add", "dev-remove", "dev-replace"]) {
      assert.ok(
        doc.includes(
          `npx aa rollout --simulate --deployed deployed.json --stack-file examples/lifecycle/Pulumi.${name}.yaml`,
        ),
        name,
      );
    }
  });

  it("plans the add of d from the deployed dev", () => {
    const plan = aa(["plan", "--stack-file", example("dev-add"), "--deployed", deployed, "--json"]);
    assert.equal(plan.code, 0, plan.stderr);
    const doc = JSON.parse(plan.stdout) as {
      steps: { cluster: string; kind: string; ramp?: number[] }[];
    };
    assert.deepEqual(
      doc.steps.map((s) => [s.cluster, s.kind, s.ramp]),
      [["d", "add", [10, 50, 100]]],
    );
  });

  it("adds d: created without traffic, then ramped 10% -> 50% -> 100%", () => {
    const run = rehearse("dev-add");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const percent of [10, 50, 100]) {
      assert.match(
        run.stdout,
        new RegExp(`d step 1 traffic ramped up to ${percent}% of its weight`),
      );
    }
    assert.match(run.stdout, /rollout succeeded\n\s+clusters: a=done, b=done, c=done, d=done/);
  });

  it("removes c: ramped down 50% -> 10%, drained, deleted", () => {
    const run = rehearse("dev-remove");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /c step 1 traffic ramped down to 50% of its weight/);
    assert.match(run.stdout, /c step 1 traffic ramped down to 10% of its weight/);
    assert.match(run.stdout, /c step 1 drained \(weight 0\)/);
    assert.match(run.stdout, /c step 1 deleted/);
    assert.match(run.stdout, /rollout succeeded\n\s+clusters: a=done, b=done\n/);
  });

  it("replaces c with d: d ramped up before c is ramped down and deleted", () => {
    const run = rehearse("dev-replace", "--json");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const events = run.stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            event: string;
            cluster?: string;
            percent?: number;
            direction?: string;
          },
      );
    assert.deepEqual(
      events
        .filter((e) => e.event === "ramp")
        .map((e) => `${e.cluster} ${e.direction} ${e.percent}`),
      ["d up 10", "d up 50", "d up 100", "c down 50", "c down 10"],
    );
    assert.ok(events.some((e) => e.event === "removed" && e.cluster === "c"));
    assert.equal(events.at(-1)?.event, "rollout-finished");
  });

  it("aa status shows a cluster partway through its ramp as pending, with its share", () => {
    const added = aa(["check", "--stack-file", example("dev-add"), "--json"]);
    assert.equal(added.code, 0, added.stderr);
    const report = JSON.parse(added.stdout) as {
      outputs: { clusters: { name: string; weight: number; ramp?: number }[] };
    };
    const clusters = report.outputs.clusters.map((c) =>
      c.name === "d" ? { ...c, ramp: 50, weight: 50 } : { ...c, weight: 100 },
    );
    const file = path.join(dir, "ramping.json");
    fs.writeFileSync(file, JSON.stringify({ clusters, rollout: null }));
    const status = aa(["status", "--stack-file", example("dev-add"), "--deployed", file, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const d = (
      JSON.parse(status.stdout) as {
        clusters: { name: string; ramp: number; rolloutState: string }[];
      }
    ).clusters.find((c) => c.name === "d");
    assert.deepEqual([d?.ramp, d?.rolloutState], [50, "pending"]);
    const text = aa(["status", "--stack-file", example("dev-add"), "--deployed", file]);
    assert.match(text.stdout, /\bd\s+│?\s*50 \(50%\)/);
  });

  it("a plain rollout of the committed dev config has nothing to add or remove", () => {
    const run = aa(["plan", "dev", "--deployed", deployed]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /nothing to roll out/);
  });
});
