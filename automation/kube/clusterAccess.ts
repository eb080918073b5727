import { StackOutputsError } from "../automationApi/errors";
import {
  itemsOf,
  KubeconfigError,
  parseKubeconfig,
  type KubeconfigDoc,
  type NamedCluster,
  type NamedContext,
  type NamedUser,
} from "./kubeconfigDoc";
import { withExecRegion } from "./execRegion";
import { contextName, withMark, type Owner } from "./ownership";

/**
 * Everything needed to reach one cluster, as `aa` writes it into a kubeconfig: a cluster entry
 * (server, CA), a user entry (credentials) and a context joining them, all three named
 * `<env>-<cluster>` and marked as ours. Holds credentials: never print it.
 */
export interface ClusterAccess extends Owner {
  /** `<env>-<cluster>`: the context, cluster and user entry name. */
  context: string;
  /** The API server URL (not a secret: the stack exports it as a plain output too). */
  server: string;
  clusterEntry: NamedCluster;
  userEntry: NamedUser;
  contextEntry: NamedContext;
}

/**
 * Each cluster's access from the stack's `kubeconfigs` output (cluster name -> kubeconfig, the
 * JSON @pulumi/eks generates: one cluster, one user, one context). Sorted by cluster name. A
 * kubeconfig that cannot be used is the stack's problem: a {@link StackOutputsError} that names
 * the cluster and what is missing, never a value. `regions` (the `clusters` output's region per
 * cluster) makes each cluster's `aws eks get-token` ask in the cluster's region when its
 * kubeconfig names none ({@link withExecRegion}).
 */
export function clusterAccessFromStack(
  environment: string,
  kubeconfigs: Readonly<Record<string, string>>,
  regions: Readonly<Record<string, string>> = {},
): ClusterAccess[] {
  try {
    const clusters = Object.keys(kubeconfigs).sort();
    if (clusters.length === 0) {
      throw new KubeconfigError(`output kubeconfigs: an empty map, no cluster in it`);
    }
    return clusters.map((cluster) =>
      accessOf(
        { environment, cluster },
        parseKubeconfig(kubeconfigs[cluster], `the kubeconfig of cluster ${cluster}`),
        regions[cluster],
      ),
    );
  } catch (err) {
    if (err instanceof KubeconfigError) throw new StackOutputsError(environment, [err.message]);
    throw err;
  }
}

/** One cluster's access from its own kubeconfig, its token asked for in `region` if it names none. */
export function accessOf(owner: Owner, doc: KubeconfigDoc, region?: string): ClusterAccess {
  const where = `the kubeconfig of cluster ${owner.cluster} (stack output "kubeconfigs")`;
  const { cluster, user, namespace } = pick(doc, where);
  const server = cluster.cluster.server;
  if (typeof server !== "string" || !/^https?:\/\//.test(server)) {
    throw new KubeconfigError(`${where}: its cluster has no server URL (https://...)`);
  }
  const name = contextName(owner.environment, owner.cluster);
  return {
    ...owner,
    context: name,
    server,
    clusterEntry: {
      name,
      cluster: { ...cluster.cluster, extensions: withMark(cluster.cluster.extensions, owner) },
    },
    userEntry: {
      name,
      user: {
        ...withExecRegion(user.user, region),
        extensions: withMark(user.user.extensions, owner),
      },
    },
    contextEntry: {
      name,
      context: {
        cluster: name,
        user: name,
        ...(namespace ? { namespace } : {}),
        extensions: withMark(undefined, owner),
      },
    },
  };
}

/**
 * The cluster and user the kubeconfig uses: those of its current context, or its only cluster and
 * only user when it has no context (as some generators write it).
 */
function pick(
  doc: KubeconfigDoc,
  where: string,
): { cluster: NamedCluster; user: NamedUser; namespace?: string } {
  const clusters = itemsOf(doc, "clusters");
  const users = itemsOf(doc, "users");
  const contexts = itemsOf(doc, "contexts");
  const current = doc["current-context"];
  let context: NamedContext | undefined;
  if (current) {
    context = contexts.find((c) => c.name === current);
    if (!context) throw new KubeconfigError(`${where}: its current context has no entry`);
  } else if (contexts.length === 1) {
    context = contexts[0];
  } else if (contexts.length > 1) {
    throw new KubeconfigError(`${where} has ${contexts.length} contexts and no current context`);
  }
  const cluster = context
    ? clusters.find((c) => c.name === context.context?.cluster)
    : only(clusters, "cluster", where);
  const user = context
    ? users.find((u) => u.name === context.context?.user)
    : only(users, "user", where);
  if (!cluster?.cluster) throw new KubeconfigError(`${where}: its context names no known cluster`);
  if (!user?.user) throw new KubeconfigError(`${where}: its context names no known user`);
  const namespace = context?.context?.namespace;
  return { cluster, user, ...(typeof namespace === "string" ? { namespace } : {}) };
}

function only<T>(items: T[], what: string, where: string): T {
  if (items.length !== 1) {
    throw new KubeconfigError(
      `${where} has ${items.length} ${what}s and no context to choose one; expected exactly one`,
    );
  }
  return items[0];
}
