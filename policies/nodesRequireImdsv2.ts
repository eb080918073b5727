import type { ResourceNode } from "../graph/resourceGraph";
import { EKS_COMPONENT } from "./_clusters";
import { LAUNCH_TEMPLATE, launchTemplateOf, MANAGED_NODE_GROUP } from "./_nodeGroups";
import { at, bool, num, str, UNKNOWN_VALUE } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView, type StackView } from "./stackView";

export interface NodesRequireImdsv2Config {
  /** Largest allowed `httpPutResponseHopLimit` (2 lets pods behind one hop reach IMDS; 1 blocks them). */
  maxHopLimit: number;
}

const INSTANCE = "aws:ec2/instance:Instance";
const EKS_NODE_GROUPS = new Set([
  "eks:index:NodeGroup",
  "eks:index:NodeGroupV2",
  "eks:index:ManagedNodeGroup",
]);

/** Every type this check looks at. */
const NODE_TYPES = new Set([
  MANAGED_NODE_GROUP,
  LAUNCH_TEMPLATE,
  INSTANCE,
  ...EKS_NODE_GROUPS,
  EKS_COMPONENT,
]);

/**
 * `nodes-require-imdsv2`: every node of every cluster requires IMDSv2 (session tokens for the
 * instance metadata service), so a compromised pod cannot steal node credentials with a simple
 * request: managed node groups through a launch template with httpTokens "required", launch
 * templates and instances of a cluster likewise, @pulumi/eks node groups with enableIMDSv2.
 */
export const nodesRequireImdsv2: PolicySpec<NodesRequireImdsv2Config> = {
  name: "nodes-require-imdsv2",
  description: 'Every node of every cluster requires IMDSv2 (httpTokens "required").',
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    maxHopLimit: {
      type: "integer",
      minimum: 1,
      maximum: 64,
      default: 2,
      description: "Largest allowed httpPutResponseHopLimit.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const findings: Finding[] = [];
    const checkedTemplates = new Set<string>();
    for (const i of view.positionsOf(NODE_TYPES)) {
      const node = nodes[i];
      const cluster = view.clusterAt(i);
      const where = cluster ? ` of cluster "${cluster.name}"` : "";
      if (node.type === MANAGED_NODE_GROUP) {
        const template = launchTemplateOf(view, node);
        if (template === undefined) {
          findings.push({
            urn: node.urn,
            message:
              `${label(node)}${where} has no launch template, so its nodes get EKS's default ` +
              `metadata options and IMDSv2 is not enforced. Attach an aws.ec2.LaunchTemplate with ` +
              `metadataOptions { httpTokens: "required", httpPutResponseHopLimit: ` +
              `${Math.min(2, config.maxHopLimit)} }.`,
          });
        } else if (template !== "external") {
          checkedTemplates.add(template.urn);
          findings.push(
            ...checkMetadata(
              template,
              `${label(node)}${where} uses ${label(template)}, which`,
              config,
            ),
          );
        }
      } else if (node.type === LAUNCH_TEMPLATE && cluster && !checkedTemplates.has(node.urn)) {
        // Launch templates are registered before their node groups; those are checked above.
        if (!usedByNodeGroup(view, node)) {
          findings.push(...checkMetadata(node, `${label(node)}${where}`, config));
        }
      } else if (node.type === INSTANCE && cluster) {
        findings.push(...checkMetadata(node, `${label(node)}${where}`, config));
      } else if (EKS_NODE_GROUPS.has(node.type)) {
        const enabled = bool(node.inputs, "enableIMDSv2");
        const hasTemplate = at(node.inputs, "launchTemplate") !== undefined;
        if (enabled === false || (enabled === undefined && !hasTemplate)) {
          findings.push({
            urn: node.urn,
            message:
              `${label(node)}${where} does not enable IMDSv2 on its nodes. Set enableIMDSv2: true ` +
              `(or give it a launch template with metadataOptions.httpTokens "required").`,
          });
        }
      } else if (node.type === EKS_COMPONENT && hasDefaultNodeGroup(node)) {
        findings.push({
          urn: node.urn,
          message:
            `${label(node)}${where} creates its default node group, whose nodes do not require ` +
            `IMDSv2. Set skipDefaultNodeGroup: true and add a node group that requires IMDSv2 ` +
            `(a managed node group with a launch template, or eks.NodeGroupV2 with enableIMDSv2).`,
        });
      }
    }
    return findings;
  },
};

function usedByNodeGroup(view: StackView, template: ResourceNode): boolean {
  return view.dependents(template.urn).some((d) => d.type === MANAGED_NODE_GROUP);
}

function checkMetadata(n: ResourceNode, who: string, config: NodesRequireImdsv2Config): Finding[] {
  const tokens = str(n.inputs, "metadataOptions", "httpTokens");
  const hops = num(n.inputs, "metadataOptions", "httpPutResponseHopLimit");
  const findings: Finding[] = [];
  if (tokens !== UNKNOWN_VALUE && tokens !== "required") {
    findings.push({
      urn: n.urn,
      message:
        `${who} does not require IMDSv2 (metadataOptions.httpTokens is ${tokens === undefined ? "not set" : `"${tokens}"`}), ` +
        `so any process on the node, including a compromised pod, can read the node's ` +
        `credentials with one unauthenticated request. Set metadataOptions.httpTokens: "required".`,
    });
  }
  if (typeof hops === "number" && hops > config.maxHopLimit) {
    findings.push({
      urn: n.urn,
      message:
        `${who} allows IMDS responses to travel ${hops} network hops ` +
        `(metadataOptions.httpPutResponseHopLimit), more than the ${config.maxHopLimit} allowed, ` +
        `so containers further away can reach node credentials. Set it to ${config.maxHopLimit}.`,
    });
  }
  return findings;
}

/** Argument names that show the component's properties are its arguments (offline, preview). */
const CLUSTER_ARGUMENTS = ["vpcId", "subnetIds", "privateSubnetIds", "version", "instanceType"];

/**
 * Whether an eks.Cluster creates its default (self-managed) node group. Its arguments say so
 * directly; a stack export keeps only outputs, where the default group's name is empty when
 * there is none. When neither is recorded, the group's own resources are checked instead.
 */
function hasDefaultNodeGroup(n: ResourceNode): boolean {
  const skip = bool(n.inputs, "skipDefaultNodeGroup");
  if (skip === true || skip === UNKNOWN_VALUE) return false;
  if (skip === undefined) {
    if ("defaultNodeGroupAsgName" in n.inputs) {
      const asg = str(n.inputs, "defaultNodeGroupAsgName");
      return typeof asg === "string" && asg !== "";
    }
    if (!CLUSTER_ARGUMENTS.some((key) => key in n.inputs)) return false;
  }
  const fargate = at(n.inputs, "fargate");
  if (fargate !== undefined && fargate !== false) return false;
  return bool(n.inputs, "autoMode", "enabled") !== true;
}
