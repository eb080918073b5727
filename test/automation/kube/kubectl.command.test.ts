import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../../automation/exitCodes";
import { contextName, withMark } from "../../../automation/kube/ownership";
import type { KubectlReport } from "../../../automation/kube/render";
import { groups, kubeEnvironment, type KubeEnvironment, type KubectlRunResult } from "./_kubeEnv";

/** Asserts that no credential of the stack outputs appears anywhere in a run's output. */
function assertClean(env: KubeEnvironment, r: KubectlRunResult): void {
  const all = r.stdout + r.stderr + (r.error?.message ?? "");
  for (const secret of env.secrets) assert.ok(!all.includes(secret), "a credential was printed");
  assert.ok(!/BEGIN CERTIFICATE|client-key-data: \w/.test(all));
}

/** Writes ~/.kube/config with one current context, marked as aa kubeconfig would, or not. */
function setCurrentContext(
  env: KubeEnvironment,
  name: string,
  owner?: { environment: string; cluster: string },
): void {
  fs.mkdirSync(path.dirname(env.userKubeconfig), { recursive: true });
  fs.writeFileSync(
    env.userKubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: "https://127.0.0.1:1" } }],
      users: [{ name, user: {} }],
      contexts: [
        {
          name,
          context: {
            cluster: name,
            user: name,
            ...(owner ? { extensions: withMark(undefined, owner) } : {}),
          },
        },
      ],
      "current-context": name,
    }),
  );
}

describe("aa kubectl: fan-out with a scripted kubectl against API servers on 127.0.0.1", () => {
  let env: KubeEnvironment;
  before(async () => {
    env = await kubeEnvironment();
  });
  after(async () => env.cleanup());
  beforeEach(() => {
    fs.rmSync(env.userKubeconfig, { force: true });
    for (const api of env.apis) api.requests.length = api.authorizations.length = 0;
  });
  afterEach(() => {
    assert.deepEqual(fs.readdirSync(env.tmpdir), [], "the runs' kubeconfigs are removed");
  });

  it("runs a read-only verb on every cluster at once, grouped in cluster order, with a summary", async () => {
    // Each run waits until all three have started: serial execution could never pass.
    env.kubectl.script({ default: { barrier: 3, api: true } });
    const r = await env.run("dev", ["get", "nodes"]);
    assert.equal(r.code, 0, r.stderr + r.error?.message);
    assert.match(r.stderr, /kubectl get on all 3 clusters of dev \(a, b, c\), in parallel/);
    assert.deepEqual(
      groups(r.stdout.split("\n┌")[0]).map((g) => [g.context, g.body]),
      ["a", "b", "c"].map((c) => [`dev-${c}`, `NAME\nnode-${c}-1\nnode-${c}-2\n`]),
    );
    for (const c of ["a", "b", "c"]) {
      assert.match(r.stdout, new RegExp(`│ ${c} +│ dev-${c} +│ 0 +│ \\S+ +│ ok +│`));
    }
    assert.match(r.stdout, /3 of 3 cluster\(s\) succeeded/);

    const calls = env.kubectl.calls();
    assert.deepEqual(calls.map((c) => c.context).sort(), ["dev-a", "dev-b", "dev-c"]);
    for (const call of calls) {
      const cluster = call.context.slice("dev-".length);
      assert.equal(call.server, env.apis.find((a) => a.cluster === cluster)?.url);
      assert.equal(call.kubeconfigMode, 0o600);
      assert.deepEqual(call.argv, ["get", "nodes"]);
    }
    // Each API server saw only its own cluster's token.
    for (const api of env.apis) {
      assert.ok(api.requests.includes("/api/v1/nodes"));
      assert.ok(api.authorizations.every((a) => a === `Bearer ${api.token}`));
    }
    assertClean(env, r);
  });

  it("refuses a mutating verb on every cluster without --all-clusters, and runs nothing", async () => {
    env.kubectl.script({ default: {} });
    const r = await env.run("dev", ["delete", "pod", "web-0"], { cluster: "all" });
    assert.ok(r.error instanceof UsageError);
    assert.match(r.error.message, /kubectl delete may change the cluster .* add --all-clusters/);
    assert.deepEqual(env.kubectl.calls(), []);

    const none = await env.run("dev", ["scale", "deploy/web", "--replicas=3"]);
    assert.match(
      none.error?.message ?? "",
      /names no cluster: add --cluster NAME \(one of a, b, c\)/,
    );
    const unknown = await env.run("dev", ["frobnicate", "x"], { cluster: "all" });
    assert.match(unknown.error?.message ?? "", /"frobnicate" is not a verb aa kubectl knows/);
    assert.deepEqual(env.kubectl.calls(), []);
  });

  it("runs a mutating verb with --all-clusters one cluster at a time, in order", async () => {
    env.kubectl.script({ default: { stdout: "deployment.apps/web restarted\n" } });
    const r = await env.run("dev", ["rollout", "restart", "deploy/web"], { allClusters: true });
    assert.equal(r.code, 0, r.error?.message);
    assert.deepEqual(env.kubectl.events(), [
      "start dev-a",
      "end dev-a",
      "start dev-b",
      "end dev-b",
      "start dev-c",
      "end dev-c",
    ]);
    assert.match(r.stderr, /one at a time, stopping at the first failure/);
  });

  it("stops at the first failing cluster, skips the rest and exits 1", async () => {
    env.kubectl.script({
      default: { stdout: "deployment.apps/web scaled\n" },
      byContext: {
        "dev-b": {
          exitCode: 1,
          stderr: 'Error from server (Forbidden): deployments.apps "web" is forbidden\n',
        },
      },
    });
    const r = await env.run("dev", ["scale", "deploy/web", "--replicas=4"], { allClusters: true });
    assert.equal(r.code, 1);
    assert.deepEqual(
      env.kubectl.calls().map((c) => c.context),
      ["dev-a", "dev-b"],
    );
    assert.match(r.stderr, /Error from server \(Forbidden\)/);
    assert.match(r.stdout, /==> dev-c <==\n\(skipped: cluster b failed first\)/);
    assert.match(r.stdout, /│ b +│ dev-b +│ 1 +│ \S+ +│ failed +│/);
    assert.match(r.stdout, /│ c +│ dev-c +│ - +│ - +│ skipped: cluster b failed first/);
    assert.match(r.stdout, /1 of 3 cluster\(s\) succeeded/);
  });

  it("runs a mutating verb on every cluster at once with --parallel, and does not stop at a failure", async () => {
    env.kubectl.script({
      default: { barrier: 3, stdout: "configmap/x created\n" },
      byContext: { "dev-b": { barrier: 3, exitCode: 1, stderr: "error: boom\n" } },
    });
    const r = await env.run("dev", ["apply", "-f", "x.yaml"], {
      allClusters: true,
      parallel: true,
    });
    assert.equal(r.code, 1);
    assert.deepEqual(
      env.kubectl
        .calls()
        .map((c) => c.context)
        .sort(),
      ["dev-a", "dev-b", "dev-c"],
    );
    assert.match(r.stdout, /│ c +│ dev-c +│ 0 +│ \S+ +│ ok/);
    assert.match(r.stderr, /all at once \(--parallel\)/);
  });

  it("runs on one named cluster, and counts a failed read as exit 1", async () => {
    env.kubectl.script({ default: { api: true } });
    const one = await env.run("dev", ["get", "pods", "-A"], { cluster: "b" });
    assert.equal(one.code, 0);
    assert.deepEqual(groups(one.stdout.split("\n┌")[0]), [
      { context: "dev-b", body: "NAMESPACE   NAME\napps   web-b-1\n" },
    ]);
    const unknown = await env.run("dev", ["get", "pods"], { cluster: "x" });
    assert.match(unknown.error?.message ?? "", /dev has no cluster "x"; its clusters are a, b, c/);

    env.kubectl.script({
      default: { api: true },
      byContext: {
        "dev-c": {
          exitCode: 1,
          stderr: 'error: the server doesn\'t have a resource type "podz"\n',
        },
      },
    });
    const failed = await env.run("dev", ["get", "pods"]);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /2 of 3 cluster\(s\) succeeded/);
  });

  it("never prints a credential, even when kubectl echoes its kubeconfig", async () => {
    env.kubectl.script({ default: { echoKubeconfig: true } });
    const text = await env.run("dev", ["get", "pods"]);
    const json = await env.run("dev", ["get", "pods"], { json: true });
    for (const r of [text, json]) {
      assert.equal(r.code, 0, r.error?.message);
      assert.match(r.stdout, /token: "?\[secret\]/);
      assertClean(env, r);
    }
    for (const call of env.kubectl.calls()) {
      const exposed = call.argv.join(" ") + JSON.stringify(call.env);
      assert.ok(!env.secrets.some((s) => exposed.includes(s)), "no credential in argv or env");
      assert.equal(path.dirname(path.dirname(call.kubeconfigPath)), env.tmpdir);
      assert.equal(call.env.KUBECONFIG, call.kubeconfigPath);
    }
  });

  it("prints one JSON document with --json", async () => {
    env.kubectl.script({
      default: { api: true },
      byContext: { "dev-a": { exitCode: 1, stderr: "nope\n" } },
    });
    const r = await env.run("dev", ["get", "nodes"], { json: true });
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as KubectlReport;
    assert.deepEqual(Object.keys(doc), [
      "environment",
      "environmentFrom",
      "args",
      "verb",
      "verbClass",
      "parallel",
      "clusters",
      "exitCode",
    ]);
    assert.equal(doc.environment, "dev");
    assert.equal(doc.environmentFrom, "argument");
    assert.equal(doc.exitCode, 1);
    assert.deepEqual(
      doc.clusters.map((c) => [
        c.cluster,
        c.context,
        c.status,
        c.exitCode,
        typeof c.durationMs,
        c.stderr,
      ]),
      [
        ["a", "dev-a", "failed", 1, "number", "nope\n"],
        ["b", "dev-b", "succeeded", 0, "number", ""],
        ["c", "dev-c", "succeeded", 0, "number", ""],
      ],
    );
    assert.equal(doc.clusters[1].stdout, "NAME\nnode-b-1\nnode-b-2\n");
  });

  it("infers the environment, and a mutating verb's cluster, from the current kube context", async () => {
    env.kubectl.script({ default: { stdout: "deployment.apps/web restarted\n" } });
    setCurrentContext(env, "dev-b", { environment: "dev", cluster: "b" });
    const r = await env.run(undefined, ["rollout", "restart", "deploy/web"]);
    assert.equal(r.code, 0, r.error?.message);
    assert.match(r.stderr, /aa: environment dev \(from the current kube context "dev-b"\)/);
    assert.match(
      r.stderr,
      /kubectl rollout restart on cluster b of dev \(from the current kube context "dev-b"; --all-clusters for every cluster\)/,
    );
    assert.deepEqual(
      env.kubectl.calls().map((c) => c.context),
      ["dev-b"],
    );

    // A read-only verb still runs everywhere; an unmarked context counts by its name.
    setCurrentContext(env, contextName("dev", "c"));
    const all = await env.run(undefined, ["get", "pods"]);
    assert.equal(all.code, 0);
    assert.equal(env.kubectl.calls().length, 1 + 3);
  });

  it("infers the environment from the selected Pulumi stack when the context is not ours", async () => {
    env.kubectl.script({ default: { api: true } });
    setCurrentContext(env, "minikube");
    env.pulumi.reply({
      match: ["stack", "ls"],
      stdout: JSON.stringify([
        { name: "dev", current: true },
        { name: "prod", current: false },
      ]),
    });
    const r = await env.run(undefined, ["version"]);
    assert.equal(r.code, 0, r.error?.message);
    assert.match(
      r.stderr,
      /aa: environment dev \(from the selected Pulumi stack; the current kube context "minikube" is not one of an environment's/,
    );
    assert.match(
      r.stdout,
      /==> dev-a <==\nClient Version: v1.33.0-fake\nServer Version: v1.33.4-eks-0123456/,
    );

    env.pulumi.reply({ match: ["stack", "ls"], stdout: "[]" });
    const none = await env.run(undefined, ["version"]);
    assert.ok(none.error instanceof UsageError);
    assert.match(
      none.error.message,
      /cannot tell which environment to use: .* and no Pulumi stack is selected\. Name it/,
    );

    // No scripted answer: the scripted pulumi fails `stack ls` as a CLI without a backend would.
    const failing = await env.run(undefined, ["version"]);
    assert.match(
      failing.error?.message ?? "",
      /the selected Pulumi stack could not be read \(`pulumi stack ls` failed: .+\)/,
    );
  });

  it("reads a manifest on stdin once and gives every cluster a copy", async () => {
    env.kubectl.script({ default: { stdout: "configmap/x configured\n" } });
    const manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
    const r = await env.run(
      "dev",
      ["apply", "-f", "-"],
      { allClusters: true },
      { stdin: () => manifest },
    );
    assert.equal(r.code, 0);
    assert.deepEqual(
      env.kubectl.calls().map((c) => c.stdin),
      [manifest, manifest, manifest],
    );
  });

  it("prefixes each line with the context for commands that follow or watch", async () => {
    env.kubectl.script({ default: { stdout: "line 1 of {context}\nline 2 of {context}" } });
    const r = await env.run("dev", ["logs", "-f", "deploy/web"]);
    assert.equal(r.code, 0);
    const lines = r.stdout.split("\n").filter((l) => l.includes(" | "));
    assert.deepEqual(
      lines.sort(),
      ["a", "b", "c"]
        .flatMap((c) => [`dev-${c} | line 1 of dev-${c}`, `dev-${c} | line 2 of dev-${c}`])
        .sort(),
    );
  });

  it("runs an interactive verb on one cluster only, attached to the terminal", async () => {
    env.kubectl.script({ default: {} });
    const r = await env.run("dev", ["exec", "-it", "deploy/web", "--", "sh"], { cluster: "a" });
    assert.equal(r.code, 0, r.error?.message);
    assert.deepEqual(
      env.kubectl.calls().map((c) => [c.context, c.argv]),
      [["dev-a", ["exec", "-it", "deploy/web", "--", "sh"]]],
    );
    const all = await env.run("dev", ["edit", "deploy/web"], { allClusters: true });
    assert.match(
      all.error?.message ?? "",
      /kubectl edit runs on one cluster only \(edit needs the terminal\)/,
    );
    const json = await env.run("dev", ["edit", "deploy/web"], { cluster: "a", json: true });
    assert.match(json.error?.message ?? "", /--json cannot be used with kubectl edit/);
  });

  it("says how to get kubectl when there is none", async () => {
    const r = await env.run(
      "dev",
      ["get", "pods"],
      {},
      { env: { ...env.processEnv, PATH: "/nonexistent" } },
    );
    assert.ok(r.error instanceof UsageError);
    assert.match(r.error.message, /kubectl is not on PATH; install it .* or set AA_KUBECTL/);
  });
});
