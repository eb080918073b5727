/**
 * The two internals of @pulumi/pulumi that an in-process run needs, exactly as the Automation API's
 * own inline-program server uses them: a fresh runtime store per run (so runs never see each
 * other's config, stack resource or registrations), and waiting for outstanding registrations.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as {
  withLocalStorage?: <T>(callback: () => Promise<T>) => Promise<T>;
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
