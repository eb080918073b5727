import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { ROOT } from "../_cli";
import { previewJson, type StepSpec } from "../automation/automationApi/_realEvents";
import { clusterUrns } from "../automation/automationApi/_stackFixtures";

const WORKFLOW = path.join(ROOT, ".github", "workflows", "policy-check.yml");
const CLI = path.join(ROOT, "dist", "automation", "cli.js");

interface Step {
  name?: string;
  run?: string;
  shell?: string;
}

/** The shell script of the workflow step that runs `aa blast-radius`. */
function blastRadiusScript(): string {
  const workflow = YAML.parse(fs.readFileSync(WORKFLOW, "utf8")) as {
    jobs: Record<string, { if?: string; steps: Step[] }>;
  };
  const job = workflow.jobs["blast-radius"];
  assert.ok(job, "the workflow has a blast-radius job");
  assert.match(job.if ?? "", /vars\.AA_AWS_ROLE_ARN != ''/, "it runs only with cloud credentials");
  const step = job.steps.find((s) => s.run?.includes("aa blast-radius"));
  assert.ok(step?.run && step.shell === "bash");
  return step.run;
}

/**
 * Runs the workflow's script as GitHub runs a `shell: bash` step (`bash -eo pipefail`), in a copy
 * of the project with the dev stack only, a scripted `pulumi` on PATH whose `preview --json`
 * prints `preview` (or fails with `refusal` on stderr), and `npx aa` running this build.
 */
function runJob(answer: { preview?: object; refusal?: string }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-workflow-"));
  try {
    fs.mkdirSync(path.join(dir, "stacks"));
    fs.mkdirSync(path.join(dir, "bin"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.copyFileSync(
      path.join(ROOT, "stacks", "Pulumi.dev.yaml"),
      path.join(dir, "stacks", "Pulumi.dev.yaml"),
    );
    const answerFile = path.join(dir, "answer.json");
    fs.writeFileSync(answerFile, JSON.stringify(answer));
    const pulumi = path.join(dir, "bin", "pulumi");
    fs.writeFileSync(
      pulumi,
      `#!${process.execPath}\n` +
        `const a = JSON.parse(require("fs").readFileSync(${JSON.stringify(answerFile)}, "utf8"));\n` +
        `if (process.argv[2] !== "preview") { console.error("error: not scripted"); process.exit(255); }\n` +
        `if (a.refusal) { console.error(a.refusal); process.exit(255); }\n` +
        `process.stdout.write(JSON.stringify(a.preview, null, 4) + "\\n");\n`,
    );
    const npx = path.join(dir, "bin", "npx");
    fs.writeFileSync(
      npx,
      `#!/bin/sh\n[ "$1" = aa ] || exit 127\nshift\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
    );
    fs.chmodSync(pulumi, 0o755);
    fs.chmodSync(npx, 0o755);
    const result = spawnSync(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", blastRadiusScript()],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, AA_DEBUG: "" },
        timeout: 120_000,
      },
    );
    return { code: result.status, out: result.stdout + result.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const a = clusterUrns("dev", "a");
const b = clusterUrns("dev", "b");
const bOnly: StepSpec[] = [
  { op: "same", urn: a.eks, parent: a.cell },
  { op: "update", urn: b.eksCluster, parent: b.eks },
];

describe("the pull-request workflow's blast-radius job (its script, as GitHub runs it)", () => {
  it("passes when every stack's real preview touches at most one cluster", () => {
    const r = runJob({ preview: previewJson(bOnly, { stack: "dev" }) });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /result: touches one cluster \(b\)/);
  });

  it("fails with an annotation on the stack file when a preview touches two clusters", () => {
    const both = [...bOnly, { op: "update", urn: a.eksCluster, parent: a.eks } as StepSpec];
    const r = runJob({ preview: previewJson(both, { stack: "dev" }) });
    assert.equal(r.code, 1, r.out);
    assert.match(
      r.out,
      /::error file=stacks\/Pulumi\.dev\.yaml::dev: the change touches more than one cluster/,
    );
  });

  it("notes a change the program itself refuses as one for aa rollout, without failing", () => {
    const r = runJob({
      refusal:
        "error: this update would change cluster-scoped settings of 3 clusters at once (a, b, c); ... Run `aa rollout <env>` to roll them out cluster by cluster",
    });
    assert.equal(r.code, 0, r.out);
    assert.match(
      r.out,
      /::notice file=stacks\/Pulumi\.dev\.yaml::dev: a cluster-scoped change; after merge, roll it out with `aa rollout dev`/,
    );
  });
});
