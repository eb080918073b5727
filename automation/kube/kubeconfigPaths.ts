import * as os from "node:os";
import * as path from "node:path";

/** The process environment as far as kubeconfig locations go. */
export interface KubeconfigEnv {
  /** `$KUBECONFIG`: a list of files separated by ":" (";" on Windows). */
  KUBECONFIG?: string;
  /** `$HOME`, where `~/.kube/config` lives. */
  HOME?: string;
}

/**
 * The kubeconfig files kubectl reads, in precedence order (client-go's loading rules): the
 * entries of `$KUBECONFIG` (empty ones skipped, duplicates once), else `~/.kube/config`.
 */
export function kubeconfigPrecedence(
  env: KubeconfigEnv,
  cwd: string = process.cwd(),
  home: string = env.HOME || os.homedir(),
): string[] {
  const listed = (env.KUBECONFIG ?? "")
    .split(path.delimiter)
    .filter((p) => p !== "")
    .map((p) => path.resolve(cwd, p));
  const unique = [...new Set(listed)];
  return unique.length ? unique : [path.join(home, ".kube", "config")];
}

/**
 * The file kubectl writes new entries to (client-go's `GetDefaultFilename`): the first file of the
 * precedence list that exists, else the first one. `aa kubeconfig` writes to the same file, so the
 * contexts it writes are the ones kubectl then sees.
 */
export function kubeconfigDestination(
  precedence: readonly string[],
  exists: (file: string) => boolean,
): string {
  return precedence.find(exists) ?? precedence[0];
}

/** "~/.kube/config" for a path under the home directory, for messages. */
export function tildify(file: string, home: string = os.homedir()): string {
  const rel = path.relative(home, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? `~${path.sep}${rel}` : file;
}
