import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadEnvironment } from "../../../automation/environment";
import { buildStatus } from "../../../automation/commands/status";
import { apiServerGate } from "../../../automation/health";
import { SECRET_FIELDS, SECRET_MARKER } from "../../../automation/redact/redactor";
import { ClusterTargets, GateHealth } from "../../../automation/rollout/production";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import type { StackEvent } from "../../../automation/automationApi/events";
import { ROOT } from "../../_cli";
import { startFakeKube, status, TOKEN, type FakeKube } from "../health/_fakeKube";
import { targetFixture } from "../health/_fixtures";
import { kubeEnvironment, type KubeEnvironment } from "../kube/_kubeEnv";
import { fakePulumi, type FakePulumi } from "../automationApi/_fakePulumiHarness";
import { clusterOutputFixture } from "../automationApi/_stackFixtures";

/**
 * One secret of every shape the redactor knows: the value of each of its secret fields (the token
 * is the one the fake API server accepts) and an exec plugin's environment value. None looks like
 * a credential (no PEM, no long base64, no known prefix), so only the one list can cut them: an
 * output path with a list of its own, or none, lets one through.
 */
const SHAPES: readonly { shape: string; value: string }[] = [
  ...SECRET_FIELDS.map((field) => ({
    shape: field,
    value: field === "token" ? TOKEN : `${field}-value-0a1b2c3d`,
  })),
  { shape: "exec plugin env value", value: "exec-env-value-0a1b2c3d" },
];

const valueOf = (shape: string) => SHAPES.find((s) => s.shape === shape)!.value;

/**
 * A kubeconfig (JSON, as @pulumi/eks exports it) that holds every shape: the CA data on its
 * cluster, the rest on its user, whose exec plugin prints the token the fake API server accepts.
 */
function kubeconfigWithEverySecret(server: string): string {
  const credential = JSON.stringify({
    apiVersion: "client.authentication.k8s.io/v1beta1",
    kind: "ExecCredential",
    status: { token: TOKEN },
  });
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "kubernetes",
        cluster: {
          server,
          "insecure-skip-tls-verify": true,
          "certificate-authority-data": valueOf("certificate-authority-data"),
        },
      },
    ],
    users: [
      {
        name: "aws",
        user: {
          ...Object.fromEntries(
            SECRET_FIELDS.filter((f) => f !== "certificate-authority-data").map((f) => [
              f,
              valueOf(f),
            ]),
          ),
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: process.execPath,
            args: ["-e", `process.stdout.write(${JSON.stringify(credential)})`],
            env: [{ name: "AWS_SECRET_ACCESS_KEY", value: valueOf("exec plugin env value") }],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
    "current-context": "aws",
  });
}

/** How a secret is echoed into an output: labelled, so the test sees what took its place. */
const echo = (s: { shape: string; value: string }) => `<${s.shape}> ${s.value} .`;
const ECHO_ALL = SHAPES.map(echo).join(" ");

/** One `it` per shape: its value never reaches the output, the marker stands in its place. */
function cutsEveryShape(outputFor: (shape: string) => string): void {
  for (const s of SHAPES) {
    it(`cuts ${s.shape}`, () => {
      const text = outputFor(s.shape);
      assert.ok(!text.includes(s.value), `${s.shape} reached the output:\n${text}`);
      assert.ok(text.includes(`<${s.shape}> ${SECRET_MARKER} .`), text);
    });
  }
}

describe("every output path cuts the same secrets, with the same marker", () => {
  let kube: FakeKube;
  let pulumi: FakePulumi;
  before(async () => {
    kube = await startFakeKube({});
    pulumi = await fakePulumi();
    pulumi.setOutputs("dev", {
      environment: { value: "dev" },
      clusters: { value: [clusterOutputFixture({ name: "a" })] },
      kubeconfigs: { value: { a: kubeconfigWithEverySecret(kube.url) }, secret: true },
    });
  });
  after(async () => {
    await kube.close();
    pulumi.cleanup();
  });

  /** Makes the fake API server answer /version with a 500 that echoes one shape. */
  const echoFromApiServer = (shape: string) => {
    const s = SHAPES.find((x) => x.shape === shape)!;
    kube.state.overrides = { "/version": () => status(500, echo(s)) };
  };

  describe("the stack adapter's errors and engine events", () => {
    let error = "";
    let events = "";
    before(async () => {
      const stack = await AutomationStack.open({
        environment: "dev",
        projectDir: pulumi.projectDir,
        pulumiCommand: pulumi.command,
      });
      await stack.kubeconfigs(); // the adapter has read them: it must never show them
      pulumi.reply({
        match: ["up"],
        exitCode: 255,
        stderr: `error: provider said ${ECHO_ALL}\n`,
        events: [
          { preludeEvent: { config: {} } },
          {
            diagnosticEvent: {
              prefix: "error: ",
              message: `provider said ${ECHO_ALL}\n`,
              color: "never",
              severity: "error",
            },
          },
          {
            summaryEvent: {
              maybeCorrupt: false,
              durationSeconds: 1,
              resourceChanges: {},
              PolicyPacks: {},
            },
          },
          { cancelEvent: {} },
        ],
      });
      const seen: StackEvent[] = [];
      await assert.rejects(stack.up({ onEvent: (e) => seen.push(e) }), (err: Error) => {
        error = err.message;
        return true;
      });
      events = JSON.stringify(seen);
      assert.ok(events.includes("provider said"), "the diagnostic event came through");
    });

    describe("error", () => cutsEveryShape(() => error));
    describe("events", () => cutsEveryShape(() => events));
  });

  describe("a health gate's detail and observed data", () => {
    const results = new Map<string, string>();
    before(async () => {
      const gate = apiServerGate({ timeoutMs: 5000 });
      const target = targetFixture(kubeconfigWithEverySecret(kube.url));
      for (const { shape } of SHAPES) {
        echoFromApiServer(shape);
        results.set(shape, JSON.stringify(await gate.check(target)));
      }
    });
    cutsEveryShape((shape) => results.get(shape)!);
  });

  describe("aa status", () => {
    const reports = new Map<string, string>();
    before(async () => {
      const loaded = loadEnvironment("dev", undefined);
      const stack = await AutomationStack.open({
        environment: "dev",
        projectDir: pulumi.projectDir,
        pulumiCommand: pulumi.command,
      });
      const deployed = await stack.outputs();
      const previous = { clusters: deployed?.clusters ?? [], rollout: null };
      const targets = new ClusterTargets(loaded, stack, () => deployed);
      const health = new GateHealth(targets, [apiServerGate({ timeoutMs: 5000 })]);
      for (const { shape } of SHAPES) {
        echoFromApiServer(shape);
        const report = await buildStatus(loaded, previous, null, health, undefined);
        assert.equal(report.clusters[0].health?.ok, false, "the gate saw the echo");
        reports.set(shape, JSON.stringify(report));
      }
    });
    cutsEveryShape((shape) => reports.get(shape)!);
  });

  describe("aa kubectl's output", () => {
    let env: KubeEnvironment;
    let output = "";
    before(async () => {
      env = await kubeEnvironment(["a"]);
      env.pulumi.setOutputs("dev", {
        environment: { value: "dev" },
        clusters: { value: [clusterOutputFixture({ name: "a" })] },
        kubeconfigs: { value: { a: kubeconfigWithEverySecret(kube.url) }, secret: true },
      });
      env.kubectl.script({ default: { stdout: `${ECHO_ALL}\n`, stderr: `${ECHO_ALL}\n` } });
      const text = await env.run("dev", ["get", "pods"]);
      const json = await env.run("dev", ["get", "pods"], { json: true });
      const lines = await env.run("dev", ["logs", "-f", "deploy/web"]);
      for (const r of [text, json, lines]) assert.equal(r.code, 0, r.error?.message ?? r.stderr);
      output = [text, json, lines].map((r) => r.stdout + r.stderr).join("\n");
    });
    after(() => env.cleanup());
    cutsEveryShape(() => output);
  });
});

describe("no second redactor", () => {
  /** Production source outside automation/redact/, without comments. */
  function sources(): { file: string; code: string }[] {
    const roots = ["automation", "components", "config", "graph", "policies"];
    const files = roots.flatMap((root) =>
      (fs.readdirSync(path.join(ROOT, root), { recursive: true }) as string[])
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(root, f)),
    );
    return files
      .filter((f) => !f.startsWith(path.join("automation", "redact") + path.sep))
      .map((file) => ({
        file,
        code: fs
          .readFileSync(path.join(ROOT, file), "utf8")
          .replace(/\/\*[\s\S]*?\*\//g, "")
          .replace(/^\s*\/\/.*$/gm, ""),
      }));
  }

  it("has every other module use the one marker instead of spelling its own", () => {
    const spelled = sources().filter(({ code }) => /\[secret\]|\[redacted\]/.test(code));
    assert.deepEqual(
      spelled.map((s) => s.file),
      [],
      "import SECRET_MARKER from automation/redact",
    );
  });

  it("keeps the list of secret fields in automation/redact only", () => {
    // Fields only a list of secrets names (a kubeconfig generator writes the CA data, not these).
    const onlyInAList =
      /["'](client-key-data|id-token|refresh-token|client-secret|aws_session_token)["']/;
    const listed = sources().filter(({ code }) => onlyInAList.test(code));
    assert.deepEqual(
      listed.map((s) => s.file),
      [],
      "add secret fields to SECRET_FIELDS in automation/redact/redactor.ts",
    );
  });
});
