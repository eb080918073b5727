import type { ResourceNode } from "../graph/resourceGraph";
import { AWS_EKS_CLUSTER, EKS_COMPONENT } from "./_clusters";
import {
  AUTOSCALING_GROUP,
  CLOUDFORMATION_STACK,
  INSTANCE,
  LAUNCH_CONFIGURATION,
  LAUNCH_TEMPLATE,
  MANAGED_NODE_GROUP,
} from "./_nodeGroups";
import { at, bool, UNKNOWN_VALUE, type Read } from "./_props";
import { label, sdkName, type StackView } from "./stackView";

/**
 * The @pulumi/eks components that make nodes, and what their arguments decide about them. What
 * each creates (pulumi/pulumi-eks, nodejs/eks/nodes/nodegroup.ts and cluster/cluster.ts, v1 to 4):
 *  - `eks:index:NodeGroup`: an aws.ec2.LaunchConfiguration (no metadata options, in any version)
 *    and an aws.cloudformation.Stack holding the auto scaling group;
 *  - `eks:index:NodeGroupV2`: an aws.ec2.LaunchTemplate and an aws.autoscaling.Group; the
 *    template's `metadataOptions` is the `metadataOptions` argument of @pulumi/eks before 3,
 *    which 3 and later (remote components) no longer have: never set;
 *  - `eks:index:ManagedNodeGroup`: an aws.eks.NodeGroup, and an aws.ec2.LaunchTemplate only when
 *    an argument needs one; `enableIMDSv2` sets its metadataOptions to httpTokens "required"
 *    (false: "optional"), httpPutResponseHopLimit 2; a `launchTemplate` argument is used as is;
 *  - `eks:index:Cluster`: its default node group, unless `skipDefaultNodeGroup`, `fargate` or
 *    `autoMode.enabled`: before 3 a launch configuration and a CloudFormation stack, from 3 on a
 *    launch template and an auto scaling group, all children of the cluster; no argument sets
 *    their metadata options.
 */
export const EKS_NODE_GROUP = "eks:index:NodeGroup";
export const EKS_NODE_GROUP_V2 = "eks:index:NodeGroupV2";
export const EKS_MANAGED_NODE_GROUP = "eks:index:ManagedNodeGroup";

/** The @pulumi/eks components whose nodes this file knows how to read. */
export const EKS_NODE_COMPONENTS: ReadonlySet<string> = new Set([
  EKS_COMPONENT,
  EKS_NODE_GROUP,
  EKS_NODE_GROUP_V2,
  EKS_MANAGED_NODE_GROUP,
]);

/** Children that carry a component's real settings (a stack export, a preview of a deployed stack). */
const SETTING_CARRIERS = [
  LAUNCH_TEMPLATE,
  LAUNCH_CONFIGURATION,
  MANAGED_NODE_GROUP,
  AUTOSCALING_GROUP,
  CLOUDFORMATION_STACK,
  INSTANCE,
  AWS_EKS_CLUSTER,
];

/**
 * URNs of the resources that have a child carrying node or cluster settings. A @pulumi/eks
 * component among them is judged by those children; one that is not (offline, where a remote
 * component has no children) by its arguments. One pass over the resources of those types.
 */
export function parentsOfCarriers(view: StackView): ReadonlySet<string> {
  const parents = new Set<string>();
  for (const i of view.positionsOf(SETTING_CARRIERS)) {
    const parent = view.nodes[i].parent;
    if (parent) parents.add(parent);
  }
  return parents;
}

/** What a component's arguments say about its nodes' instance metadata options. */
export type ArgumentsVerdict =
  /** Its nodes require IMDSv2, with this hop limit. */
  | { requires: true; hopLimit: number }
  /** Its nodes do not: `finding` is what is wrong, as a message says it after the component. */
  | { requires: false; finding: string }
  /** It makes no nodes of its own, a launch template it is given decides, or it is not known. */
  | undefined;

/** The verdict on a @pulumi/eks component from its arguments (offline: it has no children). */
export function argumentsVerdict(n: ResourceNode): ArgumentsVerdict {
  const notEnabled = (why: string) => ({
    requires: false as const,
    finding: `does not enable IMDSv2 on its nodes: ${why}`,
  });
  switch (n.type) {
    case EKS_MANAGED_NODE_GROUP: {
      const enabled = bool(n.inputs, "enableIMDSv2");
      if (enabled === true) return { requires: true, hopLimit: 2 };
      if (enabled === false) return notEnabled("it sets enableIMDSv2: false");
      if (enabled === UNKNOWN_VALUE || given(at(n.inputs, "launchTemplate"))) return undefined;
      return notEnabled(
        "it sets neither enableIMDSv2 nor a launchTemplate, so its nodes get EKS's default " +
          "metadata options",
      );
    }
    case EKS_NODE_GROUP:
    case EKS_NODE_GROUP_V2:
      return notEnabled(
        "@pulumi/eks gives it no argument for the instance metadata options, so its " +
          `${n.type === EKS_NODE_GROUP ? "launch configuration" : "launch template"} leaves ` +
          "httpTokens unset",
      );
    case EKS_COMPONENT:
      return createsDefaultNodeGroup(n)
        ? {
            requires: false,
            finding:
              "creates its default node group, whose nodes do not require IMDSv2: no argument " +
              "of @pulumi/eks sets the metadata options of its launch template",
          }
        : undefined;
  }
  return undefined;
}

/**
 * How to make the nodes of a @pulumi/eks component require IMDSv2, or (`hopLimit`) allow at
 * most that many hops.
 */
export function componentFix(component: ResourceNode, hopLimit?: number): string {
  const own =
    'an aws.ec2.LaunchTemplate of your own with metadataOptions { httpTokens: "required", ' +
    `httpPutResponseHopLimit: ${hopLimit ?? 2} }`;
  const it = label(component);
  switch (component.type) {
    case EKS_MANAGED_NODE_GROUP:
      return hopLimit === undefined
        ? `Set enableIMDSv2: true on ${it}.`
        : `Give ${it} launchTemplate: ${own}, instead of enableIMDSv2 (which sets 2 hops).`;
    case EKS_COMPONENT:
      return (
        `Set skipDefaultNodeGroup: true on ${it} and run its nodes in a node group that ` +
        `requires IMDSv2: an eks.ManagedNodeGroup with enableIMDSv2: true, or one on ${own}.`
      );
    case EKS_NODE_GROUP_V2:
      return (
        "@pulumi/eks 3 and later give eks.NodeGroupV2 no argument for the metadata options " +
        `(before 3: metadataOptions): replace ${it} with an eks.ManagedNodeGroup with ` +
        `enableIMDSv2: true, or an aws.autoscaling.Group on ${own}.`
      );
    default:
      return (
        `@pulumi/eks gives ${sdkName(component.type)} no argument for the metadata options: ` +
        `replace ${it} with an eks.ManagedNodeGroup with enableIMDSv2: true, or an ` +
        `aws.autoscaling.Group on ${own}.`
      );
  }
}

/** Whether an eks.Cluster creates its default node group (plain arguments, never unknown). */
function createsDefaultNodeGroup(n: ResourceNode): boolean {
  const skip = bool(n.inputs, "skipDefaultNodeGroup");
  if (skip === true || skip === UNKNOWN_VALUE) return false;
  const fargate = at(n.inputs, "fargate");
  if (given(fargate) && fargate !== false) return false;
  return bool(n.inputs, "autoMode", "enabled") !== true;
}

function given(value: Read<unknown>): boolean {
  return value !== undefined && value !== null;
}
