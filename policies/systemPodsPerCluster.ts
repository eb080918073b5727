import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import { AWS_EKS_CLUSTER, EKS_COMPONENT } from "./_clusters";
import { kindOf, kindOfType, objectName } from "./_kubernetes";
import { bool, str, UNKNOWN_VALUE } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { stackView, type StackView } from "./stackView";

export interface SystemPodsPerClusterConfig {
  /** System components every cluster must run itself. */
  required: string[];
}

const ADDON = "aws:eks/addon:Addon";

type Component = "vpc-cni" | "coredns" | "kube-proxy" | "kyverno";
const COMPONENTS: Component[] = ["vpc-cni", "coredns", "kube-proxy", "kyverno"];

/** Workload names (DaemonSet, Deployment) that are each component when deployed by hand. */
const WORKLOAD_NAMES: Record<Component, string[]> = {
  "vpc-cni": ["aws-node"],
  coredns: ["coredns"],
  "kube-proxy": ["kube-proxy"],
  kyverno: ["kyverno", "kyverno-admission-controller"],
};

const WHERE_LOOKED: Record<Component, string> = {
  "vpc-cni": "no EKS add-on, none installed by its EKS cluster, no aws-node DaemonSet",
  coredns: "no EKS add-on, none installed by its EKS cluster, no coredns Deployment",
  "kube-proxy": "no EKS add-on, none installed by its EKS cluster, no kube-proxy DaemonSet",
  kyverno: "no Helm release of the kyverno chart and no kyverno Deployment on it",
};

/** What a cluster without the component suffers. */
const WITHOUT: Record<Component, string> = {
  "vpc-cni":
    "Without it the cluster's pods get no network, or the CNI depends on something set up " +
    "outside the program that is not pinned and upgraded with this cluster",
  coredns:
    "Without it the cluster's pods cannot resolve names, or DNS depends on something set up " +
    "outside the program that is not pinned and upgraded with this cluster",
  "kube-proxy":
    "Without it the cluster's Services do not route, or kube-proxy depends on something set up " +
    "outside the program that is not pinned and upgraded with this cluster",
  kyverno:
    "Without it the cluster admits workloads the environment's admission policies would " +
    "refuse, or its policy engine is set up outside the program, not pinned and upgraded with " +
    "this cluster (and not staged cluster by cluster with it)",
};

const HOW_TO_ADD: Record<Component, string> = {
  "vpc-cni": 'an aws.eks.Addon with addonName "vpc-cni" and this cluster\'s clusterName',
  coredns: 'an aws.eks.Addon with addonName "coredns" and this cluster\'s clusterName',
  "kube-proxy": 'an aws.eks.Addon with addonName "kube-proxy" and this cluster\'s clusterName',
  kyverno: "a k8s.helm.v3.Release of the kyverno chart with this cluster's provider",
};

/**
 * `system-pods-per-cluster`: each cluster runs its own vpc-cni, coredns and kube-proxy (EKS
 * add-ons, the add-ons EKS or @pulumi/eks install for the cluster, or equivalent workloads) and
 * its own Kyverno, so add-ons are pinned and upgraded one cluster at a time.
 */
export const systemPodsPerCluster: PolicySpec<SystemPodsPerClusterConfig> = {
  name: "system-pods-per-cluster",
  description:
    "Each cluster runs its own vpc-cni, coredns, kube-proxy and Kyverno, managed with that cluster.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    required: {
      type: "array",
      items: { type: "string", enum: COMPONENTS },
      default: COMPONENTS,
      description: "System components every cluster must run itself.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const required = COMPONENTS.filter((c) => config.required.includes(c));
    const present = new Map<string, Set<Component>>(view.clusters.map((c) => [c.urn, new Set()]));
    const positions = view.positionsOf(view.types().filter(mayProvide));
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k];
      const node = nodes[i];
      const cluster = view.clusterAt(i);
      if (!cluster) continue;
      for (const c of provides(view, node, cluster)) present.get(cluster.urn)?.add(c);
    }
    const findings: Finding[] = [];
    for (const cluster of view.clusters) {
      const has = present.get(cluster.urn) as Set<Component>;
      const missing = required.filter((c) => !has.has(c));
      for (const component of missing) {
        findings.push({
          urn: cluster.urn,
          message:
            `Cluster "${cluster.name}" has no ${component} of its own: ${WHERE_LOOKED[component]}. ` +
            `${WITHOUT[component]}. Add ${HOW_TO_ADD[component]}.`,
        });
      }
    }
    return findings;
  },
};

/** Whether a resource of this type can provide a system component (see {@link provides}). */
function mayProvide(type: string): boolean {
  if (type === ADDON || type === AWS_EKS_CLUSTER || type === EKS_COMPONENT) return true;
  if (type.startsWith("kubernetes:helm.sh/")) return true;
  const kind = kindOfType(type);
  return kind === "DaemonSet" || kind === "Deployment";
}

/** The system components a resource of `cluster` provides. */
function provides(
  view: StackView,
  node: ResourceNode,
  cluster: GraphCluster,
): readonly Component[] {
  if (node.type === ADDON) {
    const name = str(node.inputs, "addonName");
    return COMPONENTS.filter((c) => c === name);
  }
  if (node.urn === cluster.urn) return installedByCluster(node);
  if (node.type === AWS_EKS_CLUSTER && view.byUrn.get(cluster.urn)?.type !== EKS_COMPONENT) {
    return installedByCluster(node);
  }
  if (node.type.startsWith("kubernetes:helm.sh/")) {
    const chart = str(node.inputs, "chart");
    const name = str(node.inputs, "name");
    const text = `${typeof chart === "string" ? chart : ""} ${typeof name === "string" ? name : ""}`;
    return COMPONENTS.filter((c) => text.split(/[\s/]+/).includes(c));
  }
  const kind = kindOf(node);
  if (kind === "DaemonSet" || kind === "Deployment") {
    const name = objectName(node);
    return (typeof name === "string" && COMPONENTS_BY_WORKLOAD.get(name)) || [];
  }
  return [];
}

/** {@link WORKLOAD_NAMES} the other way round: the components a workload of a name is. */
const COMPONENTS_BY_WORKLOAD: ReadonlyMap<string, readonly Component[]> = new Map(
  [...new Set(Object.values(WORKLOAD_NAMES).flat())].map((name) => [
    name,
    COMPONENTS.filter((c) => WORKLOAD_NAMES[c].includes(name)),
  ]),
);

/**
 * What an EKS cluster installs by itself: a raw aws.eks.Cluster bootstraps vpc-cni, coredns and
 * kube-proxy unless `bootstrapSelfManagedAddons` is false; the @pulumi/eks component also adds
 * them as add-ons unless told not to.
 */
function installedByCluster(node: ResourceNode): Component[] {
  const bootstraps = bool(node.inputs, "bootstrapSelfManagedAddons") !== false;
  if (node.type === AWS_EKS_CLUSTER) return bootstraps ? ["vpc-cni", "coredns", "kube-proxy"] : [];
  if (node.type !== EKS_COMPONENT) return [];
  const autoMode = bool(node.inputs, "autoMode", "enabled") === true;
  const addon = (opts: string) => {
    const v = bool(node.inputs, opts, "enabled");
    return v === UNKNOWN_VALUE || v === undefined ? !autoMode : v;
  };
  const out: Component[] = [];
  if (bool(node.inputs, "useDefaultVpcCni") === false || bootstraps) out.push("vpc-cni");
  if (addon("corednsAddonOptions") || bootstraps) out.push("coredns");
  if (addon("kubeProxyAddonOptions") || bootstraps) out.push("kube-proxy");
  return out;
}
