import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { evaluateStack } from "../../automation/offline/evaluate";
import { readStackFile } from "../../automation/project";
import type { StatusReport } from "../../automation/commands/status";
import type { RolloutEvent } from "../../automation/rollout/events";
import { aa, hasStackTrace, ROOT } from "../_cli";

/** The events of `aa rollout --json`, one JSON object per line. */
const lines = (stdout: string): RolloutEvent[] =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as RolloutEvent);

/** The `aa plan --json` fields these tests read. */
type PlanJson = { steps: { cluster: string; kind: string }[] };

describe("aa rollout / plan / status (as a user runs them)", () => {
  it("rehearses a rollout of dev with --simulate and succeeds", () => {
    const r = aa(["rollout", "dev", "--simulate"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rollout .* started: 3 step\(s\)/);
    assert.match(r.stdout, /a step 1 drained \(weight 0\); waiting 90s/);
    assert.match(r.stdout, /rollout succeeded\n\s+clusters: a=done, b=done, c=done/);
    // dev declares no metric gates: the rehearsal says it runs the default pair.
    assert.match(
      r.stderr,
      /^aa: dev declares no metric gates \(active-active:gates\); the rehearsal runs the default pair per service/,
    );
  });

  it("halts a rehearsal of prod in its first cluster when metrics-degrade raises its error ratio", () => {
    const r = aa(["rollout", "prod", "--simulate", "--fault", "a:metrics-degrade", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stderr, "", "prod declares its gates: no notice");
    const events = lines(r.stdout);
    const halted = events.find((e) => e.event === "halted");
    assert.ok(halted?.event === "halted");
    assert.equal(halted.gate, "metric:web-error-ratio");
    assert.match(halted.reason, /a 0\.05 \(\d+ samples\) vs baseline 0\.00\d+ \(median of b/);
    assert.match(halted.reason, /; query: .*http_requests_total\{service="web", code=~"5\.\."\}/);
    // prod's own gate is judged too, against the others.
    const soak = events.find((e) => e.event === "soak" && e.cluster === "a");
    assert.ok(soak?.event === "soak");
    assert.ok(soak.gates.some((g) => g.gate === "metric:checkout-errors" && g.metric));
    const last = events.at(-1);
    assert.ok(last?.event === "rollout-finished");
    assert.deepEqual(
      last.clusters.map((c) => `${c.name}=${c.state}`),
      ["a=drained", "b=pending", "c=pending"],
    );
  });

  it("refuses a metric fault the environment's gates cannot show (exit 2)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-gates-"));
    const file = path.join(dir, "Pulumi.nolatency.yaml");
    const dev = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
    fs.writeFileSync(
      file,
      dev.replace(
        /^config:\n/m,
        "config:\n  active-active:gates:\n    prometheus:\n      url: http://prometheus:9090\n    defaultMetrics:\n      enabled: false\n    metrics:\n      - name: errors\n        query: sum by (cluster) (rate(errors_total[{{window}}]))\n        judge:\n          type: absolute\n          max: 5\n",
      ),
    );
    const r = aa(["rollout", "--stack-file", file, "--simulate", "--fault", "a:metrics-latency"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^aa: --fault a:metrics-latency: the environment has no latency gate \(the default <service>-latency-p99, which needs gates\.prometheus and gates\.defaultMetrics on\); use metrics-degrade, or drop the fault\n$/,
    );
  });

  it("prints one JSON object per event with --json, ending with rollout-finished", () => {
    const r = aa(["rollout", "dev", "--simulate", "--fault", "b:gate-fails", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    const events = lines(r.stdout);
    for (const e of events) {
      assert.equal(typeof e.event, "string");
      assert.equal(typeof e.at, "string");
    }
    const last = events.at(-1);
    assert.ok(last?.event === "rollout-finished", "the last event is rollout-finished");
    assert.equal(last.result, "halted");
    assert.deepEqual(last.clusters, [
      { name: "a", state: "done" },
      { name: "b", state: "drained" },
      { name: "c", state: "pending" },
    ]);
    assert.ok(!/get-token|certificate-authority-data|kubeconfig":/.test(r.stdout));
  });

  it("halts a rehearsal with only b drained, then resumes it to completion (--sim-state)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-sim-")), "gameday.json");
    const halted = aa([
      "rollout",
      "dev",
      "--simulate",
      "--fault",
      "b:gate-fails",
      "--sim-state",
      file,
    ]);
    assert.equal(halted.code, 4, halted.stderr);
    assert.match(halted.stdout, /clusters: a=done, b=drained, c=pending/);
    const resumed = aa(["rollout", "dev", "--simulate", "--sim-state", file, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const events = lines(resumed.stdout);
    assert.ok(events.some((e) => e.event === "recovering" && e.cluster === "b"));
    assert.ok(!events.some((e) => e.event === "update-started" && e.cluster !== "c"));
    const last = events.at(-1);
    assert.ok(last?.event === "rollout-finished", "the last event is rollout-finished");
    assert.deepEqual(last.clusters, [
      { name: "a", state: "done" },
      { name: "b", state: "done" },
      { name: "c", state: "done" },
    ]);
  });

  it("--max-steps 1 three times: paused, paused, succeeded, each exit 0 (one CI job per cluster)", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-steps-")), "steps.json");
    const run = () =>
      aa(["rollout", "dev", "--simulate", "--sim-state", file, "--max-steps", "1", "--json"]);
    const finished = [run(), run(), run()].map((r) => {
      assert.equal(r.code, 0, r.stderr);
      const last = lines(r.stdout).at(-1);
      assert.ok(last?.event === "rollout-finished");
      return `${last.result}${last.next ? ` next=${last.next}` : ""}`;
    });
    assert.deepEqual(finished, ["paused next=b", "paused next=c", "succeeded"]);
    const text = aa(["rollout", "dev", "--simulate", "--max-steps", "1"]);
    assert.match(
      text.stdout,
      /rollout paused: after 1 step \(--max-steps 1\); next: step 2, upgrade of cluster b; run `aa rollout dev` again to go on/,
    );
    const wrong = aa(["rollout", "dev", "--simulate", "--max-steps", "0"]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--max-steps "0" is not a whole number of at least 1/);
  });

  it("exits 5 when the rollout is refused before changing anything", () => {
    const r = aa(["rollout", "dev", "--simulate", "--fault", "a:unhealthy-before"]);
    assert.equal(r.code, 5);
    assert.match(r.stdout, /rollout refused: cluster a fails health gate "system-pods"/);
  });

  it("resumes after a simulated crash", () => {
    const r = aa(["rollout", "dev", "--simulate", "--fault", "b:crash-after-drain"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SIMULATED CRASH: simulated crash after drain of cluster b/);
    assert.match(r.stdout, /rollout .* resumed/);
  });

  it("rejects a bad --fault with exit 2 and the allowed values", () => {
    for (const [fault, message] of [
      ["x:gate-fails", /no cluster "x"; clusters are a, b, c/],
      ["b:explodes", /unknown kind "explodes"; use one of gate-fails, gate-hangs/],
      ["b", /is not CLUSTER:KIND/],
    ] as const) {
      const r = aa(["rollout", "dev", "--simulate", "--fault", fault]);
      assert.equal(r.code, 2, fault);
      assert.match(r.stderr, message);
      assert.ok(!hasStackTrace(r.stderr));
    }
    const r = aa(["rollout", "dev", "--fault", "b:gate-fails"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /add --simulate/);
  });

  it("reports a missing Pulumi CLI as a stack problem (exit 6), not a crash", () => {
    const r = aa(["rollout", "dev"], { env: { PATH: path.dirname(process.execPath) } });
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /^aa: /);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
  });

  it("plans from a simulated or saved deployed state, as text and JSON", () => {
    const text = aa(["plan", "dev", "--simulate"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /3 step\(s\) in 1 pass\(es\), one cluster at a time/);
    assert.match(text.stdout, /kubernetes 1\.32 -> 1\.33/);

    const json = JSON.parse(aa(["plan", "dev", "--simulate", "--json"]).stdout) as PlanJson;
    assert.deepEqual(
      json.steps.map((s) => s.cluster),
      ["a", "b", "c"],
    );

    const sim = JSON.parse(
      aa(["plan", "dev", "--simulate", "--json", "--order", "c,a,b"]).stdout,
    ) as PlanJson;
    assert.deepEqual(
      sim.steps.map((s) => s.cluster),
      ["c", "a", "b"],
    );
  });

  it("reads `pulumi stack output --json` with --deployed for plan and status", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-deployed-")), "out.json");
    // A deployed state as `pulumi stack output --json` prints it, cluster b drained by a rollout.
    const outputs = {
      environment: "dev",
      kubeconfigs: "[secret]",
      clusters: ["a", "b", "c"].map((name) => ({
        name,
        weight: name === "b" ? 0 : 1,
        kubernetesVersion: "1.33",
        addons: {
          vpcCni: "v1.19.5-eksbuild.1",
          coredns: "v1.12.1-eksbuild.2",
          kubeProxy: "v1.33.0-eksbuild.2",
        },
        generation: "0123456789ab",
        ingress: {},
      })),
      rollout: {
        id: "r1",
        startedAt: "2026-11-25T10:00:00Z",
        startedBy: "alice@ci",
        target: {},
        drained: ["b"],
        state: "halted",
        current: "b",
        reason: 'cluster b did not pass health gate "nodes"',
      },
      rolloutLock: { id: "lease-r1", by: "alice@ci", pid: 4242, since: "2026-11-25T10:00:00Z" },
    };
    fs.writeFileSync(file, JSON.stringify(outputs));
    const status = aa(["status", "dev", "--deployed", file, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout) as StatusReport;
    assert.deepEqual(
      report.clusters.map((c) => [c.name, c.rolloutState]),
      [
        // Outputs this early record no settings, only the version and add-ons, which match the
        // config: the rest is taken as the config's, so nothing is pending.
        ["a", "done"],
        ["b", "drained"],
        ["c", "done"],
      ],
    );
    assert.equal(report.rollout?.state, "halted");
    // The fence: who made the last directed update, which the next rollout must replace.
    assert.deepEqual(report.fence, {
      id: "lease-r1",
      by: "alice@ci",
      pid: 4242,
      since: "2026-11-25T10:00:00Z",
    });
    const text = aa(["status", "dev", "--deployed", file]);
    assert.match(
      text.stdout,
      /rollout r1: halted, started 2026-11-25T10:00:00Z by alice@ci; drained: b/,
    );
    assert.match(
      text.stdout,
      /rollout fence: the last directed update was by alice@ci \(pid 4242\) since 2026-11-25T10:00:00Z, lease lease-r1/,
    );

    const planned = aa(["plan", "dev", "--deployed", file]);
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(
      planned.stdout,
      /written by an earlier version of active-active and do not record kyverno, nodeGroup/,
    );

    fs.writeFileSync(file, "{not json");
    const bad = aa(["status", "dev", "--deployed", file]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not JSON/);
  });

  it("plans a new image as release steps, and reads outputs of an earlier version as up to date", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-release-"));
    // The deployed state: dev as committed, as `pulumi stack output --json` would print it.
    const committed = readStackFile(path.join(ROOT, "stacks", "Pulumi.dev.yaml"));
    const { outputs } = await evaluateStack({
      project: "active-active",
      stack: "dev",
      config: committed.config,
      source: "stacks/Pulumi.dev.yaml",
    });
    const deployed = path.join(dir, "outputs.json");
    fs.writeFileSync(deployed, JSON.stringify(outputs));
    const stackFile = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(
      stackFile,
      fs
        .readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8")
        .replace("ghcr.io/acme/api:1.4.2", "ghcr.io/acme/api:1.5.0"),
    );

    const planned = aa(["plan", "--stack-file", stackFile, "--deployed", deployed, "--json"]);
    assert.equal(planned.code, 0, planned.stderr);
    assert.deepEqual(
      (JSON.parse(planned.stdout) as PlanJson).steps.map((s) => [s.cluster, s.kind]),
      [
        ["a", "release"],
        ["b", "release"],
        ["c", "release"],
      ],
    );
    const text = aa(["plan", "--stack-file", stackFile, "--deployed", deployed]);
    assert.match(text.stdout, /release/);
    assert.match(
      text.stdout,
      /service api image ghcr\.io\/acme\/api:1\.4\.2 -> ghcr\.io\/acme\/api:1\.5\.0/,
    );

    // An earlier version exported settings without namespace, services and cidr.
    const legacy = outputs as { clusters: { settings: Record<string, unknown> }[] };
    for (const c of legacy.clusters) {
      for (const key of ["namespace", "services", "cidr"]) delete c.settings[key];
    }
    fs.writeFileSync(deployed, JSON.stringify(legacy));
    const upToDate = aa(["plan", "dev", "--deployed", deployed]);
    assert.equal(upToDate.code, 0, upToDate.stderr);
    assert.match(upToDate.stdout, /nothing to roll out/);
    assert.match(
      upToDate.stdout,
      /note: the stack outputs of cluster a, b, c were written by an earlier version/,
    );
    const status = aa(["status", "dev", "--deployed", deployed, "--no-health", "--json"]);
    assert.deepEqual(
      (JSON.parse(status.stdout) as StatusReport).clusters.map((c) => c.rolloutState),
      ["done", "done", "done"],
    );
  });
});
