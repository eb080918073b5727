import * as pulumi from "@pulumi/pulumi";

/**
 * The diagnostics @pulumi/pulumi keeps for an engine that an offline run never shows, and which
 * cost most of its time and memory. Every promise the SDK makes (four per output property of
 * every resource: value, known, secret, dependencies) is tracked for the message about promises
 * left pending at exit (`runtime/debuggable.ts`): given a formatted `new Error().stack`, three
 * properties, a place in the store's set of candidates and two more promises that take it out.
 * That message is for a program the language host runs; an offline run waits for every
 * registration of its program and reports what the program failed with itself, so all of it is
 * dead work (and with none tracked, the SDK's exit handler finds none to report).
 * And every resource gets its whole call stack, parsed into the source position and stack trace
 * its registration carries (`Resource.stackTrace`), which the engine shows next to a diagnostic
 * and the recording monitor does not read. At 3,500 resources that was about 150,000 formatted
 * stacks and 600,000 promises: two thirds of 15 s and of 1.2 GB.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debugPromiseLeaks?: boolean;
  debuggablePromise?: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
};

const pass = <T>(value: T): T => value;
const rethrow = (err: unknown): never => {
  throw err;
};

/**
 * `p`, settled two steps later as the tracked promise was (`p.then(...).catch(...)`): the order
 * in which the program's resources register depends on these steps, and stays as it was.
 */
function settledLater<T>(p: Promise<T>): Promise<T> {
  return p.then(pass).catch(rethrow);
}

type StackTraceOf = (skip: number) => unknown[];
const resourceClass = pulumi.Resource as unknown as { stackTrace?: StackTraceOf };

/**
 * Runs `callback` (an isolated run) with those diagnostics left out: the SDK's promises settle
 * as they did, untracked, and registrations carry no source position. With
 * PULUMI_DEBUG_PROMISE_LEAKS set, the promises are tracked as before. One run at a time: the
 * SDK's functions are swapped for the run's duration and restored after it.
 */
export async function withoutSdkDiagnostics<T>(callback: () => Promise<T>): Promise<T> {
  const tracked = debuggable.debuggablePromise;
  const stackTrace = resourceClass.stackTrace;
  if (typeof tracked !== "function" || typeof stackTrace !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer provides runtime/debuggable.debuggablePromise or " +
        "Resource.stackTrace; pin the version in package.json that this tool was built with",
    );
  }
  if (!debuggable.debugPromiseLeaks) debuggable.debuggablePromise = settledLater;
  resourceClass.stackTrace = () => [];
  try {
    return await callback();
  } finally {
    debuggable.debuggablePromise = tracked;
    resourceClass.stackTrace = stackTrace;
  }
}
