import { createHash } from "node:crypto";
import type { ResourceNode } from "../../graph/resourceGraph";
import type { PolicyInfo } from "../policy/policyConfig";
import type { Violation } from "./report";
import type { IntegrityWarning } from "../stackExport/stateIntegrity";
import { stackFileLines, type StackFileLines } from "./stackFileLines";

/** The parts of SARIF 2.1.0 this tool writes. */
export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      version: string;
      rules: SarifRule[];
    };
  };
  automationDetails: { id: string };
  results: SarifResult[];
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; policyType: string };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: { enforcementLevel: string; cluster: string | null; urn: string };
}

export interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string };
    region?: { startLine: number };
  };
  logicalLocations?: { fullyQualifiedName: string; name: string; kind: string }[];
}

export type SarifLevel = "error" | "warning" | "note" | "none";

export interface SarifInput {
  violations: readonly Violation[];
  policies: readonly PolicyInfo[];
  pack: { name: string; version: string };
  /** The graph, to tell which service a violating resource belongs to. */
  nodes: readonly ResourceNode[];
  /** The stack config file checked (repository-relative path and text). */
  stackFile?: { uri: string; text: string };
  /** The state file checked (repository-relative path), for `--state`. */
  stateFile?: string;
  /**
   * For `--state`: the state's integrity warnings, each a result of the rule
   * {@link INTEGRITY_RULE} (level "warning"), located at its first URN in the state file.
   */
  integrity?: readonly IntegrityWarning[];
  /** Stack name: part of the run's category, so one upload per stack file is kept apart. */
  stack: string;
}

const LEVELS: Record<Violation["level"], SarifLevel> = {
  mandatory: "error",
  remediate: "error",
  advisory: "warning",
  disabled: "none",
};

/** The rule of a state's integrity warnings (not a policy of the pack). */
export const INTEGRITY_RULE = "state-integrity";

/**
 * The violations as a SARIF 2.1.0 log for GitHub code scanning: one rule per policy of the pack,
 * one result per violation. A violation that maps to a cluster or a service is located at that
 * cluster's or service's entry in the stack config file; otherwise its location is the resource's
 * URN (a logical location) in the file that was checked. A state's integrity warnings follow, as
 * results of one more rule, {@link INTEGRITY_RULE}, when there are any. Pure.
 */
export function buildSarif(input: SarifInput): SarifLog {
  const rules: SarifRule[] = input.policies.map((p) => ({
    id: p.name,
    name: camel(p.name),
    shortDescription: { text: p.description },
    fullDescription: { text: p.description },
    help: {
      text: `${p.description} See docs/policies.md#${p.name} for what it checks and how to fix it.`,
    },
    defaultConfiguration: { level: LEVELS[p.level] },
    properties: { tags: ["active-active", "pulumi", "crossguard"], policyType: p.type },
  }));
  const integrity = input.integrity ?? [];
  if (integrity.length > 0) rules.push(integrityRule());
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const byUrn = new Map(input.nodes.map((n) => [n.urn, n]));
  const lines = input.stackFile ? stackFileLines(input.stackFile.text) : undefined;

  const results: SarifResult[] = input.violations.map((v) => {
    const line = lines ? lineOf(v, byUrn.get(v.urn), lines) : undefined;
    const artifact = input.stackFile?.uri ?? input.stateFile;
    const location: SarifLocation = {};
    if (artifact) {
      location.physicalLocation = {
        artifactLocation: { uri: artifact.replace(/\\/g, "/") },
        ...(line ? { region: { startLine: line } } : {}),
      };
    }
    if (v.urn) {
      location.logicalLocations = [
        {
          fullyQualifiedName: v.urn,
          name: v.urn.split("::").slice(3).join("::"),
          kind: "resource",
        },
      ];
    }
    return {
      ruleId: v.policy,
      ruleIndex: ruleIndex.get(v.policy) ?? -1,
      level: LEVELS[v.level],
      message: { text: v.message },
      locations: [location],
      partialFingerprints: {
        "aaViolation/v1": createHash("sha256")
          .update(`${v.policy}\u0000${v.urn}\u0000${v.message}`)
          .digest("hex"),
      },
      properties: { enforcementLevel: v.level, cluster: v.cluster, urn: v.urn },
    };
  });

  for (const w of integrity) results.push(integrityResult(w, input, ruleIndex));

  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "aa check",
            version: `${input.pack.name}@${input.pack.version}`,
            rules,
          },
        },
        automationDetails: { id: `aa-check/${input.stack}/` },
        results,
      },
    ],
  };
}

function integrityRule(): SarifRule {
  const text =
    "The state file's resources form one graph: one live copy per URN, parents, providers and " +
    "dependencies that are in the state, nothing left pending.";
  return {
    id: INTEGRITY_RULE,
    name: camel(INTEGRITY_RULE),
    shortDescription: { text },
    fullDescription: { text },
    help: {
      text: `${text} See docs/policies.md#state-integrity for how aa reads a state that is not, and how to fix it.`,
    },
    defaultConfiguration: { level: "warning" },
    properties: { tags: ["active-active", "pulumi", "state-integrity"], policyType: "state" },
  };
}

/** One integrity warning as a result: at its first URN in the state file (else the stack). */
function integrityResult(
  w: IntegrityWarning,
  input: SarifInput,
  ruleIndex: Map<string, number>,
): SarifResult {
  const urn = w.urns[0] ?? "";
  const location: SarifLocation = {
    logicalLocations: [
      urn
        ? { fullyQualifiedName: urn, name: urn.split("::").slice(3).join("::"), kind: "resource" }
        : { fullyQualifiedName: input.stack, name: input.stack, kind: "namespace" },
    ],
  };
  if (input.stateFile) {
    location.physicalLocation = {
      artifactLocation: { uri: input.stateFile.replace(/\\/g, "/") },
    };
  }
  return {
    ruleId: INTEGRITY_RULE,
    ruleIndex: ruleIndex.get(INTEGRITY_RULE) ?? -1,
    level: "warning",
    message: { text: w.message },
    locations: [location],
    partialFingerprints: {
      "aaViolation/v1": createHash("sha256")
        .update(`${INTEGRITY_RULE}\u0000${w.kind}\u0000${w.urns.join("\u0000")}`)
        .digest("hex"),
    },
    properties: { enforcementLevel: "warning", cluster: null, urn },
  };
}

/** The stack file line a violation maps to: its service, its hostname, its cluster. */
function lineOf(
  v: Violation,
  node: ResourceNode | undefined,
  lines: StackFileLines,
): number | undefined {
  if (node) {
    const meta = node.inputs.metadata as { name?: unknown } | undefined;
    if (node.type.startsWith("kubernetes:") && typeof meta?.name === "string") {
      const line = lines.service(meta.name);
      if (line) return line;
    }
    if (node.type.startsWith("aws:route53/")) {
      const host = node.inputs.name ?? node.inputs.fqdn;
      const line = typeof host === "string" ? lines.hostname(host) : undefined;
      if (line) return line;
    }
  }
  // Room to absorb a lost cluster's share is made in the node group (or the services' scaling).
  if (v.policy === "capacity-n-minus-1") {
    const line = lines.key("nodeGroup");
    if (line) return line;
  }
  if (v.cluster) return lines.cluster(v.cluster) ?? lines.key("clusters");
  if (v.policy === "min-clusters" || v.policy === "cluster-version-skew")
    return lines.key("clusters");
  return undefined;
}

function camel(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
