import type { ClusterAccess } from "./clusterAccess";
import {
  ITEM_FIELD,
  itemsOf,
  KubeconfigError,
  LISTS,
  type KubeconfigDoc,
  type ListName,
  type NamedCluster,
  type NamedContext,
  type NamedUser,
} from "./kubeconfigDoc";
import { contextName, ownerOf } from "./ownership";

/** Arguments of {@link planMerge}. */
export interface MergeArgs {
  /** The environment whose entries are written; its other entries (stale clusters) go. */
  environment: string;
  /** Every cluster of the environment, from the stack outputs. */
  access: readonly ClusterAccess[];
  /**
   * Make this cluster's context the current context.
   * @default the current context is left as it is (unless it named a context that is removed)
   */
  use?: string;
  /**
   * Replace entries with our names that `aa` did not write (no mark, or another environment's).
   * @default false: refuse, naming them
   */
  force?: boolean;
  /** The file's name in messages, e.g. "~/.kube/config". @default "the kubeconfig" */
  where?: string;
}

/** The edit of one named list: names to drop, entries to put (in place of a same-named one, else at the end). */
export interface ListEdit<T> {
  remove: string[];
  put: T[];
}

/** What `aa kubeconfig` changes in a kubeconfig, as data; apply it with {@link applyMerge}. */
export interface MergePlan {
  clusters: ListEdit<NamedCluster>;
  users: ListEdit<NamedUser>;
  contexts: ListEdit<NamedContext>;
  /** The new `current-context`: a name, "" to unset it, undefined to leave it as it is. */
  currentContext?: string;
  /** The contexts written, in cluster order. */
  written: { context: string; cluster: string; server: string }[];
  /** Our contexts of this environment that are gone (their cluster left the environment). */
  removed: string[];
  /** Same-named entries `aa` did not write, replaced because of `force`. */
  replacedForeign: string[];
  /** `current-context` before and after. */
  currentBefore: string;
  currentAfter: string;
}

/**
 * Plans merging an environment's contexts into a kubeconfig: our entries of this environment are
 * replaced (a namespace set on one of our contexts is kept), our entries of clusters that left the
 * environment are removed, everything else is left untouched, `current-context` included unless
 * `use` is given. Pure: plain data in, plain data out.
 */
export function planMerge(existing: KubeconfigDoc, args: MergeArgs): MergePlan {
  const where = args.where ?? "the kubeconfig";
  const names = new Set(args.access.map((a) => a.context));
  const foreign = new Set<string>();
  const remove: Record<ListName, string[]> = { clusters: [], users: [], contexts: [] };
  for (const list of LISTS) {
    for (const item of itemsOf(existing, list)) {
      // Ours: marked for this environment and still named as we name it. A marked entry the
      // user renamed (kubectl config rename-context) is theirs now and left alone.
      const owner = ownerOf((item[ITEM_FIELD[list]] as { extensions?: unknown })?.extensions);
      const ours =
        owner?.environment === args.environment &&
        item.name === contextName(owner.environment, owner.cluster);
      if (names.has(item.name)) {
        if (!ours) foreign.add(item.name);
      } else if (ours) {
        remove[list].push(item.name);
      }
    }
  }
  if (foreign.size && !args.force) {
    const list = [...foreign].sort();
    throw new KubeconfigError(
      `${where} already has entries named ${list.map((n) => `"${n}"`).join(", ")} that aa kubeconfig ` +
        `did not write for ${args.environment}; rename or delete them (e.g. \`kubectl config ` +
        `delete-context ${list[0]}\`), or pass --force to replace them`,
    );
  }

  const existingContexts = new Map(itemsOf(existing, "contexts").map((c) => [c.name, c]));
  const contexts = args.access.map((a) => {
    // The namespace of one of our contexts is the user's choice (kubectl config set-context
    // --current --namespace=...): it is kept, as is its absence. A new context gets the stack's.
    const before = existingContexts.get(a.context);
    if (!before || foreign.has(a.context)) return a.contextEntry;
    const context = { ...a.contextEntry.context };
    delete context.namespace;
    const namespace = before.context?.namespace;
    if (typeof namespace === "string") context.namespace = namespace;
    return { ...a.contextEntry, context };
  });

  const currentBefore = existing["current-context"] ?? "";
  let currentContext: string | undefined;
  if (args.use !== undefined) {
    const chosen = args.access.find((a) => a.cluster === args.use);
    if (!chosen) {
      throw new KubeconfigError(
        `--use ${args.use}: ${args.environment} has no cluster "${args.use}"; its clusters are ` +
          args.access.map((a) => a.cluster).join(", "),
      );
    }
    currentContext = chosen.context;
  } else if (remove.contexts.includes(currentBefore)) {
    currentContext = "";
  }
  return {
    clusters: { remove: remove.clusters, put: args.access.map((a) => a.clusterEntry) },
    users: { remove: remove.users, put: args.access.map((a) => a.userEntry) },
    contexts: { remove: remove.contexts, put: contexts },
    ...(currentContext !== undefined ? { currentContext } : {}),
    written: args.access.map((a) => ({ context: a.context, cluster: a.cluster, server: a.server })),
    removed: remove.contexts,
    replacedForeign: [...foreign].sort(),
    currentBefore,
    currentAfter: currentContext ?? currentBefore,
  };
}

/** The kubeconfig with the plan applied; `existing` is not changed. */
export function applyMerge(existing: KubeconfigDoc, plan: MergePlan): KubeconfigDoc {
  const next: KubeconfigDoc = {
    ...(existing.apiVersion === undefined ? { apiVersion: "v1" } : {}),
    ...(existing.kind === undefined ? { kind: "Config" } : {}),
    ...existing,
  };
  for (const list of LISTS) {
    const edit = plan[list] as ListEdit<{ name: string }>;
    (next as Record<string, unknown>)[list] = editList(itemsOf(existing, list), edit);
  }
  if (plan.currentContext !== undefined) next["current-context"] = plan.currentContext;
  return next;
}

/** Plans and applies in one step: {@link planMerge} then {@link applyMerge}. */
export function mergeKubeconfig(
  existing: KubeconfigDoc,
  args: MergeArgs,
): { config: KubeconfigDoc; plan: MergePlan } {
  const plan = planMerge(existing, args);
  return { config: applyMerge(existing, plan), plan };
}

/** A list with `edit` applied: removed names gone, put entries in place of same-named ones, new ones last. */
export function editList<T extends { name: string }>(items: readonly T[], edit: ListEdit<T>): T[] {
  const put = new Map(edit.put.map((e) => [e.name, e]));
  const drop = new Set(edit.remove);
  const placed = new Set<string>();
  const kept = items.flatMap((item) => {
    if (drop.has(item.name)) return [];
    const replacement = put.get(item.name);
    if (!replacement) return [item];
    // kubectl reads the first of duplicate names; later duplicates of ours would shadow nothing.
    if (placed.has(item.name)) return [];
    placed.add(item.name);
    return [replacement];
  });
  return [...kept, ...edit.put.filter((e) => !placed.has(e.name))];
}
