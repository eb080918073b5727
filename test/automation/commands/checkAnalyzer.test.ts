import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CheckReport } from "../../../automation/check/report";
import { aa, ROOT } from "../../_cli";
import { deployedEnvironmentExport } from "../stackExport/_exportFixture";

describe("aa check --analyzer (as a user runs it)", () => {
  let dir: string;
  let state: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-analyzer-"));
    state = path.join(dir, "prod.json");
    fs.writeFileSync(state, JSON.stringify(deployedEnvironmentExport().document()));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the same report and SARIF for --state in-process (the default) and over gRPC", () => {
    const sarif = (name: string) => path.join(dir, `${name}.sarif`);
    const byDefault = aa(["check", "--state", state, "--json", "--sarif", sarif("default")]);
    const inProcess = aa([
      "check",
      "--state",
      state,
      "--json",
      "--analyzer",
      "in-process",
      "--sarif",
      sarif("in-process"),
    ]);
    const grpc = aa([
      "check",
      "--state",
      state,
      "--json",
      "--analyzer",
      "grpc",
      "--sarif",
      sarif("grpc"),
    ]);
    assert.equal(grpc.code, 1, grpc.stderr);
    assert.ok((JSON.parse(grpc.stdout) as CheckReport).violations.length >= 5);
    for (const run of [byDefault, inProcess]) {
      assert.equal(run.code, grpc.code, run.stderr);
      assert.equal(run.stdout, grpc.stdout);
      assert.equal(run.stderr, grpc.stderr);
    }
    const text = (name: string) => fs.readFileSync(sarif(name), "utf8");
    assert.equal(text("default"), text("grpc"));
    assert.equal(text("in-process"), text("grpc"));
  });

  it("prints the same text report both ways", () => {
    const inProcess = aa(["check", "--state", state]);
    const grpc = aa(["check", "--state", state, "--analyzer", "grpc"]);
    assert.equal(inProcess.code, 1, inProcess.stderr);
    assert.equal(inProcess.stdout, grpc.stdout);
    assert.match(
      inProcess.stdout,
      /policies: 5 mandatory violation\(s\), 0 advisory \(14 policies checked\)/,
    );
  });

  it("serves another pack (--policy-pack) over gRPC, as for a program", () => {
    const other = aa([
      "check",
      "--state",
      state,
      "--json",
      "--policy-pack",
      path.join(ROOT, "policies"),
    ]);
    const inProcess = aa(["check", "--state", state, "--json"]);
    assert.equal(other.code, 1, other.stderr);
    assert.equal(other.stdout, inProcess.stdout);
  });

  it("evaluates an environment in-process by default, as --analyzer in-process and grpc do", () => {
    const byDefault = aa(["check", "dev", "--json"]);
    const inProcess = aa(["check", "dev", "--json", "--analyzer", "in-process"]);
    const grpc = aa(["check", "dev", "--json", "--analyzer", "grpc"]);
    assert.equal(byDefault.code, grpc.code, byDefault.stderr);
    assert.equal(byDefault.stdout, grpc.stdout);
    assert.equal(inProcess.stdout, grpc.stdout);
  });

  it("stops the pack it started when the policy config is refused (exit 2, no process left)", () => {
    const config = path.join(dir, "bad-config.json");
    fs.writeFileSync(config, JSON.stringify({ "min-clusters": { minClusters: "three" } }));
    // The pack starts while the program is evaluated; the refusal comes after, and aa ends.
    const r = aa(["check", "dev", "--analyzer", "grpc", "--policy-pack-config", config]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^aa: invalid policy config [^\n]*\n.*"min-clusters".minClusters: "three"/,
    );
  });

  it("exits 2 for --analyzer in-process with another pack", () => {
    const r = aa([
      "check",
      "--state",
      state,
      "--analyzer",
      "in-process",
      "--policy-pack",
      path.join(ROOT, "policies"),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /another pack \(--policy-pack\) runs through its gRPC protocol/);
  });

  it("exits 2 listing the choices for an unknown --analyzer", () => {
    const r = aa(["check", "--state", state, "--analyzer", "fast"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /argument 'fast' is invalid\. Allowed choices are in-process, grpc/);
  });

  it("serves a config far beyond an environment variable's limit to the pack (no E2BIG)", () => {
    const stack = fs
      .readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8")
      .replace(
        "        API_URL: https://api.dev.example.com\n",
        `        API_URL: https://api.dev.example.com\n        BIG: "${"x".repeat(200 * 1024)}"\n`,
      );
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, stack);
    const grpc = aa(["check", "--stack-file", file, "--analyzer", "grpc", "--json"]);
    const inProcess = aa(["check", "--stack-file", file, "--json"]);
    assert.equal(grpc.code, 0, grpc.stderr);
    assert.equal(grpc.stdout, inProcess.stdout);
  });
});
