import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { ROOT } from "../_cli";

const WORKFLOW = path.join(ROOT, ".github", "workflows", "rollout.yml");
const CLI = path.join(ROOT, "dist", "automation", "cli.js");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string;
  environment?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { "max-parallel"?: number; "fail-fast"?: boolean; matrix?: { include?: string } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const workflow = () => YAML.parse(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;

/**
 * Runs a step's script as GitHub runs a `shell: bash` step (`bash -eo pipefail`), in a checkout
 * of the project's config (Pulumi.yaml and stacks/, in a scratch directory: the script writes
 * files), with `npx aa ...` running this build in a rehearsal (`--simulate`: the deployed state
 * one Kubernetes minor below the dev config), and a GITHUB_OUTPUT file.
 */
function runScript(script: string, env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-rollout-workflow-"));
  try {
    const checkout = path.join(dir, "checkout");
    fs.mkdirSync(checkout);
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(checkout, "Pulumi.yaml"));
    fs.cpSync(path.join(ROOT, "stacks"), path.join(checkout, "stacks"), { recursive: true });
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, "npx"),
      `#!/usr/bin/env bash\n[ "$1" = aa ] || exit 127\nshift\nexec "${process.execPath}" "${CLI}" "$@" --simulate\n`,
      { mode: 0o755 },
    );
    const output = path.join(dir, "github-output");
    fs.writeFileSync(output, "");
    const r = spawnSync("bash", ["-eo", "pipefail", "-c", script], {
      cwd: checkout,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        GITHUB_OUTPUT: output,
        ...env,
      },
    });
    return {
      code: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      output: fs.readFileSync(output, "utf8"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe(".github/workflows/rollout.yml: a rollout from CI, one approved job per cluster", () => {
  it("runs on manual dispatch with an environment, and on merge to main only when asked", () => {
    const w = workflow();
    const dispatch = w.on.workflow_dispatch as { inputs: Record<string, { required: boolean }> };
    assert.equal(dispatch.inputs.environment.required, true);
    assert.deepEqual(w.on.push, { branches: ["main"] });
    assert.match(
      w.jobs.plan.if ?? "",
      /workflow_dispatch.*\|\|.*vars\.AA_ROLLOUT_ON_MERGE == 'true'/,
    );
    assert.equal(w.concurrency["cancel-in-progress"], false, "a second rollout waits");
  });

  it("logs in to the Pulumi backend from secrets and to AWS by an OIDC role, in every job", () => {
    const w = workflow();
    assert.equal(w.env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
    assert.equal(w.env.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    for (const name of ["plan", "step"]) {
      const job = w.jobs[name];
      assert.equal(job.permissions?.["id-token"], "write", name);
      const aws = job.steps.find((s) =>
        s.uses?.startsWith("aws-actions/configure-aws-credentials"),
      );
      assert.equal(aws?.with?.["role-to-assume"], "${{ vars.AA_AWS_ROLE_ARN }}", name);
      assert.ok(
        job.steps.some((s) => s.uses?.startsWith("pulumi/actions")),
        name,
      );
      assert.ok(
        job.steps.some((s) => s.run === "npm ci"),
        name,
      );
    }
  });

  it("runs one job per planned step, in order, each in the Environment <env>-<cluster>", () => {
    const step = workflow().jobs.step;
    assert.equal(step.needs, "plan");
    assert.equal(step.strategy?.["max-parallel"], 1);
    assert.equal(step.strategy?.["fail-fast"], true);
    assert.equal(step.strategy?.matrix?.include, "${{ fromJSON(needs.plan.outputs.steps) }}");
    assert.equal(
      step.environment,
      "${{ format('{0}-{1}', inputs.environment || vars.AA_ROLLOUT_ENVIRONMENT, matrix.cluster) }}",
    );
    const run = step.steps.find((s) => s.run?.includes("aa rollout"));
    assert.match(run?.run ?? "", /npx aa rollout "\$AA_ENVIRONMENT" --max-steps 1\n?$/);
  });

  it("plans the steps as the matrix: a real `aa plan --json`", () => {
    const plan = workflow().jobs.plan.steps.find((s) => s.id === "plan");
    const r = runScript(plan?.run ?? "", { AA_ENVIRONMENT: "dev" });
    assert.equal(r.code, 0, r.stderr);
    const out = Object.fromEntries(
      r.output
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    assert.deepEqual(JSON.parse(out.steps), [
      { step: 1, cluster: "a", kind: "upgrade" },
      { step: 2, cluster: "b", kind: "upgrade" },
      { step: 3, cluster: "c", kind: "upgrade" },
    ]);
    assert.equal(out.count, "3");
    assert.equal(runScript(plan?.run ?? "", { AA_ENVIRONMENT: "" }).code, 2);
  });

  it("runs the approved cluster's step, and refuses when the next step is another cluster's", () => {
    const run = workflow().jobs.step.steps.find((s) => s.run?.includes("aa rollout"))?.run ?? "";
    const a = runScript(run, {
      AA_ENVIRONMENT: "dev",
      AA_STEP_CLUSTER: "a",
      AA_STEP_KIND: "upgrade",
    });
    assert.equal(a.code, 0, a.stderr);
    assert.match(
      a.stdout,
      /rollout paused: after 1 step \(--max-steps 1\); next: step 2, upgrade of cluster b/,
    );
    const b = runScript(run, {
      AA_ENVIRONMENT: "dev",
      AA_STEP_CLUSTER: "b",
      AA_STEP_KIND: "upgrade",
    });
    assert.equal(b.code, 5);
    assert.match(
      b.stdout,
      /::error::the next step is for cluster 'a', not b as planned and approved/,
    );
  });
});
