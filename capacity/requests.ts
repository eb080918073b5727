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
  let cpu = 0;
  let memory = 0;
  const containers = at(spec, "containers");
  for (let i = 0; i < count(containers); i++) {
    const requests = requestsOf(containers, i);
    cpu += quantity(requests, "cpu", read);
    memory += quantity(requests, "memory", read);
  }
  let initCpu = 0;
  let initMemory = 0;
  const init = at(spec, "initContainers");
  for (let i = 0; i < count(init); i++) {
    const requests = requestsOf(init, i);
    initCpu = Math.max(initCpu, quantity(requests, "cpu", read));
    initMemory = Math.max(initMemory, quantity(requests, "memory", read));
  }
  const overhead = at(spec, "overhead");
  return {
    cpuMilli: Math.max(cpu, initCpu) + quantity(overhead, "cpu", read),
    memoryMiB: Math.max(memory, initMemory) + quantity(overhead, "memory", read),
  };
}

/** How many containers a list holds: none when absent, one for whatever stands in its place. */
function count(containers: unknown): number {
  if (containers === undefined || containers === null) return 0;
  return Array.isArray(containers) ? containers.length : 1;
}

/** The requests of container `i`, or what stands in the list's place (for the reader). */
function requestsOf(containers: unknown, i: number): unknown {
  const container: unknown = Array.isArray(containers) ? containers[i] : containers;
  return at(at(container, "resources"), "requests");
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
