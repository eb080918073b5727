import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ClusterAccess } from "./clusterAccess";
import { serializeKubeconfig } from "./kubeconfigDoc";
import { KUBECONFIG_MODE } from "./kubeconfigFile";

/**
 * One kubeconfig file per cluster for one `aa kubectl` run, each holding that cluster's context
 * only (as current context), in a fresh private directory (mode 0700, files 0600) under the
 * system's temporary directory. {@link dispose} removes them; the command calls it however the
 * run ends.
 */
export class RunKubeconfigs {
  private constructor(
    /** The private directory holding the files. */
    readonly dir: string,
    private readonly files: ReadonlyMap<string, string>,
  ) {}

  /** Writes a kubeconfig for each cluster. */
  static create(access: readonly ClusterAccess[], tmpdir: string = os.tmpdir()): RunKubeconfigs {
    const dir = fs.mkdtempSync(path.join(tmpdir, "aa-kubectl-"));
    fs.chmodSync(dir, 0o700);
    const files = new Map<string, string>();
    try {
      for (const a of access) {
        const file = path.join(dir, `${a.context}.yaml`);
        const text = serializeKubeconfig({
          apiVersion: "v1",
          kind: "Config",
          clusters: [a.clusterEntry],
          users: [a.userEntry],
          contexts: [a.contextEntry],
          "current-context": a.context,
        });
        fs.writeFileSync(file, text, { mode: KUBECONFIG_MODE, flag: "wx" });
        files.set(a.cluster, file);
      }
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return new RunKubeconfigs(dir, files);
  }

  /** The kubeconfig file of a cluster. */
  fileOf(cluster: string): string {
    const file = this.files.get(cluster);
    if (!file) throw new Error(`no kubeconfig was written for cluster ${cluster}`);
    return file;
  }

  /** Removes every file. Safe to call more than once. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
