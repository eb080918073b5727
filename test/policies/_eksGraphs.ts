import type { ResourceNode } from "../../graph/resourceGraph";
import type { GraphBuilder } from "./_graph";

// @pulumi/eks resources in the three shapes the policies meet them in (see docs/policies.md):
//  - program: a program run offline records a remote component with its arguments as inputs and
//    no children (the component's provider never runs);
//  - export: a `pulumi stack export` keeps no inputs for a component, only its children, which
//    carry the real settings (what AWS reports, defaults filled in);
//  - both: a real preview of a deployed stack, the component's arguments and its children.
// What each component creates follows pulumi/pulumi-eks (nodejs/eks/nodes/nodegroup.ts,
// cluster/cluster.ts); the real graphs in test/fixtures/real/eks have the same shapes.

/** The vpcConfig EKS reports for a cluster created with @pulumi/eks's defaults. */
export const EKS_DEFAULT_VPC_CONFIG = {
  endpointPrivateAccess: false,
  endpointPublicAccess: true,
  publicAccessCidrs: ["0.0.0.0/0"],
};

/** The metadataOptions AWS reports for a launch template that sets none. */
const UNSET_METADATA = null;

/** An eks.Cluster as a program run offline records it: its arguments, no children. */
export function programCluster(
  g: GraphBuilder,
  name: string,
  args: Record<string, unknown> = {},
): ResourceNode {
  return g.add({ type: "eks:index:Cluster", name, custom: false, inputs: args });
}

export interface ExportedClusterOptions {
  /** The aws.eks.Cluster's vpcConfig. @default {@link EKS_DEFAULT_VPC_CONFIG} */
  vpcConfig?: Record<string, unknown>;
  /** The aws.eks.Cluster's encryptionConfig. @default none */
  encryptionConfig?: unknown;
  /** Its default node group: a launch template (@pulumi/eks 3+), a launch configuration (before 3), or none. @default "launchTemplate" */
  defaultNodeGroup?: "launchTemplate" | "launchConfiguration" | "none";
  /** The component's arguments, for the shape of a preview that has both. @default none (an export) */
  args?: Record<string, unknown>;
}

/** An eks.Cluster as a stack export records it: no inputs, its children carry the settings. */
export function exportedCluster(
  g: GraphBuilder,
  name: string,
  options: ExportedClusterOptions = {},
) {
  const component = programCluster(g, name, options.args ?? {});
  const eksCluster = g.add({
    type: "aws:eks/cluster:Cluster",
    name: `${name}-eksCluster`,
    parent: component,
    inputs: {
      name: `${name}-eksCluster-1234567`,
      vpcConfig: options.vpcConfig ?? EKS_DEFAULT_VPC_CONFIG,
      encryptionConfig: options.encryptionConfig ?? null,
      tags: { Name: `${name}-eksCluster` },
    },
  });
  const kind = options.defaultNodeGroup ?? "launchTemplate";
  let template: ResourceNode | undefined;
  if (kind === "launchTemplate") {
    template = g.add({
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: `${name}-launchTemplate`,
      parent: component,
      uses: { imageId: [eksCluster] },
      inputs: { imageId: "ami-066e69f6f03b5383e", metadataOptions: UNSET_METADATA },
    });
    g.add({
      type: "aws:autoscaling/group:Group",
      name,
      parent: component,
      uses: { launchTemplate: [template] },
      inputs: { launchTemplate: { name: `${name}-launchTemplate-1`, version: "1" } },
    });
  } else if (kind === "launchConfiguration") {
    template = g.add({
      type: "aws:ec2/launchConfiguration:LaunchConfiguration",
      name: `${name}-nodeLaunchConfiguration`,
      parent: component,
      uses: { userData: [eksCluster] },
      inputs: { imageId: "ami-066e69f6f03b5383e", metadataOptions: UNSET_METADATA },
    });
    g.add({
      type: "aws:cloudformation/stack:Stack",
      name: `${name}-nodes`,
      parent: component,
      uses: { templateBody: [template] },
      inputs: { templateBody: "..." },
    });
  }
  return { component, eksCluster, template };
}

/** A @pulumi/eks node group component as a program run offline records it. */
export function programNodeGroup(
  g: GraphBuilder,
  type: "NodeGroup" | "NodeGroupV2" | "ManagedNodeGroup",
  name: string,
  cluster: ResourceNode,
  args: Record<string, unknown> = {},
): ResourceNode {
  return g.add({
    type: `eks:index:${type}`,
    name,
    custom: false,
    uses: { cluster: [cluster] },
    inputs: { cluster: cluster.urn, ...args },
  });
}

/**
 * A @pulumi/eks node group as a stack export records it: the component without inputs and the
 * children it creates. `metadataOptions` is what its launch template reports (null: none set;
 * eks.ManagedNodeGroup creates a template only with it).
 */
export function exportedNodeGroup(
  g: GraphBuilder,
  type: "NodeGroup" | "NodeGroupV2" | "ManagedNodeGroup",
  name: string,
  cluster: ResourceNode,
  metadataOptions: Record<string, unknown> | null = null,
) {
  const component = programNodeGroup(g, type, name, cluster);
  component.inputs = {};
  if (type === "NodeGroup") {
    const template = g.add({
      type: "aws:ec2/launchConfiguration:LaunchConfiguration",
      name: `${name}-nodeLaunchConfiguration`,
      parent: component,
      inputs: { metadataOptions },
    });
    g.add({
      type: "aws:cloudformation/stack:Stack",
      name: `${name}-nodes`,
      parent: component,
      uses: { templateBody: [template] },
    });
    return { component, template };
  }
  if (type === "NodeGroupV2") {
    const template = g.add({
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: `${name}-launchTemplate`,
      parent: component,
      inputs: { metadataOptions },
    });
    g.add({
      type: "aws:autoscaling/group:Group",
      name,
      parent: component,
      uses: { launchTemplate: [template] },
      inputs: { launchTemplate: { name: `${name}-launchTemplate-1`, version: "1" } },
    });
    return { component, template };
  }
  const template = metadataOptions
    ? g.add({
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: `${name}-launchTemplate`,
        parent: component,
        inputs: { metadataOptions },
      })
    : undefined;
  const nodeGroup = g.add({
    type: "aws:eks/nodeGroup:NodeGroup",
    name,
    parent: component,
    uses: template ? { launchTemplate: [template] } : {},
    inputs: { launchTemplate: template ? { id: "lt-1", version: "1" } : null },
  });
  return { component, template, nodeGroup };
}
