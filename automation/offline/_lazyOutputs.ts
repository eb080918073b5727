/**
 * A resource's output properties as `Output`s made when first read, for an offline run.
 *
 * For every property of a custom resource (20 to 40 on an AWS resource), @pulumi/pulumi's
 * `transferProperties` (`runtime/rpc.ts`) makes an `Output` at construction: four pending
 * promises with their resolvers, and the `Output`'s own eight promises, closures and `Proxy`.
 * Most are never read: a program reads a handful of a resource's properties. Here each property
 * is an accessor that makes the same `Output` on first read (settled already if the registration
 * has answered, else settled when it does) and then stays a plain data property. The values,
 * their known and secret flags and dependencies are those the SDK would give; what changes is
 * only how many microtask steps an `apply` on a property takes after its registration answers,
 * so resources registered concurrently may come in another order (as under a real engine, whose
 * answers come back in any order).
 */
import * as pulumi from "@pulumi/pulumi";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  transferProperties?: TransferProperties;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const errors = require("@pulumi/pulumi/errors") as { isGrpcError?: (err: unknown) => boolean };

type Resolver = (
  value: unknown,
  isKnown: boolean,
  isSecret: boolean,
  deps?: pulumi.Resource[],
  err?: Error,
) => void;
type TransferProperties = (
  onto: pulumi.Resource,
  label: string,
  props: Record<string, unknown>,
) => Record<string, Resolver>;

/** What a property's registration answered; `undefined` until it has. */
type Settled =
  { value: unknown; isKnown: boolean; isSecret: boolean; deps: pulumi.Resource[] } | { err: Error };

/** An `Output` of `onto` that settles as `settled` says, now or when `listen` is told. */
function outputOf(
  onto: pulumi.Resource,
  settled: Settled | undefined,
  listen: (notify: (s: Settled) => void) => void,
): pulumi.Output<unknown> {
  const value = (s: Settled): Promise<unknown> =>
    "err" in s ? Promise.reject(s.err) : Promise.resolve(s.value);
  const known = (s: Settled): Promise<boolean> =>
    "err" in s ? Promise.reject(s.err) : Promise.resolve(s.isKnown);
  const secret = (s: Settled): Promise<boolean> =>
    "err" in s ? Promise.reject(s.err) : Promise.resolve(s.isSecret);
  const deps = (s: Settled): Promise<pulumi.Resource[]> =>
    "err" in s ? Promise.reject(s.err) : Promise.resolve(s.deps);
  const OutputClass = pulumi.Output as unknown as new (
    resources: pulumi.Resource,
    promise: Promise<unknown>,
    isKnown: Promise<boolean>,
    isSecret: Promise<boolean>,
    allResources: Promise<pulumi.Resource[]>,
  ) => pulumi.Output<unknown>;
  if (settled) {
    return new OutputClass(onto, value(settled), known(settled), secret(settled), deps(settled));
  }
  let notify!: (s: Settled) => void;
  const later = new Promise<Settled>((resolve) => (notify = resolve));
  listen(notify);
  return new OutputClass(
    onto,
    later.then(value),
    later.then(known),
    later.then(secret),
    later.then(deps),
  );
}

/** What one resource's lazy properties have been answered, and who waits for the rest. */
interface LazyState {
  settled: Map<string, Settled>;
  listeners: Map<string, (s: Settled) => void>;
}

/**
 * A `transferProperties` whose properties make their `Output` on first read. The accessors are
 * shared by every resource with a property of that name (so the resources' shapes are shared
 * too); what is per resource is its {@link LazyState}, held for this run only.
 */
function lazyTransferProperties(): TransferProperties {
  const isGrpcError = errors.isGrpcError ?? (() => false);
  const states = new WeakMap<object, LazyState>();
  const accessors = new Map<string, PropertyDescriptor>();
  const define = (onto: object, k: string, value: unknown): void => {
    Object.defineProperty(onto, k, { value, writable: true, enumerable: true, configurable: true });
  };
  const accessor = (k: string): PropertyDescriptor => {
    let descriptor = accessors.get(k);
    if (!descriptor) {
      descriptor = {
        enumerable: true,
        configurable: true,
        get(this: pulumi.Resource) {
          const state = states.get(this);
          const output = outputOf(this, state?.settled.get(k), (notify) =>
            state?.listeners.set(k, notify),
          );
          define(this, k, output);
          return output;
        },
        set(this: object, value: unknown) {
          define(this, k, value);
        },
      };
      accessors.set(k, descriptor);
    }
    return descriptor;
  };
  return (onto, label, props) => {
    const state: LazyState = { settled: new Map(), listeners: new Map() };
    states.set(onto, state);
    const resolvers: Record<string, Resolver> = {};
    for (const k of Object.keys(props)) {
      if (k === "id" || k === "urn") continue;
      if (Object.prototype.hasOwnProperty.call(onto, k)) {
        throw new Error(`Property '${k}' is already initialized on target '${label}`);
      }
      resolvers[k] = (value, isKnown, isSecret, deps = [], err) => {
        // As the SDK's: a gRPC error means the engine went away; the property stays pending.
        if (err && isGrpcError(err)) return;
        const settled: Settled = err ? { err } : { value, isKnown, isSecret, deps };
        const listener = state.listeners.get(k);
        if (listener) listener(settled);
        else state.settled.set(k, settled);
      };
      Object.defineProperty(onto, k, accessor(k));
    }
    return resolvers;
  };
}

/** Runs `callback` with the SDK's `transferProperties` replaced; restores it after. */
export async function withLazyOutputs<T>(callback: () => Promise<T>): Promise<T> {
  const eager = rpc.transferProperties;
  if (typeof eager !== "function") {
    throw new Error(
      "@pulumi/pulumi no longer provides runtime/rpc.transferProperties; pin the version in " +
        "package.json that this tool was built with",
    );
  }
  rpc.transferProperties = lazyTransferProperties();
  try {
    return await callback();
  } finally {
    rpc.transferProperties = eager;
  }
}
