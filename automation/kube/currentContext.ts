import { itemsOf, KubeconfigError, type KubeconfigDoc } from "./kubeconfigDoc";
import { readKubeconfigFile } from "./kubeconfigFile";
import { ownerOf, type Owner } from "./ownership";

/** The current kube context as kubectl would pick it, and whose it is if `aa` wrote it. */
export interface CurrentContext {
  name: string;
  /** The mark `aa kubeconfig` left on the context, if any. */
  owner?: Owner;
}

/**
 * The current context of kubeconfigs merged the way kubectl merges them: the first file that sets
 * `current-context` wins, and the first file that defines a context of that name defines it.
 * Undefined when none is set. Pure.
 */
export function currentContextOf(configs: readonly KubeconfigDoc[]): CurrentContext | undefined {
  const name = configs.map((c) => c["current-context"]).find((n) => typeof n === "string" && n);
  if (!name) return undefined;
  for (const config of configs) {
    const context = itemsOf(config, "contexts").find((c) => c.name === name);
    if (context) {
      const owner = ownerOf(context.context?.extensions);
      return owner ? { name, owner } : { name };
    }
  }
  return { name };
}

/**
 * Reads the current context from the kubeconfig files (in precedence order; missing files are
 * skipped). A file that cannot be read is reported in `problem` instead of failing: the context
 * only helps guess the environment.
 */
export function readCurrentContext(files: readonly string[]): {
  context?: CurrentContext;
  problem?: string;
} {
  const configs: KubeconfigDoc[] = [];
  for (const file of files) {
    try {
      const read = readKubeconfigFile(file);
      if (read) configs.push(read.config);
    } catch (err) {
      if (err instanceof KubeconfigError) return { problem: err.message };
      throw err;
    }
  }
  const context = currentContextOf(configs);
  return context ? { context } : {};
}
