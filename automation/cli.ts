#!/usr/bin/env node
// The `aa` command. All behaviour lives in main.ts; this file only wires the process to it.
// This project runs on Node 20 on purpose; the AWS SDK's notice about future Node 22 releases is
// not actionable for an `aa` user, so it is silenced unless set explicitly.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
import { processIo } from "./io";
import { report, run } from "./main";

const io = processIo();

// `aa ... | head` closes stdout early: that is the reader's choice, not an error of aa's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Exit once output is flushed, even if a library left a handle open.
const exit = (code: number) => process.stdout.write("", () => process.exit(code));

// The last resort: an exception or a rejected promise that nothing handled (a library's timer, a
// program's callback after its offline run ended) is one message and an exit code like any other
// failure, never Node's default (a dump of the error's object graph, and exit 1, which means
// "violations found"). An offline run captures its program's own strays itself, before they get
// here (automation/offline/_strayErrors.ts).
process.on("uncaughtException", (err) => exit(report(err, io)));

void run(process.argv.slice(2), io).then(exit);
