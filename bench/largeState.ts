// Benchmark: `aa check --state` on an export larger than one JavaScript string can hold.
//   npm run build && node dist/bench/largeState.js [GB, default 1]
// Writes a synthetic export in the CLI's indented form (four spaces per level) of at least the
// given size, shows that a plain `JSON.parse` of it cannot run (the text is longer than V8's
// longest string), then times one whole `aa check --state FILE --json` process and reports its
// peak memory (GNU time's maximum resident set size).
import { constants } from "node:buffer";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticExport } from "./syntheticExport";

const ROOT = path.resolve(__dirname, "..", "..");
const AA = path.join(ROOT, "dist", "automation", "cli.js");

function main(): void {
  const gb = Number(process.argv[2] ?? 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-bench-large-"));
  try {
    // Bytes per resource from a small sample, then enough resources for the size asked for.
    const sample = path.join(dir, "sample.json");
    const sampled = writeSyntheticExport(sample, 5000, 3, true);
    const perResource = fs.statSync(sample).size / sampled;
    const file = path.join(dir, "large.json");
    const count = writeSyntheticExport(file, Math.ceil((gb * 1e9) / perResource), 3, true);
    const bytes = fs.statSync(file).size;
    console.log(
      `node ${process.version}, ${os.cpus().length} CPU(s); export of ${count} resources, ` +
        `${(bytes / 1e9).toFixed(2)} GB indented (V8's longest string: ${constants.MAX_STRING_LENGTH} characters)`,
    );

    const parse = spawnSync(
      process.execPath,
      ["-e", "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))", file],
      { encoding: "utf8" },
    );
    const reason = /Error: .*/.exec(parse.stderr)?.[0] ?? "it ran";
    console.log(`plain JSON.parse of the file: exit ${parse.status} (${reason})`);

    const run = spawnSync(
      "/usr/bin/time",
      ["-f", "%e %M", process.execPath, AA, "check", "--state", file, "--json"],
      { cwd: ROOT, maxBuffer: 1 << 30 },
    );
    const [seconds, kb] = String(run.stderr).trim().split("\n").pop()!.split(" ").map(Number);
    console.log(
      `aa check --state FILE --json: exit ${run.status}, ${seconds} s, peak ${(kb / 1024).toFixed(0)} MiB`,
    );
    if (run.status !== 0 && run.status !== 1) console.log(String(run.stderr).slice(0, 2000));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
