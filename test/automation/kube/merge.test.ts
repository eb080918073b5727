import * as assert from "node:assert/strict";
import fc from "fast-check";
import YAML from "yaml";
import {
  itemsOf,
  KubeconfigError,
  parseKubeconfig,
  serializeKubeconfig,
  type KubeconfigDoc,
} from "../../../automation/kube/kubeconfigDoc";
import { applyMerge, mergeKubeconfig, planMerge } from "../../../automation/kube/merge";
import { ownerOf } from "../../../automation/kube/ownership";
import { applyMergeToDocument } from "../../../automation/kube/documentMerge";
import { accessFixture, fixtureToken, userKubeconfig } from "./_kubeconfigFixtures";

const names = (doc: KubeconfigDoc, list: "clusters" | "users" | "contexts") =>
  itemsOf(doc, list).map((i) => i.name);

/** The user's config with dev's entries written by an earlier `aa kubeconfig dev`. */
function withDev(clusters: string[]): KubeconfigDoc {
  return mergeKubeconfig(userKubeconfig(), {
    environment: "dev",
    access: accessFixture("dev", clusters),
  }).config;
}

describe("mergeKubeconfig", () => {
  it("adds a context, cluster and user per cluster named <env>-<cluster>, and leaves the rest as it was", () => {
    const before = userKubeconfig();
    const { config, plan } = mergeKubeconfig(before, {
      environment: "dev",
      access: accessFixture(),
    });
    assert.deepEqual(userKubeconfig(), before, "the input is not changed");
    for (const list of ["clusters", "users", "contexts"] as const) {
      assert.deepEqual(names(config, list), [...names(before, list), "dev-a", "dev-b", "dev-c"]);
      assert.deepEqual(itemsOf(config, list).slice(0, 2), itemsOf(before, list), `${list} kept`);
    }
    assert.deepEqual(itemsOf(config, "contexts")[2].context.cluster, "dev-a");
    assert.deepEqual(itemsOf(config, "contexts")[2].context.user, "dev-a");
    assert.equal(itemsOf(config, "users")[2].user.token, fixtureToken("dev", "a"));
    assert.equal(
      itemsOf(config, "clusters")[3].cluster.server,
      "https://B0123.gr7.us-east-1.eks.amazonaws.com",
    );
    const c = { environment: "dev", cluster: "c" };
    assert.deepEqual(ownerOf(itemsOf(config, "clusters")[4].cluster.extensions), c);
    assert.deepEqual(ownerOf(itemsOf(config, "users")[4].user.extensions), c);
    assert.deepEqual(ownerOf(itemsOf(config, "contexts")[4].context.extensions), c);
    assert.equal(config["current-context"], "minikube");
    assert.deepEqual(config.preferences, { colors: true });
    assert.deepEqual(
      plan.written.map((w) => w.context),
      ["dev-a", "dev-b", "dev-c"],
    );
    assert.deepEqual(
      [plan.removed, plan.currentBefore, plan.currentAfter],
      [[], "minikube", "minikube"],
    );
  });

  it("replaces its own entries in place and removes those of clusters that left the environment", () => {
    const before = withDev(["a", "b", "c", "d"]);
    const access = accessFixture("dev", ["a", "b", "c"]);
    access[0].clusterEntry.cluster.server = "https://NEW-A.eks.amazonaws.com";
    const { config, plan } = mergeKubeconfig(before, { environment: "dev", access });
    for (const list of ["clusters", "users", "contexts"] as const) {
      assert.deepEqual(names(config, list).slice(2), ["dev-a", "dev-b", "dev-c"]);
    }
    assert.equal(itemsOf(config, "clusters")[2].cluster.server, "https://NEW-A.eks.amazonaws.com");
    assert.deepEqual(plan.removed, ["dev-d"]);
  });

  it("leaves another environment's entries alone, even when they are ours", () => {
    const withProd = mergeKubeconfig(withDev(["a"]), {
      environment: "prod",
      access: accessFixture("prod", ["a"]),
    });
    const { config } = mergeKubeconfig(withProd.config, {
      environment: "dev",
      access: accessFixture("dev", ["b"]),
    });
    assert.deepEqual(names(config, "contexts"), ["minikube", "ops", "prod-a", "dev-b"]);
  });

  it("leaves alone a context the user renamed, while refreshing the entries it uses", () => {
    const before = withDev(["a", "b"]);
    itemsOf(before, "contexts")[2].name = "my-dev-a"; // kubectl config rename-context keeps the mark
    const access = accessFixture("dev", ["a"]);
    const { config, plan } = mergeKubeconfig(before, { environment: "dev", access });
    assert.deepEqual(names(config, "contexts"), ["minikube", "ops", "my-dev-a", "dev-a"]);
    assert.deepEqual(plan.removed, ["dev-b"]);
    assert.deepEqual(names(config, "users"), ["minikube", "ops-admin", "dev-a"]);
  });

  it("keeps the namespace chosen for one of its contexts", () => {
    const before = withDev(["a", "b"]);
    itemsOf(before, "contexts")[2].context.namespace = "apps";
    const { config } = mergeKubeconfig(before, {
      environment: "dev",
      access: accessFixture("dev", ["a", "b"]),
    });
    assert.equal(itemsOf(config, "contexts")[2].context.namespace, "apps");
    assert.equal(itemsOf(config, "contexts")[3].context.namespace, undefined);
  });

  it("refuses entries with its names that it did not write, unless forced", () => {
    const before = userKubeconfig();
    itemsOf(before, "contexts").push({
      name: "dev-b",
      context: { cluster: "ops", user: "ops-admin" },
    });
    const args = { environment: "dev", access: accessFixture(), where: "~/.kube/config" };
    assert.throws(
      () => planMerge(before, args),
      (e: unknown) =>
        e instanceof KubeconfigError &&
        /~\/\.kube\/config already has entries named "dev-b" that aa kubeconfig did not write for dev; .* `kubectl config delete-context dev-b`.*--force/.test(
          e.message,
        ),
    );
    const forced = mergeKubeconfig(before, { ...args, force: true });
    assert.deepEqual(forced.plan.replacedForeign, ["dev-b"]);
    assert.deepEqual(names(forced.config, "contexts"), [
      "minikube",
      "ops",
      "dev-b",
      "dev-a",
      "dev-c",
    ]);
    assert.equal(itemsOf(forced.config, "contexts")[2].context.cluster, "dev-b");
  });

  it("treats another environment's entry with the same name as not its own", () => {
    // env "dev" cluster "eu-a" and env "dev-eu" cluster "a" are both named dev-eu-a.
    const before = mergeKubeconfig(
      {},
      { environment: "dev", access: accessFixture("dev", ["eu-a"]) },
    ).config;
    assert.throws(
      () => planMerge(before, { environment: "dev-eu", access: accessFixture("dev-eu", ["a"]) }),
      KubeconfigError,
    );
  });

  it("sets the current context with use, and refuses an unknown cluster", () => {
    const { config, plan } = mergeKubeconfig(userKubeconfig(), {
      environment: "dev",
      access: accessFixture(),
      use: "b",
    });
    assert.equal(config["current-context"], "dev-b");
    assert.deepEqual([plan.currentBefore, plan.currentAfter], ["minikube", "dev-b"]);
    assert.throws(
      () => planMerge(userKubeconfig(), { environment: "dev", access: accessFixture(), use: "x" }),
      /--use x: dev has no cluster "x"; its clusters are a, b, c/,
    );
  });

  it("unsets a current context that named a removed context", () => {
    const before = { ...withDev(["a", "d"]), "current-context": "dev-d" };
    const { config, plan } = mergeKubeconfig(before, {
      environment: "dev",
      access: accessFixture("dev", ["a"]),
    });
    assert.equal(config["current-context"], "");
    assert.deepEqual([plan.currentBefore, plan.currentAfter], ["dev-d", ""]);
  });

  it("writes a complete kubeconfig into an empty one", () => {
    const { config } = mergeKubeconfig(
      {},
      { environment: "dev", access: accessFixture("dev", ["a"]) },
    );
    assert.equal(config.apiVersion, "v1");
    assert.equal(config.kind, "Config");
    assert.deepEqual(names(config, "contexts"), ["dev-a"]);
    assert.equal(config["current-context"], undefined);
  });

  // Arbitrary kubeconfigs of someone else's entries, with our entries of arbitrary environments
  // and clusters merged in, in any order (cluster names without dashes: no name clashes).
  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  const foreignEntries = fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z0-9_.]{0,8}$/), {
    maxLength: 5,
  });
  const env = fc.constantFrom("dev", "prod", "dev-eu");
  const clusterSets = fc.array(
    fc.tuple(env, fc.uniqueArray(label, { minLength: 1, maxLength: 4 })),
    { maxLength: 4 },
  );

  function foreignConfig(foreign: string[]): KubeconfigDoc {
    return {
      apiVersion: "v1",
      kind: "Config",
      clusters: foreign.map((n) => ({
        name: n,
        cluster: { server: `https://${n}.example`, "x-extra": [1, 2] },
      })),
      users: foreign.map((n) => ({ name: n, user: { token: `${n}-token-123456789` } })),
      contexts: foreign.map((n) => ({ name: n, context: { cluster: n, user: n } })),
      "current-context": foreign[0] ?? "",
    };
  }
  function mergeAll(start: KubeconfigDoc, sets: [string, string[]][]): KubeconfigDoc {
    let config = start;
    for (const [e, clusters] of sets) {
      config = mergeKubeconfig(config, {
        environment: e,
        access: accessFixture(e, clusters),
      }).config;
    }
    return config;
  }

  it("never changes an entry it did not write, and is idempotent (property)", () => {
    fc.assert(
      fc.property(
        foreignEntries,
        clusterSets,
        env,
        fc.uniqueArray(label, { minLength: 1, maxLength: 4 }),
        (foreign, sets, e, clusters) => {
          const start = mergeAll(foreignConfig(foreign), sets);
          const once = mergeKubeconfig(start, {
            environment: e,
            access: accessFixture(e, clusters),
          }).config;
          for (const list of ["clusters", "users", "contexts"] as const) {
            const theirs = (doc: KubeconfigDoc) =>
              itemsOf(doc, list).filter((i) => foreign.includes(i.name));
            assert.deepEqual(theirs(once), theirs(start));
          }
          assert.equal(once["current-context"], start["current-context"]);
          const ours = itemsOf(once, "contexts")
            .filter((c) => ownerOf(c.context.extensions)?.environment === e)
            .map((c) => c.name);
          assert.deepEqual(ours.sort(), clusters.map((c) => `${e}-${c}`).sort());
          const twice = mergeKubeconfig(once, {
            environment: e,
            access: accessFixture(e, clusters),
          }).config;
          assert.deepEqual(twice, once);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("gives the same kubeconfig applied to the YAML document as to plain data (property)", () => {
    fc.assert(
      fc.property(
        foreignEntries,
        clusterSets,
        env,
        fc.uniqueArray(label, { minLength: 1, maxLength: 4 }),
        (foreign, sets, e, clusters) => {
          const start = mergeAll(foreignConfig(foreign), sets);
          const plan = planMerge(start, {
            environment: e,
            access: accessFixture(e, clusters),
            use: clusters[0],
          });
          const doc = YAML.parseDocument(serializeKubeconfig(start));
          applyMergeToDocument(doc, plan);
          assert.deepEqual(
            parseKubeconfig(serializeKubeconfig(doc), "the result"),
            applyMerge(start, plan),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("applyMergeToDocument", () => {
  const FILE = [
    "# my clusters; do not lose this comment",
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: minikube   # the local one",
    "  cluster:",
    "    server: https://192.168.49.2:8443",
    "    insecure-skip-tls-verify: yes",
    "contexts:",
    "- name: minikube",
    "  context: {cluster: minikube, user: minikube}",
    "users:",
    "- name: minikube",
    "  user:",
    "    token: 'quoted-on-purpose'",
    "current-context: minikube",
    "",
  ].join("\n");

  it("keeps comments, quoting and formatting of everything it does not own", () => {
    const doc = YAML.parseDocument(FILE);
    applyMergeToDocument(
      doc,
      planMerge(parseKubeconfig(FILE, "f"), {
        environment: "dev",
        access: accessFixture("dev", ["a"]),
      }),
    );
    const text = serializeKubeconfig(doc);
    assert.ok(
      text.startsWith(
        "# my clusters; do not lose this comment\napiVersion: v1\nkind: Config\nclusters:\n- name: minikube # the local one\n",
      ),
    );
    assert.match(
      text,
      /insecure-skip-tls-verify: yes\n/,
      "a YAML 1.1 boolean is written back as it was",
    );
    assert.match(text, /context: \{ cluster: minikube, user: minikube \}/);
    assert.match(text, /token: 'quoted-on-purpose'/);
    assert.match(text, /current-context: minikube\n/);
    assert.deepEqual(names(parseKubeconfig(text, "f"), "contexts"), ["minikube", "dev-a"]);
  });

  it("turns a flow list into a block list when it adds to it, and fills an empty file", () => {
    const doc = YAML.parseDocument("apiVersion: v1\nclusters: []\ncontexts: null\n");
    applyMergeToDocument(
      doc,
      planMerge({}, { environment: "dev", access: accessFixture("dev", ["a"]) }),
    );
    const text = serializeKubeconfig(doc);
    assert.match(text, /^clusters:\n- name: dev-a\n/m);
    const empty = YAML.parseDocument("");
    applyMergeToDocument(
      empty,
      planMerge({}, { environment: "dev", access: accessFixture("dev", ["a"]) }),
    );
    const config = parseKubeconfig(serializeKubeconfig(empty), "f");
    assert.deepEqual(
      [config.apiVersion, config.kind, names(config, "users")],
      ["v1", "Config", ["dev-a"]],
    );
  });
});
