import type { ClusterCapacity, ServiceLoad } from "../../capacity/absorb";
import { parseQuantity } from "../../capacity/quantity";
import { podRequests, type ReadQuantity } from "../../capacity/requests";
import { guardedCheck } from "../health/guard";
import { kubeCall, kubeSession, listAll, PAGE_SIZE } from "../k8s/kube";
import type { GateResult } from "../health/gate";
import type { ClusterTarget } from "../health/target";

/** What the capacity read saw on one cluster (the `observed` of its result). */
export type CapacityObserved = Omit<ClusterCapacity, "weight">;

/**
 * Reads one cluster's capacity from its API server: each service's Deployment (replicas, pod
 * requests) and HPA (maximum), and the headroom of its ready, schedulable nodes (allocatable minus
 * the requests of every pod that is not finished). Like a health gate it never throws and never
 * hangs past its timeout; a listing that fails is a failure, never "no pods, all free".
 */
export function readCapacity(
  target: ClusterTarget,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<GateResult<CapacityObserved>> {
  return guardedCheck<CapacityObserved>("capacity", 20_000, target, opts, async (ctx) => {
    const kube = kubeSession(ctx);
    const services: ServiceLoad[] = [];
    for (const s of target.services) {
      const deployment = await kubeCall(ctx, `reading Deployment ${s.namespace}/${s.name}`, () =>
        kube.apps.readNamespacedDeployment({ name: s.name, namespace: s.namespace }, kube.options),
      );
      const hpas = await listAll(ctx, `listing HPAs in ${s.namespace}`, (cont) =>
        kube.autoscaling.listNamespacedHorizontalPodAutoscaler(
          { namespace: s.namespace, limit: PAGE_SIZE, _continue: cont },
          kube.options,
        ),
      );
      const hpa = hpas.find(
        (h) =>
          h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === s.name,
      );
      const replicas = deployment.spec?.replicas ?? 1;
      services.push({
        service: s.name,
        replicas,
        maxReplicas: hpa ? Math.max(replicas, hpa.spec?.maxReplicas ?? replicas) : replicas,
        ...podRequests(deployment.spec?.template?.spec, readQuantity),
      });
    }

    const nodes = await listAll(ctx, "listing nodes", (cont) =>
      kube.core.listNode({ limit: PAGE_SIZE, _continue: cont }, kube.options),
    );
    const usable = nodes.filter(
      (n) =>
        !n.spec?.unschedulable &&
        n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    const names = new Set(usable.map((n) => n.metadata?.name));
    const pods = await listAll(ctx, "listing pods", (cont) =>
      kube.core.listPodForAllNamespaces(
        {
          limit: PAGE_SIZE,
          _continue: cont,
          fieldSelector: "status.phase!=Succeeded,status.phase!=Failed",
        },
        kube.options,
      ),
    );
    const onUsable = pods.filter((p) => names.has(p.spec?.nodeName));
    const allocatable = {
      cpuMilli: sum(usable.map((n) => cpuMilli(n.status?.allocatable?.cpu))),
      memoryMiB: sum(usable.map((n) => memoryMiB(n.status?.allocatable?.memory))),
    };
    const requests = onUsable.map((p) => podRequests(p.spec, readQuantity));
    const requested = {
      cpuMilli: sum(requests.map((r) => r.cpuMilli)),
      memoryMiB: sum(requests.map((r) => r.memoryMiB)),
    };
    const headroom = {
      cpuMilli: allocatable.cpuMilli - requested.cpuMilli,
      memoryMiB: allocatable.memoryMiB - requested.memoryMiB,
    };
    return {
      ok: true,
      detail: `${usable.length} usable node(s), ${headroom.cpuMilli}m CPU and ${headroom.memoryMiB}Mi free`,
      observed: { cluster: target.name, services, headroom },
    };
  });
}

/** A request as the API returns it (a quantity string); one that cannot be read throws. */
const readQuantity: ReadQuantity = (value, resource) =>
  (resource === "cpu" ? cpuMilli : memoryMiB)(String(value));

/** CPU quantity ("250m", "1", "1.5") in millicores; absent is 0, unreadable throws. */
export function cpuMilli(value: string | undefined): number {
  return value ? Math.round(read(value) * 1000) : 0;
}

/** Memory quantity ("256Mi", "1Gi", "1G", "1048576") in MiB; absent is 0, unreadable throws. */
export function memoryMiB(value: string | undefined): number {
  return value ? Math.round(read(value) / (1024 * 1024)) : 0;
}

/** A quantity that cannot be read must not count as 0 (that would read as free room). */
function read(value: string): number {
  const parsed = parseQuantity(value);
  if (parsed === undefined) throw new Error(`"${value}" is not a Kubernetes quantity`);
  return parsed;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
