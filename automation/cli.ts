#!/usr/bin/env node
// The `aa` command. All behaviour lives in main.ts; this file only wires the process to it.
// This project runs on Node 20 on purpose; the AWS SDK's notice about future Node 22 releases is
// not actionable for an `aa` user, so it is silenced unless set explicitly.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { processIo } from "./io";
import { run } from "./main";

// `aa ... | head` closes stdout early: that is the reader's choice, not an error of aa's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

void run(process.argv.slice(2), processIo()).then((code) => {
  // Exit once output is flushed, even if a library left a handle open.
  process.stdout.write("", () => process.exit(code));
});
