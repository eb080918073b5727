import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { UnknownValueError } from "@pulumi/policy";
import { UNKNOWN, type ResourceNode } from "../graph/resourceGraph";
import { checksType, resolveConfig, type AnyPolicySpec } from "./policySpec";

/**
 * The adapter between CrossGuard and the pure policies: turns a {@link PolicySpec} into the
 * resource or stack validation policy the pack serves, and the `PolicyResource`s the engine sends
 * into plain {@link ResourceNode}s.
 */
export function crossGuardPolicy(
  spec: AnyPolicySpec,
): ResourceValidationPolicy | StackValidationPolicy {
  const base = {
    name: spec.name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel,
    ...(Object.keys(spec.config).length > 0
      ? {
          configSchema: {
            properties: spec.config as unknown as Record<string, PolicyConfigJSONSchema>,
          },
        }
      : {}),
  };
  const report = (reportViolation: ReportViolation, nodes: ResourceNode[], given: object) => {
    const config = resolveConfig(spec, given as Record<string, unknown>);
    for (const finding of spec.validate(nodes, config)) {
      reportViolation(finding.message, finding.urn);
    }
  };
  if (spec.scope === "resource") {
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        if (checksType(spec, args.type)) {
          report(reportViolation, [nodeOfResource(args)], args.getConfig());
        }
      },
    };
  }
  return {
    ...base,
    validateStack: (args, reportViolation) =>
      report(reportViolation, args.resources.map(nodeOfStackResource), args.getConfig()),
  };
}

/** A resource of `AnalyzeStack` (its properties are the resource's outputs) as plain data. */
export function nodeOfStackResource(r: PolicyResource): ResourceNode {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(r.propertyDependencies)) {
    propertyDependencies[key] = deps.map((d) => d.urn);
  }
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    custom: isCustom(r),
    parent: r.parent?.urn ?? (r.opts.parent || undefined),
    provider: r.provider?.urn,
    dependencies: r.dependencies.map((d) => d.urn),
    propertyDependencies,
    inputs: plain(r.props),
  };
}

/** The resource of one `Analyze` call (its properties are the resource's inputs) as plain data. */
export function nodeOfResource(args: ResourceValidationArgs): ResourceNode {
  return {
    urn: args.urn,
    type: args.type,
    name: args.name,
    custom: isCustom(args),
    parent: args.opts.parent || undefined,
    provider: args.provider?.urn,
    dependencies: [],
    propertyDependencies: {},
    inputs: plain(args.props),
  };
}

/**
 * The engine gives every custom resource a provider (an explicit one or its default provider);
 * components have none. Provider resources are custom resources themselves.
 */
function isCustom(r: { type: string; provider?: unknown }): boolean {
  return r.provider !== undefined || r.type.startsWith("pulumi:providers:");
}

/** Key under which @pulumi/policy's unknown-checking proxy hands out the object it wraps. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The properties as plain data. @pulumi/policy wraps them in a proxy that throws on values not
 * known during a preview; the policies handle unknowns themselves (they skip what they cannot
 * judge yet), so they read the wrapped object, where unknowns are the engine's sentinels. If the
 * proxy ever stops handing out its target, the properties are copied through it instead.
 */
function plain(props: Record<string, unknown>): Record<string, unknown> {
  const target = props[PROXY_TARGET];
  if (target && typeof target === "object") return target as Record<string, unknown>;
  return copy(props) as Record<string, unknown>;
}

function copy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value))
    return value.map((_, i) => read(value as unknown as Record<number, unknown>, i));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = read(value as Record<string, unknown>, key);
  return out;
}

function read(obj: Record<string | number, unknown>, key: string | number): unknown {
  try {
    return copy(obj[key]);
  } catch (err) {
    if (err instanceof UnknownValueError) return UNKNOWN;
    throw err;
  }
}
