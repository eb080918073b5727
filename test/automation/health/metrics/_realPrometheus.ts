import { execFile, spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

/**
 * A real Prometheus 2.x server (Debian's `prometheus` package) on 127.0.0.1, with data written
 * beforehand: an OpenMetrics text backfilled into its TSDB with
 * `promtool tsdb create-blocks-from openmetrics`, and no scrape targets. Queries pass `time=`
 * explicitly, so the data stays where the test put it.
 */

const run = promisify(execFile);

/** The binaries, if installed (the tests that need them are skipped without). */
export function prometheusBinaries(): { prometheus: string; promtool: string } | undefined {
  const find = (name: string) =>
    (process.env.PATH ?? "")
      .split(path.delimiter)
      .map((dir) => path.join(dir, name))
      .find((file) => existsSync(file));
  const prometheus = find("prometheus");
  const promtool = find("promtool");
  return prometheus && promtool ? { prometheus, promtool } : undefined;
}

export interface RealPrometheus {
  url: string;
  close(): Promise<void>;
}

/**
 * Backfills `openMetrics` (an OpenMetrics text ending with `# EOF`), starts Prometheus on a free
 * port of 127.0.0.1 and resolves once it answers `/-/ready`. Prometheus takes the port from the
 * system itself (port 0): a port found free beforehand could be taken by another process (another
 * test file running alongside) before Prometheus binds it.
 */
export async function startPrometheus(openMetrics: string): Promise<RealPrometheus> {
  const bins = prometheusBinaries();
  if (!bins) throw new Error("prometheus and promtool are not on PATH");
  const dir = mkdtempSync(path.join(tmpdir(), "aa-prometheus-"));
  const data = path.join(dir, "data");
  const input = path.join(dir, "backfill.om");
  const config = path.join(dir, "prometheus.yml");
  writeFileSync(input, openMetrics);
  writeFileSync(config, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
  await run(bins.promtool, ["tsdb", "create-blocks-from", "openmetrics", input, data]);
  const child: ChildProcess = spawn(
    bins.prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--storage.tsdb.retention.time=15d`,
      "--web.listen-address=127.0.0.1:0",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  /** The port it got: its log says since 2.40 or so, else /proc says (Linux). */
  let port: number | undefined;
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
    // `msg="Listening on" address=127.0.0.1:40123`
    const listening = /msg="Listening on" address=127\.0\.0\.1:([1-9]\d*)/.exec(log);
    if (listening) port ??= Number(listening[1]);
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    }
    port ??= child.pid === undefined ? undefined : listeningPort(child.pid);
    const url = `http://127.0.0.1:${port}`;
    try {
      if (port !== undefined && (await fetch(`${url}/-/ready`)).ok) return { url, close };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`prometheus was not ready within 30 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The TCP port a process listens on, from its sockets in /proc; undefined where there is none. */
function listeningPort(pid: number): number | undefined {
  try {
    const inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed meanwhile
        }
      }),
    );
    // sl local_address rem_address st ... inode: a listening socket's st is 0A.
    for (const line of readFileSync("/proc/net/tcp", "utf8").trim().split("\n").slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === "0A" && inodes.has(inode)) return parseInt(local.split(":")[1], 16);
    }
  } catch {
    // no /proc here
  }
  return undefined;
}

/** One series of a backfill: its labels and a value per timestamp (seconds). */
export interface Series {
  labels: Record<string, string>;
  values: (t: number) => number;
}

/**
 * OpenMetrics text of counters and histograms sampled every 15 s from `from` to `to` (seconds).
 * `families` maps a family (`http_requests` counter, `http_request_duration_seconds`
 * histogram) to its samples, named in full (`http_requests_total`, `..._bucket`).
 */
export function openMetrics(
  families: {
    name: string;
    type: "counter" | "histogram";
    samples: { name: string; series: Series[] }[];
  }[],
  from: number,
  to: number,
): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type}`);
    // OpenMetrics wants each series' samples in time order, series after series.
    for (const sample of family.samples) {
      for (const series of sample.series) {
        const labels = Object.entries(series.labels)
          .map(([k, v]) => `${k}="${v}"`)
          .join(",");
        for (let t = from; t <= to; t += 15) {
          lines.push(`${sample.name}{${labels}} ${series.values(t - from)} ${t}`);
        }
      }
    }
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}
