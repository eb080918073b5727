import { UsageError } from "../exitCodes";

/**
 * What a kubectl command does to a cluster, which decides where and how `aa kubectl` runs it:
 * - `read-only`: only reads; runs on every cluster at once by default;
 * - `mutating`: may change the cluster (or runs arbitrary code in it, like `exec`); on more than
 *   one cluster only with `--all-clusters`, and then one cluster at a time;
 * - `interactive`: needs the terminal (an editor, a shell, a tunnel); runs on one cluster only,
 *   attached to the terminal.
 */
export type VerbClass = "read-only" | "mutating" | "interactive";

/** A classified kubectl command line. */
export interface KubectlCommand {
  /** The verb, with its sub-verb where that decides the class: "get", "rollout status". */
  verb: string;
  class: VerbClass;
  /**
   * The command follows or watches (`logs -f`, `get -w`) and does not end by itself: its output
   * is shown line by line, prefixed with the context, instead of grouped per cluster.
   */
  streams: boolean;
  /** Why it is in its class, for messages: "get only reads". */
  why: string;
}

/** Verbs that only read from the cluster (or only print something local). */
const READ_ONLY = new Set([
  "get",
  "describe",
  "logs",
  "top",
  "explain",
  "api-resources",
  "api-versions",
  "version",
  "events",
  "cluster-info",
  "diff",
  "wait",
  "completion",
  "help",
  "options",
  "plugin",
  "kustomize",
]);

/** Verbs known to change the cluster, or to run code in it. */
const MUTATING = new Set([
  "apply",
  "create",
  "delete",
  "replace",
  "patch",
  "scale",
  "autoscale",
  "label",
  "annotate",
  "set",
  "rollout",
  "cordon",
  "uncordon",
  "drain",
  "taint",
  "expose",
  "run",
  "exec",
  "cp",
  "debug",
  "certificate",
  "auth",
]);

/** Verbs that need the terminal whatever their flags. */
const INTERACTIVE = new Set(["edit", "attach", "port-forward", "proxy"]);

/** Verbs that need the terminal with -i / -t / --stdin / --tty. */
const INTERACTIVE_WITH_TTY = new Set(["exec", "run", "debug"]);

/** Read-only sub-verbs of otherwise mutating verbs. */
const READ_ONLY_SUB: Record<string, Set<string>> = {
  rollout: new Set(["status", "history"]),
  auth: new Set(["can-i", "whoami"]),
};

/** kubectl's global flags that take a value (so the word after them is not the verb). */
const VALUE_FLAGS = new Set([
  "-n",
  "--namespace",
  "--as",
  "--as-group",
  "--as-uid",
  "--cache-dir",
  "--certificate-authority",
  "--client-certificate",
  "--client-key",
  "--cluster",
  "--context",
  "--kubeconfig",
  "--password",
  "--profile",
  "--profile-output",
  "--request-timeout",
  "-s",
  "--server",
  "--tls-server-name",
  "--token",
  "--user",
  "--username",
  "-v",
  "--v",
  "--vmodule",
  "-l",
  "--selector",
  "-o",
  "--output",
  "-f",
  "--filename",
  "-c",
  "--container",
]);

/** Flags that would pick another cluster or credentials than the one `aa` gives each run. */
const CONNECTION_FLAGS: Record<string, string> = {
  "--kubeconfig": "aa kubectl gives each run its own kubeconfig",
  "--context": "aa kubectl picks the context of each cluster itself",
  "--cluster": "aa kubectl picks the cluster itself; use aa's own --cluster NAME before --",
  "--user": "aa kubectl uses each cluster's user from the stack outputs",
  "--server": "aa kubectl uses each cluster's server from the stack outputs",
  "-s": "aa kubectl uses each cluster's server from the stack outputs",
  "--token": "credentials on a command line show in `ps` and shell history",
  "--username": "credentials on a command line show in `ps` and shell history",
  "--password": "credentials on a command line show in `ps` and shell history",
  "--client-certificate": "aa kubectl uses each cluster's user from the stack outputs",
  "--client-key": "aa kubectl uses each cluster's user from the stack outputs",
  "--certificate-authority": "aa kubectl uses each cluster's CA from the stack outputs",
};

/**
 * Classifies kubectl's arguments (what follows `--`). Pure. Refuses, with a {@link UsageError}
 * saying why and what to do: no verb, `kubectl config` (it works on the local kubeconfig, not on
 * a cluster), and flags that would replace the cluster or credentials `aa` gives each run.
 * An unknown verb is treated as mutating.
 */
export function classifyKubectlArgs(args: readonly string[]): KubectlCommand {
  const own = ownArgs(args);
  for (const arg of own) {
    const flag = arg.split("=")[0];
    const why = CONNECTION_FLAGS[flag];
    if (why) {
      throw new UsageError(
        `kubectl flag ${flag} is not allowed with aa kubectl: ${why}; leave it out ` +
          `(choose clusters with aa's --cluster NAME or --all-clusters, before --)`,
      );
    }
  }
  const words = positionals(own);
  const verb = words[0];
  if (verb === undefined) {
    throw new UsageError(
      "give kubectl's arguments after --, with a verb, e.g. `aa kubectl dev -- get pods -A`",
    );
  }
  if (verb === "config") {
    throw new UsageError(
      "kubectl config works on the local kubeconfig, not on the clusters: run kubectl config " +
        "directly, and write the environment's contexts with `aa kubeconfig <env>`",
    );
  }
  const sub = words[1];
  const dryRun = dryRunOf(own);
  const streams = followsOrWatches(verb, own);

  if (INTERACTIVE.has(verb)) {
    return { verb, class: "interactive", streams: false, why: `${verb} needs the terminal` };
  }
  if (INTERACTIVE_WITH_TTY.has(verb) && wantsTerminal(own)) {
    return { verb, class: "interactive", streams: false, why: `${verb} -i/-t needs the terminal` };
  }
  if (READ_ONLY.has(verb)) {
    return { verb, class: "read-only", streams, why: `${verb} only reads` };
  }
  const subVerbs = READ_ONLY_SUB[verb];
  if (subVerbs && sub !== undefined && subVerbs.has(sub)) {
    return {
      verb: `${verb} ${sub}`,
      class: "read-only",
      streams,
      why: `${verb} ${sub} only reads`,
    };
  }
  const full = subVerbs && sub !== undefined ? `${verb} ${sub}` : verb;
  if (MUTATING.has(verb)) {
    if (dryRun) {
      return {
        verb: full,
        class: "read-only",
        streams,
        why: `${full} --dry-run=${dryRun} changes nothing`,
      };
    }
    return {
      verb: full,
      class: "mutating",
      streams,
      why:
        verb === "exec"
          ? "exec runs commands inside the cluster's containers"
          : `${full} changes the cluster`,
    };
  }
  return {
    verb,
    class: "mutating",
    streams,
    why: `"${verb}" is not a verb aa kubectl knows, so it is treated as one that changes the cluster`,
  };
}

/** kubectl's own arguments: up to a `--` that starts a command for a container (exec, run, debug). */
function ownArgs(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  return end < 0 ? [...args] : args.slice(0, end);
}

/** The words that are neither flags nor values of known value flags. */
function positionals(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-") || arg === "-") {
      words.push(arg);
    } else if (VALUE_FLAGS.has(arg)) {
      i++; // its value follows
    }
    // --flag=value, -nvalue, and switches stand alone
  }
  return words;
}

/** "client" / "server" for a --dry-run that changes nothing; undefined otherwise. */
function dryRunOf(args: readonly string[]): string | undefined {
  // Only the `=` form: kubectl reads `--dry-run client` as a bare --dry-run and a word.
  const values = args.filter((a) => a.startsWith("--dry-run=")).map((a) => a.slice(10));
  const last = values.at(-1);
  return last === "client" || last === "server" ? last : undefined;
}

/** -i, -t, -it, --stdin, --tty (and =true). */
function wantsTerminal(args: readonly string[]): boolean {
  return args.some((arg) => {
    if (/^--(stdin|tty)(=true)?$/.test(arg)) return true;
    return /^-[a-zA-Z]+$/.test(arg) && /[it]/.test(arg.slice(1));
  });
}

/** logs -f/--follow, get/events -w/--watch/--watch-only. */
function followsOrWatches(verb: string, args: readonly string[]): boolean {
  if (verb === "logs") return args.some((a) => /^(-f|--follow(=true)?)$/.test(a));
  if (verb === "get" || verb === "events") {
    return args.some((a) => /^(-w|--watch(=true)?|--watch-only(=true)?)$/.test(a));
  }
  return false;
}

/** The command reads a manifest from stdin (`-f -`, `--filename=-`): aa then reads its own stdin once and gives each run a copy. */
export function readsStdin(args: readonly string[]): boolean {
  const own = ownArgs(args);
  return own.some(
    (arg, i) =>
      ((arg === "-f" || arg === "--filename") && own[i + 1] === "-") ||
      arg === "--filename=-" ||
      arg === "-f=-",
  );
}
