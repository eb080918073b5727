import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import {
  argumentsVerdict,
  componentFix,
  EKS_MANAGED_NODE_GROUP,
  EKS_NODE_COMPONENTS,
  parentsOfCarriers,
} from "./_eksNodeGroups";
import { EKS_COMPONENT } from "./_clusters";
import {
  AUTOSCALING_GROUP,
  CLOUDFORMATION_STACK,
  INSTANCE,
  LAUNCH_CONFIGURATION,
  LAUNCH_TEMPLATE,
  MANAGED_NODE_GROUP,
} from "./_nodeGroups";
import { at, num, str, UNKNOWN_VALUE } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView, type StackView } from "./stackView";

export interface NodesRequireImdsv2Config {
  /** Largest allowed `httpPutResponseHopLimit` (2 lets pods behind one hop reach IMDS; 1 blocks them). */
  maxHopLimit: number;
}

/** What carries the instance metadata options of the nodes launched from it. */
const TEMPLATES: ReadonlySet<string> = new Set([LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION]);
/** What launches nodes from a launch template or configuration (named in messages). */
const LAUNCHERS: ReadonlySet<string> = new Set([
  MANAGED_NODE_GROUP,
  AUTOSCALING_GROUP,
  CLOUDFORMATION_STACK,
  INSTANCE,
  EKS_MANAGED_NODE_GROUP,
]);
/** Every type this check looks at. */
const CHECKED = [...TEMPLATES, INSTANCE, MANAGED_NODE_GROUP, ...EKS_NODE_COMPONENTS];

const CONSEQUENCE =
  "so any process on the node, including a compromised pod, can read the node's credentials " +
  "with one unauthenticated request.";

/**
 * `nodes-require-imdsv2`: every node of every cluster requires IMDSv2 (session tokens for the
 * instance metadata service), so a compromised pod cannot steal node credentials with a simple
 * request. Each node group is judged once, on the resource that decides it: the launch template
 * or launch configuration its nodes start from, a managed node group without a launch template,
 * an instance; a @pulumi/eks component by its arguments only when the graph holds none of the
 * children it creates (offline; see `_eksNodeGroups.ts` for what each creates).
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
    const withChildren = parentsOfCarriers(view);
    const findings: Finding[] = [];
    const add = (finding: Finding | undefined) => {
      if (finding) findings.push(finding);
    };
    for (const i of view.positionsOf(CHECKED)) {
      const node = view.nodes[i];
      const type = node.type;
      if (TEMPLATES.has(type)) add(checkTemplate(view, i, config));
      else if (type === INSTANCE) add(checkInstance(view, i, config));
      else if (type === MANAGED_NODE_GROUP) add(checkManagedNodeGroup(view, i, config));
      else if (!withChildren.has(node.urn)) add(checkArguments(view, i, config));
    }
    return findings;
  },
};

/**
 * A launch template or configuration: of a cluster, or used by something of one. Named by the
 * @pulumi/eks component that created it, else by what launches nodes from it.
 */
function checkTemplate(
  view: StackView,
  position: number,
  config: NodesRequireImdsv2Config,
): Finding | undefined {
  const node = view.nodes[position];
  const users = view.dependents(node.urn).filter((d) => LAUNCHERS.has(d.type));
  const cluster = view.clusterAt(position) ?? firstCluster(view, users);
  if (!cluster) return undefined;
  const problem = metadataProblem(node, config);
  if (!problem) return undefined;
  const where = ` of cluster "${cluster.name}"`;
  const owner = ownerOf(view, node);
  let who: string;
  let fix = problem.fix;
  if (owner) {
    const group = owner.type === EKS_COMPONENT ? `The default node group of ` : "";
    who = `${group}${label(owner)}${where} launches its nodes from ${label(node)}, which`;
    fix = componentFix(owner, problem.tokens ? undefined : config.maxHopLimit);
  } else if (users.length > 0) {
    const verb = users.length === 1 ? "uses" : "use";
    who = `${joined(users.map(label))}${where} ${verb} ${label(node)}, which`;
  } else who = `${label(node)}${where}`;
  return { urn: node.urn, message: `${who} ${problem.text} ${fix}` };
}

/** An instance of a cluster: its own metadata options, else those of its launch template. */
function checkInstance(
  view: StackView,
  position: number,
  config: NodesRequireImdsv2Config,
): Finding | undefined {
  const node = view.nodes[position];
  const cluster = view.clusterAt(position);
  if (!cluster || !isNode(node)) return undefined;
  // Launched from a template: the template decides (it is checked with the instance among its
  // users), unless the instance sets its own options.
  if (!given(node.inputs.metadataOptions) && given(node.inputs.launchTemplate)) return undefined;
  const problem = metadataProblem(node, config);
  if (!problem) return undefined;
  return {
    urn: node.urn,
    message: `${label(node)} of cluster "${cluster.name}" ${problem.text} ${problem.fix}`,
  };
}

/**
 * Whether an instance of a cluster is one of its nodes, not a bastion or a build host in its
 * network: it carries a cluster's tag (`kubernetes.io/cluster/<name>`, `eks:cluster-name`), or
 * its user data joins a cluster (the EKS AMIs' `/etc/eks/bootstrap.sh`, AL2023's nodeadm
 * `NodeConfig`, Bottlerocket's `settings.kubernetes`). User data not known yet counts as a node.
 */
function isNode(node: ResourceNode): boolean {
  const tags = at(node.inputs, "tags");
  if (tags && typeof tags === "object") {
    for (const key of Object.keys(tags)) {
      if (key.startsWith("kubernetes.io/cluster/") || key.endsWith("eks:cluster-name")) return true;
    }
  }
  const plain = at(node.inputs, "userData");
  const encoded = at(node.inputs, "userDataBase64");
  if (plain === UNKNOWN_VALUE || encoded === UNKNOWN_VALUE) return true;
  const text = [
    typeof plain === "string" ? plain : "",
    typeof encoded === "string" ? Buffer.from(encoded, "base64").toString("utf8") : "",
  ].join("\n");
  return JOINS_CLUSTER.test(text);
}

/** User data that joins an EKS cluster (AL2 bootstrap, AL2023 nodeadm, Bottlerocket). */
const JOINS_CLUSTER = /\/etc\/eks\/bootstrap\.sh|node\.eks\.aws|NodeConfig|settings\.kubernetes/;

/**
 * A managed node group without a launch template runs EKS's defaults (IMDSv2 not enforced); one
 * with a template in the graph is judged there, one with a template from elsewhere is not known.
 */
function checkManagedNodeGroup(
  view: StackView,
  position: number,
  config: NodesRequireImdsv2Config,
): Finding | undefined {
  const node = view.nodes[position];
  if (given(node.inputs.launchTemplate)) return undefined;
  const cluster = view.clusterAt(position);
  const where = cluster ? ` of cluster "${cluster.name}"` : "";
  const owner = ownerOf(view, node);
  const who = owner
    ? `${label(owner)}${where} runs its nodes in ${label(node)}, which`
    : `${label(node)}${where}`;
  const fix = owner
    ? componentFix(owner)
    : `Attach an aws.ec2.LaunchTemplate with metadataOptions { httpTokens: "required", ` +
      `httpPutResponseHopLimit: ${Math.min(2, config.maxHopLimit)} }.`;
  return {
    urn: node.urn,
    message:
      `${who} has no launch template, so its nodes get EKS's default metadata options and ` +
      `IMDSv2 is not enforced. ${fix}`,
  };
}

/** A @pulumi/eks component with none of its children in the graph: by its arguments. */
function checkArguments(
  view: StackView,
  position: number,
  config: NodesRequireImdsv2Config,
): Finding | undefined {
  const node = view.nodes[position];
  const verdict = argumentsVerdict(node);
  if (!verdict) return undefined;
  const cluster = view.clusterAt(position);
  const who = `${label(node)}${cluster ? ` of cluster "${cluster.name}"` : ""}`;
  if (!verdict.requires) {
    return {
      urn: node.urn,
      message: `${who} ${verdict.finding}, ${CONSEQUENCE} ${componentFix(node)}`,
    };
  }
  if (verdict.hopLimit <= config.maxHopLimit) return undefined;
  return {
    urn: node.urn,
    message:
      `${who} ${hopsText(verdict.hopLimit, `enableIMDSv2 sets httpPutResponseHopLimit ${verdict.hopLimit}`, config)}. ` +
      componentFix(node, config.maxHopLimit),
  };
}

/** What is wrong with a resource's `metadataOptions`, and the fix; undefined when nothing is. */
function metadataProblem(
  n: ResourceNode,
  config: NodesRequireImdsv2Config,
): { text: string; fix: string; tokens: boolean } | undefined {
  const declared = at(n.inputs, "metadataOptions");
  // The bridged provider has used both an object and a one-element list for such blocks.
  const options: unknown = Array.isArray(declared) ? declared[0] : declared;
  const tokens = str(options, "httpTokens");
  const hops = num(options, "httpPutResponseHopLimit");
  const badTokens = tokens !== UNKNOWN_VALUE && tokens !== "required";
  const badHops = typeof hops === "number" && hops > config.maxHopLimit;
  if (!badTokens && !badHops) return undefined;
  const texts: string[] = [];
  const fixes: string[] = [];
  if (badTokens) {
    const value = tokens === undefined ? "not set" : `"${tokens}"`;
    texts.push(`does not require IMDSv2 (metadataOptions.httpTokens is ${value}), ${CONSEQUENCE}`);
    fixes.push(`metadataOptions.httpTokens: "required"`);
  }
  if (badHops) {
    const hopsTold = hopsText(hops, "metadataOptions.httpPutResponseHopLimit", config);
    texts.push(`${badTokens ? "It also " : ""}${hopsTold}.`);
    fixes.push(`metadataOptions.httpPutResponseHopLimit: ${config.maxHopLimit}`);
  }
  return { text: texts.join(" "), fix: `Set ${fixes.join(" and ")}.`, tokens: badTokens };
}

function hopsText(hops: number, source: string, config: NodesRequireImdsv2Config): string {
  return (
    `allows IMDS responses to travel ${hops} network hops (${source}), more than the ` +
    `${config.maxHopLimit} allowed, so containers further away can reach node credentials`
  );
}

/** The @pulumi/eks component that created a resource (its parent), if any. */
function ownerOf(view: StackView, n: ResourceNode): ResourceNode | undefined {
  const parent = n.parent ? view.byUrn.get(n.parent) : undefined;
  return parent && EKS_NODE_COMPONENTS.has(parent.type) ? parent : undefined;
}

function firstCluster(view: StackView, nodes: readonly ResourceNode[]): GraphCluster | undefined {
  for (const n of nodes) {
    const cluster = view.clusterOf(n.urn);
    if (cluster) return cluster;
  }
  return undefined;
}

/** "a", "a and b", "a, b and c". */
function joined(items: readonly string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function given(value: unknown): boolean {
  return value !== undefined && value !== null;
}
