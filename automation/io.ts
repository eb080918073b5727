/** Where a command writes: the process streams in production, buffers in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal (a person reads `--json` there: it is indented). */
  stdoutIsTTY: boolean;
  /** True when stderr is a terminal (progress lines go there). */
  stderrIsTTY: boolean;
  /**
   * stdout itself when it is a terminal, for a view redrawn in place (`aa rollout`'s live status);
   * absent when it is not, and in tests that buffer output.
   */
  stdoutTerminal?: NodeJS.WriteStream;
}

/** The process's own streams. */
export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutTerminal: process.stdout.isTTY ? process.stdout : undefined,
  };
}

/**
 * Writes a command's `--json` document and a newline: indented on a terminal, where a person
 * reads it; compact when piped or redirected, where programs read it and indentation only adds
 * bytes (`aa check --state` lists every resource of a deployed stack: tens of megabytes).
 */
export function writeJson(io: Io, value: unknown): void {
  // Two writes: appending the newline would copy a document of many megabytes once more.
  io.stdout(io.stdoutIsTTY ? JSON.stringify(value, null, 2) : JSON.stringify(value));
  io.stdout("\n");
}
