import { UsageError } from "../exitCodes";

/** CrossGuard enforcement levels. */
export const LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type Level = (typeof LEVELS)[number];

/** A JSON schema of one config property, as the pack reports it. */
export type JsonSchema = Record<string, unknown>;

/** What GetAnalyzerInfo says about one policy. */
export interface PolicyInfo {
  name: string;
  description: string;
  level: Level;
  /** "resource" (Analyze) or "stack" (AnalyzeStack). */
  type: "resource" | "stack" | "unknown";
  /** Config properties with their JSON schemas. */
  schema: Record<string, JsonSchema>;
  required: string[];
}

/** One policy's configuration, as sent with Configure. */
export interface PolicyConfig {
  level: Level;
  properties: Record<string, unknown>;
}

/**
 * Reconciles a policy config document (the format of `pulumi preview --policy-config FILE`:
 * `{ "all": "advisory", "<policy>": "mandatory" | { "enforcementLevel"?: ..., "<property>": ... } }`)
 * with the pack's policies the way the engine does (`ReconcilePolicyPackConfig`): schema defaults
 * first, then "all", then each policy's own settings; then validates every property against its
 * schema. Pure. Throws a UsageError listing every problem with its field, value and fix.
 */
export function reconcilePolicyConfig(
  policies: readonly PolicyInfo[],
  document: unknown,
  source = "policy config",
): Map<string, PolicyConfig> {
  const problems: string[] = [];
  const result = new Map<string, PolicyConfig>();
  for (const p of policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(p.schema)) {
      if ("default" in schema) properties[key] = schema.default;
    }
    result.set(p.name, { level: p.level, properties });
  }
  if (document !== undefined && document !== null) {
    if (typeof document !== "object" || Array.isArray(document)) {
      throw new UsageError(
        `${source} must be a JSON object of policy names, e.g. {"min-clusters": {"minClusters": 3}}`,
      );
    }
    const entries = Object.entries(document as Record<string, unknown>);
    const all = (document as Record<string, unknown>).all;
    if (all !== undefined) {
      const level = levelOf(
        typeof all === "string" ? all : (all as { enforcementLevel?: unknown })?.enforcementLevel,
      );
      if (level) for (const c of result.values()) c.level = level;
      else
        problems.push(
          `"all": ${show(all)} is not an enforcement level; use one of ${LEVELS.join(", ")}`,
        );
    }
    for (const [name, value] of entries) {
      if (name === "all") continue;
      const current = result.get(name);
      if (!current) {
        problems.push(
          `"${name}" is not a policy of this pack; known policies: ${[...result.keys()].join(", ")}`,
        );
        continue;
      }
      if (typeof value === "string") {
        const level = levelOf(value);
        if (level) current.level = level;
        else
          problems.push(
            `"${name}": ${show(value)} is not an enforcement level; use one of ${LEVELS.join(", ")}`,
          );
        continue;
      }
      if (!value || typeof value !== "object" || Array.isArray(value)) {
        problems.push(`"${name}": ${show(value)} must be an enforcement level or an object`);
        continue;
      }
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (key === "enforcementLevel") {
          const level = levelOf(v);
          if (level) current.level = level;
          else
            problems.push(
              `"${name}".enforcementLevel: ${show(v)} is not one of ${LEVELS.join(", ")}`,
            );
        } else current.properties[key] = v;
      }
    }
  }
  for (const p of policies) {
    const config = result.get(p.name) as PolicyConfig;
    for (const key of p.required) {
      if (!(key in config.properties)) problems.push(`"${p.name}".${key} is required`);
    }
    for (const [key, value] of Object.entries(config.properties)) {
      const schema = p.schema[key];
      if (!schema) {
        const known = Object.keys(p.schema);
        problems.push(
          `"${p.name}".${key} is not a setting of this policy; ` +
            (known.length
              ? `its settings are ${known.join(", ")}`
              : "it has only enforcementLevel"),
        );
        continue;
      }
      const error = validate(value, schema);
      if (error) problems.push(`"${p.name}".${key}: ${show(value)} ${error}`);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(`invalid ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return result;
}

function levelOf(value: unknown): Level | undefined {
  return LEVELS.find((l) => l === value);
}

/** Checks a value against the subset of JSON schema policy configs use; returns the problem. */
export function validate(value: unknown, schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (type === "integer" && !Number.isInteger(value)) return "is not a whole number";
  if (type === "number" && (typeof value !== "number" || !Number.isFinite(value)))
    return "is not a number";
  if (type === "boolean" && typeof value !== "boolean") return "is not true or false";
  if (type === "string" && typeof value !== "string") return "is not a string";
  if (type === "array") {
    if (!Array.isArray(value)) return "is not a list";
    const items = (schema.items ?? {}) as JsonSchema;
    for (const item of value) {
      const error = validate(item, items);
      if (error) return `has an item ${show(item)} that ${error}`;
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      return `is below the minimum ${schema.minimum}`;
    if (typeof schema.maximum === "number" && value > schema.maximum)
      return `is above the maximum ${schema.maximum}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return `is not one of ${schema.enum.map(show).join(", ")}`;
  }
  return undefined;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
