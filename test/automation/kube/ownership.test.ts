import * as assert from "node:assert/strict";
import { MARK, ownerFromName, ownerOf, withMark } from "../../../automation/kube/ownership";

describe("ownership of kubeconfig entries", () => {
  const ENVS = ["dev", "dev-eu", "prod"];
  const ROWS: [name: string, expected: string | undefined][] = [
    ["dev-a", "dev/a"],
    ["prod-use1-a", "prod/use1-a"],
    ["dev-eu-a", "dev-eu/a"],
    ["dev-eu", "dev/eu"],
    ["staging-a", undefined],
    ["dev", undefined],
    ["dev-", undefined],
    ["dev--a", undefined],
    ["dev-A", undefined],
    ["minikube", undefined],
    ["arn:aws:eks:us-east-1:123456789012:cluster/dev-a", undefined],
  ];
  for (const [name, expected] of ROWS) {
    it(`reads "${name}" as ${expected ?? "not ours"}`, () => {
      const owner = ownerFromName(name, ENVS);
      assert.deepEqual(owner && `${owner.environment}/${owner.cluster}`, expected);
    });
  }

  it("marks an entry and reads the mark back, keeping other extensions", () => {
    const others = [{ name: "cluster_info", extension: { provider: "minikube.sigs.k8s.io" } }];
    const marked = withMark(others, { environment: "dev", cluster: "a" });
    assert.deepEqual(marked[0], others[0]);
    assert.equal(marked[1].name, MARK);
    assert.deepEqual(ownerOf(marked), { environment: "dev", cluster: "a" });
    const remarked = withMark(marked, { environment: "dev", cluster: "b" });
    assert.equal(remarked.length, 2);
    assert.deepEqual(ownerOf(remarked), { environment: "dev", cluster: "b" });
    for (const notOurs of [
      undefined,
      null,
      "x",
      [],
      others,
      [{ name: MARK, extension: "dev" }],
      [{ name: MARK, extension: { environment: "dev" } }],
    ]) {
      assert.equal(ownerOf(notOurs), undefined);
    }
  });
});
