import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { ROOT } from "../_cli";
import { deployedEnvironmentExport } from "../automation/stackExport/_exportFixture";
import { aaBounded, assertHandled, fuzz, literally } from "./_fuzz";

/**
 * State exports as corruption, hand edits and bad tools leave them: resources duplicated,
 * dropped, re-parented onto themselves or their children, dependency cycles, resources in
 * another order, outputs nested without end, fields of the wrong type, the document cut short.
 * Every case ends with exit 0, 1 or 2, naming the URN or field where it is refused, no trace,
 * within the bounds of `_fuzz.ts`; reordering the resources never changes the report.
 */

interface Resource {
  urn: string;
  type: string;
  parent?: string;
  dependencies?: string[];
  outputs?: Record<string, unknown>;
  delete?: boolean;
  [key: string]: unknown;
}
interface Doc {
  version: number;
  deployment: { resources: Resource[]; [key: string]: unknown };
  [key: string]: unknown;
}

/** The bases: an environment of this program (clusters, policies at work) and a real export. */
const BASES: { name: string; doc: Doc }[] = [
  { name: "environment", doc: deployedEnvironmentExport().document() as unknown as Doc },
  {
    name: "jobsbolt (real, pulumi 3.135.1)",
    doc: JSON.parse(
      fs.readFileSync(
        path.join(ROOT, "test", "fixtures", "real", "state", "export-3.135.1-jobsbolt.json"),
        "utf8",
      ),
    ) as Doc,
  },
];

type Edit =
  | { kind: "duplicate"; i: number; changed: boolean }
  | { kind: "delete-copy"; i: number }
  | { kind: "drop"; i: number }
  | { kind: "self-parent"; i: number }
  | { kind: "parent-missing"; i: number }
  | { kind: "parent-cycle"; i: number; j: number }
  | { kind: "self-dependency"; i: number }
  | { kind: "dependency-cycle"; i: number; j: number }
  | { kind: "deep-outputs"; i: number; depth: number }
  | { kind: "wrong-type"; i: number; field: string; value: unknown }
  | { kind: "truncate"; at: number }
  | { kind: "reverse" }
  | { kind: "shuffle"; seed: number };

const index = fc.nat();
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("duplicate" as const), i: index, changed: fc.boolean() }),
  fc.record({ kind: fc.constant("delete-copy" as const), i: index }),
  fc.record({ kind: fc.constant("drop" as const), i: index }),
  fc.record({ kind: fc.constant("self-parent" as const), i: index }),
  fc.record({ kind: fc.constant("parent-missing" as const), i: index }),
  fc.record({ kind: fc.constant("parent-cycle" as const), i: index, j: index }),
  fc.record({ kind: fc.constant("self-dependency" as const), i: index }),
  fc.record({ kind: fc.constant("dependency-cycle" as const), i: index, j: index }),
  fc.record({
    kind: fc.constant("deep-outputs" as const),
    i: index,
    depth: fc.constantFrom(100, 1_000, 100_000),
  }),
  fc.record({
    kind: fc.constant("wrong-type" as const),
    i: index,
    field: fc.constantFrom(
      "urn",
      "type",
      "parent",
      "provider",
      "dependencies",
      "outputs",
      "custom",
    ),
    value: fc.constantFrom(null, 7, "", "x", [], {}, ["a"], true),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: index }),
  fc.constant({ kind: "reverse" as const }),
  fc.record({ kind: fc.constant("shuffle" as const), seed: fc.integer() }),
);

/** The edited document as text, and what an exit-2 message must name. */
function apply(base: Doc, e: Edit): { text: string; names?: RegExp } {
  const doc = structuredClone(base);
  const rs = doc.deployment.resources;
  const pick = (i: number) => i % rs.length;
  const urnOf = (i: number) => rs[pick(i)].urn;
  const named = (...urns: string[]) =>
    new RegExp(urns.map((u) => literally(u).source).join("|") + "|integrity");
  switch (e.kind) {
    case "duplicate": {
      const copy = structuredClone(rs[pick(e.i)]);
      if (e.changed) copy.outputs = { ...copy.outputs, edited: "by hand" };
      rs.splice(pick(e.i) + 1, 0, copy);
      return { text: JSON.stringify(doc), names: named(copy.urn) };
    }
    case "delete-copy": {
      // What a create-before-delete replacement leaves: the old copy, marked for deletion.
      rs.splice(pick(e.i), 0, { ...structuredClone(rs[pick(e.i)]), delete: true });
      return { text: JSON.stringify(doc), names: named(urnOf(e.i)) };
    }
    case "drop": {
      const [gone] = rs.splice(pick(e.i), 1);
      return { text: JSON.stringify(doc), names: named(gone.urn) };
    }
    case "self-parent":
      rs[pick(e.i)].parent = urnOf(e.i);
      return { text: JSON.stringify(doc), names: named(urnOf(e.i)) };
    case "parent-missing":
      rs[pick(e.i)].parent = `${urnOf(e.i)}-missing`;
      return { text: JSON.stringify(doc), names: named(urnOf(e.i)) };
    case "parent-cycle": {
      rs[pick(e.i)].parent = urnOf(e.j);
      rs[pick(e.j)].parent = urnOf(e.i);
      return { text: JSON.stringify(doc), names: named(urnOf(e.i), urnOf(e.j)) };
    }
    case "self-dependency":
      rs[pick(e.i)].dependencies = [...(rs[pick(e.i)].dependencies ?? []), urnOf(e.i)];
      return { text: JSON.stringify(doc), names: named(urnOf(e.i)) };
    case "dependency-cycle": {
      rs[pick(e.i)].dependencies = [...(rs[pick(e.i)].dependencies ?? []), urnOf(e.j)];
      rs[pick(e.j)].dependencies = [...(rs[pick(e.j)].dependencies ?? []), urnOf(e.i)];
      return { text: JSON.stringify(doc), names: named(urnOf(e.i), urnOf(e.j)) };
    }
    case "deep-outputs": {
      // Written as text: a value this deep is beyond what JSON.stringify itself can nest.
      const marker = "__DEEP__";
      rs[pick(e.i)].outputs = { ...rs[pick(e.i)].outputs, deep: marker };
      const deep = `${'{"a":'.repeat(e.depth)}1${"}".repeat(e.depth)}`;
      return {
        text: JSON.stringify(doc).replace(`"${marker}"`, deep),
        names: named(urnOf(e.i)),
      };
    }
    case "wrong-type":
      rs[pick(e.i)][e.field] = e.value;
      return {
        text: JSON.stringify(doc),
        names: new RegExp(`${literally(e.field).source}|${named(urnOf(e.i)).source}`),
      };
    case "truncate": {
      const text = JSON.stringify(doc);
      return { text: text.slice(0, e.at % text.length), names: /JSON|state|export/ };
    }
    case "reverse":
      rs.reverse();
      return { text: JSON.stringify(doc) };
    case "shuffle": {
      const order = fc.sample(fc.shuffledSubarray(rs, { minLength: rs.length }), {
        seed: e.seed,
        numRuns: 1,
      })[0];
      doc.deployment.resources = order;
      return { text: JSON.stringify(doc) };
    }
  }
}

/** A report's violations, in an order of their own, to compare two runs. */
function violationsOf(stdout: string): string[] {
  const report = JSON.parse(stdout) as { violations?: unknown[] };
  return (report.violations ?? []).map((v) => JSON.stringify(v)).sort();
}

describe("fuzz: corrupt and reordered state exports (aa check --state)", function () {
  this.timeout(600_000);
  let dir: string;
  const baseline = new Map<string, { code: number | null; violations: string[] }>();
  let n = 0;
  const write = (text: string) => {
    const file = path.join(dir, `state${n++}.json`);
    fs.writeFileSync(file, text);
    return file;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-fuzz-export-"));
    for (const base of BASES) {
      const r = await aaBounded(["check", "--state", write(JSON.stringify(base.doc)), "--json"]);
      assertHandled(r);
      baseline.set(base.name, { code: r.code, violations: violationsOf(r.stdout) });
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("every edit is handled; a reordering changes nothing in the report", async () => {
    const codes = new Set<number | null>();
    await fuzz(fc.tuple(fc.constantFrom(...BASES), edit), 40, async ([base, e]) => {
      const { text, names } = apply(base.doc, e);
      const result = await aaBounded(["check", "--state", write(text), "--json"]);
      codes.add(result.code);
      assertHandled(result, names);
      if (e.kind === "reverse" || e.kind === "shuffle") {
        const before = baseline.get(base.name)!;
        assert.equal(result.code, before.code, `${e.kind} changed the exit code`);
        assert.deepEqual(
          violationsOf(result.stdout),
          before.violations,
          `${e.kind} changed the violations`,
        );
      }
    });
    assert.ok(
      codes.has(2) && (codes.has(0) || codes.has(1)),
      `exit codes: ${[...codes].join(", ")}`,
    );
  });
});
