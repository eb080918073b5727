/**
 * Sends what a program writes to stdout (`console.log`) to `sink`, a line at a time, until the
 * returned function is called: stdout is the CLI's (`--json` prints one document there), and the
 * Pulumi CLI too shows a program's output as messages, never as its own. Nothing else writes to
 * stdout while a program runs.
 */
export function routeStdout(sink: (line: string) => void): () => void {
  const write = process.stdout.write.bind(process.stdout);
  let pending = "";
  process.stdout.write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    pending +=
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") sink(line);
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") (done as () => void)();
    return true;
  };
  return () => {
    process.stdout.write = write;
    if (pending.trim() !== "") sink(pending);
  };
}
