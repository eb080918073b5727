import * as assert from "node:assert/strict";
import type { ClusterResult } from "../../../automation/kube/fanOut";
import {
  formatDuration,
  inOrder,
  prefixedLines,
  renderGroup,
  renderSummary,
} from "../../../automation/kube/render";

function result(o: Partial<ClusterResult> = {}): ClusterResult {
  const cluster = o.cluster ?? "a";
  return {
    cluster,
    context: `dev-${cluster}`,
    status: "succeeded",
    exitCode: 0,
    signal: null,
    durationMs: 1234,
    stdout: "",
    stderr: "",
    ...o,
  };
}

describe("kubectl output", () => {
  it("heads each cluster's output and keeps its stderr apart", () => {
    assert.deepEqual(renderGroup(result({ stdout: "NAME\nweb", stderr: "warning" })), {
      stdout: "==> dev-a <==\nNAME\nweb\n",
      stderr: "warning\n",
    });
    assert.deepEqual(renderGroup(result()), { stdout: "==> dev-a <==\n(no output)\n", stderr: "" });
    assert.equal(
      renderGroup(result({ status: "failed", exitCode: null, signal: "SIGTERM" })).stdout,
      "==> dev-a <==\n(stopped by SIGTERM)\n",
    );
    assert.equal(
      renderGroup(result({ status: "skipped", reason: "cluster a failed first" })).stdout,
      "==> dev-a <==\n(skipped: cluster a failed first)\n",
    );
  });

  it("emits in index order, each as soon as all before it are there", () => {
    const seen: number[] = [];
    const emit = inOrder((_: string, i: number) => seen.push(i));
    emit("c", 2);
    assert.deepEqual(seen, []);
    emit("a", 0);
    assert.deepEqual(seen, [0]);
    emit("b", 1);
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it("prefixes whole lines, however the text arrives", () => {
    let out = "";
    const lines = prefixedLines(
      "dev-a",
      (t) => (out += t),
      (t) => t.toUpperCase(),
    );
    lines.push("one\ntw");
    lines.push("o\nthr");
    assert.equal(out, "dev-a | ONE\ndev-a | TWO\n");
    lines.flush();
    assert.equal(out, "dev-a | ONE\ndev-a | TWO\ndev-a | THR\n");
  });

  it("summarises one line per cluster", () => {
    const text = renderSummary([
      result(),
      result({ cluster: "b", status: "failed", exitCode: 1, durationMs: 80 }),
      result({ cluster: "c", status: "failed", exitCode: null, signal: "SIGTERM" }),
      result({ cluster: "d", status: "skipped", exitCode: null, reason: "cluster b failed first" }),
    ]);
    assert.match(text, /│ a +│ dev-a +│ 0 +│ 1\.2s +│ ok +│/);
    assert.match(text, /│ b +│ dev-b +│ 1 +│ 80ms +│ failed +│/);
    assert.match(text, /│ c +│ dev-c +│ - +│ 1\.2s +│ failed \(SIGTERM\) +│/);
    assert.match(text, /│ d +│ dev-d +│ - +│ - +│ skipped: cluster b failed first +│/);
    assert.match(text, /1 of 4 cluster\(s\) succeeded\n$/);
  });

  it("formats durations", () => {
    assert.deepEqual([0, 999, 1000, 59_949, 61_000, 3_600_000].map(formatDuration), [
      "0ms",
      "999ms",
      "1.0s",
      "59.9s",
      "1m01s",
      "60m00s",
    ]);
  });
});
