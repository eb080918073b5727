import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { stateTarget } from "../automation/check/stateTarget";
import type { CheckTarget } from "../automation/check/targets";
import { runPoliciesInProcess } from "../automation/policy/inProcessRunner";
import { providerUrn, type ResourceNode } from "../graph/resourceGraph";
import { ROOT } from "./_cli";

// Real EKS graphs recorded by pulumi/pulumi-eks's own tests (test/fixtures/real/eks, see its
// PROVENANCE.md): stack exports, and the RegisterResource calls of real `pulumi up` runs.

/** Where the real EKS material is (fixtures are not copied to dist). */
export const REAL_EKS = path.join(ROOT, "test", "fixtures", "real", "eks");

function gunzip(file: string): string {
  return zlib.gunzipSync(fs.readFileSync(path.join(REAL_EKS, file))).toString("utf8");
}

/** A real stack export, read as `aa check --state` reads it (`dir` holds its stack.json.gz). */
export function realExport(dir: string): CheckTarget {
  return stateTarget("-", () => gunzip(path.join(dir, "stack.json.gz")));
}

/**
 * Every EKS cluster of the recorded stack exports: the `aws:eks/cluster:Cluster` resource's name
 * in its URN, and the name AWS knows it by (its `name` output, which Pulumi autonamed).
 */
export function realEksClusterNames(): { resource: string; name: string; file: string }[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REAL_EKS, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name === "stack.json.gz") files.push(rel);
    }
  };
  walk("");
  return files.flatMap((file) => {
    const doc = JSON.parse(gunzip(file)) as {
      deployment: { resources?: { urn: string; type: string; outputs?: { name?: unknown } }[] };
    };
    return (doc.deployment.resources ?? [])
      .filter((r) => r.type === "aws:eks/cluster:Cluster" && typeof r.outputs?.name === "string")
      .map((r) => ({ resource: r.urn.split("::").pop()!, name: r.outputs!.name as string, file }));
  });
}

interface Registration {
  method: string;
  request: {
    type: string;
    name: string;
    parent?: string;
    custom?: boolean;
    remote?: boolean;
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, { urns?: string[] }>;
    object?: Record<string, unknown>;
  };
  response?: { urn?: string; id?: string };
}

/**
 * The resources a real `pulumi up` registered (`dir` holds its RegisterResource.jsonl.gz), as
 * plain graph data with each resource's arguments as its inputs:
 *  - "program": what the program itself registered: @pulumi/eks's remote components with their
 *    arguments, and none of the children their provider registered. This is the graph `aa check`
 *    records offline, where the component's provider never runs.
 *  - "engine": everything, the components with their arguments and their children: the most a
 *    preview of a deployed stack can show the pack.
 * The log holds each call when it completed: a remote component's own registration after its
 * children's, its provider's registration of it (no arguments) before them. Each resource keeps
 * the place of its first registration and the arguments of the program's.
 */
export function recordedRegistrations(dir: string, which: "program" | "engine"): ResourceNode[] {
  const calls = gunzip(path.join(dir, "RegisterResource.jsonl.gz"))
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Registration)
    .filter((c) => c.method === "/pulumirpc.ResourceMonitor/RegisterResource" && c.response?.urn);
  const remote = new Set(calls.filter((c) => c.request.remote).map((c) => c.response?.urn));
  const parentOf = new Map(calls.map((c) => [c.response?.urn, c.request.parent]));
  const inside = (parent: string | undefined) => {
    for (let at = parent, steps = 0; at && steps < calls.length; at = parentOf.get(at), steps++) {
      if (remote.has(at)) return true;
    }
    return false;
  };
  const byUrn = new Map<string, ResourceNode>();
  for (const { request: r, response } of calls) {
    const urn = response?.urn as string;
    if (which === "program" && inside(r.parent)) continue;
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
      if (deps.urns?.length) propertyDependencies[key] = deps.urns;
    }
    const node: ResourceNode = {
      urn,
      type: r.type,
      name: r.name,
      custom: r.custom === true,
      remote: r.remote || undefined,
      parent: r.parent || undefined,
      provider: providerUrn(r.provider),
      dependencies: r.dependencies ?? [],
      propertyDependencies,
      inputs: plain(r.object ?? {}) as Record<string, unknown>,
    };
    const first = byUrn.get(urn);
    if (!first) byUrn.set(urn, node);
    else if (node.remote) Object.assign(first, { ...node, urn: first.urn });
  }
  return [...byUrn.values()];
}

const SIG = "4dabf18193072939515e22adb298388d";

/**
 * Pulumi's wire values as plain data, as `aa check`'s recording monitor makes them
 * (automation/offline/recordingMonitor.ts): secrets "[secret]", resource references their URN,
 * output values their value.
 */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!value || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  switch (obj[SIG]) {
    case undefined:
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)]));
    case "1b47061264138c4ac30d75fd1eb44270": // secret
      return "[secret]";
    case "5cf8f73096256a8f31e491e813e4eb8e": // resource reference
      return obj.urn;
    case "d0e6a833031e9bbcd3f4e8bde6ca49a4": // output value
      return obj.secret ? "[secret]" : "value" in obj ? plain(obj.value) : "[unknown]";
    default:
      return `[${String(obj[SIG])}]`;
  }
}

/** The findings of the hardening policies, as `aa check` reports them: "policy cluster resource". */
export function hardeningFindings(target: {
  nodes: readonly ResourceNode[];
  project: string;
  stack: string;
}): string[] {
  const { violations } = runPoliciesInProcess({ ...target });
  return violations
    .filter((v) => HARDENING.includes(v.policy))
    .map((v) => `${v.policy} ${v.cluster ?? "-"} ${v.urn.split("::").pop()}`);
}

const HARDENING = ["eks-endpoint-restricted", "eks-secrets-encrypted", "nodes-require-imdsv2"];
