import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { AutomationStack } from "../../automation/automationApi/automationStack";
import type { StatusReport } from "../../automation/commands/status";
import { aa, ROOT } from "../_cli";
import { itWhere } from "../_skip";

/**
 * Against a real environment: needs AA_LIVE=1, the Pulumi CLI logged in to the backend that holds
 * the stack AA_LIVE_ENV (default "dev"), and AWS credentials that can read it (and reach its
 * clusters, Prometheus and CloudWatch for the metric gates). Read-only: previews, outputs, status
 * and an audit of the export; nothing is changed.
 */
const live = process.env.AA_LIVE === "1";
const env = process.env.AA_LIVE_ENV ?? "dev";

/** Why these tests do not run here; every skipped test says it, whatever the reporter. */
const WHY_SKIPPED =
  "no Pulumi CLI or cloud credentials here; set AA_LIVE=1 with the Pulumi CLI logged in and AWS credentials to run";

const liveIt = itWhere(live, "live", WHY_SKIPPED);

describe(`live environment ${env} (needs AA_LIVE=1, the Pulumi CLI logged in, AWS credentials)`, function () {
  liveIt("previews the committed config without changing more than one cluster", async () => {
    const stack = await AutomationStack.open({ environment: env, projectDir: ROOT });
    const preview = await stack.preview({ message: "aa live test" });
    assert.ok(Array.isArray(preview.changes));
  });

  liveIt("reads the deployed state and the rollout lock", () => {
    const r = aa(["status", env, "--no-health", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as StatusReport;
    assert.ok(report.clusters.length >= 2);
  });

  liveIt("reads every metric gate of every cluster against the others (aa status)", () => {
    // With health: the gates run against the real clusters, Prometheus and CloudWatch.
    const r = aa(["status", env, "--json"]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as StatusReport;
    for (const c of report.clusters) {
      // null only when the environment declares no metric gate; then every cluster has none.
      assert.equal(c.metrics === null, report.clusters[0].metrics === null, c.name);
      for (const m of c.metrics ?? []) {
        assert.match(m.gate, /^metric:/);
        assert.ok(["pass", "fail", "wait", "error"].includes(m.verdict), m.detail);
        assert.ok(m.query.length > 0, m.gate);
      }
    }
  });

  liveIt("audits the deployed stack with the policy pack", () => {
    const exported = spawnSync("pulumi", ["stack", "export", "--stack", env], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(exported.status, 0, exported.stderr);
    const r = aa(["check", "--state", "-", "--json"], { input: exported.stdout });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
  });
});
