import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../../automation/exitCodes";
import {
  STACK_CONFIG_FILE_ENV,
  packEnvironment,
  startPolicyPack,
} from "../../../automation/policy/packProcess";
import { PACKAGE_DIR } from "../../../automation/project";

const context = {
  project: "acme",
  stack: "prod",
  dryRun: true,
  config: { "aws:region": "eu-west-1" },
};

/** Writes a scripted policy pack below the package, so it resolves @pulumi/pulumi like ours. */
function scriptedPack(root: string, name: string, indexJs: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(path.join(dir, "package.json"), '{"name":"fake","version":"1.0.0"}\n');
  fs.writeFileSync(path.join(dir, "index.js"), indexJs);
  return dir;
}

describe("starting a policy pack as the Pulumi CLI does", () => {
  let root: string;
  before(() => {
    fs.mkdirSync(path.join(PACKAGE_DIR, ".aa-scratch"), { recursive: true });
    root = fs.mkdtempSync(path.join(PACKAGE_DIR, ".aa-scratch", "packs-"));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("gives the pack the CLI's environment: stack, project, dry run and config", () => {
    const env = packEnvironment({ PATH: "/bin" }, context);
    assert.equal(env.PATH, "/bin");
    assert.equal(env.PULUMI_NODEJS_PROJECT, "acme");
    assert.equal(env.PULUMI_PROJECT, "acme");
    assert.equal(env.PULUMI_NODEJS_STACK, "prod");
    assert.equal(env.PULUMI_STACK, "prod");
    assert.equal(env.PULUMI_NODEJS_DRY_RUN, "true");
    assert.equal(env.PULUMI_DRY_RUN, "true");
    assert.equal(env.PULUMI_NODEJS_ORGANIZATION, undefined, "empty values are left out");
  });

  it("passes the config in a file, never in an environment variable (which has a size limit)", () => {
    const inherited = {
      PATH: "/bin",
      PULUMI_CONFIG: '{"x:y":"z"}',
      PULUMI_CONFIG_SECRET_KEYS: "[]",
    };
    const env = packEnvironment(inherited, context, "/tmp/aa-pack-config-x/config.json");
    assert.equal(env.PULUMI_CONFIG, undefined, "not even one inherited from aa's own environment");
    assert.equal(env.PULUMI_CONFIG_SECRET_KEYS, undefined);
    assert.equal(env[STACK_CONFIG_FILE_ENV], "/tmp/aa-pack-config-x/config.json");
    assert.equal(packEnvironment({}, context)[STACK_CONFIG_FILE_ENV], undefined);
  });

  it("gives the pack's runtime a config far beyond an environment variable's limit, then removes its file", async () => {
    const loader = require.resolve("../../../policies/stackConfigFile");
    const dir = scriptedPack(
      root,
      "config-reading",
      `const fs = require("fs");
       require(${JSON.stringify(loader)}).loadStackConfigFile(process.env);
       const file = process.env.AA_PACK_STACK_CONFIG_FILE;
       fs.writeFileSync(__dirname + "/seen.json", JSON.stringify({
         file, mode: fs.statSync(file).mode & 0o777,
         config: require("@pulumi/pulumi").runtime.allConfig() }));
       console.log("40124");
       setInterval(() => {}, 1000);`,
    );
    // One value of 300 KiB: as an environment variable, spawn fails with E2BIG on Linux.
    const big = { "aws:region": "eu-west-1", "active-active:services": "x".repeat(300 * 1024) };
    const pack = await startPolicyPack(dir, { ...context, config: big });
    let seen: { file: string; mode: number; config: Record<string, string> };
    try {
      seen = JSON.parse(fs.readFileSync(path.join(dir, "seen.json"), "utf8")) as typeof seen;
      assert.deepEqual(seen.config, big);
      assert.equal(seen.mode, 0o600, "only this user can read it");
    } finally {
      await pack.close();
    }
    assert.equal(fs.existsSync(seen.file), false, "removed when the pack is closed");
    assert.equal(fs.existsSync(path.dirname(seen.file)), false);
  });

  it("runs the pack with node through run-policy-pack in its own directory and reads its port", async () => {
    const dir = scriptedPack(
      root,
      "recording",
      `require("fs").writeFileSync(__dirname + "/started.json", JSON.stringify({
         cwd: process.cwd(), stack: process.env.PULUMI_NODEJS_STACK }));
       console.log("40123");
       setInterval(() => {}, 1000);`,
    );
    const pack = await startPolicyPack(dir, context);
    try {
      assert.equal(pack.port, 40123);
      const started = JSON.parse(fs.readFileSync(path.join(dir, "started.json"), "utf8")) as {
        cwd: string;
        stack: string;
      };
      assert.equal(fs.realpathSync(started.cwd), fs.realpathSync(dir));
      assert.equal(started.stack, "prod");
    } finally {
      await pack.close();
    }
  });

  it("fails with the pack's own output when it writes something else than a port", async () => {
    const dir = scriptedPack(root, "chatty", `console.log("hello"); setInterval(() => {}, 1000);`);
    await assert.rejects(
      startPolicyPack(dir, context),
      /wrote a non-numeric port to stdout \("hello"\)/,
    );
  });

  it("fails with the pack's stderr when it exits before announcing a port", async () => {
    const dir = scriptedPack(root, "broken", `throw new Error("policy pack exploded");`);
    await assert.rejects(
      startPolicyPack(dir, context),
      (err: Error) => /exited/.test(err.message) && /policy pack exploded/.test(err.message),
    );
  });

  it("refuses a directory without PulumiPolicy.yaml with a usage error", async () => {
    await assert.rejects(
      startPolicyPack(root, context),
      (err: Error) => err instanceof UsageError && /has no PulumiPolicy.yaml/.test(err.message),
    );
  });
});
