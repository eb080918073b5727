import { UsageError } from "../exitCodes";
import type { CurrentContext } from "./currentContext";
import { ownerFromName, type Owner } from "./ownership";
import type { KubectlCommand } from "./verbs";

/**
 * Which environment and clusters `aa kubectl` works on, when the command line does not say it
 * all. Pure functions over plain facts; the command gathers the facts (the current kube context,
 * the selected Pulumi stack, the stack's clusters) and prints the notes on stderr.
 */

/** The selected Pulumi stack, once looked up. */
export type SelectedStack = { name: string | null } | { error: string };

/** Facts for {@link inferEnvironment}. */
export interface EnvironmentFacts {
  /** The environment argument, if given. */
  given?: string;
  /** The environments that have a stack file in the project. */
  environments: readonly string[];
  /** The current kube context, if one is set. */
  context?: CurrentContext;
  /**
   * The selected Pulumi stack.
   * @default not looked up yet: the answer is then `{ lookUp: "selected-stack" }` when needed
   */
  selectedStack?: SelectedStack;
}

/** Where the environment came from. */
export type EnvironmentSource = "argument" | "kube-context" | "pulumi-stack";

/** The chosen environment, and what to tell the user about it. */
export interface EnvironmentChoice {
  environment: string;
  source: EnvironmentSource;
  /** What was inferred and from what (for stderr); absent when the argument said it. */
  note?: string;
}

/**
 * The environment: the argument; else the environment of the current kube context if it is one
 * of ours (marked by `aa kubeconfig`, or named `<env>-<cluster>` for an environment with a stack
 * file); else the selected Pulumi stack if it has a stack file. Answers `{ lookUp }` when the
 * selected stack is needed and not given yet; throws a {@link UsageError} when nothing fits.
 */
export function inferEnvironment(
  facts: EnvironmentFacts,
): EnvironmentChoice | { lookUp: "selected-stack" } {
  const known = facts.environments;
  if (facts.given !== undefined) {
    if (!known.includes(facts.given)) {
      throw new UsageError(
        `no environment "${facts.given}": it has no stack file; ` +
          (known.length ? `known environments: ${known.join(", ")}` : "no stack files found"),
      );
    }
    return { environment: facts.given, source: "argument" };
  }
  const owner = ownContext(facts.context, known);
  if (owner && facts.context) {
    return {
      environment: owner.environment,
      source: "kube-context",
      note: `environment ${owner.environment} (from the current kube context "${facts.context.name}")`,
    };
  }
  const why = facts.context
    ? `the current kube context "${facts.context.name}" is not one of an environment's (they are named <env>-<cluster>)`
    : "no kube context is set";
  const selected = facts.selectedStack;
  if (selected === undefined) return { lookUp: "selected-stack" };
  if ("name" in selected && selected.name !== null) {
    const name = stackName(selected.name);
    if (known.includes(name)) {
      return {
        environment: name,
        source: "pulumi-stack",
        note: `environment ${name} (from the selected Pulumi stack; ${why})`,
      };
    }
  }
  const stack =
    "error" in selected
      ? `the selected Pulumi stack could not be read (${selected.error})`
      : selected.name === null
        ? "no Pulumi stack is selected"
        : `the selected Pulumi stack "${selected.name}" has no stack file`;
  throw new UsageError(
    `cannot tell which environment to use: ${why}, and ${stack}. Name it, e.g. ` +
      `\`aa kubectl ${known[0] ?? "dev"} -- get pods -A\`` +
      (known.length ? ` (environments: ${known.join(", ")})` : ""),
  );
}

/** Facts for {@link selectClusters}. */
export interface ClusterFacts {
  environment: string;
  /** The environment's clusters, from the stack outputs. */
  clusters: readonly string[];
  /** `--cluster NAME` or `--cluster all`. */
  cluster?: string;
  /** `--all-clusters`. */
  allClusters?: boolean;
  /** `--parallel`. */
  parallel?: boolean;
  command: KubectlCommand;
  /** The current kube context: names the cluster of a mutating command when none is given. */
  context?: CurrentContext;
  /** The environments with a stack file (to read the context's name). */
  environments: readonly string[];
}

/** Where and how the command runs. */
export interface ClusterSelection {
  /** The clusters, in the stack's order. */
  clusters: string[];
  /** Every cluster at once, or one after the other. */
  parallel: boolean;
  /** Serial runs stop at the first cluster that fails (the rest are skipped). */
  stopOnFailure: boolean;
  /** What was chosen and why (for stderr). */
  note: string;
}

/**
 * The clusters to run on, and how. A read-only command runs on every cluster at once unless one
 * is named. A mutating or interactive command runs on the named cluster, else on the cluster of
 * the current kube context (if it is one of this environment's). A mutating command runs on more
 * than one cluster only with `--all-clusters`, and then one cluster at a time, stopping at the
 * first failure, unless `--parallel`. An interactive command never runs on more than one.
 */
export function selectClusters(facts: ClusterFacts): ClusterSelection {
  const { environment: env, clusters, command } = facts;
  const all = `all ${clusters.length} clusters of ${env} (${clusters.join(", ")})`;
  const verb = `kubectl ${command.verb}`;
  if (facts.cluster !== undefined && facts.cluster !== "all" && facts.allClusters) {
    throw new UsageError(
      `--cluster ${facts.cluster} and --all-clusters contradict each other; give one of them`,
    );
  }
  if (facts.cluster !== undefined && facts.cluster !== "all" && !clusters.includes(facts.cluster)) {
    throw new UsageError(
      `${env} has no cluster "${facts.cluster}"; its clusters are ${clusters.join(", ")} ` +
        `(from the stack outputs), or use --cluster all`,
    );
  }
  const single = (cluster: string, from: string): ClusterSelection => ({
    clusters: [cluster],
    parallel: false,
    stopOnFailure: true,
    note: `${verb} on cluster ${cluster} of ${env}${from}`,
  });
  if (facts.cluster !== undefined && facts.cluster !== "all") return single(facts.cluster, "");

  const wantsAll = facts.cluster === "all" || Boolean(facts.allClusters);
  if (command.class === "read-only") {
    return {
      clusters: [...clusters],
      parallel: true,
      stopOnFailure: false,
      note: `${verb} on ${all}, in parallel`,
    };
  }
  const pick = `--cluster NAME (one of ${clusters.join(", ")})`;
  if (command.class === "interactive") {
    const fromContext = wantsAll ? undefined : contextCluster(facts);
    if (fromContext) return single(fromContext, contextNote(facts));
    throw new UsageError(`${verb} runs on one cluster only (${command.why}): add ${pick}`);
  }
  if (!wantsAll) {
    const fromContext = contextCluster(facts);
    if (fromContext)
      return single(fromContext, contextNote(facts, "; --all-clusters for every cluster"));
    throw new UsageError(
      `${verb} may change the cluster (${command.why}) and names no cluster: add ${pick}, ` +
        `or --all-clusters to run it on every cluster, one at a time`,
    );
  }
  if (!facts.allClusters) {
    throw new UsageError(
      `${verb} may change the cluster (${command.why}): to run it on ${all}, add --all-clusters ` +
        `(they then run one at a time, stopping at the first failure); for one cluster, use ${pick}`,
    );
  }
  return facts.parallel
    ? {
        clusters: [...clusters],
        parallel: true,
        stopOnFailure: false,
        note: `${verb} on ${all}, all at once (--parallel)`,
      }
    : {
        clusters: [...clusters],
        parallel: false,
        stopOnFailure: true,
        note: `${verb} on ${all}, one at a time, stopping at the first failure (--parallel to run them at once)`,
      };
}

/** Whose context this is: the mark `aa kubeconfig` left, else the name; only for known environments. */
export function ownContext(
  context: CurrentContext | undefined,
  environments: readonly string[],
): Owner | undefined {
  if (!context) return undefined;
  if (context.owner) {
    return environments.includes(context.owner.environment) ? context.owner : undefined;
  }
  return ownerFromName(context.name, environments);
}

/** "dev" from "dev", "acme/dev" or "acme/active-active/dev" (`pulumi stack ls` names). */
export function stackName(name: string): string {
  return name.split("/").pop() ?? name;
}

function contextCluster(facts: ClusterFacts): string | undefined {
  const owner = ownContext(facts.context, facts.environments);
  return owner?.environment === facts.environment && facts.clusters.includes(owner.cluster)
    ? owner.cluster
    : undefined;
}

function contextNote(facts: ClusterFacts, more = ""): string {
  return ` (from the current kube context "${facts.context?.name}"${more})`;
}
