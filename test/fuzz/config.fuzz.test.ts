import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import YAML from "yaml";
import { ROOT } from "../_cli";
import { aaBounded, assertHandled, fuzz, literally } from "./_fuzz";

/**
 * Stack files as a careless or malicious user writes them: the dev environment's file with one
 * value replaced by something hostile, a key removed or added (`__proto__` among them), or the
 * text itself broken (truncated, duplicated keys, unquoted version keys, deep nesting, other
 * encodings). Every case must end with exit 0, 1 or 2, one message naming what was broken, and
 * no stack trace, within the time and heap bounds of `_fuzz.ts`.
 */

const DEV = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
const CONFIG = (YAML.parse(DEV) as { config: Record<string, unknown> }).config;

type Segment = string | number;

/** Every path into the config's values, e.g. ["active-active:clusters", 1, "cidr"]. */
function pathsOf(value: unknown, at: Segment[] = []): Segment[][] {
  const here = at.length > 0 ? [at] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value && typeof value === "object") {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  }
  return here;
}
const PATHS = pathsOf(CONFIG);
const OBJECT_PATHS = PATHS.filter((p) => {
  const v = get(CONFIG, p);
  return v !== null && typeof v === "object" && !Array.isArray(v);
});

function get(root: unknown, at: Segment[]): unknown {
  return at.reduce<unknown>((v, k) => (v as Record<Segment, unknown>)?.[k], root);
}

/** Values no field expects, and values some field almost accepts. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    -1,
    0,
    1.5,
    2 ** 53 + 1,
    Infinity,
    -Infinity,
    NaN,
    "",
    "   ",
    true,
    [],
    {},
    [null],
    "v1.33",
    "1.33.1",
    "2.0",
    "999.10.0.0/16",
    "10.0.0.0/33",
    "fd00::/48",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "é🙂\u0000\u202e",
    "x".repeat(100_000),
    { secure: "v1:AAAABBBBCCCC" },
    { __proto__: null, polluted: true },
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

/** Keys no schema has, and the ones JavaScript treats specially. */
const strangeKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", " ", "unknownKey", "k".repeat(300)),
  fc.string({ minLength: 1, maxLength: 12 }),
);

type Mutation =
  | { kind: "set"; at: Segment[]; value: unknown }
  | { kind: "delete"; at: Segment[] }
  | { kind: "add"; at: Segment[]; key: string; value: unknown }
  | { kind: "text"; how: TextHow; where: number };

type TextHow =
  | "truncate"
  | "bom"
  | "utf16"
  | "tabs"
  | "duplicate-line"
  | "unquoted-version-key"
  | "deep-nesting"
  | "control-bytes";

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("set" as const),
      at: fc.constantFrom(...PATHS),
      value: hostile,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.constantFrom(...PATHS) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      at: fc.constantFrom(...OBJECT_PATHS),
      key: strangeKey,
      value: hostile,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("text" as const),
      how: fc.constantFrom<TextHow>(
        "truncate",
        "bom",
        "utf16",
        "tabs",
        "duplicate-line",
        "unquoted-version-key",
        "deep-nesting",
        "control-bytes",
      ),
      where: fc.nat(),
    }),
  },
);

/** The stack file's bytes after the mutation, and what an error must name. */
function apply(m: Mutation): { bytes: Buffer; names?: RegExp } {
  if (m.kind === "text") return textMutation(m.how, m.where);
  const config = structuredClone(CONFIG);
  const top = String(m.at[0]);
  const parent = get(config, m.at.slice(0, -1)) as Record<Segment, unknown>;
  const last = m.at[m.at.length - 1];
  if (m.kind === "set") setOwn(parent, last, m.value);
  if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  }
  if (m.kind === "add") setOwn(get(config, m.at) as Record<string, unknown>, m.key, m.value);
  const doc = new YAML.Document({ config });
  // What the message must name: the top-level key, by its name without the namespace, or the
  // key that was added.
  const name = top.includes(":") ? top.slice(top.indexOf(":") + 1) : top;
  const names =
    m.kind === "add" && m.key.trim() !== ""
      ? new RegExp(`${literally(name).source}|${literally(m.key.slice(0, 60)).source}`)
      : literally(name);
  return { bytes: Buffer.from(doc.toString({ lineWidth: 0 })), names };
}

/** Sets a key as data (`__proto__` included), as a YAML parser does. */
function setOwn(target: Record<Segment, unknown>, key: Segment, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function textMutation(how: TextHow, where: number): { bytes: Buffer; names?: RegExp } {
  const lines = DEV.split("\n");
  const line = 3 + (where % (lines.length - 4));
  switch (how) {
    case "truncate":
      return { bytes: Buffer.from(DEV.slice(0, where % DEV.length)) };
    case "bom":
      return { bytes: Buffer.from(`\uFEFF${DEV}`) };
    case "utf16":
      return { bytes: Buffer.from(`\uFEFF${DEV}`, "utf16le"), names: /UTF-16/ };
    case "tabs":
      return { bytes: Buffer.from(DEV.replace(/^ {4}/gm, "\t")) };
    case "duplicate-line":
      return {
        bytes: Buffer.from([...lines.slice(0, line), lines[line], ...lines.slice(line)].join("\n")),
      };
    case "unquoted-version-key":
      return { bytes: Buffer.from(DEV.replace('"1.33":', "1.30:")), names: /1\.30/ };
    case "deep-nesting": {
      const depth = 1000 + (where % 20_000);
      const deep = `${"[".repeat(depth)}${"]".repeat(depth)}`;
      return { bytes: Buffer.from(DEV.replace("maxSize: 4", `maxSize: ${deep}`)) };
    }
    case "control-bytes":
      return {
        bytes: Buffer.concat([
          Buffer.from(DEV.slice(0, where % DEV.length)),
          Buffer.from([0, 7, 27, 0xff, 0xfe]),
          Buffer.from(DEV.slice(where % DEV.length)),
        ]),
      };
  }
}

describe("fuzz: hostile stack files (exit 0, 1 or 2, a message naming the field, no trace)", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-fuzz-config-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  const write = (bytes: Buffer) => {
    const file = path.join(dir, `Pulumi.fuzz${n++}.yaml`);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it("validated by `aa cost` (config only)", async () => {
    const codes = new Set<number | null>();
    await fuzz(mutation, 40, async (m) => {
      const { bytes, names } = apply(m);
      const result = await aaBounded(["cost", "--stack-file", write(bytes), "--json"]);
      codes.add(result.code);
      assertHandled(result, names);
    });
    // Not vacuous: the cases reach both the refusals and configs that still work.
    assert.ok(codes.has(0) && codes.has(2), `exit codes seen: ${[...codes].join(", ")}`);
  });

  it("evaluated by `aa check` (the whole program, offline)", async () => {
    await fuzz(mutation, 6, async (m) => {
      const { bytes, names } = apply(m);
      assertHandled(await aaBounded(["check", "--stack-file", write(bytes), "--json"]), names);
    });
  });
});
