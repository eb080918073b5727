import { isKubernetesResource, type ResourceNode } from "../graph/resourceGraph";
import { at, list, str, UNKNOWN_VALUE, type Read } from "./_props";

/** The Kubernetes kind of a resource: "kubernetes:apps/v1:Deployment" -> "Deployment". */
export function kindOf(n: Pick<ResourceNode, "type" | "custom">): string | undefined {
  if (!isKubernetesResource(n)) return undefined;
  // "kubernetes:<group/version>:<Kind>": the third part (as `split(":")[2]`, without the array).
  const type = n.type;
  const second = type.indexOf(":", "kubernetes:".length);
  if (second < 0) return undefined;
  const third = type.indexOf(":", second + 1);
  return third < 0 ? type.slice(second + 1) : type.slice(second + 1, third);
}

/** The object's `metadata.name` as declared; undefined when auto-named. */
export function objectName(n: ResourceNode): Read<string> {
  return str(n.inputs, "metadata", "name");
}

/** The object's namespace as declared ("default" when not set). */
export function objectNamespace(n: ResourceNode): Read<string> {
  const ns = str(n.inputs, "metadata", "namespace");
  return ns === undefined || ns === "" ? "default" : ns;
}

/** Where each workload kind keeps its pod template's spec. */
const POD_SPEC: Record<string, string[]> = {
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/**
 * The images of a workload's containers and init containers, as sorted "container=image" entries;
 * undefined for kinds without pods, UNKNOWN_VALUE when any of them is not known yet.
 */
export function containerImages(n: ResourceNode, kind: string): Read<string[]> {
  const path = POD_SPEC[kind];
  if (!path) return undefined;
  const spec = at(n.inputs, ...path);
  if (spec === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  const out: string[] = [];
  for (const field of ["initContainers", "containers"]) {
    const containers = list(spec, field);
    if (containers === UNKNOWN_VALUE) return UNKNOWN_VALUE;
    for (const [i, c] of (containers ?? []).entries()) {
      const name = str(c, "name");
      const image = str(c, "image");
      if (name === UNKNOWN_VALUE || image === UNKNOWN_VALUE) return UNKNOWN_VALUE;
      out.push(`${name ?? `${field}[${i}]`}=${image ?? "(none)"}`);
    }
  }
  return out.sort();
}
