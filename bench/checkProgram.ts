// Benchmark: `aa check` on a stack file (the program evaluated offline) against the floor it
// stands on, Pulumi's mock runtime registering as many plain resources (bench/bareRegistration.ts).
//   npm run build && node dist/bench/checkProgram.js [sizes, default 3x2,10x50] [runs, default 3] [options...]
// Sizes are CLUSTERSxSERVICES, e.g. 3x2,10x50,20x80,30x100 (20x80 is about 10,500 resources, 30x100 about 19,400); the
// stack configs are derived from stacks/Pulumi.dev.yaml (bench/syntheticStack.ts). Per size: the
// resources the program registers, then medians of the runs of the whole
// `aa check --stack-file FILE --json` process (wall time, CPU time, peak resident memory, from
// GNU time) and of the bare registration of as many resources less the root stack (a whole
// process too), their ratio and its range run by run. The two alternate after one unmeasured
// pair (none with one run: for the large sizes, one cold run each). Further options go to aa (e.g. `--analyzer=grpc`), except `--evaluate-only`, which times
// the program's evaluation alone (bench/evaluateProgram.ts: no policies, no report) in place of
// `aa check`.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticStack } from "./syntheticStack";

const ROOT = path.resolve(__dirname, "..", "..");
const AA = path.join(ROOT, "dist", "automation", "cli.js");
const BARE = path.join(__dirname, "bareRegistration.js");
const EVALUATE = path.join(__dirname, "evaluateProgram.js");
const TIME = "/usr/bin/time";

/** One whole process's measure: wall and CPU time (ms), peak resident memory (MB), its stdout. */
interface Run {
  ms: number;
  cpuMs: number;
  peakMb: number;
  stdout: Buffer;
}

/**
 * Runs `args` under GNU time, timed from spawn to exit. Its stdout is kept as bytes (aa's report
 * is megabytes: decoding it here would be the bench's own work). `ok` lists the accepted codes.
 */
function measure(args: string[], dir: string, ok: number[] = [0]): Run {
  const times = path.join(dir, "time.txt");
  const t = process.hrtime.bigint();
  const out = spawnSync(TIME, ["-o", times, "-f", "%U %S %M", process.execPath, ...args], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (out.status === null || !ok.includes(out.status)) {
    throw new Error(`${args.join(" ")} failed (${out.status}):\n${String(out.stderr)}`);
  }
  // GNU time writes "Command exited with non-zero status N" first when the code is not 0.
  const last = fs.readFileSync(times, "utf8").trim().split("\n").pop() ?? "";
  const [user, system, kb] = last.split(" ").map(Number);
  return { ms, cpuMs: (user + system) * 1000, peakMb: kb / 1024, stdout: out.stdout };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function main(): void {
  const sizes = (process.argv[2] ?? "3x2,10x50").split(",").map((s) => {
    const [clusters, services] = s.split("x").map(Number);
    if (!(clusters > 0 && services > 0)) throw new Error(`size ${s}: expected e.g. 10x50`);
    return { clusters, services };
  });
  const runs = Number(process.argv[3] ?? 3);
  const options = process.argv.slice(4);
  const evaluateOnly = options.includes("--evaluate-only");
  const extra = options.filter((o) => o !== "--evaluate-only");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-bench-"));
  const what = evaluateOnly ? "evaluation alone" : "aa check --json";
  try {
    console.log(
      `node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), ` +
        `${runs} run(s) each, medians, ${what}` +
        (extra.length ? `, aa ${extra.join(" ")}` : ""),
    );
    console.log(
      `size | resources | ${what}: wall, CPU, peak | bare registration: wall, CPU, peak | ` +
        "ratio of wall medians (per run) | ratio of CPU medians | ms per resource",
    );
    for (const { clusters, services } of sizes) {
      const stack = writeSyntheticStack(ROOT, dir, clusters, services);
      const file = path.join(dir, `Pulumi.${stack}.yaml`);
      const target = evaluateOnly
        ? () => measure([EVALUATE, file], dir)
        : () => measure([AA, "check", "--stack-file", file, "--json", ...extra], dir, [0, 1]);
      const first = target();
      const resources = evaluateOnly
        ? Number(String(first.stdout).trim())
        : (JSON.parse(String(first.stdout)) as { resources: unknown[] }).resources.length;
      // The root stack is the program's own; the floor registers the rest.
      const bare = () => measure([BARE, String(resources - 1)], dir);
      // With one run (a large size), the first is measured: no unmeasured pair.
      const checks: Run[] = runs === 1 ? [first] : [];
      const floors: Run[] = runs === 1 ? [bare()] : [];
      if (runs > 1) bare();
      for (let run = runs === 1 ? 1 : 0; run < runs; run++) {
        // Alternating: both see the same machine (page cache, CPU frequency, neighbours).
        floors.push(bare());
        checks.push(target());
      }
      const check = median(checks.map((r) => r.ms));
      const floor = median(floors.map((r) => r.ms));
      const ratios = checks.map((c, i) => c.ms / floors[i].ms).sort((a, b) => a - b);
      const checkCpu = median(checks.map((r) => r.cpuMs));
      const floorCpu = median(floors.map((r) => r.cpuMs));
      const peak = (rs: Run[]) => `${median(rs.map((r) => r.peakMb)).toFixed(0)} MB`;
      console.log(
        `${clusters}x${services} | ${resources} | ` +
          `${seconds(check)}, ${seconds(checkCpu)}, ${peak(checks)} | ` +
          `${seconds(floor)}, ${seconds(floorCpu)}, ${peak(floors)} | ` +
          `${(check / floor).toFixed(2)}x (runs ${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)}) | ` +
          `${(checkCpu / floorCpu).toFixed(2)}x | ${(check / resources).toFixed(2)}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
