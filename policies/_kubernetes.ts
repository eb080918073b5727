import { isKubernetesResource, type ResourceNode } from "../graph/resourceGraph";
import { atPath, list, str, UNKNOWN_VALUE, type Read } from "./_props";

/** The Kubernetes kind of a resource: "kubernetes:apps/v1:Deployment" -> "Deployment". */
export function kindOf(n: Pick<ResourceNode, "type" | "custom">): string | undefined {
  return isKubernetesResource(n) ? kindOfType(n.type) : undefined;
}

/**
 * The kind a type token of the Kubernetes provider names: "kubernetes:apps/v1:Deployment" ->
 * "Deployment"; undefined for other types. (A resource of it is a Kubernetes object when it is
 * also custom: see {@link kindOf}.)
 */
export function kindOfType(type: string): string | undefined {
  if (!type.startsWith("kubernetes:")) return undefined;
  // "kubernetes:<group/version>:<Kind>": the third part (as `split(":")[2]`, without the array).
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

const CONTAINER_FIELDS = ["initContainers", "containers"];

/** Where each workload kind keeps its pod template's spec. */
const POD_SPEC: ReadonlyMap<string, readonly string[]> = new Map([
  ["Deployment", ["spec", "template", "spec"]],
  ["StatefulSet", ["spec", "template", "spec"]],
  ["DaemonSet", ["spec", "template", "spec"]],
  ["ReplicaSet", ["spec", "template", "spec"]],
  ["Job", ["spec", "template", "spec"]],
  ["CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
]);

/** Whether objects of a kind run pods (and so have container images). */
export function runsPods(kind: string): boolean {
  return POD_SPEC.has(kind);
}

/**
 * The images of a workload's containers and init containers, as sorted "container=image" entries;
 * undefined for kinds without pods, UNKNOWN_VALUE when any of them is not known yet.
 */
export function containerImages(n: ResourceNode, kind: string): Read<string[]> {
  const path = POD_SPEC.get(kind);
  if (!path) return undefined;
  const spec = atPath(n.inputs, path);
  if (spec === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  const out: string[] = [];
  for (const field of CONTAINER_FIELDS) {
    const containers = list(spec, field);
    if (containers === UNKNOWN_VALUE) return UNKNOWN_VALUE;
    for (let i = 0; i < (containers?.length ?? 0); i++) {
      const c = (containers as unknown[])[i];
      const name = str(c, "name");
      const image = str(c, "image");
      if (name === UNKNOWN_VALUE || image === UNKNOWN_VALUE) return UNKNOWN_VALUE;
      out.push(`${name ?? `${field}[${i}]`}=${image ?? "(none)"}`);
    }
  }
  return out.length > 1 ? out.sort() : out;
}
