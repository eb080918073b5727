/**
 * The internals of @pulumi/pulumi that an in-process run needs, the first two exactly as the
 * Automation API's own inline-program server uses them: a fresh runtime store per run (so runs
 * never see each other's config, stack resource or registrations), waiting for outstanding
 * registrations, and the engine the program's log messages go to.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as {
  withLocalStorage?: <T>(callback: () => Promise<T>) => Promise<T>;
  getStore?: () => { settings: { engine?: unknown } };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs?: () => Promise<void>;
};

function required<T>(fn: T | undefined, name: string): T {
  if (typeof fn !== "function") {
    throw new Error(
      `@pulumi/pulumi no longer provides ${name}; pin the version in package.json that this tool was built with`,
    );
  }
  return fn;
}

/** Runs `callback` with its own Pulumi runtime store. */
export function withIsolatedRuntime<T>(callback: () => Promise<T>): Promise<T> {
  return required(state.withLocalStorage, "runtime/state.withLocalStorage")(callback);
}

/** Resolves when every outstanding resource registration of the current store has finished. */
export function waitForRegistrations(): Promise<void> {
  return required(settings.waitForRPCs, "runtime/settings.waitForRPCs")();
}

/**
 * Makes `engine` the current store's engine: `pulumi.log` and the SDKs' warnings go to it instead
 * of the console. Set it after `setMockOptions`, which resets the engine.
 */
export function useEngine(engine: object): void {
  required(state.getStore, "runtime/state.getStore")().settings.engine = engine;
}
