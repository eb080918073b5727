import type { NodeSize } from "./node";

/** One EC2 instance type: its size and its price. */
export interface InstanceType extends NodeSize {
  /** Price per instance-hour. */
  pricePerHour: number;
}

/**
 * Common node instance types: vCPU and memory (https://aws.amazon.com/ec2/instance-types/),
 * pods per node with the VPC CNI (awslabs/amazon-eks-ami `eni-max-pods.txt`: ENIs x (IPv4
 * addresses per ENI - 1) + 2), and the on-demand Linux price per hour in us-east-1
 * (https://aws.amazon.com/ec2/pricing/on-demand/). `aa cost` prices nodes with it (a stack adds
 * or overrides types under `active-active:costs.nodes.instances`); the `capacity-n-minus-1`
 * policy sizes node groups with it (a type not listed here is reported, not guessed).
 */
export const INSTANCE_TYPES: Record<string, InstanceType> = {
  "t3.medium": { vcpu: 2, memoryGiB: 4, maxPods: 17, pricePerHour: 0.0416 },
  "t3.large": { vcpu: 2, memoryGiB: 8, maxPods: 35, pricePerHour: 0.0832 },
  "t3.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.1664 },
  "t3.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58, pricePerHour: 0.3328 },
  "m5.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.096 },
  "m5.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.192 },
  "m5.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58, pricePerHour: 0.384 },
  "m6i.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.096 },
  "m6i.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.192 },
  "m6i.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58, pricePerHour: 0.384 },
  "m6i.4xlarge": { vcpu: 16, memoryGiB: 64, maxPods: 234, pricePerHour: 0.768 },
  "m6a.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.0864 },
  "m6a.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.1728 },
  "m7i.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.1008 },
  "m7i.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.2016 },
  "m7i.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58, pricePerHour: 0.4032 },
  "m6g.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.077 },
  "m6g.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.154 },
  "m7g.large": { vcpu: 2, memoryGiB: 8, maxPods: 29, pricePerHour: 0.0816 },
  "m7g.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58, pricePerHour: 0.1632 },
  "c6i.large": { vcpu: 2, memoryGiB: 4, maxPods: 29, pricePerHour: 0.085 },
  "c6i.xlarge": { vcpu: 4, memoryGiB: 8, maxPods: 58, pricePerHour: 0.17 },
  "c7i.large": { vcpu: 2, memoryGiB: 4, maxPods: 29, pricePerHour: 0.08925 },
  "r6i.large": { vcpu: 2, memoryGiB: 16, maxPods: 29, pricePerHour: 0.126 },
  "r6i.xlarge": { vcpu: 4, memoryGiB: 32, maxPods: 58, pricePerHour: 0.252 },
  "r7i.large": { vcpu: 2, memoryGiB: 16, maxPods: 29, pricePerHour: 0.1323 },
};
