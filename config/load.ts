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
export function parseEnvironment(
  name: string,
  raw: Record<string, unknown>,
  source: string,
): Environment {
  if (!ENV_NAME.test(name) || name.length > 16) {
    throw new ConfigError(source, [
      {
        field: "stack name",
        message: `${JSON.stringify(name)} is not a usable environment name; use at most 16 lowercase letters, digits and "-", starting with a letter (e.g. "dev", "prod")`,
      },
    ]);
  }
  const result = environmentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(source, problemsFromZod(result.error, environmentSchema));
  }
  return { name, config: result.data };
}

/**
 * Picks the `active-active:` keys out of a stack file's `config:` map, keeping the YAML's own
 * types (so an unquoted `1.30` is reported as a number instead of silently becoming "1.3").
 */
export function rawFromStackConfig(config: Record<string, unknown>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${NAMESPACE}:`)) raw[key.slice(NAMESPACE.length + 1)] = value;
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
    raw[name] = STRING_KEYS.has(name) ? text : parseJsonOrText(text);
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
