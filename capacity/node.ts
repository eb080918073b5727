import type { Requests } from "./requests";

/**
 * What the kubelet keeps on every EKS node (awslabs/amazon-eks-ami and nodeadm): kube-reserved
 * memory of 255 MiB + 11 MiB per pod the node can hold, kube-reserved CPU of 6% of the first
 * core, 1% of the second, 0.5% of the third and fourth and 0.25% of each further core, and a
 * hard eviction threshold of 100 MiB of memory.
 */
export const KUBE_RESERVED_MEMORY_BASE_MIB = 255;
export const KUBE_RESERVED_MEMORY_PER_POD_MIB = 11;
export const EVICTION_HARD_MEMORY_MIB = 100;

/** The size of a node: its vCPUs, its memory and how many pods it can hold. */
export interface NodeSize {
  vcpu: number;
  memoryGiB: number;
  /** Pods per node with the VPC CNI (EKS eni-max-pods.txt). */
  maxPods: number;
}

/** What the kubelet keeps on a node of this size: kube-reserved plus the eviction threshold. */
export function kubeletReserved(size: NodeSize): Requests {
  return {
    cpuMilli: kubeReservedCpuMilli(size.vcpu),
    memoryMiB:
      KUBE_RESERVED_MEMORY_BASE_MIB +
      KUBE_RESERVED_MEMORY_PER_POD_MIB * size.maxPods +
      EVICTION_HARD_MEMORY_MIB,
  };
}

/** What pods can request on a node of this size: its capacity minus {@link kubeletReserved}. */
export function allocatable(size: NodeSize): Requests {
  const reserved = kubeletReserved(size);
  return {
    cpuMilli: size.vcpu * 1000 - reserved.cpuMilli,
    memoryMiB: size.memoryGiB * 1024 - reserved.memoryMiB,
  };
}

/**
 * kube-reserved CPU in millicores (the EKS AMI's formula): 6% of the first core, 1% of the
 * second, 0.5% of the third and fourth, 0.25% of every further core.
 */
export function kubeReservedCpuMilli(vcpu: number): number {
  const tiers: [number, number][] = [
    [1, 60],
    [1, 10],
    [2, 5],
    [Infinity, 2.5],
  ];
  let left = vcpu;
  let milli = 0;
  for (const [cores, perCore] of tiers) {
    const n = Math.min(left, cores);
    milli += n * perCore;
    left -= n;
    if (left <= 0) break;
  }
  return milli;
}
