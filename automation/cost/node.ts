import { ConfigError, fieldName } from "../../config/errors";
import type { EnvironmentConfig } from "../../config/schema";
import * as defaults from "./defaults";
import type { InstanceType, NodeShape, PriceTable } from "./model";

const FIELDS: (keyof InstanceType)[] = ["vcpu", "memoryGiB", "maxPods", "pricePerHour"];

/**
 * The node of the environment's node group: its size, what the kubelet reserves on it, what pods
 * can request, and its monthly price (instance-hours plus root volume). The first instance type of
 * `nodeGroup.instanceTypes` is the one a managed node group launches first, so it prices the
 * nodes. Throws a {@link ConfigError} naming the config key to add when the type is unknown.
 */
export function nodeShape(
  nodeGroup: EnvironmentConfig["nodeGroup"],
  prices: PriceTable,
  source: string,
): NodeShape {
  const instanceType = nodeGroup.instanceTypes[0];
  const entry: Partial<InstanceType> = prices.nodes.instances[instanceType] ?? {};
  const missing = FIELDS.filter((f) => entry[f] === undefined);
  if (missing.length > 0) {
    const known = instanceType in defaults.INSTANCE_TYPES;
    throw new ConfigError(source, [
      {
        field: fieldName(["costs", "nodes", "instances", instanceType]),
        message:
          (known
            ? `${missing.join(", ")} missing for "${instanceType}"`
            : `"${instanceType}" (nodeGroup.instanceTypes[0]) is not in the built-in instance table` +
              (Object.keys(entry).length ? ` and ${missing.join(", ")} are missing` : "")) +
          `; give its size and price, e.g. costs.nodes.instances: {"${instanceType}": ` +
          `{vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.096}} ` +
          "(maxPods from EKS eni-max-pods.txt, price from the EC2 on-demand price list)",
      },
    ]);
  }
  const shape = entry as InstanceType;
  const reserved = {
    cpuMilli: kubeReservedCpuMilli(shape.vcpu),
    memoryMiB:
      defaults.KUBE_RESERVED_MEMORY_BASE_MIB +
      defaults.KUBE_RESERVED_MEMORY_PER_POD_MIB * shape.maxPods +
      defaults.EVICTION_HARD_MEMORY_MIB,
  };
  const hours = prices.hoursPerMonth;
  return {
    instanceType,
    capacityType: nodeGroup.capacityType,
    vcpu: shape.vcpu,
    memoryGiB: shape.memoryGiB,
    maxPods: shape.maxPods,
    reserved,
    allocatable: {
      cpuMilli: shape.vcpu * 1000 - reserved.cpuMilli,
      memoryMiB: shape.memoryGiB * 1024 - reserved.memoryMiB,
    },
    diskSizeGiB: nodeGroup.diskSizeGiB,
    pricePerHour: shape.pricePerHour,
    // Four decimals: exact for list prices, without floating-point dust in the JSON.
    pricePerMonth:
      Math.round(
        (shape.pricePerHour * hours + nodeGroup.diskSizeGiB * prices.nodes.ebsGp3PerGiBMonth) * 1e4,
      ) / 1e4,
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
