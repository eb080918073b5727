/** Requested resources: CPU in millicores, memory in MiB. */
export interface Requests {
  cpuMilli: number;
  memoryMiB: number;
}

/** Reads one request quantity (as written: "250m", "1Gi", 2) of one resource. */
export type ReadQuantity = (value: unknown, resource: "cpu" | "memory") => number;

/**
 * What one pod of this pod spec requests (plain data, as the Kubernetes API or a resource's
 * properties hold it): its containers together, or its largest init container when that asks for
 * more (init containers run one at a time, before the others), plus the pod's `overhead`. A
 * container without a request asks for 0 of it; `read` decides what an unreadable quantity is.
 */
export function podRequests(spec: unknown, read: ReadQuantity): Requests {
  return {
    cpuMilli: podRequest(spec, "cpu", read),
    memoryMiB: podRequest(spec, "memory", read),
  };
}

function podRequest(spec: unknown, resource: "cpu" | "memory", read: ReadQuantity): number {
  const requestOf = (container: unknown) => {
    const value = field(field(field(container, "resources"), "requests"), resource);
    return value === undefined || value === null ? 0 : read(value, resource);
  };
  const containers = listOf(field(spec, "containers"));
  const app = containers.reduce((sum: number, c) => sum + requestOf(c), 0);
  const init = listOf(field(spec, "initContainers")).reduce(
    (most: number, c) => Math.max(most, requestOf(c)),
    0,
  );
  const overhead = field(field(spec, "overhead"), resource);
  return (
    Math.max(app, init) +
    (overhead === undefined || overhead === null ? 0 : read(overhead, resource))
  );
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
