/** Requested resources: CPU in millicores, memory in MiB. */
export interface Requests {
  cpuMilli: number;
  memoryMiB: number;
}

/**
 * Reads one request quantity (as written: "250m", "1Gi", 2) of one resource. It is also handed
 * whatever stands where a map or a list belongs (in a program's graph, a value not known yet),
 * and decides what that is worth: it throws, or returns NaN.
 */
export type ReadQuantity = (value: unknown, resource: "cpu" | "memory") => number;

/**
 * What one pod of this pod spec requests (plain data, as the Kubernetes API or a resource's
 * properties hold it): its containers together, or its largest init container when that asks for
 * more (init containers run one at a time, before the others), plus the pod's `overhead`. A
 * container without a request asks for 0 of it.
 */
export function podRequests(spec: unknown, read: ReadQuantity): Requests {
  const app = { cpuMilli: 0, memoryMiB: 0 };
  const init = { cpuMilli: 0, memoryMiB: 0 };
  eachRequest(at(spec, "containers"), read, (cpu, memory) => {
    app.cpuMilli += cpu;
    app.memoryMiB += memory;
  });
  eachRequest(at(spec, "initContainers"), read, (cpu, memory) => {
    init.cpuMilli = Math.max(init.cpuMilli, cpu);
    init.memoryMiB = Math.max(init.memoryMiB, memory);
  });
  const overhead = at(spec, "overhead");
  return {
    cpuMilli: Math.max(app.cpuMilli, init.cpuMilli) + quantity(overhead, "cpu", read),
    memoryMiB: Math.max(app.memoryMiB, init.memoryMiB) + quantity(overhead, "memory", read),
  };
}

/** Calls `each` with every container's CPU and memory request. */
function eachRequest(
  containers: unknown,
  read: ReadQuantity,
  each: (cpu: number, memory: number) => void,
): void {
  if (containers === undefined || containers === null) return;
  if (!Array.isArray(containers)) {
    each(read(containers, "cpu"), read(containers, "memory"));
    return;
  }
  for (let i = 0; i < containers.length; i++) {
    const requests = at(at(containers[i], "resources"), "requests");
    each(quantity(requests, "cpu", read), quantity(requests, "memory", read));
  }
}

/** The quantity of `resource` in a map of them (0 when absent). */
function quantity(map: unknown, resource: "cpu" | "memory", read: ReadQuantity): number {
  const value = at(map, resource);
  return value === undefined || value === null ? 0 : read(value, resource);
}

/** `value[key]` of a map; anything else that stands where a map belongs is passed on as it is. */
function at(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : value;
}
