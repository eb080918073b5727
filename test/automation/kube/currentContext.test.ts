import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { currentContextOf, readCurrentContext } from "../../../automation/kube/currentContext";
import type { KubeconfigDoc } from "../../../automation/kube/kubeconfigDoc";
import { withMark } from "../../../automation/kube/ownership";

function config(
  current: string | undefined,
  contexts: { name: string; owner?: [string, string] }[],
): KubeconfigDoc {
  return {
    ...(current !== undefined ? { "current-context": current } : {}),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: {
        cluster: c.name,
        user: c.name,
        ...(c.owner
          ? { extensions: withMark(undefined, { environment: c.owner[0], cluster: c.owner[1] }) }
          : {}),
      },
    })),
  };
}

describe("currentContextOf (kubectl's merge of several kubeconfigs)", () => {
  const ROWS: [title: string, configs: KubeconfigDoc[], expected: unknown][] = [
    ["none set", [config(undefined, [{ name: "dev-a" }])], undefined],
    ["an empty current-context is not set", [config("", [{ name: "dev-a" }])], undefined],
    ["an unmarked context", [config("dev-a", [{ name: "dev-a" }])], { name: "dev-a" }],
    [
      "a marked context",
      [config("dev-a", [{ name: "dev-a", owner: ["dev", "a"] }])],
      { name: "dev-a", owner: { environment: "dev", cluster: "a" } },
    ],
    [
      "the first file to set it wins",
      [
        config("", []),
        config("dev-b", []),
        config("dev-c", [{ name: "dev-b", owner: ["dev", "b"] }]),
      ],
      { name: "dev-b", owner: { environment: "dev", cluster: "b" } },
    ],
    [
      "the first file to define the context defines it",
      [
        config("dev-a", [{ name: "dev-a" }]),
        config(undefined, [{ name: "dev-a", owner: ["dev", "a"] }]),
      ],
      { name: "dev-a" },
    ],
    ["a current context without entry keeps its name", [config("ghost", [])], { name: "ghost" }],
  ];
  for (const [title, configs, expected] of ROWS) {
    it(title, () => assert.deepEqual(currentContextOf(configs), expected));
  }

  it("reads the files, skipping missing ones, and reports an unreadable one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-current-"));
    try {
      const good = path.join(dir, "good");
      const bad = path.join(dir, "bad");
      fs.writeFileSync(
        good,
        "current-context: dev-a\ncontexts:\n- name: dev-a\n  context: {cluster: c, user: u}\n",
      );
      fs.writeFileSync(bad, "contexts: [\n");
      assert.deepEqual(readCurrentContext([path.join(dir, "missing"), good]), {
        context: { name: "dev-a" },
      });
      assert.deepEqual(readCurrentContext([path.join(dir, "missing")]), {});
      assert.match(
        readCurrentContext([bad, good]).problem ?? "",
        /is not valid YAML or JSON \(line \d+/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
