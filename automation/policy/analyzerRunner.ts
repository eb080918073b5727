import * as path from "node:path";
import { clusterMembership, type Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import type { Violation } from "../check/report";
import { UsageError } from "../exitCodes";
import { PACKAGE_DIR } from "../project";
import { AnalyzerClient, type AnalyzerInfo, type Diagnostic } from "./analyzerClient";
import { startPolicyPack, type RunningPack } from "./packProcess";
import { reconcilePolicyConfig, type PolicyInfo } from "./policyConfig";
import { toViolations } from "./violations";
import { WireBuilder } from "./_wire";

/** The policy pack shipped with active-active. */
export const DEFAULT_POLICY_PACK = path.join(PACKAGE_DIR, "policies");

/**
 * How many Analyze calls are in flight at once. Each call costs both processes a fixed gRPC
 * overhead; a small window keeps both busy without queueing (measured: 16 beats 1, 64 and 1024).
 */
const ANALYZE_WINDOW = 16;

/** A resource graph to analyze and the stack it belongs to. */
export interface PolicyRunInput {
  nodes: readonly ResourceNode[];
  project: string;
  stack: string;
  /** The policy pack directory (holds PulumiPolicy.yaml). @default the pack shipped with aa */
  packDir?: string;
  /** A policy config document (`--policy-config`), already parsed. @default none */
  policyConfig?: unknown;
  /** Where the policy config came from, for messages. @default "policy config" */
  policyConfigSource?: string;
  /** The stack's config, flat, as the engine passes it to the pack. @default {} */
  stackConfig?: Record<string, string>;
  /** Membership of `nodes`, when the caller has it already. @default computed */
  membership?: Membership;
}

/** What the pack found. */
export interface PolicyRunResult {
  pack: { name: string; version: string };
  policies: PolicyInfo[];
  violations: Violation[];
}

/**
 * Evaluates a resource graph with a policy pack through the pack's real protocol: starts the pack
 * as the Pulumi CLI does, analyzes the graph like the engine does during a preview (see
 * {@link PolicyPackSession}), and stops the pack before returning, also on failure.
 */
export async function runPolicyPack(input: PolicyRunInput): Promise<PolicyRunResult> {
  const session = await PolicyPackSession.start(input);
  try {
    return await session.analyze(input);
  } finally {
    await session.close();
  }
}

/**
 * A running policy pack and the connection to it. `start` launches the pack as the Pulumi CLI
 * does and calls Handshake, ConfigureStack and GetAnalyzerInfo; each `analyze` then calls
 * Configure (schema defaults plus the policy config), `Analyze` for each resource's inputs and
 * `AnalyzeStack` for the whole graph with its outputs. One session can analyze several graphs.
 */
export class PolicyPackSession {
  private constructor(
    private readonly pack: RunningPack,
    private readonly client: AnalyzerClient,
    /** What the pack says about itself and its policies. */
    readonly info: AnalyzerInfo,
  ) {}

  static async start(
    input: Pick<PolicyRunInput, "packDir" | "project" | "stack" | "stackConfig">,
  ): Promise<PolicyPackSession> {
    const packDir = path.resolve(input.packDir ?? DEFAULT_POLICY_PACK);
    const context = {
      project: input.project,
      stack: input.stack,
      dryRun: true,
      config: input.stackConfig,
    };
    const pack = await startPolicyPack(packDir, context);
    const client = new AnalyzerClient(pack.port);
    try {
      await client.handshake(packDir);
      await client.configureStack(context);
      return new PolicyPackSession(pack, client, await client.getAnalyzerInfo());
    } catch (err) {
      client.close();
      await pack.close();
      throw withPackLog(err, pack.stderr());
    }
  }

  async analyze(input: PolicyRunInput): Promise<PolicyRunResult> {
    const { info, client } = this;
    try {
      const config = reconcilePolicyConfig(
        info.policies,
        input.policyConfig,
        input.policyConfigSource ?? "policy config",
      );
      await client.configure(config);
      const wire = new WireBuilder(input.nodes, input.stack, input.project);
      const diagnostics: Diagnostic[] = [];
      const hasResourcePolicies = info.policies.some(
        (p) => p.type !== "stack" && config.get(p.name)?.level !== "disabled",
      );
      if (hasResourcePolicies) {
        diagnostics.push(...(await analyzeEach(client, wire, input.nodes)));
      }
      diagnostics.push(...(await client.analyzeStack(wire.analyzeStackRequest(input.nodes))));
      const membership = input.membership ?? clusterMembership(input.nodes);
      return {
        pack: { name: info.name, version: info.version },
        policies: info.policies,
        violations: toViolations(
          diagnostics,
          input.nodes,
          membership,
          info.policies.map((p) => p.name),
          input,
        ),
      };
    } catch (err) {
      throw withPackLog(err, this.pack.stderr());
    }
  }

  async close(): Promise<void> {
    this.client.close();
    await this.pack.close();
  }
}

/** `Analyze` for every resource, a bounded number of calls in flight, results in order. */
async function analyzeEach(
  client: AnalyzerClient,
  wire: WireBuilder,
  nodes: readonly ResourceNode[],
): Promise<Diagnostic[]> {
  const results = new Array<Diagnostic[]>(nodes.length);
  let next = 0;
  const worker = async () => {
    while (next < nodes.length) {
      const i = next++;
      results[i] = await client.analyze(wire.analyzeRequest(nodes[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(ANALYZE_WINDOW, nodes.length) }, worker));
  return results.flat();
}

/** A gRPC failure says little on its own; the pack's stderr says why. */
function withPackLog(err: unknown, stderr: string): unknown {
  if (!(err instanceof Error) || !stderr.trim() || err instanceof UsageError) return err;
  err.message = `${err.message}\npolicy pack output:\n${stderr.trim()}`;
  return err;
}
