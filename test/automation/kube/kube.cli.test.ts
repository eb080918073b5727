import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { aa, hasStackTrace } from "../../_cli";
import { groups, kubeEnvironment, type KubeEnvironment } from "./_kubeEnv";

describe("aa kubeconfig and aa kubectl (as a user runs them)", () => {
  let env: KubeEnvironment;
  let cliEnv: Record<string, string>;
  before(async () => {
    env = await kubeEnvironment();
    // The scripted pulumi and kubectl first on PATH; a home of the test's own.
    cliEnv = {
      PATH: [path.join(env.pulumi.root, "bin"), env.kubectl.binDir, process.env.PATH ?? ""].join(
        path.delimiter,
      ),
      HOME: env.home,
      KUBECONFIG: "",
      TMPDIR: env.tmpdir,
    };
  });
  after(async () => env.cleanup());

  it("writes the contexts, then runs kubectl on every cluster of the inferred environment", () => {
    // `aa` runs synchronously in a child process, so the API servers of this process cannot
    // answer: the scripted kubectl prints instead of asking them.
    env.kubectl.script({ default: { stdout: "NAME\nnode-of-{context}\n" } });
    const written = aa(["kubeconfig", "dev", "--use", "b"], {
      cwd: env.pulumi.projectDir,
      env: cliEnv,
    });
    assert.equal(written.code, 0, written.stderr);
    assert.match(
      written.stdout,
      /wrote 3 context\(s\) of dev to ~\/\.kube\/config \(mode 0600\):\n {2}dev-a {2}https:\/\/127\.0\.0\.1:\d+/,
    );
    assert.match(written.stdout, /current context: dev-b \(was none\)/);
    assert.equal(fs.statSync(env.userKubeconfig).mode & 0o777, 0o600);

    const ran = aa(["kubectl", "--", "get", "nodes"], { cwd: env.pulumi.projectDir, env: cliEnv });
    for (const r of [written, ran]) {
      for (const secret of env.secrets)
        assert.ok(!(r.stdout + r.stderr).includes(secret), "a credential was printed");
    }
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /aa: environment dev \(from the current kube context "dev-b"\)/);
    assert.deepEqual(
      groups(ran.stdout.split("\n┌")[0]),
      ["a", "b", "c"].map((c) => ({ context: `dev-${c}`, body: `NAME\nnode-of-dev-${c}\n` })),
    );
    assert.match(ran.stdout, /3 of 3 cluster\(s\) succeeded/);
    assert.deepEqual(fs.readdirSync(env.tmpdir), [], "the runs' kubeconfigs are removed");
  });

  it("exits 2 with one message for usage errors, before running anything", () => {
    env.kubectl.script({ default: {} });
    const noDashes = aa(["kubectl", "dev", "get", "pods"], {
      cwd: env.pulumi.projectDir,
      env: cliEnv,
    });
    assert.equal(noDashes.code, 2);
    assert.match(
      noDashes.stderr,
      /^aa: put kubectl's arguments after --, e\.g\. `aa kubectl dev -- get pods -A`/,
    );
    const guarded = aa(["kubectl", "dev", "--cluster", "all", "--", "delete", "pod", "web-0"], {
      cwd: env.pulumi.projectDir,
      env: cliEnv,
    });
    assert.equal(guarded.code, 2);
    assert.match(guarded.stderr, /add --all-clusters/);
    for (const r of [noDashes, guarded]) assert.ok(!hasStackTrace(r.stderr), r.stderr);
    assert.deepEqual(env.kubectl.calls(), []);
  });
});
