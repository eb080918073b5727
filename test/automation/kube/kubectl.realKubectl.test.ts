import * as assert from "node:assert/strict";
import { findKubectl } from "../../../automation/kube/kubectlProcess";
import { groups, kubeEnvironment, type KubeEnvironment } from "./_kubeEnv";
import { itWhere } from "../../_skip";

/** The real kubectl on PATH, if there is one (these tests are skipped without it). */
function realKubectl(): string | undefined {
  try {
    return findKubectl({ PATH: process.env.PATH });
  } catch {
    return undefined;
  }
}

/** Why these tests do not run without kubectl; every skipped test says it, whatever the reporter. */
const WHY_SKIPPED =
  "no kubectl on PATH here; the scripted kubectl tests cover aa kubectl without it (install kubectl to run)";

const haveKubectl = realKubectl() !== undefined;

const kubectlIt = itWhere(haveKubectl, "kubectl", WHY_SKIPPED);

describe("aa kubectl with the real kubectl against API servers on 127.0.0.1", function () {
  let env: KubeEnvironment;
  before(async function () {
    if (haveKubectl) env = await kubeEnvironment(["a", "b"]);
  });
  after(async () => env?.cleanup());

  // The real kubectl, not the scripted one, with a home of its own (its discovery cache).
  const real = () => ({ env: { ...env.processEnv, PATH: process.env.PATH } });

  kubectlIt("lists each cluster's nodes from its own API server, grouped per cluster", async () => {
    const r = await env.run("dev", ["get", "nodes", "-o", "name"], {}, real());
    assert.equal(r.code, 0, r.stdout + r.stderr + (r.error?.message ?? ""));
    assert.deepEqual(groups(r.stdout.split("\n┌")[0]), [
      { context: "dev-a", body: "node/node-a-1\nnode/node-a-2\n" },
      { context: "dev-b", body: "node/node-b-1\nnode/node-b-2\n" },
    ]);
    for (const api of env.apis) {
      assert.ok(
        api.authorizations.length > 0 &&
          api.authorizations.every((a) => a === `Bearer ${api.token}`),
      );
    }
    for (const secret of env.secrets) assert.ok(!(r.stdout + r.stderr).includes(secret));
  });

  kubectlIt("reports each cluster's server version", async () => {
    const r = await env.run("dev", ["version"], { json: true }, real());
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { clusters: { context: string; stdout: string }[] };
    for (const c of doc.clusters) assert.match(c.stdout, /Server Version: v1\.33\.4-eks-0123456/);
  });
});
