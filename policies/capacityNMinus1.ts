import { absorbShare, type ClusterCapacity, type ClusterNeed } from "../capacity/absorb";
import type { Requests } from "../capacity/requests";
import { readCapacityFacts, type ClusterFacts, type ServiceOnCluster } from "./_capacity";
import { names, plural } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView } from "./stackView";

export interface CapacityNMinus1Config {
  /** CPU the system DaemonSets request on every node, in millicores. */
  systemCpuMilliPerNode: number;
  /** Memory the system DaemonSets request on every node, in MiB. */
  systemMemoryMiBPerNode: number;
  /** CPU the system Deployments request on every cluster, in millicores. */
  systemCpuMilliPerCluster: number;
  /** Memory the system Deployments request on every cluster, in MiB. */
  systemMemoryMiBPerCluster: number;
}

/** Services named in one line of a message at most; the rest are counted. */
const MAX_SERVICES_NAMED = 3;

/**
 * `capacity-n-minus-1` (advisory): if any one cluster is lost, the others can absorb its share of
 * the traffic at their node groups' maximum sizes. The same arithmetic as the capacity check
 * before a drain (`capacity/absorb.ts`), on what the program declares: each Deployment's replicas
 * and requests, its HPA's maximum, each node group's `maxSize` and instance types, the weights of
 * the weighted records. Seen in the pull request, not first at drain time.
 */
export const capacityNMinus1: PolicySpec<CapacityNMinus1Config> = {
  name: "capacity-n-minus-1",
  description:
    "If any one cluster is lost, the others can absorb its share at their node groups' maximum size.",
  enforcementLevel: "advisory",
  scope: "stack",
  config: {
    systemCpuMilliPerNode: {
      type: "integer",
      minimum: 0,
      default: 400,
      description:
        "CPU (millicores) the system DaemonSets request on every node (default: kube-proxy, aws-node, cloudwatch-agent, as aa cost assumes).",
    },
    systemMemoryMiBPerNode: {
      type: "integer",
      minimum: 0,
      default: 128,
      description: "Memory (MiB) the system DaemonSets request on every node.",
    },
    systemCpuMilliPerCluster: {
      type: "integer",
      minimum: 0,
      default: 800,
      description:
        "CPU (millicores) the system Deployments request on every cluster (default: CoreDNS, Kyverno, metrics-server, CloudWatch agent operator, as aa cost assumes).",
    },
    systemMemoryMiBPerCluster: {
      type: "integer",
      minimum: 0,
      default: 724,
      description: "Memory (MiB) the system Deployments request on every cluster.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    if (view.clusters.length < 2) return [];
    const facts = readCapacityFacts(view);
    if (!facts) return []; // weights not known yet
    const findings: Finding[] = [];
    const unknownTypes = unknownTypesFinding(facts);
    if (unknownTypes) findings.push(unknownTypes);
    if (!facts.some((f) => f.judged)) return findings;

    const byUrn = new Map(facts.map((f) => [f.cluster.urn, f]));
    const factsOf = (need: ClusterNeed) => byUrn.get(need.cluster) as ClusterFacts;
    // A cluster falls short the same way for every lost cluster of the same weight: worded once.
    const worded = new Map<string, Shortfall>();
    const shortfall = (need: ClusterNeed) => {
      const key = `${need.cluster} x${need.factor}`;
      let s = worded.get(key);
      if (!s) worded.set(key, (s = shortfallOf(factsOf(need), need, config)));
      return s;
    };
    const capacities = facts.map((f) => capacityOf(f, config));
    const losses: Loss[] = [];
    for (const lost of facts) {
      if (lost.weight <= 0) continue; // it carries no share
      const absorption = absorbShare(lost.cluster.urn, capacities);
      // No other cluster serves traffic: traffic-reaches-all-clusters reports that.
      if (absorption.factor === Infinity) continue;
      const short = absorption.clusters.filter((n) => !n.ok && factsOf(n).judged);
      if (short.length === 0) continue;
      losses.push({
        lost,
        factor: absorption.factor,
        others: absorption.clusters.length,
        groups: groupsOf(short.map((n) => ({ cluster: factsOf(n), ...shortfall(n) }))),
      });
    }
    findings.push(...lossFindings(losses, facts, config));
    return findings;
  },
};

/** Why one absorbing cluster falls short, without its name, and how to fix it. */
interface Shortfall {
  text: string;
  fixes: string[];
}

/** Absorbing clusters that fall short the same way. */
interface ShortGroup extends Shortfall {
  clusters: ClusterFacts[];
}

/** A cluster whose share the others cannot absorb. */
interface Loss {
  lost: ClusterFacts;
  factor: number;
  /** How many clusters would absorb its share. */
  others: number;
  groups: ShortGroup[];
}

function groupsOf(items: (Shortfall & { cluster: ClusterFacts })[]): ShortGroup[] {
  const groups = new Map<string, ShortGroup>();
  for (const item of items) {
    const group = groups.get(item.text);
    if (group) group.clusters.push(item.cluster);
    else groups.set(item.text, { text: item.text, fixes: item.fixes, clusters: [item.cluster] });
  }
  return [...groups.values()];
}

/**
 * One finding per lost cluster, on that cluster; or, when losing any one cluster falls short the
 * same way on every other (equal clusters, equal weights: the usual case), one finding for all.
 */
function lossFindings(
  losses: Loss[],
  facts: readonly ClusterFacts[],
  config: CapacityNMinus1Config,
): Finding[] {
  const total = facts.reduce((sum, f) => sum + f.weight, 0);
  const serving = facts.filter((f) => f.weight > 0);
  const first = losses[0];
  const symmetric =
    losses.length === serving.length &&
    losses.length > 1 &&
    losses.every(
      (l) =>
        l.lost.weight === first.lost.weight &&
        l.factor === first.factor &&
        l.groups.length === 1 &&
        l.groups[0].clusters.length === l.others &&
        l.groups[0].text === first.groups[0].text,
    );
  if (symmetric) {
    const group = first.groups[0];
    return [
      {
        message:
          `Losing any one of clusters ${names(serving.map((f) => f.cluster.name))} (weight ` +
          `${first.lost.weight} of ${total} each) cannot be absorbed: the other clusters' traffic ` +
          `grows x${first.factor.toFixed(2)}, and each of them ${group.text}. ` +
          closing(group.fixes, config),
      },
    ];
  }
  return losses.map((l) => ({
    urn: l.lost.cluster.urn,
    message:
      `Losing cluster "${l.lost.cluster.name}" (weight ${l.lost.weight} of ${total}) cannot be ` +
      `absorbed: the other clusters' traffic grows x${l.factor.toFixed(2)}, and ` +
      l.groups
        .map(
          (g) =>
            `${names(g.clusters.map((f) => f.cluster.name))}${g.clusters.length > 1 ? " each" : ""} ${g.text}`,
        )
        .join("; ") +
      ". " +
      closing(
        l.groups.flatMap((g) => g.fixes),
        config,
      ),
  }));
}

/** The fix and the assumptions, stated in every finding. */
function closing(fixes: string[], config: CapacityNMinus1Config): string {
  return (
    `Fix: ${[...new Set(fixes)].join("; ")}. Assumed: traffic moves by weight and replicas grow ` +
    `with it (rounded up); a node offers its instance type's vCPUs and memory minus the kubelet's ` +
    `reserve (EKS AMI formula), the smallest of a node group's types; system pods request ` +
    `${cpu(config.systemCpuMilliPerNode)}/${memory(config.systemMemoryMiBPerNode)} per node and ` +
    `${cpu(config.systemCpuMilliPerCluster)}/${memory(config.systemMemoryMiBPerCluster)} per ` +
    `cluster (this policy's settings).`
  );
}

/** What the system pods request on a cluster at its node groups' maximum size. */
function systemRequests(f: ClusterFacts, config: CapacityNMinus1Config): Requests {
  const nodes = maxNodes(f);
  return {
    cpuMilli: config.systemCpuMilliPerCluster + nodes * config.systemCpuMilliPerNode,
    memoryMiB: config.systemMemoryMiBPerCluster + nodes * config.systemMemoryMiBPerNode,
  };
}

function maxNodes(f: ClusterFacts): number {
  return f.nodeGroups.reduce((sum, g) => sum + g.maxSize, 0);
}

/** What the nodes offer pods at the node groups' maximum size. */
function offered(f: ClusterFacts): Requests {
  return {
    cpuMilli: f.nodeGroups.reduce((sum, g) => sum + g.maxSize * g.perNode.cpuMilli, 0),
    memoryMiB: f.nodeGroups.reduce((sum, g) => sum + g.maxSize * g.perNode.memoryMiB, 0),
  };
}

/**
 * The cluster as the shared arithmetic sees it: its headroom is what its nodes offer at maximum
 * size, minus the system pods and its services' requests as declared. A cluster that cannot be
 * judged keeps its weight (it still absorbs traffic) but is never found short.
 */
function capacityOf(f: ClusterFacts, config: CapacityNMinus1Config): ClusterCapacity {
  if (!f.judged) {
    return {
      cluster: f.cluster.urn,
      weight: f.weight,
      services: [],
      headroom: { cpuMilli: Infinity, memoryMiB: Infinity },
    };
  }
  const room = offered(f);
  const system = systemRequests(f, config);
  const used = servicesAt(f.services, (s) => s.replicas);
  return {
    cluster: f.cluster.urn,
    weight: f.weight,
    services: f.services,
    headroom: {
      cpuMilli: room.cpuMilli - system.cpuMilli - used.cpuMilli,
      memoryMiB: room.memoryMiB - system.memoryMiB - used.memoryMiB,
    },
  };
}

/** The services' requests at the given replica counts. */
function servicesAt(
  services: readonly ServiceOnCluster[],
  replicas: (s: ServiceOnCluster, i: number) => number,
): Requests {
  let cpuMilli = 0;
  let memoryMiB = 0;
  services.forEach((s, i) => {
    cpuMilli += replicas(s, i) * s.cpuMilli;
    memoryMiB += replicas(s, i) * s.memoryMiB;
  });
  return { cpuMilli, memoryMiB };
}

function shortfallOf(f: ClusterFacts, need: ClusterNeed, config: CapacityNMinus1Config): Shortfall {
  const parts: string[] = [];
  const fixes: string[] = [];
  if (!need.fits) {
    const services = servicesAt(f.services, (_, i) => need.services[i].required);
    const system = systemRequests(f, config);
    const needed = {
      cpuMilli: services.cpuMilli + system.cpuMilli,
      memoryMiB: services.memoryMiB + system.memoryMiB,
    };
    const room = offered(f);
    const lacking = [
      needed.cpuMilli > room.cpuMilli ? `${cpu(needed.cpuMilli - room.cpuMilli)} CPU` : "",
      needed.memoryMiB > room.memoryMiB
        ? `${memory(needed.memoryMiB - room.memoryMiB)} memory`
        : "",
    ].filter(Boolean);
    const nodes = f.nodeGroups.map((g) => `${g.maxSize} x ${g.instanceTypes.join("|")}`);
    parts.push(
      `would need ${cpu(needed.cpuMilli)} CPU and ${memory(needed.memoryMiB)} memory (services ` +
        `${cpu(services.cpuMilli)}/${memory(services.memoryMiB)} after scaling, system pods ` +
        `${cpu(system.cpuMilli)}/${memory(system.memoryMiB)}), more than the ` +
        `${cpu(room.cpuMilli)} CPU and ${memory(room.memoryMiB)} memory that ${nodes.join(" + ")} ` +
        `offer at maxSize: ${lacking.join(" and ")} short`,
    );
    const size = maxSizeNeeded(f, services, config);
    fixes.push(
      `raise the node group's maxSize (active-active:nodeGroup.maxSize)` +
        (size ? ` to ${size} or more` : "") +
        ", use a larger instance type, lower replicas or requests, or add a cluster so that " +
        "each absorbs a smaller share",
    );
  }
  const capped = need.services.flatMap((s, i) => (s.ok ? [] : [{ need: s, load: f.services[i] }]));
  if (capped.length > 0) {
    const shown = capped
      .slice(0, MAX_SERVICES_NAMED)
      .map(({ need: s, load }) =>
        load.autoscaled
          ? `${s.service} needs ${s.required} replicas but its HPA allows ${s.ceiling}`
          : `${s.service} needs ${s.required} replicas but runs a fixed ${s.current} (no HPA)`,
      );
    const more = capped.length - shown.length;
    parts.push(
      `cannot scale far enough: ${shown.join(", ")}` +
        (more > 0 ? `, and ${plural(more, "more service")}` : ""),
    );
    fixes.push(
      "let the services scale that far: raise their HPA's maxReplicas " +
        "(services[].autoscaling.maxReplicas), or give a service with fixed replicas an HPA",
    );
  }
  return { text: parts.join(", and "), fixes };
}

/**
 * The smallest maxSize at which a cluster with one node group holds `services` and its system
 * pods; undefined with several node groups, or when one node has no room beyond its DaemonSets.
 */
function maxSizeNeeded(
  f: ClusterFacts,
  services: Requests,
  config: CapacityNMinus1Config,
): number | undefined {
  if (f.nodeGroups.length !== 1) return undefined;
  const { perNode } = f.nodeGroups[0];
  const usable = {
    cpuMilli: perNode.cpuMilli - config.systemCpuMilliPerNode,
    memoryMiB: perNode.memoryMiB - config.systemMemoryMiBPerNode,
  };
  if (usable.cpuMilli <= 0 || usable.memoryMiB <= 0) return undefined;
  return Math.ceil(
    Math.max(
      (services.cpuMilli + config.systemCpuMilliPerCluster) / usable.cpuMilli,
      (services.memoryMiB + config.systemMemoryMiBPerCluster) / usable.memoryMiB,
    ) - 1e-9,
  );
}

/** One finding for node groups whose instance type the table does not know. */
function unknownTypesFinding(facts: readonly ClusterFacts[]): Finding | undefined {
  const unknown = facts.flatMap((f) => f.unknownTypes.map((u) => ({ ...u, cluster: f.cluster })));
  if (unknown.length === 0) return undefined;
  const types = [...new Set(unknown.map((u) => u.instanceType))];
  const clusters = [...new Set(unknown.map((u) => u.cluster.name))];
  const first = unknown[0];
  const others = unknown.length - 1;
  return {
    urn: first.node.urn,
    message:
      `Whether the other clusters could absorb a lost cluster's share is not checked for ` +
      `cluster(s) ${names(clusters)}: instance type(s) ${names(types)} (${label(first.node)}` +
      `${others > 0 ? ` and ${plural(others, "more node group")}` : ""}) are not in the built-in ` +
      `instance table, and this policy does not guess a node's size. Use a type the table lists ` +
      `(docs/policies.md#capacity-n-minus-1), or add the type to capacity/instanceTypes.ts (vCPUs, ` +
      `memory, pods per node from EKS eni-max-pods.txt); until then, check by hand that the other ` +
      `clusters at maxSize hold each service's replicas x N/(N-1).`,
  };
}

/** Millicores for a message: "2,250m". */
function cpu(milli: number): string {
  return `${thousands(milli)}m`;
}

/** MiB for a message: "2,304Mi". */
function memory(mib: number): string {
  return `${thousands(mib)}Mi`;
}

/** A whole number (rounded up) with thousands separators; not toLocaleString, which loads ICU. */
function thousands(value: number): string {
  return String(Math.ceil(value - 1e-9)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
