import { KubeConfig } from "@kubernetes/client-node";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import {
  renderKubeconfigSummary,
  writeKubeconfig,
  type KubeconfigDeps,
} from "../../../automation/commands/kubeconfig";
import { UsageError } from "../../../automation/exitCodes";
import type { KubeconfigDoc } from "../../../automation/kube/kubeconfigDoc";
import { StackOutputsError } from "../../../automation/automationApi/errors";
import { fakePulumi, type FakePulumi } from "../automationApi/_fakePulumiHarness";
import { clusterOutputFixture } from "../automationApi/_stackFixtures";
import { bufferIo } from "./_kubeEnv";
import { eksKubeconfig, fixtureCa, fixtureToken, userKubeconfig } from "./_kubeconfigFixtures";

/** The stack outputs of dev with these clusters, kubeconfigs (static tokens) as a secret. */
function outputs(clusters: string[]) {
  return {
    environment: { value: "dev" },
    clusters: { value: clusters.map((name) => clusterOutputFixture({ name })) },
    kubeconfigs: {
      value: Object.fromEntries(
        clusters.map((c) => [c, eksKubeconfig("dev", c, { auth: "token" })]),
      ),
      secret: true,
    },
  };
}

const SECRETS = ["a", "b", "c", "d"].flatMap((c) => [fixtureToken("dev", c), fixtureCa(c)]);

function assertNoSecret(text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), "a credential was printed");
}

describe("aa kubeconfig (stack outputs from a scripted pulumi)", () => {
  let pulumi: FakePulumi;
  let home: string;
  before(async () => {
    pulumi = await fakePulumi();
  });
  after(() => pulumi.cleanup());
  beforeEach(() => {
    pulumi.setOutputs("dev", outputs(["a", "b", "c"]));
    home = fs.mkdtempSync(path.join(os.tmpdir(), "aa-kubeconfig-home-"));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const deps = (env: NodeJS.ProcessEnv = {}): KubeconfigDeps => ({
    io: bufferIo(),
    env: { HOME: home, ...env },
    cwd: pulumi.projectDir,
    projectDir: pulumi.projectDir,
    pulumiCommand: pulumi.command,
  });
  const kubeconfigAt = (file: string) => {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    return kc;
  };

  it("writes a context per cluster into ~/.kube/config with mode 0600, and says which, without credentials", async () => {
    const summary = await writeKubeconfig("dev", {}, deps());
    const file = path.join(home, ".kube", "config");
    assert.equal(summary.file, file);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    // Read back with a kubectl-compatible client.
    const kc = kubeconfigAt(file);
    assert.deepEqual(
      kc.getContexts().map((c) => c.name),
      ["dev-a", "dev-b", "dev-c"],
    );
    for (const c of ["a", "b", "c"]) {
      kc.setCurrentContext(`dev-${c}`);
      assert.equal(
        kc.getCurrentCluster()?.server,
        `https://${c.toUpperCase()}0123.gr7.us-east-1.eks.amazonaws.com`,
      );
      assert.equal(kc.getCurrentUser()?.token, fixtureToken("dev", c));
      assert.equal(kc.getCurrentCluster()?.caData, fixtureCa(c));
    }
    const written = YAML.parse(fs.readFileSync(file, "utf8")) as KubeconfigDoc;
    assert.equal(written["current-context"], undefined);
    assert.deepEqual(summary.currentContext, { before: null, after: null, changed: false });

    const text = renderKubeconfigSummary(summary, false, home);
    assert.match(
      text,
      /^wrote 3 context\(s\) of dev to ~\/\.kube\/config \(mode 0600\):\n {2}dev-a {2}https:\/\/A0123/,
    );
    assert.match(
      text,
      /current context: none set; pick one with `kubectl config use-context dev-a` or `aa kubeconfig dev --use a`/,
    );
    assertNoSecret(text + JSON.stringify(summary));
  });

  it("merges into the first existing file of $KUBECONFIG, keeping the user's entries and current context", async () => {
    const mine = path.join(home, "mine.yaml");
    const other = path.join(home, "other.yaml");
    fs.writeFileSync(mine, YAML.stringify(userKubeconfig()));
    fs.writeFileSync(other, "apiVersion: v1\n");
    const summary = await writeKubeconfig(
      "dev",
      {},
      deps({ KUBECONFIG: [path.join(home, "missing"), mine, other].join(path.delimiter) }),
    );
    assert.equal(summary.file, mine);
    assert.equal(fs.readFileSync(other, "utf8"), "apiVersion: v1\n");
    const written = YAML.parse(fs.readFileSync(mine, "utf8")) as KubeconfigDoc;
    assert.deepEqual(
      written.contexts?.map((c) => c.name),
      ["minikube", "ops", "dev-a", "dev-b", "dev-c"],
    );
    assert.deepEqual(written.users?.slice(0, 2), userKubeconfig().users);
    assert.equal(written["current-context"], "minikube");
    assert.match(
      renderKubeconfigSummary(summary, false, home),
      /current context: minikube \(unchanged\)/,
    );
  });

  it("switches the current context with --use, and writes elsewhere with --out", async () => {
    const out = path.join(home, "dev.kubeconfig");
    const summary = await writeKubeconfig(
      "dev",
      { out: path.relative(pulumi.projectDir, out), use: "b" },
      deps(),
    );
    assert.equal(summary.file, out);
    assert.equal(kubeconfigAt(out).getCurrentContext(), "dev-b");
    assert.ok(!fs.existsSync(path.join(home, ".kube", "config")));
    const text = renderKubeconfigSummary(summary, true, home);
    assert.match(text, /current context: dev-b \(was none\)/);
    assert.match(
      text,
      /use it with: KUBECONFIG=~\/dev\.kubeconfig kubectl --context dev-a get nodes/,
    );
    await assert.rejects(
      writeKubeconfig("dev", { use: "x" }, deps()),
      /--use x: dev has no cluster "x"; its clusters are a, b, c/,
    );
  });

  it("replaces the environment's contexts on the next run, dropping clusters that are gone", async () => {
    pulumi.setOutputs("dev", outputs(["a", "b", "c", "d"]));
    await writeKubeconfig("dev", { use: "d" }, deps());
    pulumi.setOutputs("dev", outputs(["a", "b", "c"]));
    const summary = await writeKubeconfig("dev", {}, deps());
    assert.deepEqual(summary.removed, ["dev-d"]);
    assert.deepEqual(summary.currentContext, { before: "dev-d", after: null, changed: true });
    const kc = kubeconfigAt(summary.file);
    assert.deepEqual(
      kc.getContexts().map((c) => c.name),
      ["dev-a", "dev-b", "dev-c"],
    );
    assert.deepEqual(
      kc.getClusters().map((c) => c.name),
      ["dev-a", "dev-b", "dev-c"],
    );
    const text = renderKubeconfigSummary(summary, false, home);
    assert.match(text, /removed dev-d: its cluster is no longer in dev/);
    assert.match(text, /current context: none \(it was dev-d, which is removed\)/);
  });

  it("refuses to print the kubeconfig, and reports a stack without kubeconfigs as the stack's problem", async () => {
    await assert.rejects(
      writeKubeconfig("dev", { out: "-" }, deps()),
      (e: unknown) => e instanceof UsageError && /would print credentials/.test(e.message),
    );
    pulumi.setOutputs("dev", {
      ...outputs(["a"]),
      kubeconfigs: { value: { a: "clusters: [" }, secret: true },
    });
    await assert.rejects(
      writeKubeconfig("dev", {}, deps()),
      (e: unknown) =>
        e instanceof StackOutputsError &&
        /kubeconfig of cluster a is not valid YAML or JSON/.test(e.message),
    );
    await assert.rejects(writeKubeconfig("qa", {}, deps()), /no environment "qa"/);
  });
});
