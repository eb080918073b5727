import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { AutomationStack } from "../../automation/stack/automationStack";
import { aa, ROOT } from "../_cli";

/**
 * Against a real environment: needs AA_LIVE=1, the Pulumi CLI logged in to the backend that holds
 * the stack AA_LIVE_ENV (default "dev"), and AWS credentials that can read it. Read-only: previews,
 * outputs, status and an audit of the export; nothing is changed.
 */
const live = process.env.AA_LIVE === "1";
const env = process.env.AA_LIVE_ENV ?? "dev";

describe(`live environment ${env} (needs AA_LIVE=1, the Pulumi CLI logged in, AWS credentials)`, function () {
  before(function () {
    if (!live) {
      console.log(
        "    (skipped: no Pulumi CLI or cloud credentials here; set AA_LIVE=1 with the Pulumi CLI logged in and AWS credentials to run)",
      );
      this.skip();
    }
  });

  it("previews the committed config without changing more than one cluster", async () => {
    const stack = await AutomationStack.open({ environment: env, projectDir: ROOT });
    const preview = await stack.preview({ message: "aa live test" });
    assert.ok(Array.isArray(preview.changes));
  });

  it("reads the deployed state and the rollout lock", () => {
    const r = aa(["status", env, "--no-health", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.clusters.length >= 2);
  });

  it("audits the deployed stack with the policy pack", () => {
    const exported = spawnSync("pulumi", ["stack", "export", "--stack", env], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(exported.status, 0, exported.stderr);
    const r = aa(["check", "--state", "-", "--json"], { input: exported.stdout });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
  });
});
