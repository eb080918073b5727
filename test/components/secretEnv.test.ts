import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { runOffline, type OfflineResult } from "../../automation/offline/evaluate";
import { planClusters } from "../../config/clusters";
import { parseEnvironment } from "../../config/load";
import { fingerprintOf, secretsFromEngine } from "../../config/secretEnv";
import { main } from "../../program";
import { aa } from "../_cli";
import { environmentFixture, serviceFixture, stackConfigFixture } from "../_fixtures";

const CIPHERTEXT = "v1:q8yV1N3u4lKJ0pWc:Kx0M4bX7ZbqkJ0dYqzS5uQ==";
const PLAINTEXT = "hunter2-s3cret-value";

/** The fixture environment with one secret env value, as a stack file holds it. */
const withSecret = () =>
  environmentFixture({
    services: [serviceFixture({ env: { LOG_LEVEL: "info", DB_PASSWORD: { secure: CIPHERTEXT } } })],
  });

/** A Pulumi project with that stack file, as `pulumi up` runs in. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-secret-"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: active-active\nruntime: nodejs\nstackConfigDir: stacks\n",
  );
  fs.mkdirSync(path.join(dir, "stacks"));
  fs.writeFileSync(
    path.join(dir, "stacks", "Pulumi.test.yaml"),
    YAML.stringify({ config: stackConfigFixture(withSecret()) }),
  );
  return dir;
}

/** The program run as `aa check` runs it: the stack file as written. */
function offline(): Promise<OfflineResult> {
  return runOffline({
    project: "active-active",
    stack: "test",
    config: stackConfigFixture(withSecret()),
    program: main,
  });
}

/**
 * The program run as `pulumi up` runs it: the config decrypted, `active-active:services` marked
 * secret, the project's root directory set.
 */
async function underEngine(root: string | undefined): Promise<OfflineResult> {
  const config = stackConfigFixture(withSecret());
  const services = config["active-active:services"] as { env: Record<string, unknown> }[];
  services[0].env.DB_PASSWORD = PLAINTEXT;
  const saved = process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
  process.env.PULUMI_NODEJS_ROOT_DIRECTORY = root ?? fs.mkdtempSync(path.join(os.tmpdir(), "aa-"));
  try {
    return await runOffline({
      project: "active-active",
      stack: "test",
      config,
      secretKeys: ["active-active:services"],
      program: main,
    });
  } finally {
    if (saved === undefined) delete process.env.PULUMI_NODEJS_ROOT_DIRECTORY;
    else process.env.PULUMI_NODEJS_ROOT_DIRECTORY = saved;
  }
}

describe("secret env values", () => {
  it("become a Secret per cluster, on that cluster's provider, read by its Deployment", async () => {
    const run = await offline();
    assert.equal(run.error, undefined, String(run.error));
    const secrets = run.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    assert.deepEqual(
      secrets.map((s) => s.provider?.split("::").pop()),
      ["test-a-k8s", "test-b-k8s", "test-c-k8s"],
    );
    for (const s of secrets) {
      assert.equal(s.inputs.stringData, "[secret]", "a Pulumi secret in the graph");
      assert.deepEqual((s.inputs.metadata as { name: string }).name, "api-env");
    }
    const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
    const template = (deployment.inputs.spec as { template: Record<string, unknown> }).template;
    const container = (template.spec as { containers: { env: unknown[] }[] }).containers[0];
    assert.deepEqual(container.env, [
      { name: "LOG_LEVEL", value: "info" },
      {
        name: "DB_PASSWORD",
        valueFrom: { secretKeyRef: { key: "DB_PASSWORD", name: "api-env" } },
      },
    ]);
    assert.ok(deployment.dependencies.some((d) => d.includes("kubernetes:core/v1:Secret")));
    assert.match(
      (template.metadata as { annotations: Record<string, string> }).annotations[
        "active-active/secret-env"
      ],
      /^[0-9a-f]{12}$/,
    );
  });

  it("are recorded by the fingerprint of their ciphertext, never by value or ciphertext", () => {
    const [a] = planClusters(parseEnvironment("test", withSecret(), "test").config);
    assert.deepEqual(a.settings.services[0].env, {
      DB_PASSWORD: { secure: fingerprintOf(CIPHERTEXT) },
      LOG_LEVEL: "info",
    });
    assert.ok(!JSON.stringify(a).includes(CIPHERTEXT));
  });

  it("under pulumi up: the same graph and generations, and the value reaches nothing recorded", async () => {
    const engine = await underEngine(project());
    assert.equal(engine.error, undefined, String(engine.error));
    const recorded = JSON.stringify({ resources: engine.resources, outputs: engine.outputs });
    assert.ok(!recorded.includes(PLAINTEXT), "the value is nowhere in the graph or outputs");
    assert.ok(!recorded.includes(CIPHERTEXT), "nor the ciphertext");
    const off = await offline();
    const digest = (r: OfflineResult) =>
      JSON.stringify(r.resources.map((n) => [n.urn, n.inputs, n.dependencies]));
    assert.equal(digest(engine), digest(off));
    const generations = (r: OfflineResult) =>
      (r.outputs.clusters as { generation: string }[]).map((c) => c.generation);
    assert.deepEqual(generations(engine), generations(off));
  });

  it("under pulumi up without the stack file: one error saying where secrets are read", async () => {
    const run = await underEngine(undefined);
    assert.match(
      String(run.error),
      /active-active:services is secret, but the stack file of test holds no secret under services\[\]\.env/,
    );
  });

  it("keep aa check's report and SARIF free of them, and it passes", () => {
    const dir = project();
    const file = path.join(dir, "stacks", "Pulumi.test.yaml");
    const sarif = path.join(dir, "out.sarif");
    const r = aa(["check", "--stack-file", file, "--json", "--sarif", sarif]);
    assert.equal(r.code, 0, r.stderr);
    for (const text of [r.stdout, r.stderr, fs.readFileSync(sarif, "utf8")]) {
      assert.ok(!text.includes(CIPHERTEXT));
    }
    assert.match(r.stdout, /"DB_PASSWORD":\{"secure":"sha256:[0-9a-f]{16}"\}/);
  });

  it("make a new secret one release per cluster, named but never shown in plans and events", () => {
    const dir = project();
    const file = path.join(dir, "stacks", "Pulumi.test.yaml");
    // What was deployed before the secret was set again: the same config, another ciphertext.
    const before = YAML.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    const services = before.config["active-active:services"] as { env: Record<string, unknown> }[];
    services[0].env.DB_PASSWORD = { secure: "v1:an-older-ciphertext" };
    const old = path.join(dir, "stacks", "Pulumi.old.yaml");
    fs.writeFileSync(old, YAML.stringify(before));
    const checked = aa(["check", "--stack-file", old, "--json"]);
    assert.equal(checked.code, 0, checked.stderr);
    const deployed = path.join(dir, "deployed.json");
    fs.writeFileSync(
      deployed,
      JSON.stringify((JSON.parse(checked.stdout) as { outputs: unknown }).outputs),
    );

    const planned = aa(["plan", "--stack-file", file, "--deployed", deployed, "--json"]);
    assert.equal(planned.code, 0, planned.stderr);
    const plan = JSON.parse(planned.stdout) as {
      steps: { cluster: string; kind: string; changes: string[] }[];
    };
    assert.deepEqual(
      plan.steps.map((s) => [s.cluster, s.kind, s.changes]),
      ["a", "b", "c"].map((c) => [c, "release", ["service api env (DB_PASSWORD changed)"]]),
    );
    const rehearsal = aa([
      "rollout",
      "--stack-file",
      file,
      "--simulate",
      "--deployed",
      deployed,
      "--json",
    ]);
    assert.equal(rehearsal.code, 0, rehearsal.stderr);
    for (const text of [planned.stdout, rehearsal.stdout, rehearsal.stderr]) {
      assert.ok(!text.includes(CIPHERTEXT) && !text.includes("an-older-ciphertext"));
    }
  });

  it("refuses, under pulumi up, a secret anywhere but an env value", () => {
    const fileRaw = {
      services: [{ name: "api", image: { secure: "v1:x" }, env: { A: { secure: "v1:y" } } }],
    };
    assert.throws(
      () =>
        secretsFromEngine(
          { services: [{ name: "api", image: "i", env: { A: "a" } }] },
          fileRaw,
          true,
          (v) => v,
          "stacks/Pulumi.test.yaml",
        ),
      /stacks\/Pulumi\.test\.yaml holds a secret at active-active:services\[0\]\.image; only services\[\]\.env values may be secret/,
    );
  });

  it("refuses another kind of value with the way to set a secret", () => {
    assert.throws(
      () =>
        parseEnvironment(
          "test",
          environmentFixture({ services: [serviceFixture({ env: { PORT: 8080 } })] }),
          "Pulumi.test.yaml",
        ),
      /services\[0\]\.env\.PORT: expected a string value, got 8080; quote it \(a secret is set with `pulumi config set --secret --path/,
    );
  });
});
