import * as fs from "node:fs";
import * as path from "node:path";
import type YAML from "yaml";
import { writeFileAtomic } from "../files/atomicWrite";
import {
  checkShape,
  KubeconfigError,
  parseYamlDocument,
  type KubeconfigDoc,
} from "./kubeconfigDoc";

/** The mode of every kubeconfig `aa` writes (kubectl's own): readable by its owner only. */
export const KUBECONFIG_MODE = 0o600;

/** A kubeconfig file read from disk, as a YAML document (for editing) and as checked plain data. */
export interface KubeconfigFile {
  document: YAML.Document;
  config: KubeconfigDoc;
}

/** Reads a kubeconfig file; undefined when it does not exist. `where` names it in messages. */
export function readKubeconfigFile(file: string, where: string = file): KubeconfigFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new KubeconfigError(`cannot read ${where}: ${(err as Error).message}`);
  }
  try {
    const document = parseYamlDocument(text, where);
    return { document, config: checkShape(document.toJS() as unknown, where) };
  } catch (err) {
    if (!(err instanceof KubeconfigError)) throw err;
    throw new KubeconfigError(`${err.message}; fix it, or move it away and run again`);
  }
}

/**
 * Writes a kubeconfig the way kubectl does, and safer: while holding kubectl's own lock file
 * (`<file>.lock`, so `aa` and kubectl never write it at the same time), into a temporary file in
 * the same directory created with mode 0600, flushed, then renamed over the file
 * (`files/atomicWrite.ts`), so a reader sees the old or the new file, never half of one. A symlinked kubeconfig is written through the link.
 */
export function writeKubeconfigFile(file: string, text: string, where: string = file): void {
  const target = resolveLink(file);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = `${file}.lock`;
  try {
    fs.closeSync(fs.openSync(lock, "wx", KUBECONFIG_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      throw new KubeconfigError(
        `${where} is being changed by another kubectl or aa (${lock} exists); ` +
          `if none is running, delete ${lock} and run again`,
      );
    }
    throw new KubeconfigError(`cannot lock ${where}: ${(err as Error).message}`);
  }
  try {
    writeFileAtomic(target, text, { mode: KUBECONFIG_MODE });
  } catch (err) {
    throw new KubeconfigError(`cannot write ${where}: ${(err as Error).message}`);
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

/** The file a (possibly dangling) symlink points to; the path itself otherwise. */
function resolveLink(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    try {
      if (fs.lstatSync(file).isSymbolicLink()) {
        return path.resolve(path.dirname(file), fs.readlinkSync(file));
      }
    } catch {
      // does not exist: written as a new file
    }
    return path.resolve(file);
  }
}
