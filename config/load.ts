import { ConfigError, NAMESPACE, problemsFromZod } from "./errors";
import { environmentSchema, type EnvironmentConfig } from "./schema";

/** A validated environment: its name (the stack name) and its config. */
export interface Environment {
  /** Environment name, e.g. "dev"; the Pulumi stack name. */
  name: string;
  config: EnvironmentConfig;
}

const ENV_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Top-level keys whose values are plain strings (Pulumi passes them unquoted). */
const STRING_KEYS = new Set(["kubernetesVersion", "namespace"]);

/**
 * Validates the `active-active:` keys of an environment (namespace already stripped). Throws a
 * {@link ConfigError} that lists every problem; never returns a half-valid config.
 */
/** Whether `name` can name an environment (and its stack file): a short DNS-safe label. */
export function isEnvironmentName(name: string): boolean {
  return ENV_NAME.test(name) && name.length <= 16;
}

/** What is wrong with an environment name, and the fix (the value cut when long). */
export function environmentNameProblem(name: string): string {
  const shown = name.length > 40 ? `${name.slice(0, 40)}... (${name.length} characters)` : name;
  return `${JSON.stringify(shown)} is not a usable environment name; use at most 16 lowercase letters, digits and "-", starting with a letter (e.g. "dev", "prod")`;
}

export function parseEnvironment(
  name: string,
  raw: Record<string, unknown>,
  source: string,
): Environment {
  if (!isEnvironmentName(name)) {
    throw new ConfigError(source, [{ field: "stack name", message: environmentNameProblem(name) }]);
  }
  const forbidden = forbiddenKeys(raw);
  if (forbidden.length > 0) {
    throw new ConfigError(
      source,
      forbidden.map((field) => ({
        field: `${NAMESPACE}:${field}`,
        message: `"${field.split(/[.[]/).pop()}" cannot be a key (it is not data in JavaScript); rename it`,
      })),
    );
  }
  const result = environmentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(source, problemsFromZod(result.error, environmentSchema));
  }
  return { name, config: result.data };
}

/** Keys that are not data in a JavaScript object: they would reach its prototype. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

/** The paths (`services[0].env.__proto__`) of every forbidden own key in `value`, at any depth. */
function forbiddenKeys(value: unknown, at = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  const found: string[] = [];
  // Iteratively, so a deeply nested value cannot exhaust the stack.
  const stack: [unknown, string][] = [[value, at]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    const array = Array.isArray(node);
    for (const key of Object.keys(node)) {
      const child = array ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!array && FORBIDDEN_KEYS.has(key)) found.push(child);
      else stack.push([(node as Record<string, unknown>)[key], child]);
    }
  }
  return found.sort();
}

/** Sets `raw[key]` as an own property, whatever the key (`__proto__` included). */
function setOwn(raw: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(raw, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Picks the `active-active:` keys out of a stack file's `config:` map, keeping the YAML's own
 * types (so an unquoted `1.30` is reported as a number instead of silently becoming "1.3").
 */
export function rawFromStackConfig(config: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${NAMESPACE}:`)) setOwn(raw, key.slice(NAMESPACE.length + 1), value);
  }
  return raw;
}

/**
 * Picks the `active-active:` keys out of Pulumi's flat config (`pulumi.runtime.allConfig()`), where
 * structured values arrive as JSON text and plain strings arrive as they are.
 */
export function rawFromPulumiConfig(all: Record<string, string>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(all)) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    const name = key.slice(NAMESPACE.length + 1);
    setOwn(raw, name, STRING_KEYS.has(name) ? text : parseJsonOrText(text));
  }
  return raw;
}

/**
 * The inverse of {@link rawFromPulumiConfig}: a stack file's `config:` map as the flat strings
 * the Pulumi engine hands a program. Used to run the program offline under mocks.
 */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isSecure(value)) continue; // encrypted values cannot be read offline; the program has none
    flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return flat;
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
