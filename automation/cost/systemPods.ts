import type { EnvironmentConfig } from "../../config/schema";
import { kyvernoPods } from "./kyverno";
import type { PriceTable, Requests, SystemPod } from "./model";
import { cpuMillicores, memoryMiB } from "../../capacity/quantity";

/**
 * Every system pod one cluster runs besides the services: the EKS add-ons (CoreDNS, kube-proxy,
 * VPC CNI), Kyverno's controllers (from the chart values), and the metrics agents of the price
 * table. Pure; throws a ConfigError for Kyverno values it cannot read.
 */
export function systemPods(
  config: EnvironmentConfig,
  prices: PriceTable,
  source: string,
): { pods: SystemPod[]; notes: string[] } {
  const sp = prices.systemPods;
  const configured = config.costs?.systemPods;
  const origin = (written: boolean, builtIn: string) => (written ? "costs.systemPods" : builtIn);
  const kyverno = kyvernoPods(config.kyverno, source);
  const pods: SystemPod[] = [
    {
      name: "coredns",
      kind: "Deployment",
      replicas: sp.coredns.replicas,
      perPod: requests(sp.coredns.cpu, sp.coredns.memory),
      source: origin(configured?.coredns !== undefined, "EKS add-on default"),
    },
    {
      name: "kube-proxy",
      kind: "DaemonSet",
      replicas: null,
      perPod: requests(sp.kubeProxy.cpu, sp.kubeProxy.memory),
      source: origin(configured?.kubeProxy !== undefined, "EKS add-on default"),
    },
    {
      name: "aws-node",
      kind: "DaemonSet",
      replicas: null,
      perPod: requests(sp.vpcCni.cpu, sp.vpcCni.memory),
      source: origin(configured?.vpcCni !== undefined, "EKS add-on default (VPC CNI)"),
    },
    ...kyverno.pods,
    ...sp.metricsAgents.map((agent): SystemPod => ({
      name: agent.name,
      kind: agent.kind,
      replicas: agent.kind === "Deployment" ? (agent.replicas ?? 1) : null,
      perPod: requests(agent.cpu, agent.memory),
      source: configured?.metricsAgents
        ? "costs.systemPods.metricsAgents"
        : (agent.source ?? "built-in metrics agent"),
    })),
  ];
  return { pods, notes: kyverno.notes };
}

/** What the system pods request per cluster (Deployments) and per node (DaemonSets). */
export function systemRequests(pods: SystemPod[]): {
  perCluster: Requests;
  perNode: Requests;
  podsPerCluster: number;
  podsPerNode: number;
} {
  const perCluster = { cpuMilli: 0, memoryMiB: 0 };
  const perNode = { cpuMilli: 0, memoryMiB: 0 };
  let podsPerCluster = 0;
  let podsPerNode = 0;
  for (const pod of pods) {
    if (pod.kind === "Deployment") {
      const n = pod.replicas ?? 1;
      perCluster.cpuMilli += n * pod.perPod.cpuMilli;
      perCluster.memoryMiB += n * pod.perPod.memoryMiB;
      podsPerCluster += n;
    } else {
      perNode.cpuMilli += pod.perPod.cpuMilli;
      perNode.memoryMiB += pod.perPod.memoryMiB;
      podsPerNode += 1;
    }
  }
  return { perCluster, perNode, podsPerCluster, podsPerNode };
}

/** Requests from quantities the schema (or the built-in table) already validated. */
export function requests(cpu: string, memory: string): Requests {
  const c = cpuMillicores(cpu);
  const m = memoryMiB(memory);
  if (c === undefined || m === undefined) {
    throw new Error(`unvalidated quantity reached the cost model: cpu ${cpu}, memory ${memory}`);
  }
  return { cpuMilli: c, memoryMiB: m };
}
