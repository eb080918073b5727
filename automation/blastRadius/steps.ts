import { isDefaultProvider, providerUrn } from "../../graph/resourceGraph";

/**
 * Which cluster each step of a Pulumi preview or update touches, from the engine's own
 * information. This is the one place that decides it: the rollout's blast-radius guard and
 * `aa blast-radius` both call {@link mapSteps}.
 */

/** One engine step, as a preview or update reports it (an event log line or a `--json` step). */
export interface EngineStep {
  urn: string;
  /** Type token, e.g. `aws:eks/cluster:Cluster`. */
  type: string;
  /** The engine's operation: same, create, update, replace, delete, refresh, read, ... */
  op: string;
  /** Parent URN, from the step's new state, else its old state. */
  parent?: string;
  /** Provider reference (`urn::id`) of the resource, from its new state, else its old state. */
  provider?: string;
}

/** What the mapping knows: which cluster a URN of the graph belongs to. */
export interface ClusterGraph {
  /**
   * The cluster a resource of the graph belongs to (its name), `null` for an environment-level
   * resource, `undefined` when the graph does not have the URN.
   */
  ownerOf(urn: string): string | null | undefined;
  /** The parent URN the graph records for a resource, when it has one. */
  parentOf?(urn: string): string | undefined;
  /** The provider URN the graph records for a resource, when it has one. */
  providerOf?(urn: string): string | undefined;
  /** The stack's root resource (`pulumi:pulumi:Stack`), when the graph has one. */
  readonly root?: string;
}

/** How one changed resource was attributed. */
export type StepOwner =
  /** It belongs to this cluster: its URN, an ancestor or its provider is that cluster's. */
  | { kind: "cluster"; cluster: string; via: "graph" | "parent" | "provider" }
  /** It belongs to no single cluster (DNS zone records, environment-wide components, ...). */
  | { kind: "environment"; via: "graph" | "parent" }
  /** Engine plumbing that changes no cluster (default providers, internal steps, the stack). */
  | { kind: "plumbing"; why: string }
  /** Nothing ties it to a cluster or to the environment; the reason says what was tried. */
  | { kind: "unmapped"; reason: string };

/** One resource a preview or update changes, with the cluster it was attributed to. */
export interface MappedChange {
  urn: string;
  type: string;
  /** The resource's steps, in order (a replacement is several). */
  ops: string[];
  owner: StepOwner;
}

/** Which clusters a preview or update touches. */
export interface BlastRadiusReport {
  /** Names of the clusters touched, in order of first appearance. */
  clusters: string[];
  /** URNs of changed environment-level resources. */
  environmentLevel: string[];
  /** Changed resources that map to nothing, each with why. */
  unmapped: { urn: string; reason: string }[];
  /** Every changed resource and how it was attributed (plumbing included). */
  changes: MappedChange[];
}

/**
 * Steps that never change a resource in the cloud: a resource left as it is, read, or refreshed,
 * and the engine's own bookkeeping of an interrupted replacement (`remove-pending-replace` drops a
 * state entry; since CLI v3.131 such internal steps reach the Automation API's event stream,
 * pulumi/pulumi#17101, unmarked).
 */
export const PLUMBING_OPS: ReadonlySet<string> = new Set([
  "same",
  "read",
  "refresh",
  "remove-pending-replace",
]);

/** Types whose steps never belong to a cluster: the stack itself and stack references. */
const NEUTRAL_TYPES: ReadonlySet<string> = new Set([
  "pulumi:pulumi:Stack",
  "pulumi:pulumi:StackReference",
]);

/** Why a default Kubernetes provider is never plumbing. */
export const DEFAULT_KUBERNETES_PROVIDER =
  "a default Kubernetes provider deploys to whatever cluster the ambient kubeconfig points at; " +
  "give every Kubernetes resource its cluster's provider (the stacks set " +
  "pulumi:disable-default-providers: [kubernetes])";

/**
 * Attributes every changed resource of a preview or update to a cluster, in this order:
 *  1. engine plumbing (default providers other than Kubernetes' own, `same`/`read`/`refresh`/
 *     `remove-pending-replace`, the stack and stack references) touches no cluster;
 *  2. a URN the graph has belongs where the graph says;
 *  3. else the parent chain (the step's old/new state `parent`, then each ancestor's own step or
 *     graph entry) is walked to the first ancestor the graph knows that is not the stack's root:
 *     every child of cluster a's `eks:index:Cluster` belongs to a;
 *  4. else (or when that ancestor is environment-level, as a component spanning every cluster is)
 *     its provider, resolved the same way: a resource on cluster a's Kubernetes provider belongs
 *     to a;
 *  5. an environment-level ancestor with no cluster provider makes it environment-level;
 *     anything else is unmapped, with the reason.
 * `steps` is every step of the stream, unchanged resources included: their parents and providers
 * resolve the chains of the others. Pure.
 */
export function mapSteps(steps: readonly EngineStep[], graph: ClusterGraph): BlastRadiusReport {
  const byUrn = new Map<string, { type: string; ops: string[]; step: EngineStep }>();
  for (const step of steps) {
    const entry = byUrn.get(step.urn);
    if (entry) {
      entry.ops.push(step.op);
      // A later step (a replacement's create) may carry what an earlier one lacked.
      entry.step = {
        ...step,
        parent: step.parent || entry.step.parent,
        provider: step.provider || entry.step.provider,
      };
    } else {
      byUrn.set(step.urn, { type: step.type || typeOf(step.urn), ops: [step.op], step });
    }
  }
  const resolver = new Resolver(graph, byUrn);

  const report: BlastRadiusReport = {
    clusters: [],
    environmentLevel: [],
    unmapped: [],
    changes: [],
  };
  for (const [urn, { type, ops }] of byUrn) {
    if (ops.every((op) => PLUMBING_OPS.has(op))) continue;
    const owner = resolver.ownerOfChange(urn, type);
    report.changes.push({ urn, type, ops, owner });
    if (owner.kind === "cluster" && !report.clusters.includes(owner.cluster)) {
      report.clusters.push(owner.cluster);
    } else if (owner.kind === "environment") {
      report.environmentLevel.push(urn);
    } else if (owner.kind === "unmapped") {
      report.unmapped.push({ urn, reason: owner.reason });
    }
  }
  return report;
}

/** The last element of a URN's type chain: its own type. */
export function typeOf(urn: string): string {
  const parts = urn.split("::");
  const chain = parts.length >= 4 ? parts[2] : "";
  return chain.slice(chain.lastIndexOf("$") + 1);
}

type Found = { cluster: string } | { environment: true } | undefined;

/** Resolves URNs to clusters through the graph, parent chains and providers; memoised. */
class Resolver {
  private readonly memo = new Map<string, Found>();

  constructor(
    private readonly graph: ClusterGraph,
    private readonly steps: ReadonlyMap<string, { step: EngineStep }>,
  ) {}

  ownerOfChange(urn: string, type: string): StepOwner {
    if (NEUTRAL_TYPES.has(type)) return { kind: "plumbing", why: `the stack's own ${type}` };
    if (type.startsWith("pulumi:providers:") && isDefaultProvider(urn)) {
      if (type === "pulumi:providers:kubernetes") {
        return { kind: "unmapped", reason: DEFAULT_KUBERNETES_PROVIDER };
      }
      return {
        kind: "plumbing",
        why: "a default provider the engine manages itself (it changes with the SDK or provider config)",
      };
    }
    const own = this.graph.ownerOf(urn);
    if (own !== undefined) {
      return own === null
        ? { kind: "environment", via: "graph" }
        : { kind: "cluster", cluster: own, via: "graph" };
    }
    const tried: string[] = [];
    const byParent = this.throughParents(urn, tried);
    if (byParent && "cluster" in byParent) {
      return { kind: "cluster", cluster: byParent.cluster, via: "parent" };
    }
    const provider = this.providerOf(urn);
    if (provider) {
      if (isDefaultProvider(provider) && provider.includes("::pulumi:providers:kubernetes::")) {
        return { kind: "unmapped", reason: DEFAULT_KUBERNETES_PROVIDER };
      }
      const byProvider = isDefaultProvider(provider)
        ? undefined
        : this.resolve(provider, new Set());
      if (byProvider && "cluster" in byProvider) {
        return { kind: "cluster", cluster: byProvider.cluster, via: "provider" };
      }
      tried.push(
        isDefaultProvider(provider)
          ? `its provider is the engine's default ${providerPackage(provider)} provider (${provider.split("::").pop()}), which belongs to no cluster`
          : `its provider ${shortName(provider)} belongs to no cluster the graph knows`,
      );
    } else {
      tried.push("it names no provider");
    }
    if (byParent) return { kind: "environment", via: "parent" };
    return {
      kind: "unmapped",
      reason: `not in the program's resource graph; ${tried.join("; ")}`,
    };
  }

  /** The owner found by walking `urn`'s ancestors; records what it tried in `tried`. */
  private throughParents(urn: string, tried: string[]): Found {
    const seen = new Set([urn]);
    let parent = this.parentOf(urn);
    const chain: string[] = [];
    while (parent && !seen.has(parent)) {
      seen.add(parent);
      if (parent === this.graph.root || typeOf(parent) === "pulumi:pulumi:Stack") break;
      chain.push(shortName(parent));
      const owner = this.graph.ownerOf(parent);
      if (owner !== undefined) return owner === null ? { environment: true } : { cluster: owner };
      parent = this.parentOf(parent);
    }
    tried.push(
      chain.length === 0
        ? "it has no parent but the stack"
        : `its parent chain (${chain.join(" -> ")}) reaches nothing the graph knows`,
    );
    return undefined;
  }

  /** The cluster (or environment) a URN belongs to, by graph, then parents, then provider. */
  private resolve(urn: string, visiting: Set<string>): Found {
    if (this.memo.has(urn)) return this.memo.get(urn);
    if (visiting.has(urn)) return undefined;
    visiting.add(urn);
    let found: Found;
    const own = this.graph.ownerOf(urn);
    if (own !== undefined) {
      found = own === null ? { environment: true } : { cluster: own };
    } else {
      const byParent = this.throughParents(urn, []);
      if (byParent && "cluster" in byParent) found = byParent;
      else {
        const provider = this.providerOf(urn);
        const byProvider =
          provider && !isDefaultProvider(provider) ? this.resolve(provider, visiting) : undefined;
        found = byProvider && "cluster" in byProvider ? byProvider : byParent;
      }
    }
    this.memo.set(urn, found);
    return found;
  }

  private parentOf(urn: string): string | undefined {
    return this.steps.get(urn)?.step.parent || this.graph.parentOf?.(urn) || undefined;
  }

  private providerOf(urn: string): string | undefined {
    const ref = this.steps.get(urn)?.step.provider;
    return providerUrn(ref || undefined) ?? this.graph.providerOf?.(urn);
  }
}

/** The package of a provider URN: `aws` for `...::pulumi:providers:aws::default`. */
function providerPackage(urn: string): string {
  return typeOf(urn).replace(/^pulumi:providers:/, "");
}

/** `type::name` of a URN, for messages. */
function shortName(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? `${typeOf(urn)}::${parts.slice(3).join("::")}` : urn;
}
