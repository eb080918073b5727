import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluateStack } from "../../../automation/offline/evaluate";
import { runPoliciesInProcess } from "../../../automation/policy/inProcessRunner";
import { findProject, readEnvironmentStack, readStackFile } from "../../../automation/project";
import { fromStackExport } from "../../../automation/stackExport/stackExport";
import { clusterMembership } from "../../../graph/membership";
import type { ResourceNode } from "../../../graph/resourceGraph";
import { ROOT } from "../../_cli";
import { deployedEnvironmentExport, sizedEnvironmentExport } from "../stackExport/_exportFixture";
import { REAL_STATE_DIR, REAL_STATE_FILES } from "../stackExport/_realStateFiles";

// The order of a graph's resources (a state file's, a program's registrations) decides nothing:
// not which cluster a resource belongs to, not the clusters' order, not a violation. Every real
// state file, our fixtures and the graphs of the shipped example stacks, reversed and shuffled.

/** What `aa check` concludes from a graph, in a form that does not depend on its order. */
function conclusions(nodes: ResourceNode[], project: string, stack: string) {
  const membership = clusterMembership(nodes);
  const byUrn = [...nodes].sort((a, b) => (a.urn < b.urn ? -1 : 1));
  const names = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const { violations } = runPoliciesInProcess({
    nodes,
    membership,
    project,
    stack,
    stackConfig: {},
  });
  return {
    clusters: membership.clusters.map((c) => c.name),
    placed: byUrn.map((n) => {
      const cluster = membership.clusterOf.get(n.urn);
      return `${n.urn} ${cluster ? names.get(cluster) : "-"} ${membership.reason.get(n.urn)}`;
    }),
    reaches: byUrn.map((n) => [...(membership.reaches.get(n.urn) ?? [])].sort()),
    violations: violations
      .map((v) => `${v.policy} ${v.level} ${v.urn} ${v.cluster} ${v.message}`)
      .sort(),
  };
}

/** The nodes in a shuffled order, the same for the same seed (a linear congruential generator). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Asserts that the graph read in other orders concludes the same. */
function assertOrderFree(nodes: ResourceNode[], project: string, stack: string): void {
  const expected = conclusions(nodes, project, stack);
  const orders: [string, ResourceNode[]][] = [
    ["reversed", [...nodes].reverse()],
    ["shuffled (seed 1)", shuffled(nodes, 1)],
    ["shuffled (seed 7)", shuffled(nodes, 7)],
  ];
  for (const [what, other] of orders) {
    assert.deepEqual(conclusions(other, project, stack), expected, what);
  }
}

/** A state document with its resources reordered by `reorder`. */
function reordered(doc: unknown, reorder: (r: unknown[]) => unknown[]): unknown {
  const copy = structuredClone(doc) as {
    deployment?: { resources?: unknown[] };
    checkpoint?: { latest?: { resources?: unknown[] } };
  };
  const deployment = copy.deployment ?? copy.checkpoint?.latest;
  if (deployment?.resources) deployment.resources = reorder(deployment.resources);
  return copy;
}

describe("the order of a graph's resources decides nothing", () => {
  for (const real of REAL_STATE_FILES) {
    it(`real state ${real.file}: reversed or shuffled, the same clusters, members and violations`, () => {
      const doc: unknown = JSON.parse(
        fs.readFileSync(path.join(REAL_STATE_DIR, real.file), "utf8"),
      );
      const read = (d: unknown) => fromStackExport(d, real.file);
      const { nodes, project, stack } = read(doc);
      const expected = conclusions(nodes, project, stack);
      for (const [what, reorder] of [
        ["reversed", (r: unknown[]) => [...r].reverse()],
        ["shuffled", (r: unknown[]) => shuffled(r, 3)],
      ] as const) {
        const other = read(reordered(doc, reorder));
        assert.deepEqual(conclusions(other.nodes, project, stack), expected, what);
      }
    });
  }

  it("the deployed-environment fixtures (violations of every kind, and none)", () => {
    for (const builder of [deployedEnvironmentExport(), sizedEnvironmentExport(1)]) {
      const { nodes, project, stack } = fromStackExport(builder.document(), "state.json");
      assertOrderFree(nodes, project, stack);
    }
  });

  const project = findProject(ROOT);
  const examples: [string, () => ReturnType<typeof readStackFile>][] = [
    ...["dev", "staging", "prod"].map(
      (env) =>
        [`stacks/Pulumi.${env}.yaml`, () => readEnvironmentStack(project, env)] as [
          string,
          () => ReturnType<typeof readStackFile>,
        ],
    ),
    ...fs
      .readdirSync(path.join(ROOT, "examples", "lifecycle"))
      .filter((f) => f.endsWith(".yaml"))
      .map(
        (f) =>
          [
            `examples/lifecycle/${f}`,
            () => readStackFile(path.join(ROOT, "examples", "lifecycle", f)),
          ] as [string, () => ReturnType<typeof readStackFile>],
      ),
  ];
  for (const [name, read] of examples) {
    it(`the graph of the example ${name}, reversed and shuffled`, async () => {
      const file = read();
      const evaluation = await evaluateStack({
        project: project.name,
        stack: file.stack,
        config: file.config,
        source: file.path,
      });
      assertOrderFree(evaluation.resources, project.name, file.stack);
    });
  }
});
