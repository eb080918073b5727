import * as assert from "node:assert/strict";
import { UsageError } from "../../../automation/exitCodes";
import type { CurrentContext } from "../../../automation/kube/currentContext";
import {
  inferEnvironment,
  selectClusters,
  stackName,
  type ClusterFacts,
  type EnvironmentFacts,
  type SelectedStack,
} from "../../../automation/kube/inference";
import { classifyKubectlArgs } from "../../../automation/kube/verbs";

const ENVS = ["dev", "dev-eu", "prod", "staging"];

/** A current context; `owner` "env/cluster" marks it as aa kubeconfig does. */
function ctx(name: string, owner?: string): CurrentContext {
  if (!owner) return { name };
  const [environment, cluster] = owner.split("/");
  return { name, owner: { environment, cluster } };
}

const stack = (name: string | null): SelectedStack => ({ name });

describe("inferEnvironment", () => {
  type Row = [
    title: string,
    facts: Omit<EnvironmentFacts, "environments">,
    expected: { env: string; source: string; note?: RegExp } | "look-up" | RegExp,
  ];
  const ROWS: Row[] = [
    [
      "the argument wins",
      { given: "prod", context: ctx("dev-a") },
      { env: "prod", source: "argument" },
    ],
    [
      "an unknown argument is refused",
      { given: "qa" },
      /no environment "qa": it has no stack file; known environments: dev, dev-eu, prod, staging/,
    ],
    [
      "a marked context names its environment",
      { context: ctx("dev-a", "dev/a") },
      {
        env: "dev",
        source: "kube-context",
        note: /environment dev \(from the current kube context "dev-a"\)/,
      },
    ],
    [
      "the mark wins over the name",
      { context: ctx("dev-eu-a", "dev/eu-a") },
      { env: "dev", source: "kube-context" },
    ],
    [
      "an unmarked context counts by its name",
      { context: ctx("staging-c") },
      { env: "staging", source: "kube-context" },
    ],
    [
      "the longest environment name fits first",
      { context: ctx("dev-eu-a") },
      { env: "dev-eu", source: "kube-context" },
    ],
    [
      "a mark of an environment without a stack file is not ours",
      { context: ctx("qa-a", "qa/a") },
      "look-up",
    ],
    ["a foreign context asks for the selected stack", { context: ctx("minikube") }, "look-up"],
    ["a context that only starts like ours is not ours", { context: ctx("dev-") }, "look-up"],
    ["an upper-case cluster part is not a cluster name", { context: ctx("dev-A") }, "look-up"],
    ["no context asks for the selected stack", {}, "look-up"],
    [
      "the selected stack names the environment",
      { context: ctx("minikube"), selectedStack: stack("prod") },
      {
        env: "prod",
        source: "pulumi-stack",
        note: /environment prod \(from the selected Pulumi stack; the current kube context "minikube" is not one of an environment's/,
      },
    ],
    [
      "a fully qualified stack name counts by its last part",
      { selectedStack: stack("acme/active-active/staging") },
      { env: "staging", source: "pulumi-stack", note: /no kube context is set/ },
    ],
    [
      "a selected stack without a stack file is refused",
      { selectedStack: stack("sandbox") },
      /the selected Pulumi stack "sandbox" has no stack file\. Name it, e\.g\. `aa kubectl dev -- get pods -A`/,
    ],
    [
      "no selected stack is refused",
      { context: ctx("minikube"), selectedStack: stack(null) },
      /"minikube" is not one of an environment's .* and no Pulumi stack is selected/,
    ],
    [
      "an unreadable selected stack is refused with why",
      { selectedStack: { error: "`pulumi stack ls` failed: not logged in" } },
      /could not be read \(`pulumi stack ls` failed: not logged in\)/,
    ],
  ];
  for (const [title, facts, expected] of ROWS) {
    it(title, () => {
      const run = () => inferEnvironment({ ...facts, environments: ENVS });
      if (expected instanceof RegExp) {
        assert.throws(run, (e: unknown) => e instanceof UsageError && expected.test(e.message));
        return;
      }
      const got = run();
      if (expected === "look-up") {
        assert.deepEqual(got, { lookUp: "selected-stack" });
        return;
      }
      assert.ok(!("lookUp" in got));
      assert.equal(got.environment, expected.env);
      assert.equal(got.source, expected.source);
      if (expected.note) assert.match(got.note ?? "", expected.note);
      if (expected.source === "argument") assert.equal(got.note, undefined);
    });
  }

  it("reads stack names as `pulumi stack ls` prints them", () => {
    assert.equal(stackName("dev"), "dev");
    assert.equal(stackName("acme/dev"), "dev");
    assert.equal(stackName("acme/active-active/dev"), "dev");
  });
});

describe("selectClusters", () => {
  type Row = [
    title: string,
    args: string,
    facts: Partial<Omit<ClusterFacts, "command">>,
    expected: { clusters: string; parallel: boolean; stop?: boolean; note?: RegExp } | RegExp,
  ];
  const ROWS: Row[] = [
    [
      "read-only: every cluster at once",
      "get pods",
      {},
      {
        clusters: "a,b,c",
        parallel: true,
        note: /kubectl get on all 3 clusters of dev \(a, b, c\), in parallel/,
      },
    ],
    [
      "read-only: the context does not narrow it",
      "get pods",
      { context: ctx("dev-b", "dev/b") },
      { clusters: "a,b,c", parallel: true },
    ],
    [
      "read-only: --cluster all",
      "get pods",
      { cluster: "all" },
      { clusters: "a,b,c", parallel: true },
    ],
    [
      "read-only: --cluster b",
      "get pods",
      { cluster: "b" },
      { clusters: "b", parallel: false, note: /kubectl get on cluster b of dev$/ },
    ],
    [
      "unknown --cluster",
      "get pods",
      { cluster: "x" },
      /dev has no cluster "x"; its clusters are a, b, c \(from the stack outputs\), or use --cluster all/,
    ],
    [
      "--cluster b with --all-clusters",
      "get pods",
      { cluster: "b", allClusters: true },
      /--cluster b and --all-clusters contradict each other/,
    ],
    [
      "mutating: --cluster b",
      "apply -f x.yaml",
      { cluster: "b" },
      { clusters: "b", parallel: false, note: /kubectl apply on cluster b of dev$/ },
    ],
    [
      "mutating: no cluster, no context",
      "apply -f x.yaml",
      {},
      /kubectl apply may change the cluster \(apply changes the cluster\) and names no cluster: add --cluster NAME \(one of a, b, c\), or --all-clusters/,
    ],
    [
      "mutating: the current context's cluster",
      "delete pod x",
      { context: ctx("dev-c", "dev/c") },
      {
        clusters: "c",
        parallel: false,
        note: /on cluster c of dev \(from the current kube context "dev-c"; --all-clusters for every cluster\)/,
      },
    ],
    [
      "mutating: an unmarked context by its name",
      "delete pod x",
      { context: ctx("dev-b") },
      { clusters: "b", parallel: false },
    ],
    [
      "mutating: another environment's context is ignored",
      "delete pod x",
      { context: ctx("prod-a", "prod/a") },
      /names no cluster/,
    ],
    [
      "mutating: a context naming a cluster dev lacks is ignored",
      "delete pod x",
      { context: ctx("dev-z", "dev/z") },
      /names no cluster/,
    ],
    [
      "mutating: --cluster all needs --all-clusters",
      "scale deploy/web --replicas=2",
      { cluster: "all" },
      /to run it on all 3 clusters of dev \(a, b, c\), add --all-clusters \(they then run one at a time, stopping at the first failure\); for one cluster, use --cluster NAME/,
    ],
    [
      "mutating: --all-clusters runs one at a time",
      "apply -f x.yaml",
      { allClusters: true },
      {
        clusters: "a,b,c",
        parallel: false,
        stop: true,
        note: /one at a time, stopping at the first failure \(--parallel to run them at once\)/,
      },
    ],
    [
      "mutating: --cluster all --all-clusters",
      "apply -f x.yaml",
      { cluster: "all", allClusters: true },
      { clusters: "a,b,c", parallel: false, stop: true },
    ],
    [
      "mutating: --all-clusters --parallel runs at once",
      "apply -f x.yaml",
      { allClusters: true, parallel: true },
      { clusters: "a,b,c", parallel: true, stop: false, note: /all at once \(--parallel\)/ },
    ],
    [
      "mutating: --all-clusters beats the context",
      "apply -f x.yaml",
      { allClusters: true, context: ctx("dev-a", "dev/a") },
      { clusters: "a,b,c", parallel: false },
    ],
    ["unknown verb: treated as mutating", "frobnicate", { cluster: "all" }, /add --all-clusters/],
    [
      "read-only: --parallel changes nothing",
      "get pods",
      { parallel: true },
      { clusters: "a,b,c", parallel: true },
    ],
    [
      "interactive: --cluster a",
      "exec -it web-0 -- sh",
      { cluster: "a" },
      { clusters: "a", parallel: false },
    ],
    [
      "interactive: the current context's cluster",
      "edit deploy/web",
      { context: ctx("dev-a", "dev/a") },
      { clusters: "a", parallel: false },
    ],
    [
      "interactive: never on every cluster",
      "edit deploy/web",
      { allClusters: true, context: ctx("dev-a", "dev/a") },
      /kubectl edit runs on one cluster only \(edit needs the terminal\): add --cluster NAME/,
    ],
    ["interactive: no cluster", "port-forward svc/web 8080:80", {}, /runs on one cluster only/],
  ];
  for (const [title, args, facts, expected] of ROWS) {
    it(title, () => {
      const run = () =>
        selectClusters({
          environment: "dev",
          clusters: ["a", "b", "c"],
          environments: ENVS,
          command: classifyKubectlArgs(args.split(" ")),
          ...facts,
        });
      if (expected instanceof RegExp) {
        assert.throws(run, (e: unknown) => e instanceof UsageError && expected.test(e.message));
        return;
      }
      const got = run();
      assert.deepEqual(got.clusters, expected.clusters.split(","));
      assert.equal(got.parallel, expected.parallel);
      if (expected.stop !== undefined) assert.equal(got.stopOnFailure, expected.stop);
      if (expected.note) assert.match(got.note, expected.note);
    });
  }
});
