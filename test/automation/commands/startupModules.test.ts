import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../_cli";
import { deployedEnvironmentExport } from "../stackExport/_exportFixture";

/** Packages `aa check --state` must not load: it evaluates plain data, in-process. */
const NOT_NEEDED = [
  "@pulumi/pulumi",
  "@pulumi/policy",
  "@pulumi/aws",
  "@pulumi/eks",
  "@pulumi/kubernetes",
  "@aws-sdk/",
  "@kubernetes/client-node",
  "@grpc/grpc-js",
  "google-protobuf",
  "zod",
  "yaml/", // --json names no file, so no stack file or project is read
];

/** The modules a run of `aa` loaded, as the process saw them when it exited. */
function modulesLoadedBy(args: string[], dir: string): { code: number | null; modules: string[] } {
  const out = path.join(dir, "modules.json");
  const preload = path.join(dir, "record-modules.js");
  fs.writeFileSync(
    preload,
    `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(out)}, ` +
      "JSON.stringify(Object.keys(require.cache))));\n",
  );
  const run = spawnSync(
    process.execPath,
    ["-r", preload, path.join(ROOT, "dist", "automation", "cli.js"), ...args],
    { cwd: dir, encoding: "utf8", env: { ...process.env, AA_DEBUG: "" } },
  );
  return { code: run.status, modules: JSON.parse(fs.readFileSync(out, "utf8")) as string[] };
}

describe("aa start-up loads only what the command needs", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-modules-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("check --state loads neither the Pulumi runtime, the cloud SDKs, gRPC, the config schemas nor YAML", () => {
    fs.writeFileSync(
      path.join(dir, "prod.json"),
      JSON.stringify(deployedEnvironmentExport().document()),
    );
    const { code, modules } = modulesLoadedBy(["check", "--state", "prod.json", "--json"], dir);
    assert.equal(code, 1, "the fixture has mandatory violations");
    assert.ok(modules.some((m) => m.includes(`${path.sep}policies${path.sep}`)));
    const loaded = modules.filter((m) => NOT_NEEDED.some((p) => m.includes(`node_modules/${p}`)));
    assert.deepEqual(loaded, []);
  });

  it("aa --version prints the version and loads no command", () => {
    const { code, modules } = modulesLoadedBy(["--version"], dir);
    assert.equal(code, 0);
    assert.deepEqual(
      modules.filter((m) => m.includes(`${path.sep}commands${path.sep}`)),
      [],
      "no command module",
    );
    const version = spawnSync(
      process.execPath,
      [path.join(ROOT, "dist", "automation", "cli.js"), "-V"],
      {
        encoding: "utf8",
      },
    );
    assert.equal(
      version.stdout.trim(),
      (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string })
        .version,
    );
  });

  it("the bin is an executable program (npx and npm's bin links run it as one)", () => {
    const bin = path.join(ROOT, "dist", "automation", "cli.js");
    fs.accessSync(bin, fs.constants.X_OK);
    const run = spawnSync(bin, ["--version"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it("check --state loads gRPC when asked to serve the pack (--analyzer grpc)", () => {
    const { modules } = modulesLoadedBy(
      ["check", "--state", "prod.json", "--json", "--analyzer", "grpc"],
      dir,
    );
    assert.ok(modules.some((m) => m.includes("node_modules/@grpc/grpc-js")));
  });
});
