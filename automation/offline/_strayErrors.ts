/**
 * What a program fails with that never reaches its caller: an exception thrown from a timer or a
 * callback, a promise rejected with nothing to handle it (an `apply` callback that throws, a
 * resource whose inputs failed to serialize). Left alone, Node prints such an error with the whole
 * object graph it references (a `ResourceError` carries its resource, and with it the stack:
 * megabytes) and exits 1. The Pulumi language host treats both kinds as the program's failure
 * (`@pulumi/pulumi/cmd/run/run.js`); so does an offline run, for as long as it captures them.
 */
export interface StrayErrors {
  /** Every error caught so far, each once (one error often rejects several promises), in order. */
  readonly errors: readonly unknown[];
  /** Resolves once rejections of promises that have already settled have been reported. */
  settle(): Promise<void>;
  /** Stops capturing: later strays go to the process's own handlers again. */
  release(): void;
}

/**
 * Captures the process's uncaught exceptions and unhandled rejections until `release()`. One
 * capture at a time: it holds the process's single uncaught-exception capture callback, so a second
 * one (two offline runs at once, which must not happen) fails here, loudly.
 */
export function captureStrayErrors(): StrayErrors {
  if (process.hasUncaughtExceptionCaptureCallback()) {
    throw new Error(
      "another offline run is capturing this process's uncaught exceptions; runs must not overlap",
    );
  }
  const errors: unknown[] = [];
  const keep = (err: unknown) => {
    if (!errors.includes(err)) errors.push(err);
  };
  // While set, an uncaught exception goes here instead of to 'uncaughtException' listeners.
  process.setUncaughtExceptionCaptureCallback(keep);
  process.on("unhandledRejection", keep);
  return {
    errors,
    // Node reports unhandled rejections once the microtask queue has drained: one macrotask later.
    settle: () => new Promise((resolve) => setImmediate(resolve)),
    release: () => {
      process.off("unhandledRejection", keep);
      process.setUncaughtExceptionCaptureCallback(null);
    },
  };
}
