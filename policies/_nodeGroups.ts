import type { ResourceNode } from "../graph/resourceGraph";
import { at } from "./_props";
import type { StackView } from "./stackView";

export const MANAGED_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
export const AUTOSCALING_GROUP = "aws:autoscaling/group:Group";
/** What @pulumi/eks's `NodeGroup` (and every default node group before 3) wraps its ASG in. */
export const CLOUDFORMATION_STACK = "aws:cloudformation/stack:Stack";
export const INSTANCE = "aws:ec2/instance:Instance";

/** The launch template a managed node group uses: from the graph, "external", or undefined. */
export function launchTemplateOf(
  view: StackView,
  n: ResourceNode,
): ResourceNode | "external" | undefined {
  const declared = at(n.inputs, "launchTemplate");
  if (declared === undefined || declared === null) return undefined;
  const deps = [...(n.propertyDependencies.launchTemplate ?? []), ...n.dependencies];
  for (const urn of deps) {
    const dep = view.byUrn.get(urn);
    if (dep?.type === LAUNCH_TEMPLATE) return dep;
  }
  return "external";
}
