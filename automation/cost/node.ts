import { ConfigError, fieldName } from "../../config/errors";
import type { EnvironmentConfig } from "../../config/schema";
import { INSTANCE_TYPES } from "../../capacity/instanceTypes";
import { allocatable, kubeletReserved } from "../../capacity/node";
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
    const known = instanceType in INSTANCE_TYPES;
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
  const hours = prices.hoursPerMonth;
  return {
    instanceType,
    capacityType: nodeGroup.capacityType,
    vcpu: shape.vcpu,
    memoryGiB: shape.memoryGiB,
    maxPods: shape.maxPods,
    reserved: kubeletReserved(shape),
    allocatable: allocatable(shape),
    diskSizeGiB: nodeGroup.diskSizeGiB,
    pricePerHour: shape.pricePerHour,
    // Four decimals: exact for list prices, without floating-point dust in the JSON.
    pricePerMonth:
      Math.round(
        (shape.pricePerHour * hours + nodeGroup.diskSizeGiB * prices.nodes.ebsGp3PerGiBMonth) * 1e4,
      ) / 1e4,
  };
}
