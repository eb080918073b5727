import * as pulumi from "@pulumi/pulumi";

/**
 * The stack traces @pulumi/pulumi captures for diagnostics that an offline run never shows, and
 * which cost most of its time and memory: every promise the SDK makes (four per output property
 * of every resource: value, known, secret, dependencies) is given a formatted `new Error().stack`
 * for the message about promises left pending at exit that PULUMI_DEBUG_PROMISE_LEAKS prints
 * (`runtime/debuggable.ts`), and every resource its whole call stack, parsed into the source
 * position and stack trace its registration carries (`Resource.stackTrace`), which the engine
 * shows next to a diagnostic and the recording monitor does not read. At 3,500 resources that
 * was about 150,000 formatted stacks: 5 s of 15 and most of 1.2 GB.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debugPromiseLeaks?: boolean;
  debuggablePromise?: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
};

type StackTraceOf = (skip: number) => unknown[];
const resourceClass = pulumi.Resource as unknown as { stackTrace?: StackTraceOf };

/**
 * Runs `callback` with those stacks left out: the SDK's promises are tracked for leaks as before,
 * with an empty stack (unless PULUMI_DEBUG_PROMISE_LEAKS asks for them), and registrations carry
 * no source position. Everything else, and any error's own stack, is as without it. One run at a
 * time: the SDK's functions are swapped for the run's duration and restored after it.
 */
export async function withoutDiagnosticStacks<T>(callback: () => Promise<T>): Promise<T> {
  const tracked = debuggable.debuggablePromise;
  const stackTrace = resourceClass.stackTrace;
  if (typeof tracked !== "function" || typeof stackTrace !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer provides runtime/debuggable.debuggablePromise or " +
        "Resource.stackTrace; pin the version in package.json that this tool was built with",
    );
  }
  if (!debuggable.debugPromiseLeaks) {
    debuggable.debuggablePromise = <P>(p: Promise<P>, ctx: unknown): Promise<P> => {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        return tracked(p, ctx);
      } finally {
        Error.stackTraceLimit = limit;
      }
    };
  }
  resourceClass.stackTrace = () => [];
  try {
    return await callback();
  } finally {
    debuggable.debuggablePromise = tracked;
    resourceClass.stackTrace = stackTrace;
  }
}
