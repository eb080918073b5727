import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import YAML from "yaml";
import { UsageError } from "../../../automation/exitCodes";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import {
  StackCommandError,
  StackError,
  StackLockedError,
  StackNotFoundError,
  StackOutputsError,
} from "../../../automation/automationApi/errors";
import { fakePulumi, type FakePulumi } from "./_fakePulumiHarness";
import { clusterOutputFixture, clusterUrns, stackOutputsFixture } from "./_stackFixtures";

const PASSPHRASE_FILE = "/run/secrets/pulumi-passphrase";

describe("stack port on the Automation API (scripted pulumi)", () => {
  let fake: FakePulumi;
  const open = (environment = "dev") =>
    AutomationStack.open({
      environment,
      projectDir: fake.projectDir,
      pulumiCommand: fake.command,
      envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: PASSPHRASE_FILE },
    });

  beforeEach(async () => {
    fake = await fakePulumi();
  });
  afterEach(() => fake.cleanup());

  describe("opening an environment", () => {
    it("selects the stack in the project directory, non-interactively, with the given env", async () => {
      const stack = await open();
      assert.equal(stack.environment, "dev");
      assert.equal(stack.configFile, path.join(fake.projectDir, "stacks", "Pulumi.dev.yaml"));
      const [select] = fake.callsOf("stack", "select");
      assert.deepEqual(select.argv, ["stack", "select", "--stack", "dev", "--non-interactive"]);
      assert.equal(fs.realpathSync(select.cwd), fs.realpathSync(fake.projectDir));
      assert.equal(select.env.PULUMI_AUTOMATION_API, "true");
      assert.equal(select.env.PULUMI_CONFIG_PASSPHRASE_FILE, PASSPHRASE_FILE);
    });

    it("names the fix when the stack is not in the backend", async () => {
      await assert.rejects(open("prod"), (err: unknown) => {
        assert.ok(err instanceof StackNotFoundError);
        assert.match(
          err.message,
          /`pulumi stack select` for stack "prod" failed \(exit code 255\)/,
        );
        assert.match(err.message, /no stack named 'prod' found/);
        assert.match(err.message, /pulumi stack init prod/);
        return true;
      });
    });

    it("refuses an environment without a stack file before running pulumi", async () => {
      const before = fake.calls().length;
      await assert.rejects(open("qa"), (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, /no environment "qa".*known environments: dev, prod, staging/);
        return true;
      });
      assert.equal(fake.calls().length, before);
    });

    it("refuses a project directory without Pulumi.yaml", async () => {
      const dir = path.join(fake.projectDir, "stacks");
      await assert.rejects(
        AutomationStack.open({ environment: "dev", projectDir: dir, pulumiCommand: fake.command }),
        /is not a Pulumi project: .*Pulumi\.yaml does not exist/,
      );
    });

    it("runs the pulumi on PATH when no CLI is given, and refuses one too old for it", async () => {
      const onPath = await fakePulumi({ version: "3.1.0", skipVersionCheck: true });
      const before = process.env.PATH;
      process.env.PATH = `${path.join(onPath.root, "bin")}${path.delimiter}${before ?? ""}`;
      try {
        await assert.rejects(
          AutomationStack.open({ environment: "dev", projectDir: onPath.projectDir }),
          (err: unknown) => {
            assert.ok(err instanceof StackError);
            assert.match(err.message, /cannot use the Pulumi CLI for stack "dev": .*3\.1\.0/);
            return true;
          },
        );
        assert.deepEqual(
          onPath.calls().map((c) => c.argv[0]),
          ["version", "version"],
        );
      } finally {
        process.env.PATH = before;
        onPath.cleanup();
      }
    });

    it("says when the pulumi CLI cannot be started at all", async () => {
      fs.rmSync(path.join(fake.root, "bin", "pulumi"));
      await assert.rejects(open(), (err: unknown) => {
        assert.ok(err instanceof StackCommandError);
        assert.equal(err.exitCode, -2);
        assert.match(err.message, /could not run[\s\S]*ENOENT[\s\S]*Is the Pulumi CLI installed/);
        return true;
      });
    });
  });

  describe("config (desired state), through the CLI and the project's stackConfigDir", () => {
    it("reads one value by path, as `pulumi config get --path --json`", async () => {
      const stack = await open();
      assert.deepEqual(await stack.getConfig("active-active:clusters[1].weight", { path: true }), {
        secret: false,
        value: "1",
      });
      const [get] = fake.callsOf("config", "get");
      assert.deepEqual(get.argv, [
        "config",
        "get",
        "--path",
        "active-active:clusters[1].weight",
        "--json",
        "--stack",
        "dev",
        "--non-interactive",
      ]);
      assert.equal(fs.realpathSync(get.cwd), fs.realpathSync(fake.projectDir));
    });

    it("reads a whole map or list as its JSON", async () => {
      const stack = await open();
      const entry = await stack.getConfig("active-active:addons");
      assert.ok(entry && !entry.secret);
      assert.equal((JSON.parse(entry.value) as { coredns: string }).coredns, "v1.12.1-eksbuild.2");
    });

    it("is undefined for a key that is not set", async () => {
      const stack = await open();
      assert.equal(
        await stack.getConfig("active-active:clusters[1].pinned", { path: true }),
        undefined,
      );
    });

    it("sets a weight by path in stacks/Pulumi.<env>.yaml, as a number", async () => {
      const stack = await open();
      await stack.setConfig("active-active:clusters[1].weight", "0", { path: true });
      const [set] = fake.callsOf("config", "set");
      assert.deepEqual(set.argv, [
        "config",
        "set",
        "--path",
        "active-active:clusters[1].weight",
        "--stack",
        "dev",
        "--plaintext",
        "--non-interactive",
        "--",
        "0",
      ]);
      const written = YAML.parse(fake.stackFile("dev")) as {
        config: Record<string, Array<{ name: string; weight: number }>>;
      };
      assert.deepEqual(
        written.config["active-active:clusters"].map((c) => [c.name, c.weight]),
        [
          ["a", 1],
          ["b", 0],
          ["c", 1],
        ],
      );
      assert.equal(fs.existsSync(path.join(fake.projectDir, "Pulumi.dev.yaml")), false);
      assert.equal(
        (await stack.getConfig("active-active:clusters[1].weight", { path: true }))?.value,
        "0",
      );
    });

    it("removes a pinned value again", async () => {
      const stack = await open();
      await stack.setConfig("active-active:clusters[0].kubernetesVersion", "1.32", { path: true });
      await stack.removeConfig("active-active:clusters[0].kubernetesVersion", { path: true });
      const [rm] = fake.callsOf("config", "rm");
      assert.deepEqual(rm.argv, [
        "config",
        "rm",
        "active-active:clusters[0].kubernetesVersion",
        "--stack",
        "dev",
        "--path",
        "--non-interactive",
      ]);
      assert.equal(
        await stack.getConfig("active-active:clusters[0].kubernetesVersion", { path: true }),
        undefined,
      );
    });

    it("stores a secret with --secret and hands it back wrapped", async () => {
      const stack = await open();
      await stack.setConfig("active-active:probeToken", "tok-7f3a9c1e", { secret: true });
      assert.ok(fake.callsOf("config", "set")[0].argv.includes("--secret"));
      assert.doesNotMatch(fake.stackFile("dev"), /tok-7f3a9c1e/);
      const all = await stack.getAllConfig();
      const entry = all["active-active:probeToken"];
      assert.ok(entry.secret);
      assert.equal(entry.value.reveal(), "tok-7f3a9c1e");
      assert.doesNotMatch(inspect(all, { depth: 5 }), /tok-7f3a9c1e/);
      assert.equal(all["active-active:kubernetesVersion"].value, "1.33");
      assert.deepEqual(fake.callsOf("config", "--show-secrets")[0].argv.slice(0, 5), [
        "config",
        "--show-secrets",
        "--json",
        "--stack",
        "dev",
      ]);
    });

    it("surfaces a failed set with the CLI's reason, never the value", async () => {
      const stack = await open();
      fake.reply({
        match: ["config", "set"],
        exitCode: 255,
        stderr:
          "error: could not create a decrypter: passphrase must be set with " +
          "PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE environment variables\n",
      });
      await assert.rejects(
        stack.setConfig("active-active:probeToken", "tok-7f3a9c1e", { secret: true }),
        (err: unknown) => {
          assert.ok(err instanceof StackCommandError);
          assert.equal(err.command, "pulumi config set active-active:probeToken");
          assert.match(err.message, /passphrase must be set/);
          assert.doesNotMatch(err.message, /tok-7f3a9c1e/);
          return true;
        },
      );
    });
  });

  describe("outputs (deployed state)", () => {
    it("reads every cluster's deployed state, without the kubeconfigs", async () => {
      fake.setOutputs("dev", stackOutputsFixture("dev"));
      const stack = await open();
      const deployed = await stack.outputs();
      assert.equal(deployed?.environment, "dev");
      assert.deepEqual(deployed?.clusters[1], clusterOutputFixture({ name: "b" }));
      assert.doesNotMatch(JSON.stringify(deployed), /SECRET-TOKEN|kubeconfig/i);
    });

    it("is undefined for a stack that was never deployed", async () => {
      const stack = await open();
      assert.equal(await stack.outputs(), undefined);
    });

    it("names the output that is not this program's", async () => {
      const clusters = [
        clusterOutputFixture(),
        { ...clusterOutputFixture({ name: "b" }), generation: 7 },
      ];
      fake.setOutputs("dev", { ...stackOutputsFixture("dev"), clusters: { value: clusters } });
      const stack = await open();
      await assert.rejects(stack.outputs(), (err: unknown) => {
        assert.ok(err instanceof StackOutputsError);
        assert.match(err.message, /output clusters\[1\]\.generation: .*\(got 7\)/);
        assert.match(err.message, /pulumi up --stack dev/);
        return true;
      });
    });

    it("hands out kubeconfigs only through kubeconfigs(), as a secret", async () => {
      fake.setOutputs("dev", stackOutputsFixture("dev"));
      const stack = await open();
      const kubeconfigs = await stack.kubeconfigs();
      assert.equal(inspect(kubeconfigs), "[secret]");
      assert.equal(JSON.stringify({ kubeconfigs }), '{"kubeconfigs":"[secret]"}');
      assert.deepEqual(Object.keys(kubeconfigs.reveal()), ["a", "b", "c"]);
      assert.match(kubeconfigs.reveal().b, /SECRET-TOKEN-OF-b/);
    });
  });

  describe("failures", () => {
    const b = clusterUrns("dev", "b");

    it("reports a stack locked by another update (DIY backend) with its holder, once", async () => {
      const stack = await open();
      fake.reply({
        match: ["preview"],
        exitCode: 255,
        stderr:
          "error: the stack is currently locked by 1 lock(s). Either wait for the other " +
          "process(es) to end or delete the lock file with `pulumi cancel`.\n" +
          "  s3://acme-pulumi-state/.pulumi/locks/organization/active-active/dev/" +
          "4f1b2c3d-0000-4000-8000-000000000000.json: created by bob@ci-runner-3 (pid 285) " +
          "at 2026-11-25T17:40:00Z\n",
      });
      await assert.rejects(stack.preview(), (err: unknown) => {
        assert.ok(err instanceof StackLockedError);
        assert.equal(err.exitCode, 255);
        assert.match(err.message, /created by bob@ci-runner-3 \(pid 285\) at 2026-11-25T17:40:00Z/);
        assert.match(err.message, /another Pulumi operation holds the lock on stack "dev"/);
        return true;
      });
      assert.equal(fake.callsOf("preview").length, 1);
    });

    it("reports Pulumi Cloud's 409 conflict the same way, without retrying the update", async () => {
      const stack = await open();
      fake.reply({
        match: ["up"],
        exitCode: 255,
        stderr: "error: [409] Conflict: Another update is currently in progress.\n",
      });
      await assert.rejects(stack.up(), StackLockedError);
      assert.equal(fake.callsOf("up").length, 1);
    });

    it("surfaces a failed update's stderr and error diagnostics, with secrets cut out", async () => {
      fake.setOutputs("dev", stackOutputsFixture("dev"));
      const stack = await open();
      await stack.kubeconfigs(); // the adapter now knows the kubeconfigs, and must never show them
      const kubeconfigs = stackOutputsFixture("dev").kubeconfigs.value as Record<string, string>;
      const kubeconfig = JSON.parse(kubeconfigs.b) as unknown;
      fake.reply({
        match: ["up"],
        exitCode: 255,
        stdout: `Updating (dev):\n  kubeconfig: ${JSON.stringify(kubeconfig)}\n`,
        stderr: `error: update failed\n  provider config: ${JSON.stringify(kubeconfig)}\n`,
        events: [
          { preludeEvent: { config: {} } },
          {
            diagnosticEvent: {
              urn: b.nodes,
              prefix: "error: ",
              message:
                "creating EKS Node Group (dev-b-nodes): InvalidParameterException: " +
                "Requested Nodegroup release version 1.34 is invalid\n",
              color: "never",
              severity: "error",
            },
          },
          {
            resOpFailedEvent: {
              metadata: { op: "update", urn: b.nodes, type: "aws:eks/nodeGroup:NodeGroup" },
              status: 1,
              steps: 1,
            },
          },
          {
            summaryEvent: {
              maybeCorrupt: false,
              durationSeconds: 30,
              resourceChanges: { same: 10 },
              PolicyPacks: {},
            },
          },
          { cancelEvent: {} },
        ],
      });
      await assert.rejects(stack.up(), (err: unknown) => {
        assert.ok(err instanceof StackCommandError && !(err instanceof StackLockedError));
        assert.equal(err.exitCode, 255);
        assert.match(err.message, /`pulumi up` for stack "dev" failed \(exit code 255\)/);
        assert.match(err.message, /Requested Nodegroup release version 1\.34 is invalid/);
        assert.match(err.message, /error: update failed/);
        assert.doesNotMatch(err.message, /SECRET-TOKEN|LS0tLS1CRUdJTi|Updating \(dev\)/);
        return true;
      });
    });
  });

  it("never writes a kubeconfig or secret config value to the terminal", async () => {
    fake.setOutputs("dev", stackOutputsFixture("dev"));
    const written: string[] = [];
    const restore = capture(written);
    try {
      const stack = await open();
      await stack.outputs();
      await stack.kubeconfigs();
      await stack.setConfig("active-active:probeToken", "tok-7f3a9c1e", { secret: true });
      await stack.getAllConfig();
      fake.reply({ match: ["up"], outputs: stackOutputsFixture("dev") });
      const result = await stack.up();
      written.push(inspect(result, { depth: 10 }), JSON.stringify(result));
    } finally {
      restore();
    }
    assert.ok(written.length > 0);
    assert.doesNotMatch(written.join("\n"), /SECRET-TOKEN|LS0tLS1CRUdJTi|tok-7f3a9c1e/);
  });
});

/** Records everything written to stdout, stderr and the console until the returned restore(). */
function capture(into: string[]): () => void {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept only to be put back as they were
  const consoleBefore = methods.map((m) => console[m]);
  const record = (chunk: unknown) => {
    into.push(String(chunk));
    return true;
  };
  process.stdout.write = record;
  process.stderr.write = record;
  for (const m of methods)
    console[m] = (...args: unknown[]) => void into.push(args.map(String).join(" "));
  return () => {
    process.stdout.write = out;
    process.stderr.write = err;
    methods.forEach((m, i) => (console[m] = consoleBefore[i]));
  };
}
