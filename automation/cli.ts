#!/usr/bin/env node
// The `aa` command. All behaviour lives in main.ts; this file only wires the process to it.
import { processIo } from "./io";
import { run } from "./main";

void run(process.argv.slice(2), processIo()).then((code) => {
  // Exit once output is flushed, even if a library left a handle open.
  process.stdout.write("", () => process.exit(code));
});
