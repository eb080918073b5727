import { isMap, type NamedExtension } from "./kubeconfigDoc";

/**
 * How `aa` recognises its own kubeconfig entries: each cluster, user and context it writes is
 * named `<env>-<cluster>` and carries an `extensions` item named "active-active" that says which
 * environment and cluster it is for (the mechanism minikube uses for its `cluster_info`). kubectl
 * keeps extensions it does not know when it rewrites the file (`kubectl config use-context`), so
 * the mark survives; the name alone would be ambiguous, since both environment and cluster names
 * may contain dashes.
 */

/** The name of the extension item that marks an entry as written by `aa kubeconfig`. */
export const MARK = "active-active";

/** Whose entry this is. */
export interface Owner {
  environment: string;
  cluster: string;
}

/** The context (and cluster and user entry) name of a cluster: `<env>-<cluster>`. */
export function contextName(environment: string, cluster: string): string {
  return `${environment}-${cluster}`;
}

/** The owner an entry's `extensions` names, if it is one of ours. */
export function ownerOf(extensions: unknown): Owner | undefined {
  if (!Array.isArray(extensions)) return undefined;
  const mark = extensions.find((e: unknown) => isMap(e) && e.name === MARK) as
    NamedExtension | undefined;
  const value = mark?.extension;
  if (!isMap(value)) return undefined;
  const { environment, cluster } = value;
  return typeof environment === "string" && typeof cluster === "string"
    ? { environment, cluster }
    : undefined;
}

/** `extensions` with our mark set to `owner` (an existing mark replaced, others kept). */
export function withMark(extensions: unknown, owner: Owner): NamedExtension[] {
  const others = Array.isArray(extensions)
    ? (extensions as unknown[]).filter((e): e is NamedExtension => isMap(e) && e.name !== MARK)
    : [];
  return [
    ...others,
    {
      name: MARK,
      extension: {
        environment: owner.environment,
        cluster: owner.cluster,
        "written-by": `aa kubeconfig ${owner.environment}`,
      },
    },
  ];
}

/**
 * The owner of a context from its name alone, for contexts without a mark: `<env>-<cluster>`
 * where `env` is one of `environments` and the rest a DNS label. When two environments fit (`dev`
 * and `dev-eu` for `dev-eu-a`), the longer environment name wins, because `aa kubeconfig` names
 * contexts from the environment name first.
 */
export function ownerFromName(name: string, environments: readonly string[]): Owner | undefined {
  const fits = environments
    .filter((env) => name.startsWith(`${env}-`))
    .map((env) => ({ environment: env, cluster: name.slice(env.length + 1) }))
    .filter((o) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.cluster))
    .sort((x, y) => y.environment.length - x.environment.length);
  return fits[0];
}
