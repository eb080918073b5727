import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
  kubeconfigDestination,
  kubeconfigPrecedence,
  tildify,
} from "../../../automation/kube/kubeconfigPaths";

describe("kubeconfig locations (client-go's loading rules)", () => {
  const cwd = "/work";
  const home = "/home/me";
  const ROWS: [title: string, kubeconfig: string | undefined, expected: string[]][] = [
    ["no $KUBECONFIG: ~/.kube/config", undefined, ["/home/me/.kube/config"]],
    ["an empty $KUBECONFIG: ~/.kube/config", "", ["/home/me/.kube/config"]],
    ["one file", "/etc/kube/dev", ["/etc/kube/dev"]],
    ["several files, in order", "/a:/b:/c", ["/a", "/b", "/c"]],
    ["empty entries skipped", ":/a::/b:", ["/a", "/b"]],
    ["duplicates once", "/a:/b:/a", ["/a", "/b"]],
    ["relative to the working directory", "kube/config:/b", ["/work/kube/config", "/b"]],
  ];
  for (const [title, kubeconfig, expected] of ROWS) {
    it(title, () => {
      const env =
        kubeconfig === undefined ? {} : { KUBECONFIG: kubeconfig.split(":").join(path.delimiter) };
      assert.deepEqual(kubeconfigPrecedence(env, cwd, home), expected);
    });
  }

  const DESTINATIONS: [
    title: string,
    precedence: string[],
    existing: string[],
    expected: string,
  ][] = [
    ["the first file that exists", ["/a", "/b", "/c"], ["/b", "/c"], "/b"],
    ["the first file when none exists", ["/a", "/b"], [], "/a"],
    ["the only file", ["/home/me/.kube/config"], [], "/home/me/.kube/config"],
  ];
  for (const [title, precedence, existing, expected] of DESTINATIONS) {
    it(`writes to ${title}`, () => {
      assert.equal(
        kubeconfigDestination(precedence, (f) => existing.includes(f)),
        expected,
      );
    });
  }

  it("shows paths under the home directory with ~", () => {
    assert.equal(tildify("/home/me/.kube/config", home), `~${path.sep}.kube${path.sep}config`);
    assert.equal(tildify("/etc/kube", home), "/etc/kube");
  });
});
