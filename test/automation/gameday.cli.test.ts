import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { aa, hasStackTrace, ROOT } from "../_cli";

const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown> & { event: string });

/** dev as committed, with one change to its stack file, in a directory of its own. */
function devWith(edit: (yaml: string) => string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-gameday-")), "Pulumi.dev.yaml");
  const yaml = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
  const changed = edit(yaml);
  assert.notEqual(changed, yaml, "the edit changed nothing");
  fs.writeFileSync(file, changed);
  return file;
}

describe("aa gameday (as a user runs it)", () => {
  it("rehearses losing b of dev: the timeline, the verdict, exit 0", () => {
    const r = aa(["gameday", "dev", "--simulate", "--lose", "b"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\+0s\s+game day on dev \(a rehearsal: nothing real is touched\)/);
    assert.match(r.stdout, /\n\+0s\s+b fails its health checks: api-server: no answer/);
    assert.match(r.stdout, /about 33% of requests fail: those DNS sends to b/);
    assert.match(
      r.stdout,
      /\n\+90s\s+Route 53 takes b out of DNS after 3 failed check\(s\) 30s apart: answers with a and c only/,
    );
    assert.match(
      r.stdout,
      /\n\+150s\s+a and c absorb b's share \(x1\.50, 33% -> 50% of requests each\): web 2 -> 3 replicas \(max 4\), api 2 -> 3 replicas \(max 4\); .*: ok/,
    );
    assert.match(r.stdout, /\n\+600s\s+b is back: \d+ gate\(s\) pass/);
    assert.match(r.stdout, /\n\+690s\s+Route 53 puts b back in DNS/);
    assert.match(r.stdout, /\n\+750s\s+b carries its share \(33%\) again/);
    assert.match(r.stdout, /\n\+750s\s+verdict: dev kept serving without b/);
    assert.equal(r.stderr, "");
  });

  it("prints one JSON event per line with --json, shaped like aa rollout's", () => {
    const r = aa([
      "gameday",
      "dev",
      "--simulate",
      "--lose",
      "a",
      "--recover-after",
      "300",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const events = lines(r.stdout);
    for (const e of events) {
      assert.equal(typeof e.event, "string");
      assert.ok(!Number.isNaN(Date.parse(e.at as string)), "at is an ISO time");
      assert.equal(typeof e.elapsedMs, "number");
    }
    assert.deepEqual(
      events.map((e) => [e.elapsedMs, e.event]),
      [
        [0, "gameday-started"],
        [0, "cluster-lost"],
        [90_000, "route53-unhealthy"],
        [150_000, "absorb"],
        [300_000, "cluster-back"],
        [390_000, "route53-healthy"],
        [450_000, "traffic-restored"],
        [450_000, "gameday-finished"],
      ],
    );
    const last = events.at(-1) as Record<string, unknown>;
    assert.equal(last.result, "kept-serving");
    assert.equal(last.keptServing, true);
    assert.deepEqual(last.outOfDns, { fromSeconds: 90, toSeconds: 390 });
  });

  it("exits 1 when the others cannot absorb the share, naming the cluster, service and numbers", () => {
    const fixed = devWith((yaml) => yaml.replace(/ {6}autoscaling:\n {8}maxReplicas: 4\n/g, ""));
    const r = aa(["gameday", "--stack-file", fixed, "--simulate", "--lose", "a"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /NOT ENOUGH/);
    assert.match(
      r.stdout,
      /b cannot absorb a's share \(x1\.50\): api needs 3 replicas, it runs a fixed 2 \(no autoscaling\)/,
    );
    assert.match(
      r.stdout,
      /verdict: dev would not have kept serving without a: .*api on b and c runs out \(needs 3 replicas on b, can run 2\): about 33% of api's requests fail/,
    );
    const json = lines(
      aa(["gameday", "--stack-file", fixed, "--simulate", "--lose", "a", "--json"]).stdout,
    );
    const last = json.at(-1) as unknown as {
      keptServing: boolean;
      overloaded: { service: string }[];
    };
    assert.equal(last.keptServing, false);
    assert.deepEqual(last.overloaded.map((o) => o.service).sort(), ["api", "web"]);
  });

  it("exits 1 when the nodes are too small for two clusters to carry each other", () => {
    const two = devWith((yaml) => yaml.replace(/ {4}- name: c\n {6}weight: 1\n {6}cidr: .*\n/, ""));
    const r = aa(["gameday", "--stack-file", two, "--simulate", "--lose", "b"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /note: while b is out, only a serves, fewer than minClusters \(2\)/);
    assert.match(r.stdout, /a needs 1500m CPU and 1536Mi memory more to absorb b's share/);
  });

  it("starts from the deployed weights with --deployed", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-gameday-")), "out.json");
    // `pulumi stack output --json` of dev with c drained by a halted rollout.
    const outputs = {
      environment: "dev",
      kubeconfigs: "[secret]",
      clusters: ["a", "b", "c"].map((name) => ({
        name,
        weight: name === "c" ? 0 : 1,
        kubernetesVersion: "1.33",
        addons: {
          vpcCni: "v1.19.5-eksbuild.1",
          coredns: "v1.12.1-eksbuild.2",
          kubeProxy: "v1.33.0-eksbuild.2",
        },
        generation: "0123456789ab",
        ingress: {},
      })),
    };
    fs.writeFileSync(file, JSON.stringify(outputs));
    const r = aa(["gameday", "dev", "--simulate", "--lose", "a", "--deployed", file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /a serves 50% of requests \(weight 1 of 2\); c at weight 0 serves none/);
    assert.match(r.stdout, /b absorbs a's share \(x2\.00/);
    const lost = aa(["gameday", "dev", "--simulate", "--lose", "c", "--deployed", file]);
    assert.equal(lost.code, 0, lost.stderr);
    assert.match(lost.stdout, /no request fails: it serves no traffic/);
  });

  it("refuses a live game day, an unknown cluster and a bad --recover-after with exit 2", () => {
    const live = aa(["gameday", "dev", "--lose", "b"]);
    assert.equal(live.code, 2);
    assert.match(live.stderr, /^aa: a live game day is not supported: .* add --simulate/);
    assert.equal(live.stdout, "");
    for (const [args, message] of [
      [["--lose", "x"], /no cluster "x" in dev; clusters are a, b, c/],
      [[], /name the cluster to lose with --lose CLUSTER; clusters of dev are a, b, c/],
      [["--lose", "b", "--recover-after", "0"], /at least 1 second/],
      [["--lose", "b", "--recover-after", "soon"], /is not a whole number of seconds/],
      [["--lose", "b", "--deployed", "/nonexistent/out.json"], /cannot read --deployed/],
    ] as const) {
      const r = aa(["gameday", "dev", "--simulate", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(!hasStackTrace(r.stderr), r.stderr);
    }
  });

  it("documents itself in --help: usage, options, examples and exit codes", () => {
    const r = aa(["gameday", "--help"]);
    assert.equal(r.code, 0, r.stderr);
    for (const text of [
      /Usage: aa gameday \[options\] \[env\]/,
      /--simulate/,
      /--lose <cluster>/,
      /--recover-after <seconds>/,
      /\(default: 600\)/,
      /--deployed <file>/,
      /--json/,
      /Examples:\n\s+aa gameday dev --simulate --lose b/,
      /Exit codes:\n\s+0 {2}the environment kept serving/,
      /1 {2}it would not have/,
      /2 {2}invalid config or usage/,
    ]) {
      assert.match(r.stdout, text);
    }
    assert.match(aa(["--help"]).stdout, /gameday \[options\] \[env\]\s+rehearse losing a cluster/);
  });
});
