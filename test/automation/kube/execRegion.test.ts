import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { writeKubeconfig } from "../../../automation/commands/kubeconfig";
import { clusterAccessFromStack } from "../../../automation/kube/clusterAccess";
import { withExecRegion } from "../../../automation/kube/execRegion";
import { fakePulumi, type FakePulumi } from "../automationApi/_fakePulumiHarness";
import { clusterOutputFixture } from "../automationApi/_stackFixtures";
import { bufferIo } from "./_kubeEnv";
import { eksKubeconfig } from "./_kubeconfigFixtures";

/** The exec user of a kubeconfig as @pulumi/eks before 3.0 wrote it: no region. */
const noRegion = () => ({
  exec: {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command: "aws",
    args: ["eks", "get-token", "--cluster-name", "prod-c-eks-0a1b2c3", "--output", "json"],
    env: [{ name: "KUBERNETES_EXEC_INFO", value: "{}" }],
  },
});

const argsOf = (user: Record<string, unknown>) => (user.exec as { args: string[] }).args;

describe("the region a kubeconfig's aws eks get-token asks in", () => {
  it("adds the cluster's region to a get-token that names none, without changing its argument", () => {
    const user = noRegion();
    const pinned = withExecRegion(user, "us-west-2");
    assert.deepEqual(argsOf(pinned).slice(-2), ["--region", "us-west-2"]);
    assert.equal(argsOf(user).includes("--region"), false, "the argument is left as it was");
  });

  it("leaves a plugin that names its region (argument or env), another plugin, a token, or no region", () => {
    const asEks = {
      exec: { ...noRegion().exec, args: ["--region", "us-west-2", ...noRegion().exec.args] },
    };
    const byEquals = {
      exec: { ...noRegion().exec, args: [...noRegion().exec.args, "--region=eu-west-1"] },
    };
    const byEnv = {
      exec: { ...noRegion().exec, env: [{ name: "AWS_REGION", value: "eu-west-1" }] },
    };
    const other = { exec: { command: "aws-iam-authenticator", args: ["token", "-i", "c"] } };
    const token = { token: "abc" };
    for (const user of [asEks, byEquals, byEnv, other, token]) {
      assert.equal(withExecRegion(user, "us-west-2"), user);
    }
    assert.equal(withExecRegion(noRegion(), undefined).exec.args.includes("--region"), false);
  });

  it("gives every cluster's kube context its own region, from the clusters output", () => {
    const access = clusterAccessFromStack(
      "prod",
      { a: eksKubeconfig("prod", "a"), c: eksKubeconfig("prod", "c") },
      { a: "us-east-1", c: "us-west-2" },
    );
    assert.deepEqual(
      access.map((a) => [a.context, argsOf(a.userEntry.user).slice(-2)]),
      [
        ["prod-a", ["--region", "us-east-1"]],
        ["prod-c", ["--region", "us-west-2"]],
      ],
    );
  });

  describe("aa kubeconfig with a cluster in another region", () => {
    let pulumi: FakePulumi;
    let home: string;
    before(async () => {
      pulumi = await fakePulumi({ stacks: ["dev", "staging", "prod"] });
      home = fs.mkdtempSync(path.join(os.tmpdir(), "aa-kubeconfig-region-"));
    });
    after(() => {
      pulumi.cleanup();
      fs.rmSync(home, { recursive: true, force: true });
    });

    it("writes each context with its cluster's region, read from the stack outputs", async () => {
      pulumi.setOutputs("prod", {
        environment: { value: "prod" },
        clusters: {
          value: [
            clusterOutputFixture({ name: "a", region: "us-east-1" }),
            clusterOutputFixture({ name: "c", region: "us-west-2" }),
          ],
        },
        kubeconfigs: {
          value: { a: eksKubeconfig("prod", "a"), c: eksKubeconfig("prod", "c") },
          secret: true,
        },
      });
      await writeKubeconfig(
        "prod",
        {},
        {
          io: bufferIo(),
          env: { HOME: home },
          cwd: pulumi.projectDir,
          projectDir: pulumi.projectDir,
          pulumiCommand: pulumi.command,
        },
      );
      const written = YAML.parse(fs.readFileSync(path.join(home, ".kube", "config"), "utf8")) as {
        users: { name: string; user: { exec: { args: string[] } } }[];
      };
      assert.deepEqual(
        written.users.map((u) => [u.name, u.user.exec.args.slice(-2)]),
        [
          ["prod-a", ["--region", "us-east-1"]],
          ["prod-c", ["--region", "us-west-2"]],
        ],
      );
    });
  });
});
