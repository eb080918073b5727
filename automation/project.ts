import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { environmentNameProblem, FORBIDDEN_KEYS, isEnvironmentName } from "../config/load";
import { UsageError } from "./exitCodes";

/** A Pulumi project on disk and where its stack files live. */
export interface Project {
  /** Directory holding Pulumi.yaml. */
  dir: string;
  /** Project name from Pulumi.yaml. */
  name: string;
  /** Absolute directory of the stack files (`stackConfigDir`, else the project directory). */
  stackConfigDir: string;
}

/** A stack file read from disk. */
export interface StackFile {
  /** Stack (environment) name. */
  stack: string;
  /** Path as given or resolved, for messages. */
  path: string;
  /** The file's `config:` map. */
  config: Record<string, unknown>;
}

/** The directory of this package (where the built-in example stacks live). */
export const PACKAGE_DIR = path.resolve(__dirname, "..", "..");

/**
 * Finds the Pulumi project: the nearest Pulumi.yaml at or above `from`, else this package's own
 * project (so the built-in examples work from anywhere).
 */
export function findProject(from: string = process.cwd()): Project {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return readProject(dir);
    if (path.dirname(dir) === dir) break;
  }
  return readProject(PACKAGE_DIR);
}

function readProject(dir: string): Project {
  const file = path.join(dir, "Pulumi.yaml");
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const project = (doc ?? {}) as { name?: unknown; stackConfigDir?: unknown };
  if (typeof project.name !== "string") {
    throw new UsageError(`${file} has no project "name"; add one, e.g. "name: active-active"`);
  }
  const configDir = typeof project.stackConfigDir === "string" ? project.stackConfigDir : ".";
  return { dir, name: project.name, stackConfigDir: path.resolve(dir, configDir) };
}

/** The environments that have a stack file in the project. */
export function listEnvironments(project: Project): string[] {
  if (!fs.existsSync(project.stackConfigDir)) return [];
  return fs
    .readdirSync(project.stackConfigDir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Reads `<stackConfigDir>/Pulumi.<env>.yaml`. */
export function readEnvironmentStack(project: Project, env: string): StackFile {
  // Checked before any path is made of it: "dev/../../x" must not name a file outside the project.
  if (!isEnvironmentName(env)) throw new UsageError(environmentNameProblem(env));
  const file = path.join(project.stackConfigDir, `Pulumi.${env}.yaml`);
  if (!fs.existsSync(file)) {
    const known = listEnvironments(project);
    throw new UsageError(
      `no environment "${env}": ${path.relative(process.cwd(), file) || file} does not exist; ` +
        (known.length ? `known environments: ${known.join(", ")}` : "no stack files found"),
    );
  }
  return readStackFile(file, env);
}

/** Reads a stack config file anywhere; the stack name comes from `Pulumi.<name>.yaml`. */
export function readStackFile(file: string, stack = stackNameOf(file)): StackFile {
  const doc = parseStackYaml(readStackText(file), file);
  const config = (doc as { config?: unknown } | null)?.config;
  if (
    config === undefined ||
    config === null ||
    typeof config !== "object" ||
    Array.isArray(config)
  ) {
    throw new UsageError(
      `${file} has no "config:" map; a stack file looks like "config:\\n  active-active:kubernetesVersion: \\"1.33\\"\\n  ..." (see stacks/Pulumi.dev.yaml)`,
    );
  }
  return { stack, path: file, config: config as Record<string, unknown> };
}

/** "stacks/Pulumi.prod.yaml" -> "prod"; any other file name -> its base name. */
export function stackNameOf(file: string): string {
  const base = path.basename(file);
  return /^Pulumi\.(.+)\.ya?ml$/.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, "");
}

/** A path relative to the working directory when it is below it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

/** The largest stack file read: far above any real one (the examples are a few KB). */
export const STACK_FILE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * A stack file's text: a regular file (not a device or a pipe, which could be endless), at most
 * {@link STACK_FILE_MAX_BYTES}, in UTF-8; a byte-order mark is dropped, UTF-16 refused with the fix.
 */
function readStackText(file: string): string {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      throw new UsageError(
        `stack file ${file} is not a regular file; give the path of a YAML file`,
      );
    }
    if (stat.size > STACK_FILE_MAX_BYTES) {
      throw new UsageError(
        `stack file ${file} is ${stat.size} bytes, above the ${STACK_FILE_MAX_BYTES / 1024 / 1024} MiB a stack file may have; check that it is the right file`,
      );
    }
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `stack file ${file} does not exist`
        : `cannot read stack file ${file}: ${(err as Error).message}`,
    );
  }
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw new UsageError(
      `stack file ${file} is UTF-16; save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8), as Pulumi writes it`,
    );
  }
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A stack file's YAML as plain data. Every mapping key must be a string as written: an unquoted
 * `1.30:` is the number 1.3 to YAML (an `addonMatrix` row would silently become "1.3"), so it is
 * refused with the fix; and `__proto__`, `constructor` and `prototype` are refused by name
 * anywhere, since as keys they are not data. Errors name the file and line.
 */
function parseStackYaml(text: string, file: string): unknown {
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: true, lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new UsageError(`${file} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  }
  const at = (node: YAML.Node | null | undefined) => {
    const offset = node?.range?.[0];
    return offset === undefined ? "" : ` line ${lineCounter.linePos(offset).line}:`;
  };
  YAML.visit(doc, {
    Pair(_, pair) {
      const key = pair.key as YAML.Node | null;
      const raw = key?.range ? text.slice(key.range[0], key.range[1]).trim() : String(key);
      if (!YAML.isScalar(key) || typeof key.value !== "string") {
        throw new UsageError(
          `${file}:${at(key)} the key ${raw} is not a string (YAML reads it as ${JSON.stringify(YAML.isScalar(key) ? key.value : raw)}); quote it: "${raw}"`,
        );
      }
      if (FORBIDDEN_KEYS.has(key.value)) {
        throw new UsageError(
          `${file}:${at(key)} "${key.value}" cannot be a key in a stack file; rename it`,
        );
      }
    },
  });
  return doc.toJS({ maxAliasCount: 100 });
}
