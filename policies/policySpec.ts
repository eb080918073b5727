import type { ResourceNode } from "../graph/resourceGraph";
import type { StackView } from "./stackView";

/** CrossGuard enforcement levels. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** One problem a policy found. */
export interface Finding {
  /** What is wrong: which clusters, which resource, and how to fix it. */
  message: string;
  /** The resource the finding is about; omitted when it is about the stack as a whole. */
  urn?: string;
}

/** The JSON schema of one configuration property (the subset CrossGuard config uses). */
export interface ConfigProperty {
  type: "integer" | "number" | "boolean" | "string" | "array";
  description: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  items?: { type: "string"; enum?: string[] };
}

/**
 * One policy of the pack: metadata plus a pure check over plain data. The same check runs in the
 * pack (under `pulumi preview --policy-pack`, `aa check`) and directly in unit tests.
 */
export interface PolicySpec<C extends object> {
  /** The policy name: a contract with users' policy config files; never rename. */
  name: string;
  /** One sentence: what the policy requires. */
  description: string;
  /** Default enforcement level (users override it per policy in the policy config). */
  enforcementLevel: EnforcementLevel;
  /**
   * "stack": the check sees every resource of the stack at once (AnalyzeStack).
   * "resource": the check sees one resource at a time, as it is registered (Analyze).
   */
  scope: "stack" | "resource";
  /**
   * Resource policies: the type tokens the check can find anything in. A resource of another
   * type is not passed to `validate` at all (a stack export holds tens of thousands of them);
   * omitted, every resource is. Stack policies see every resource and leave it out.
   */
  types?: readonly string[];
  /** Configuration properties, each with a JSON schema and a default (the thresholds). */
  config: { [K in keyof C]: ConfigProperty };
  /**
   * The check. Pure: the same nodes and config give the same findings. `nodes` are the whole
   * stack (scope "stack") or the one resource being registered (scope "resource"). `view` is the
   * {@link StackView} of exactly these `nodes`, when the caller has built it already so that the
   * stack policies of one check share it (`aa check --state` does); stack policies build it from
   * `nodes` when it is omitted, resource policies ignore it.
   */
  validate(nodes: readonly ResourceNode[], config: C, view?: StackView): Finding[];
}

/** The `ignoreTypes` setting the dependency policies share. */
export const IGNORE_TYPES: ConfigProperty = {
  type: "array",
  items: { type: "string" },
  default: [],
  description: "Type tokens of resources left out of the check.",
};

/** The defaults of a policy's configuration. */
export function defaultsOf<C extends object>(spec: PolicySpec<C>): C {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries<ConfigProperty>(spec.config)) {
    out[key] = prop.default;
  }
  return out as C;
}

/**
 * The configuration a check runs with: the defaults, overridden by the values given (as the
 * engine passes them, already validated against the schema). Values of the wrong type are
 * ignored in favour of the default, so a policy never runs with a nonsensical threshold.
 */
export function resolveConfig<C extends object>(
  spec: PolicySpec<C>,
  given: Record<string, unknown> = {},
): C {
  const out = defaultsOf(spec) as Record<string, unknown>;
  for (const [key, prop] of Object.entries<ConfigProperty>(spec.config)) {
    const value = given[key];
    if (value !== undefined && fitsType(value, prop)) out[key] = value;
  }
  return out as C;
}

function fitsType(value: unknown, prop: ConfigProperty): boolean {
  switch (prop.type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
  }
}

/** Whether a resource policy checks resources of this type (see {@link PolicySpec.types}). */
export function checksType(spec: AnyPolicySpec, type: string): boolean {
  return spec.types === undefined || spec.types.includes(type);
}

/** Runs a policy the way the pack does: config resolved over its defaults. */
export function runPolicy<C extends object>(
  spec: PolicySpec<C>,
  nodes: readonly ResourceNode[],
  config: Partial<C> = {},
): Finding[] {
  const resolved = resolveConfig(spec, config as Record<string, unknown>);
  if (spec.scope === "stack") return spec.validate(nodes, resolved);
  return nodes.flatMap((n) => (checksType(spec, n.type) ? spec.validate([n], resolved) : []));
}

/**
 * A policy of any configuration type (for lists of policies). Its config is only ever the one
 * {@link resolveConfig} builds from its own spec, handed back to its own `validate`.
 */
export type AnyPolicySpec = PolicySpec<object>;
