import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import { containerImages, kindOfType, objectName, objectNamespace, runsPods } from "./_kubernetes";
import { names, num, UNKNOWN_VALUE } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { releaseInProgress } from "./_rolloutRecord";
import { label, stackView } from "./stackView";

export interface WorkloadOnAllClustersConfig {
  /** Kubernetes kinds that must exist on every cluster. */
  kinds: string[];
  /** Namespaces left out of the check. */
  ignoreNamespaces: string[];
  /** Require the same replica count on every cluster. */
  compareReplicas: boolean;
  /** Require the same container images on every cluster. */
  compareImages: boolean;
}

const KINDS = [
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "CronJob",
  "Job",
  "Service",
  "Ingress",
  "ConfigMap",
  "Secret",
];

const WITH_REPLICAS = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);

interface Copy {
  cluster: GraphCluster;
  node: ResourceNode;
}

/** One workload (by kind, namespace and name) and its copies, one per cluster as a rule. */
interface Workload {
  /** "Deployment default/web", as messages name it. */
  key: string;
  kind: string;
  copies: Copy[];
}

/**
 * `workload-on-all-clusters`: every workload (by kind, namespace and name) on one cluster is on
 * every cluster, with the same replicas and images, so that losing a cluster loses 1/N of each
 * service and never a whole service. While the stack's rollout record says a release is in
 * progress (`aa rollout` ships images cluster by cluster), differing images are expected.
 */
export const workloadOnAllClusters: PolicySpec<WorkloadOnAllClustersConfig> = {
  name: "workload-on-all-clusters",
  description:
    "Every workload on one cluster runs on every cluster, with the same replicas and images.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    kinds: {
      type: "array",
      items: { type: "string" },
      default: KINDS,
      description: "Kubernetes kinds that must exist on every cluster.",
    },
    ignoreNamespaces: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Namespaces left out of the check.",
    },
    compareReplicas: {
      type: "boolean",
      default: true,
      description: "Require the same replica count on every cluster.",
    },
    compareImages: {
      type: "boolean",
      default: true,
      description: "Require the same container images on every cluster.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    if (view.clusters.length < 2) return [];
    const kinds = new Set(config.kinds);
    const ignored = new Set(config.ignoreNamespaces);
    const compareImages = config.compareImages && !releaseInProgress(nodes, view);

    // Every workload (kind/namespace/name) with its copies on each cluster; found by kind, then
    // namespace, then name (no key string is built and hashed).
    const workloads: Workload[] = [];
    const byKind = new Map<string, Map<string, Map<string, Workload>>>();
    // kind -> clusters with an object of that kind whose name is not known yet (a preview):
    // it may be the "missing" copy, so those clusters are not reported as missing it.
    const unknownNames = new Map<string, Set<string>>();
    const kindOfChecked = new Map<string, string>(); // type -> kind, for the kinds checked
    for (const type of view.types()) {
      const kind = kindOfType(type);
      if (kind !== undefined && kinds.has(kind)) kindOfChecked.set(type, kind);
    }
    const positions = view.positionsOf(kindOfChecked.keys());
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k];
      const node = nodes[i];
      if (!node.custom) continue; // a component, not a Kubernetes object (see kindOf)
      const kind = kindOfChecked.get(node.type) as string; // a type listed above
      const cluster = view.clusterAt(i);
      const name = objectName(node);
      const namespace = objectNamespace(node);
      if (!cluster) continue;
      if (name === UNKNOWN_VALUE || namespace === UNKNOWN_VALUE) {
        const set = unknownNames.get(kind) ?? new Set<string>();
        unknownNames.set(kind, set.add(cluster.urn));
        continue;
      }
      // Auto-named objects get a random suffix per cluster and cannot be matched.
      if (typeof name !== "string" || typeof namespace !== "string") continue;
      if (ignored.has(namespace)) continue;
      let byNamespace = byKind.get(kind);
      if (!byNamespace) byKind.set(kind, (byNamespace = new Map<string, Map<string, Workload>>()));
      let byName = byNamespace.get(namespace);
      if (!byName) byNamespace.set(namespace, (byName = new Map<string, Workload>()));
      const workload = byName.get(name);
      if (workload) workload.copies.push({ cluster, node });
      else {
        const created = { key: `${kind} ${namespace}/${name}`, kind, copies: [{ cluster, node }] };
        byName.set(name, created);
        workloads.push(created);
      }
    }

    const findings: Finding[] = [];
    // Copies in the clusters' order (then by URN), not in registration order: which copy a
    // finding is attached to and how its message lists them do not depend on the graph's order.
    const clusterIndex = new Map(view.clusters.map((c, k) => [c.urn, k]));
    const byCluster = (a: Copy, b: Copy) =>
      (clusterIndex.get(a.cluster.urn) ?? 0) - (clusterIndex.get(b.cluster.urn) ?? 0) ||
      (a.node.urn < b.node.urn ? -1 : a.node.urn > b.node.urn ? 1 : 0);
    for (const { key, kind, copies } of workloads) {
      if (copies.length > 1) copies.sort(byCluster);
      const maybe = unknownNames.get(kind);
      const missing = view.clusters.filter(
        (c) => !copies.some((copy) => copy.cluster.urn === c.urn) && !maybe?.has(c.urn),
      );
      if (missing.length > 0) {
        const present = new Set(copies.map((c) => c.cluster.urn));
        const on = view.clusters.filter((c) => present.has(c.urn)).map((c) => c.name);
        findings.push({
          urn: copies[0].node.urn,
          message:
            `${key} runs on cluster(s) ${names(on)} but not on ${names(missing.map((c) => c.name))} ` +
            `(declared as ${label(copies[0].node)}). A workload on a subset of clusters turns the ` +
            `loss of one cluster into an outage of that workload. Declare it on every cluster with ` +
            `that cluster's provider (ServiceFleet does this for each service).`,
        });
      }
      if (config.compareReplicas && WITH_REPLICAS.has(kind)) {
        const finding = differs(copies, key, "replicas", (n) => {
          const r = num(n.inputs, "spec", "replicas");
          return r === UNKNOWN_VALUE ? undefined : String(r ?? 1);
        });
        if (finding) findings.push(finding);
      }
      if (compareImages && runsPods(kind)) {
        const finding = differs(copies, key, "images", (n) => {
          const images = containerImages(n, kind);
          return Array.isArray(images) ? images.join(", ") : undefined;
        });
        if (finding) findings.push(finding);
      }
    }
    return findings;
  },
};

/** A finding when `read` differs between copies (copies whose value is unknown are skipped). */
function differs(
  copies: Copy[],
  key: string,
  what: string,
  read: (n: ResourceNode) => string | undefined,
): Finding | undefined {
  // As a rule every copy is the same: settled without building the message's tables.
  let seen: string | undefined;
  let same = true;
  for (const c of copies) {
    const value = read(c.node);
    if (value === undefined) continue;
    if (seen !== undefined && value !== seen) {
      same = false;
      break;
    }
    seen = value;
  }
  if (same) return undefined;
  const values = copies
    .map((c) => ({ cluster: c.cluster.name, node: c.node, value: read(c.node) }))
    .filter(
      (v): v is { cluster: string; node: ResourceNode; value: string } => v.value !== undefined,
    );
  if (new Set(values.map((v) => v.value)).size <= 1) return undefined;
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v.value, (counts.get(v.value) ?? 0) + 1);
  const common = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const odd = values.find((v) => v.value !== common) ?? values[0];
  return {
    urn: odd.node.urn,
    message:
      `${key} has different ${what} per cluster: ` +
      values.map((v) => `${v.cluster}: ${v.value}`).join("; ") +
      `. Every cluster must run the same ${what} so that each carries the same share of traffic ` +
      `and a bad version is rolled out one cluster at a time, not hidden on one. Make ` +
      `${label(odd.node)} on cluster "${odd.cluster}" match the others, or roll the change out ` +
      `to every cluster.`,
  };
}
