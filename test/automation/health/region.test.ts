import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../../automation/exitCodes";
import { apiServerGate } from "../../../automation/health/apiServer";
import { clusterTargetFromConfig } from "../../../automation/health/target";
import { parseEnvironment } from "../../../config/load";
import { clusterFixture, environmentFixture } from "../../_fixtures";
import { startFakeKube, TOKEN, type FakeKube } from "./_fakeKube";
import { targetFixture } from "./_fixtures";

/**
 * An `aws` on a path of its own, standing in for the AWS CLI: it writes the arguments it was run
 * with to a file and prints an ExecCredential, as `aws eks get-token` does.
 */
function fakeAws(dir: string): { command: string; calls: () => string[][] } {
  const log = path.join(dir, "calls.jsonl");
  const command = path.join(dir, "aws");
  const credential = JSON.stringify({
    apiVersion: "client.authentication.k8s.io/v1beta1",
    kind: "ExecCredential",
    status: { token: TOKEN },
  });
  fs.writeFileSync(
    command,
    `#!${process.execPath}\n` +
      `require("node:fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + "\\n");\n` +
      `process.stdout.write(${JSON.stringify(credential)});\n`,
    { mode: 0o755 },
  );
  const calls = () =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as string[])
      : [];
  return { command, calls };
}

/** A kubeconfig for the fake API server whose user runs `aws eks get-token` without a region. */
function getTokenKubeconfig(server: string, aws: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [
      {
        name: "c",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: aws,
            args: ["eks", "get-token", "--cluster-name", "prod-c-eks-0a1b2c3", "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: "c", context: { cluster: "c", user: "c" } }],
    "current-context": "c",
  });
}

describe("the health gates reach a cluster in its own region", () => {
  let kube: FakeKube | undefined;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-health-region-"));
  });
  afterEach(async () => {
    await kube?.close();
    kube = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("asks aws eks get-token for the token in the target's region", async () => {
    kube = await startFakeKube({});
    const aws = fakeAws(dir);
    const target = targetFixture(getTokenKubeconfig(kube.url, aws.command), {
      region: "us-west-2",
    });
    const result = await apiServerGate({ timeoutMs: 5000 }).check(target);
    assert.equal(result.ok, true, result.detail);
    assert.ok(aws.calls().length > 0, "the plugin ran");
    for (const args of aws.calls()) assert.deepEqual(args.slice(-2), ["--region", "us-west-2"]);
  });

  it("leaves the kubeconfig's own plugin as it is without a region", async () => {
    kube = await startFakeKube({});
    const aws = fakeAws(dir);
    const result = await apiServerGate({ timeoutMs: 5000 }).check(
      targetFixture(getTokenKubeconfig(kube.url, aws.command)),
    );
    assert.equal(result.ok, true, result.detail);
    for (const args of aws.calls()) assert.ok(!args.includes("--region"), args.join(" "));
  });

  it("takes the cluster's region from the deployed state, else from its config entry", () => {
    const { config } = parseEnvironment(
      "prod",
      environmentFixture({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("b", 1),
          clusterFixture("c", 2, { region: "us-west-2" }),
        ],
      }),
      "test",
    );
    const target = (cluster: string, region?: string) =>
      clusterTargetFromConfig({ config, cluster, kubeconfig: "x", ...(region ? { region } : {}) })
        .region;
    assert.equal(target("a", "us-east-1"), "us-east-1");
    assert.equal(target("a"), undefined);
    assert.equal(target("c"), "us-west-2");
    assert.throws(
      () => targetFixture("x", { region: "west" }),
      (err: Error) =>
        err instanceof UsageError &&
        /region "west" is not an AWS region name, e.g. "us-west-2"/.test(err.message),
    );
  });
});
