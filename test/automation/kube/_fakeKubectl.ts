/**
 * A scripted `kubectl` for tests of `aa kubectl`. The harness writes `<root>/bin/kubectl`, a node
 * script that calls {@link main} with `<root>`. Each call:
 *
 * - reads the kubeconfig `$KUBECONFIG` names, and records argv, its environment, the current
 *   context, its server, the file's mode and stdin in `<root>/calls.jsonl`;
 * - appends `start <context>` / `end <context>` to `<root>/events.log`, and `overlap <context>`
 *   when another run was in progress when it started (the proof of serial execution);
 * - behaves as `<root>/script.json` says for its context (else its `default`): waits at a barrier
 *   until N runs have started (the proof of parallel execution: a serial run never gets past it),
 *   talks to the cluster's API server like kubectl (`api`), or prints and exits as scripted.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import YAML from "yaml";

/** What one run does. Text may contain `{context}`, replaced by the run's context. */
export interface Behaviour {
  /** @default 0 */
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** Wait until this many runs (of any context) have started, before going on. */
  barrier?: number;
  /** Answer like kubectl from the API server: `get nodes`, `get pods [-A | -n NS]`, `version`. */
  api?: boolean;
  /** Print the kubeconfig file as it is (as a careless plugin might): output must still be clean. */
  echoKubeconfig?: boolean;
}

/** The script: a behaviour per context, and one for every other context. */
export interface FakeKubectlScript {
  default: Behaviour;
  byContext?: Record<string, Behaviour>;
}

/** One recorded call. */
export interface KubectlCall {
  argv: string[];
  context: string;
  server: string;
  /** The kubeconfig file's permission bits, e.g. 0o600. */
  kubeconfigMode: number;
  kubeconfigPath: string;
  stdin: string;
  /** kubectl's whole environment. */
  env: Record<string, string | undefined>;
}

const BARRIER_TIMEOUT_MS = 20_000;

export async function main(root: string): Promise<void> {
  const argv = process.argv.slice(2);
  const kubeconfigPath = process.env.KUBECONFIG ?? "";
  const text = fs.readFileSync(kubeconfigPath, "utf8");
  const access = currentAccess(text);
  const context = access.context;
  const server = access.server;
  // Only `-f -` reads stdin: an inherited stdin (exec -it) may be a pipe that never ends.
  const stdin = argv.includes("-") ? fs.readFileSync(0, "utf8") : "";
  const call: KubectlCall = {
    argv,
    context,
    server,
    kubeconfigMode: fs.statSync(kubeconfigPath).mode & 0o777,
    kubeconfigPath,
    stdin,
    env: { ...process.env },
  };
  fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify(call) + "\n");

  const running = path.join(root, "running");
  fs.mkdirSync(running, { recursive: true });
  const others = fs.readdirSync(running);
  fs.writeFileSync(path.join(running, context), "");
  event(root, others.length ? `overlap ${context}` : `start ${context}`);
  if (others.length) event(root, `start ${context}`);

  const script = JSON.parse(
    fs.readFileSync(path.join(root, "script.json"), "utf8"),
  ) as FakeKubectlScript;
  const behaviour = script.byContext?.[context] ?? script.default;
  const fill = (s: string | undefined) => (s ?? "").split("{context}").join(context);
  let exitCode = behaviour.exitCode ?? 0;
  try {
    if (behaviour.barrier !== undefined && !(await barrier(root, context, behaviour.barrier))) {
      process.stderr.write(`barrier: fewer than ${behaviour.barrier} runs started together\n`);
      exitCode = 98;
      return;
    }
    if (behaviour.echoKubeconfig) process.stdout.write(text);
    if (behaviour.api) {
      exitCode = await api(access, argv);
      return;
    }
    process.stdout.write(fill(behaviour.stdout));
    process.stderr.write(fill(behaviour.stderr));
  } finally {
    fs.rmSync(path.join(running, context), { force: true });
    event(root, `end ${context}`);
    process.exitCode = exitCode;
  }
}

function event(root: string, line: string): void {
  fs.appendFileSync(path.join(root, "events.log"), line + "\n");
}

/** Waits until `count` runs have arrived; false on timeout (they were not running together). */
async function barrier(root: string, context: string, count: number): Promise<boolean> {
  const dir = path.join(root, "barrier");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, context), "");
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (fs.readdirSync(dir).length >= count) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

/** The current context's name, server, CA and token, as kubectl reads them from a kubeconfig. */
interface Access {
  context: string;
  server: string;
  ca?: Buffer;
  token?: string;
}

function currentAccess(text: string): Access {
  type Named<T> = { name: string } & T;
  const doc = YAML.parse(text) as {
    "current-context": string;
    contexts: Named<{ context: { cluster: string; user: string } }>[];
    clusters: Named<{ cluster: { server: string; "certificate-authority-data"?: string } }>[];
    users: Named<{ user: { token?: string } }>[];
  };
  const context = doc.contexts.find((c) => c.name === doc["current-context"]);
  if (!context) throw new Error("fake kubectl: the kubeconfig has no current context");
  const cluster = doc.clusters.find((c) => c.name === context.context.cluster)?.cluster;
  const user = doc.users.find((u) => u.name === context.context.user)?.user;
  if (!cluster) throw new Error("fake kubectl: the current context has no cluster");
  const ca = cluster["certificate-authority-data"];
  return {
    context: context.name,
    server: cluster.server,
    ...(ca ? { ca: Buffer.from(ca, "base64") } : {}),
    ...(user?.token ? { token: user.token } : {}),
  };
}

/** A small kubectl: GET from the API server with the kubeconfig's CA and token. */
async function api(access: Access, argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith("-"));
  const namespace = argv.includes("-A") ? undefined : (argv[argv.indexOf("-n") + 1] ?? "default");
  let url: string;
  if (words[0] === "version") url = "/version";
  else if (words[0] === "get" && words[1] === "nodes") url = "/api/v1/nodes";
  else if (words[0] === "get" && words[1] === "pods") {
    url =
      namespace && argv.includes("-n") ? `/api/v1/namespaces/${namespace}/pods` : "/api/v1/pods";
  } else {
    process.stderr.write(`error: the fake kubectl cannot ${argv.join(" ")}\n`);
    return 1;
  }
  const options: https.RequestOptions = {
    ...(access.ca ? { ca: access.ca } : {}),
    headers: access.token ? { Authorization: `Bearer ${access.token}` } : {},
  };
  const server = access.server;
  const { status, body } = await new Promise<{ status: number; body: string }>(
    (resolve, reject) => {
      const req = https.request(`${server}${url}`, options, (res) => {
        let data = "";
        res.setEncoding("utf8").on("data", (c: string) => (data += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      });
      req.on("error", reject);
      req.end();
    },
  );
  const doc = JSON.parse(body) as {
    message?: string;
    reason?: string;
    gitVersion?: string;
    items?: { metadata: { name: string; namespace?: string } }[];
  };
  if (status >= 400) {
    process.stderr.write(`Error from server (${doc.reason ?? status}): ${doc.message ?? body}\n`);
    return 1;
  }
  if (url === "/version") {
    process.stdout.write(`Client Version: v1.33.0-fake\nServer Version: ${doc.gitVersion}\n`);
    return 0;
  }
  const rows = (doc.items ?? []).map((i) =>
    url === "/api/v1/pods" ? `${i.metadata.namespace}   ${i.metadata.name}` : i.metadata.name,
  );
  const head = url === "/api/v1/pods" ? "NAMESPACE   NAME" : "NAME";
  process.stdout.write(rows.length ? [head, ...rows].join("\n") + "\n" : "No resources found\n");
  return 0;
}
