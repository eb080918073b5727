import * as assert from "node:assert/strict";
import { clusterAccessFromStack } from "../../../automation/kube/clusterAccess";
import type { KubeconfigDoc } from "../../../automation/kube/kubeconfigDoc";
import { StackOutputsError } from "../../../automation/automationApi/errors";
import { ownerOf } from "../../../automation/kube/ownership";
import { eksKubeconfig, fixtureCa, fixtureToken } from "./_kubeconfigFixtures";

describe("clusterAccessFromStack", () => {
  it("turns @pulumi/eks kubeconfigs into entries named <env>-<cluster>, sorted by cluster", () => {
    const access = clusterAccessFromStack("prod", {
      b: eksKubeconfig("prod", "b"),
      a: eksKubeconfig("prod", "a", { auth: "token" }),
    });
    assert.deepEqual(
      access.map((a) => [a.cluster, a.context, a.server]),
      [
        ["a", "prod-a", "https://A0123.gr7.us-east-1.eks.amazonaws.com"],
        ["b", "prod-b", "https://B0123.gr7.us-east-1.eks.amazonaws.com"],
      ],
    );
    const [a, b] = access;
    assert.deepEqual(a.contextEntry.context.cluster, "prod-a");
    assert.deepEqual(a.contextEntry.context.user, "prod-a");
    assert.equal(a.userEntry.user.token, fixtureToken("prod", "a"));
    assert.equal(a.clusterEntry.cluster["certificate-authority-data"], fixtureCa("a"));
    assert.deepEqual((b.userEntry.user.exec as { args: string[] }).args.slice(0, 2), [
      "eks",
      "get-token",
    ]);
    for (const entry of [a.clusterEntry.cluster, a.userEntry.user, a.contextEntry.context]) {
      assert.deepEqual(ownerOf(entry.extensions), { environment: "prod", cluster: "a" });
    }
  });

  it("reads a kubeconfig without contexts from its only cluster and user", () => {
    const [a] = clusterAccessFromStack("dev", {
      a: eksKubeconfig("dev", "a", { contexts: false, auth: "token" }),
    });
    assert.equal(a.server, "https://A0123.gr7.us-east-1.eks.amazonaws.com");
    assert.equal(a.userEntry.user.token, fixtureToken("dev", "a"));
  });

  it("keeps the namespace of the kubeconfig's context", () => {
    const doc = JSON.parse(eksKubeconfig("dev", "a")) as KubeconfigDoc;
    const [context] = doc.contexts ?? [];
    context.context.namespace = "apps";
    const [a] = clusterAccessFromStack("dev", { a: JSON.stringify(doc) });
    assert.equal(a.contextEntry.context.namespace, "apps");
  });

  const BROKEN: [string, (doc: Record<string, unknown>) => unknown, RegExp][] = [
    [
      "no server",
      (d) => ((d.clusters as { cluster: Record<string, unknown> }[])[0].cluster.server = undefined),
      /cluster a .* has no server URL/,
    ],
    [
      "a current context without entry",
      (d) => (d["current-context"] = "gone"),
      /its current context has no entry/,
    ],
    [
      "a context naming no cluster",
      (d) => ((d.contexts as { context: Record<string, unknown> }[])[0].context.cluster = "x"),
      /names no known cluster/,
    ],
    [
      "a context naming no user",
      (d) => ((d.contexts as { context: Record<string, unknown> }[])[0].context.user = "x"),
      /names no known user/,
    ],
    [
      "users not a list",
      (d) => (d.users = { token: "abcdefgh-secret" }),
      /"users" must be a list \(it is a map\)/,
    ],
  ];
  for (const [title, breakIt, message] of BROKEN) {
    it(`refuses a kubeconfig with ${title}, without quoting it`, () => {
      const doc = JSON.parse(eksKubeconfig("dev", "a", { auth: "token" })) as KubeconfigDoc;
      breakIt(doc);
      assert.throws(
        () => clusterAccessFromStack("dev", { a: JSON.stringify(doc) }),
        (e: unknown) =>
          e instanceof StackOutputsError &&
          message.test(e.message) &&
          !e.message.includes("SECRET") &&
          !e.message.includes("secret"),
      );
    });
  }

  it("refuses text that is not YAML or JSON with its line only", () => {
    assert.throws(
      () =>
        clusterAccessFromStack("dev", {
          a: 'users:\n- name: x\n  user: {token: "k8s-aws-v1.SECRET-x',
        }),
      (e: unknown) =>
        e instanceof StackOutputsError &&
        /the kubeconfig of cluster a is not valid YAML or JSON \(line \d+: \w+\)/.test(e.message) &&
        !e.message.includes("SECRET"),
    );
    assert.throws(() => clusterAccessFromStack("dev", {}), /output kubeconfigs: an empty map/);
  });
});
