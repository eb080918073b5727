import { z } from "zod";
import { AaError, ExitCode } from "../errors/aaError";
import { closest } from "./_suggest";
import { showValue } from "./_show";

/** One problem in an environment's config: the field (as written in the stack file) and why. */
export interface ConfigProblem {
  /** The stack config key and path, e.g. `active-active:clusters[1].name`. */
  field: string;
  /** What is wrong, with the bad value and the fix. */
  message: string;
}

/**
 * Invalid environment config. The message lists every problem, one per line, each naming the
 * field, the bad value and the fix; the CLI prints it without a stack trace and exits with 2.
 */
export class ConfigError extends AaError {
  readonly exit = ExitCode.Usage;
  readonly code = "AA_CONFIG_INVALID";

  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `invalid environment config in ${source}:\n` +
        problems.map((p) => `  - ${p.field}: ${p.message}`).join("\n"),
    );
  }
}

/** The Pulumi config namespace of every key the program reads. */
export const NAMESPACE = "active-active";

/** Renders a path as it appears in the stack file: `active-active:clusters[1].name`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  path.forEach((part, i) => {
    if (typeof part === "number") out += `[${part}]`;
    else out += i === 0 ? `${NAMESPACE}:${String(part)}` : `.${String(part)}`;
  });
  return out || `${NAMESPACE}:*`;
}

/** A value as a person reads it (config/_show.ts). */
const show = showValue;

/** Turns zod's issues into problems a person can act on. */
export function problemsFromZod(error: z.ZodError, schema: z.ZodType): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        return {
          field: fieldName([...issue.path, key]),
          message:
            `unknown key "${key}"` +
            (guess ? `; did you mean "${guess}"?` : "") +
            (allowed.length ? ` Allowed keys here: ${allowed.join(", ")}.` : ""),
        };
      });
    }
    return [{ field: fieldName(issue.path), message: describe(issue) }];
  });
}

function describe(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `missing; this key is required (expected ${issue.expected})`;
      if (issue.message && !issue.message.startsWith("Invalid input")) return issue.message;
      if (issue.expected === "string" && typeof input === "number") {
        return `expected a string, got the number ${String(input)}; quote the value in YAML (an unquoted version like 1.30 is read as the number 1.3)`;
      }
      return `expected ${issue.expected}, got ${show(input)}`;
    case "invalid_value":
      return `${show(input)} is not allowed; use one of ${issue.values.map((v) => show(v)).join(", ")}`;
    case "invalid_key":
      // A record's key (a region, a Kubernetes minor): the key schema's own message says why.
      return issue.issues[0]?.message ?? issue.message;
    case "too_small":
      if (issue.origin === "array") {
        return `${issue.message.startsWith("Too small") ? `list at least ${issue.minimum} item(s)` : issue.message}`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

/** The keys an object schema accepts at `path` (through arrays, defaults and unions). */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: z.core.$ZodType[] = [schema];
  for (const part of path) {
    nodes = nodes.flatMap(unwrap).flatMap((node) => {
      const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === "array" && typeof part === "number") return [def.element as z.core.$ZodType];
      if (def.type === "object" && typeof part === "string") {
        const child = (def.shape as Record<string, z.core.$ZodType>)[part];
        return child ? [child] : [];
      }
      if (def.type === "record") return [def.valueType as z.core.$ZodType];
      return [];
    });
  }
  const keys = new Set<string>();
  for (const node of nodes.flatMap(unwrap)) {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === "object") Object.keys(def.shape as object).forEach((k) => keys.add(k));
  }
  return [...keys];
}

/** Sees through optional, default, pipe and union wrappers. */
function unwrap(node: z.core.$ZodType): z.core.$ZodType[] {
  const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      return unwrap(def.innerType as z.core.$ZodType);
    case "pipe":
      return unwrap(def.in as z.core.$ZodType);
    case "union":
      return (def.options as z.core.$ZodType[]).flatMap(unwrap);
    default:
      return [node];
  }
}
