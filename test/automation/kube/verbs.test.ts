import * as assert from "node:assert/strict";
import { UsageError } from "../../../automation/exitCodes";
import { classifyKubectlArgs, readsStdin, type VerbClass } from "../../../automation/kube/verbs";

/** kubectl arguments -> verb, class, streams. */
const CLASSES: [args: string, verb: string, cls: VerbClass, streams?: boolean][] = [
  // read-only
  ["get pods -A", "get", "read-only"],
  ["-n kube-system get pods", "get", "read-only"],
  ["--namespace=apps describe deploy web", "describe", "read-only"],
  ["--context-free-flag get nodes", "get", "read-only"],
  ["logs deploy/web -n apps", "logs", "read-only"],
  ["logs -f deploy/web", "logs", "read-only", true],
  ["logs --follow=true deploy/web", "logs", "read-only", true],
  ["get pods -w", "get", "read-only", true],
  ["get pods --watch-only", "get", "read-only", true],
  ["events -w", "events", "read-only", true],
  ["top nodes", "top", "read-only"],
  ["explain pods.spec", "explain", "read-only"],
  ["api-resources", "api-resources", "read-only"],
  ["api-versions", "api-versions", "read-only"],
  ["version", "version", "read-only"],
  ["events -A", "events", "read-only"],
  ["cluster-info", "cluster-info", "read-only"],
  ["diff -f web.yaml", "diff", "read-only"],
  ["wait --for=condition=Available deploy/web", "wait", "read-only"],
  ["auth can-i create pods", "auth can-i", "read-only"],
  ["auth whoami", "auth whoami", "read-only"],
  ["rollout status deploy/web", "rollout status", "read-only"],
  ["-n apps rollout history deploy/web", "rollout history", "read-only"],
  ["apply -f web.yaml --dry-run=server", "apply", "read-only"],
  ["delete pod web-0 --dry-run=client", "delete", "read-only"],
  // mutating
  ["apply -f web.yaml", "apply", "mutating"],
  ["apply -f web.yaml --dry-run=none", "apply", "mutating"],
  ["apply -f web.yaml --dry-run server", "apply", "mutating"],
  ["delete pod web-0", "delete", "mutating"],
  ["scale deploy/web --replicas=3", "scale", "mutating"],
  ["patch deploy web -p {}", "patch", "mutating"],
  ["rollout restart deploy/web", "rollout restart", "mutating"],
  ["rollout undo deploy/web", "rollout undo", "mutating"],
  ["create namespace x", "create", "mutating"],
  ["replace -f x.yaml", "replace", "mutating"],
  ["label node n1 a=b", "label", "mutating"],
  ["annotate pod p a=b", "annotate", "mutating"],
  ["cordon n1", "cordon", "mutating"],
  ["uncordon n1", "uncordon", "mutating"],
  ["drain n1 --ignore-daemonsets", "drain", "mutating"],
  ["taint nodes n1 k=v:NoSchedule", "taint", "mutating"],
  ["set image deploy/web web=nginx:1.27", "set", "mutating"],
  ["auth reconcile -f rbac.yaml", "auth reconcile", "mutating"],
  ["certificate approve csr-1", "certificate", "mutating"],
  ["exec deploy/web -- cat /etc/hostname", "exec", "mutating"],
  ["run tmp --image=busybox --restart=Never -- true", "run", "mutating"],
  ["cp web-0:/tmp/a ./a", "cp", "mutating"],
  ["frobnicate things", "frobnicate", "mutating"],
  ["-v 6 delete pod x", "delete", "mutating"],
  // interactive
  ["edit deploy/web", "edit", "interactive"],
  ["exec -it deploy/web -- sh", "exec", "interactive"],
  ["exec deploy/web -i -t -- sh", "exec", "interactive"],
  ["exec --stdin --tty deploy/web -- sh", "exec", "interactive"],
  ["run tmp -it --image=busybox -- sh", "run", "interactive"],
  ["debug node/n1 -it --image=busybox", "debug", "interactive"],
  ["port-forward svc/web 8080:80", "port-forward", "interactive"],
  ["attach web-0", "attach", "interactive"],
  ["proxy", "proxy", "interactive"],
];

describe("classifyKubectlArgs", () => {
  for (const [args, verb, cls, streams] of CLASSES) {
    it(`${args} -> ${cls} (${verb})`, () => {
      const c = classifyKubectlArgs(args.split(" "));
      assert.deepEqual([c.verb, c.class, c.streams], [verb, cls, Boolean(streams)]);
      assert.ok(c.why.length > 0);
    });
  }

  it("does not take flags of a container's command for kubectl's own", () => {
    const c = classifyKubectlArgs(["exec", "web-0", "--", "sh", "-c", "ls -it", "--context", "x"]);
    assert.equal(c.class, "mutating");
  });

  const REFUSED: [args: string, message: RegExp][] = [
    ["", /give kubectl's arguments after --, with a verb/],
    ["-n apps", /give kubectl's arguments after --, with a verb/],
    ["config view --raw", /kubectl config works on the local kubeconfig/],
    ["config use-context dev-a", /aa kubeconfig <env>/],
    [
      "get pods --context dev-b",
      /--context is not allowed .* picks the context of each cluster itself/,
    ],
    ["get pods --context=dev-b", /--context is not allowed/],
    ["--kubeconfig /tmp/x get pods", /--kubeconfig is not allowed/],
    ["get pods --cluster b", /use aa's own --cluster NAME before --/],
    ["get pods --token=abc", /--token is not allowed .* show in `ps`/],
    ["get pods --password x", /--password is not allowed/],
    ["get pods -s https://1.2.3.4", /-s is not allowed/],
    ["get pods --user admin", /--user is not allowed/],
    ["get pods --client-key k.pem", /--client-key is not allowed/],
  ];
  for (const [args, message] of REFUSED) {
    it(`refuses "${args}"`, () => {
      assert.throws(
        () => classifyKubectlArgs(args ? args.split(" ") : []),
        (err: unknown) => err instanceof UsageError && message.test(err.message),
      );
    });
  }

  it("knows which commands read a manifest from stdin", () => {
    const table: [string, boolean][] = [
      ["apply -f -", true],
      ["apply --filename -", true],
      ["apply --filename=-", true],
      ["apply -f web.yaml", false],
      ["exec web-0 -- cat -f -", false],
      ["get pods", false],
    ];
    for (const [args, expected] of table) assert.equal(readsStdin(args.split(" ")), expected, args);
  });
});
