import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  runKubectl,
  type KubectlDeps,
  type KubectlOptions,
} from "../../../automation/commands/kubectl";
import type { Io } from "../../../automation/io";
import { fakePulumi, type FakePulumi } from "../automationApi/_fakePulumiHarness";
import { clusterOutputFixture } from "../automationApi/_stackFixtures";
import { fakeKubectl, type FakeKubectl } from "./_fakeKubectlHarness";
import { caData, startKubeApi, type KubeApi } from "./_kubeApi";

/** An Io that keeps what is written. */
export function bufferIo(): Io & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

/** What one `aa kubectl` run left. */
export interface KubectlRunResult {
  code?: number;
  error?: Error;
  stdout: string;
  stderr: string;
}

/**
 * Environment dev with clusters a, b, c: an API server per cluster on 127.0.0.1, the stack
 * outputs (kubeconfigs as a secret) in a scripted pulumi, a scripted kubectl first on PATH, and
 * a home directory of its own (its ~/.kube/config starts empty).
 */
export interface KubeEnvironment {
  pulumi: FakePulumi;
  kubectl: FakeKubectl;
  apis: KubeApi[];
  home: string;
  /** $HOME/.kube/config. */
  userKubeconfig: string;
  /** Where the runs' own kubeconfigs go (checked empty after each run). */
  tmpdir: string;
  /** Every credential in the stack outputs: none may ever be printed. */
  secrets: string[];
  /** Runs `aa kubectl` in this process; a thrown error is returned, not thrown. */
  run(
    env: string | undefined,
    args: string[],
    options?: KubectlOptions,
    deps?: Partial<KubectlDeps>,
  ): Promise<KubectlRunResult>;
  /** The process environment the runs get (PATH with the scripted kubectl, HOME). */
  processEnv: NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

export async function kubeEnvironment(clusters = ["a", "b", "c"]): Promise<KubeEnvironment> {
  const pulumi = await fakePulumi({ stacks: ["dev", "staging", "prod"] });
  const apis = await Promise.all(clusters.map((c) => startKubeApi(c)));
  pulumi.setOutputs("dev", {
    environment: { value: "dev" },
    clusters: { value: clusters.map((name) => clusterOutputFixture({ name })) },
    kubeconfigs: {
      value: Object.fromEntries(apis.map((a) => [a.cluster, a.kubeconfig])),
      secret: true,
    },
  });
  const kubectl = fakeKubectl();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "aa-kube-env-"));
  const home = path.join(base, "home");
  const tmpdir = path.join(base, "tmp");
  fs.mkdirSync(home);
  fs.mkdirSync(tmpdir);
  const processEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${kubectl.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: home,
    KUBECONFIG: "",
    AA_KUBECTL: "",
  };
  let clock = 0;
  return {
    pulumi,
    kubectl,
    apis,
    home,
    userKubeconfig: path.join(home, ".kube", "config"),
    tmpdir,
    secrets: [...apis.map((a) => a.token), caData()],
    processEnv,
    run: async (env, args, options = {}, deps = {}) => {
      const io = bufferIo();
      try {
        const code = await runKubectl(env, args, options, {
          io,
          env: processEnv,
          cwd: pulumi.projectDir,
          projectDir: pulumi.projectDir,
          pulumiCommand: pulumi.command,
          now: () => (clock += 250),
          tmpdir,
          stdin: () => "",
          ...deps,
        });
        return { code, stdout: io.out, stderr: io.err };
      } catch (error) {
        return { error: error as Error, stdout: io.out, stderr: io.err };
      }
    },
    cleanup: async () => {
      await Promise.all(apis.map((a) => a.close()));
      kubectl.cleanup();
      pulumi.cleanup();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Splits grouped output into each context's text (what follows its `==> ctx <==` header). */
export function groups(stdout: string): { context: string; body: string }[] {
  const parts = stdout.split(/^==> (\S+) <==\n/m);
  const out: { context: string; body: string }[] = [];
  for (let i = 1; i < parts.length; i += 2) out.push({ context: parts[i], body: parts[i + 1] });
  return out;
}
