// Benchmark: `aa check --state` against a plain JSON.parse of the same stack export.
//   npm run build && node dist/bench/checkState.js [sizes, default 20000,200000] [runs, default 3] [aa options...]
// Prints, per size: file size, JSON.parse time (read + parse, timed inside its own process), the
// wall time of the whole `aa check --state FILE --json` process (as a user runs it), and their
// ratio; medians of the runs, which alternate between the two after one unmeasured pair, and the
// range of the ratio run by run. The last two columns time the baseline as a whole process too
// (Node's start-up and exit included on both sides), for comparison like with like. Further arguments go to aa, e.g. `--analyzer=grpc` to time the
// pack's gRPC protocol instead of the default in-process evaluation.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticExport } from "./syntheticExport";

const ROOT = path.resolve(__dirname, "..", "..");
const AA = path.join(ROOT, "dist", "automation", "cli.js");

/**
 * The baseline: read and JSON.parse the file in a fresh Node process. `ms` is timed inside that
 * process (the target's measure: Node's start-up and exit not counted); `processMs` is the whole
 * process, timed like `aa` (for comparison like with like).
 */
function parseMs(file: string): { ms: number; processMs: number } {
  const script =
    'const fs=require("fs");const t=process.hrtime.bigint();' +
    "JSON.parse(fs.readFileSync(process.argv[1],'utf8'));" +
    "console.log(Number(process.hrtime.bigint()-t)/1e6)";
  const t = process.hrtime.bigint();
  const out = spawnSync(process.execPath, ["-e", script, file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const processMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (out.status !== 0) throw new Error(out.stderr);
  return { ms: Number(out.stdout.trim()), processMs };
}

/**
 * One `aa check --state FILE --json` process, timed from spawn to exit. Its report is read
 * through a pipe, as a reader of it would, and kept as bytes: decoding megabytes of it into a
 * string here would be the bench's own work, timed as if it were aa's.
 */
function checkMs(file: string, extra: string[]): { ms: number; code: number | null } {
  const t = process.hrtime.bigint();
  const out = spawnSync(process.execPath, [AA, "check", "--state", file, "--json", ...extra], {
    cwd: ROOT,
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (out.status !== 0 && out.status !== 1)
    throw new Error(`aa check failed:\n${String(out.stderr)}`);
  return { ms, code: out.status };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const sizes = (process.argv[2] ?? "20000,200000").split(",").map(Number);
  const runs = Number(process.argv[3] ?? 3);
  const extra = process.argv.slice(4);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-bench-"));
  const rows: string[] = [];
  try {
    console.log(
      `node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? "?"}), ${runs} run(s) each, medians` +
        (extra.length ? `, aa ${extra.join(" ")}` : ""),
    );
    console.log(
      "resources | file MB | JSON.parse ms | aa check --state ms | ratio of medians (per run) | " +
        "JSON.parse process ms | ratio, process to process",
    );
    for (const size of sizes) {
      const file = path.join(dir, `export-${size}.json`);
      const count = writeSyntheticExport(file, size);
      const mb = fs.statSync(file).size / 1e6;
      // Interleaved, after one unmeasured pair: both see the same machine (page cache, CPU
      // frequency, neighbours) rather than one the first half of the time, the other the second.
      parseMs(file);
      checkMs(file, extra);
      const parses: number[] = [];
      const parseProcesses: number[] = [];
      const checks: number[] = [];
      for (let run = 0; run < runs; run++) {
        const baseline = parseMs(file);
        parses.push(baseline.ms);
        parseProcesses.push(baseline.processMs);
        checks.push(checkMs(file, extra).ms);
      }
      const parse = median(parses);
      const check = median(checks);
      const ratios = checks.map((c, i) => c / parses[i]).sort((a, b) => a - b);
      const range = `${ratios[0].toFixed(2)}-${ratios[ratios.length - 1].toFixed(2)}`;
      const parseProcess = median(parseProcesses);
      const row =
        `${count} | ${mb.toFixed(1)} | ${parse.toFixed(0)} | ${check.toFixed(0)} | ` +
        `${(check / parse).toFixed(2)}x (runs ${range}) | ` +
        `${parseProcess.toFixed(0)} | ${(check / parseProcess).toFixed(2)}x`;
      rows.push(row);
      console.log(row);
      fs.rmSync(file);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
