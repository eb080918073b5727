/**
 * The internals of @pulumi/pulumi that an in-process run needs: a fresh runtime store per run (so
 * runs never see each other's config, stack resource or registrations), waiting for outstanding
 * registrations, and the engine the program's log messages go to.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as {
  LocalStore?: new () => object;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs?: () => Promise<void>;
  getEngine?: () => unknown;
};

function required<T>(fn: T | undefined, name: string): T {
  if (typeof fn !== "function") {
    throw new Error(
      `@pulumi/pulumi no longer provides ${name}; pin the version in package.json that this tool was built with`,
    );
  }
  return fn;
}

/**
 * Runs `callback` with its own Pulumi runtime store: a fresh one, made the process's global store
 * (which the SDK uses wherever no `AsyncLocalStorage` context is active). It stays so after the
 * run, so that a callback the program left behind still finds its own run's store, until the next
 * run replaces it. Runs must not overlap (see `runOffline`).
 *
 * The Automation API's inline programs get theirs from `AsyncLocalStorage` instead
 * (`runtime/state.withLocalStorage`), which would also keep a callback that outlives its run
 * apart from a later run's. But on Node 20 an `AsyncLocalStorage` context turns on promise hooks
 * for every promise of the process, and a program under the mocks makes millions: it cost a
 * fifth of the evaluation's time and a quarter of its memory at 10,000 resources. aa runs one
 * user program per process (`aa check --program`), and its own program leaves nothing behind.
 */
export function withIsolatedRuntime<T>(callback: () => Promise<T>): Promise<T> {
  const Store = required(state.LocalStore, "runtime/state.LocalStore");
  const process = globalThis as { globalStore?: ProcessRegistries };
  const store = new Store() as ProcessRegistries;
  // What the provider SDKs register when they load (the classes a resource reference is
  // rehydrated with) is the process's, read from its global store whatever the run's store.
  const previous = process.globalStore;
  if (previous?.resourcePackages) store.resourcePackages = previous.resourcePackages;
  if (previous?.resourceModules) store.resourceModules = previous.resourceModules;
  process.globalStore = store;
  return callback();
}

/** The registries of the SDK's global store that belong to the process, not to a run. */
interface ProcessRegistries {
  resourcePackages?: Map<string, unknown>;
  resourceModules?: Map<string, unknown>;
}

/** Resolves when every outstanding resource registration of the current store has finished. */
export function waitForRegistrations(): Promise<void> {
  return required(settings.waitForRPCs, "runtime/settings.waitForRPCs")();
}

/**
 * Makes `engine` the engine `pulumi.log` and the SDKs' warnings go to instead of the console, until
 * the returned function is called. (Outside an `AsyncLocalStorage` context the SDK reads its engine
 * from a variable of its own, not from the store, so `runtime/settings.getEngine` is what answers.)
 */
export function useEngine(engine: object): () => void {
  const getEngine = required(settings.getEngine, "runtime/settings.getEngine");
  settings.getEngine = () => engine;
  return () => {
    settings.getEngine = getEngine;
  };
}
