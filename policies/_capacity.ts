import type { ServiceLoad } from "../capacity/absorb";
import { INSTANCE_TYPES } from "../capacity/instanceTypes";
import { allocatable } from "../capacity/node";
import { cpuMillicores, memoryMiB } from "../capacity/quantity";
import { podRequests, type ReadQuantity, type Requests } from "../capacity/requests";
import type { GraphCluster } from "../graph/membership";
import { isUnknown, type ResourceNode } from "../graph/resourceGraph";
import { objectName, objectNamespace } from "./_kubernetes";
import { launchTemplateOf, MANAGED_NODE_GROUP } from "./_nodeGroups";
import { at, atPath, list, num, str, UNKNOWN_VALUE } from "./_props";
import { RECORD, weightOf } from "./_records";
import type { StackView } from "./stackView";

/**
 * What the capacity policy reads from the resource graph, per cluster: the node groups at their
 * maximum size, the services (Deployments, with their HPA) and the weight of the cluster's
 * weighted DNS records. Plain facts; the arithmetic is `capacity/absorb.ts`.
 */

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPAS = [
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler",
];

/** What EKS launches for a managed node group that names no instance type anywhere. */
export const EKS_DEFAULT_INSTANCE_TYPE = "t3.medium";

/** One managed node group at its maximum size. */
export interface NodeGroupAtMax {
  node: ResourceNode;
  maxSize: number;
  instanceTypes: string[];
  /** What one node offers pods: the smallest of its instance types, after the kubelet's reserve. */
  perNode: Requests;
}

/** One service on one cluster: its load, and the resource it was read from. */
export interface ServiceOnCluster extends ServiceLoad {
  node: ResourceNode;
  /** Whether an HPA scales it (else it runs a fixed number of replicas). */
  autoscaled: boolean;
}

/** What the graph says about one cluster's capacity. */
export interface ClusterFacts {
  cluster: GraphCluster;
  /** Its weighted records' weight (see {@link readCapacityFacts}). */
  weight: number;
  nodeGroups: NodeGroupAtMax[];
  services: ServiceOnCluster[];
  /**
   * Whether its capacity can be judged: it has a managed node group, every value needed is
   * known and every instance type is in the table.
   */
  judged: boolean;
  /** Node groups whose instance type the table does not know, with that type. */
  unknownTypes: { node: ResourceNode; instanceType: string }[];
}

/**
 * Reads every cluster's capacity facts: none when the graph has no managed node group (nodes
 * from Fargate, Karpenter or self-managed groups are not seen, so nothing is judged); undefined
 * when the weights are not known yet (during a preview), since every cluster's share depends on
 * all of them. A cluster's weight is the weight of its weighted Route 53 records (the first, when
 * its hostnames differ); a cluster without one gets no traffic (weight 0), and when no cluster
 * has one every cluster counts with weight 1.
 */
export function readCapacityFacts(view: StackView): ClusterFacts[] | undefined {
  const groups = view.positionsOf([MANAGED_NODE_GROUP]);
  if (groups.length === 0) return [];
  const facts = new Map<string, ClusterFacts>(
    view.clusters.map((cluster) => [
      cluster.urn,
      { cluster, weight: 0, nodeGroups: [], services: [], judged: true, unknownTypes: [] },
    ]),
  );
  const of = (i: number) => {
    const cluster = view.clusterAt(i);
    return cluster && facts.get(cluster.urn);
  };
  const { nodes } = view;

  for (let k = 0; k < groups.length; k++) {
    const f = of(groups[k]);
    if (!f) continue;
    const group = nodeGroupAtMax(view, nodes[groups[k]]);
    if (group === UNKNOWN_VALUE) f.judged = false;
    else if ("instanceType" in group) f.unknownTypes.push(group);
    else f.nodeGroups.push(group);
  }

  const records = view.positionsOf([RECORD]);
  const weighted = new Set<ClusterFacts>();
  for (let k = 0; k < records.length; k++) {
    const f = of(records[k]);
    if (!f || weighted.has(f)) continue;
    const weight = weightOf(nodes[records[k]]);
    if (weight === "unknown") return undefined;
    if (weight === undefined) continue;
    f.weight = weight;
    weighted.add(f);
  }
  if (weighted.size === 0) for (const f of facts.values()) f.weight = 1;

  const deployments = view.positionsOf([DEPLOYMENT]);
  const read = quantityReader();
  for (let k = 0; k < deployments.length; k++) {
    const f = of(deployments[k]);
    if (!f) continue;
    const service = serviceOf(nodes[deployments[k]], read);
    if (service === UNKNOWN_VALUE) f.judged = false;
    else f.services.push(service);
  }
  const hpas = view.positionsOf(HPAS);
  const indexes = new Map<ClusterFacts, ServiceIndex>();
  const indexOf = (f: ClusterFacts) => {
    let index = indexes.get(f);
    if (!index) indexes.set(f, (index = serviceIndex(f.services)));
    return index;
  };
  for (let k = 0; k < hpas.length; k++) {
    const f = of(hpas[k]);
    if (f && !applyHpa(nodes[hpas[k]], indexOf(f))) f.judged = false;
  }

  for (const f of facts.values()) {
    if (f.nodeGroups.length === 0 || f.unknownTypes.length > 0) f.judged = false;
  }
  return view.clusters.map((c) => facts.get(c.urn) as ClusterFacts);
}

/**
 * A managed node group at its `scalingConfig.maxSize`, its instance types from `instanceTypes`,
 * else from its launch template, else EKS's default. UNKNOWN_VALUE when a value is not known (or
 * not recorded: the size, or the type of a launch template from outside the program).
 */
function nodeGroupAtMax(
  view: StackView,
  n: ResourceNode,
): NodeGroupAtMax | { node: ResourceNode; instanceType: string } | typeof UNKNOWN_VALUE {
  const scaling = at(n.inputs, "scalingConfig");
  // The bridged provider has used both an object and a one-element list here.
  const maxSize = num(Array.isArray(scaling) ? scaling[0] : scaling, "maxSize");
  if (typeof maxSize !== "number") return UNKNOWN_VALUE;
  const types = instanceTypesOf(view, n);
  if (types === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  const perNode = { cpuMilli: Infinity, memoryMiB: Infinity };
  for (const type of types) {
    const size = INSTANCE_TYPES[type];
    if (!size) return { node: n, instanceType: type };
    // Any of the types may be launched: count the smallest, resource by resource.
    const offered = allocatable(size);
    perNode.cpuMilli = Math.min(perNode.cpuMilli, offered.cpuMilli);
    perNode.memoryMiB = Math.min(perNode.memoryMiB, offered.memoryMiB);
  }
  return { node: n, maxSize, instanceTypes: types, perNode };
}

function instanceTypesOf(view: StackView, n: ResourceNode): string[] | typeof UNKNOWN_VALUE {
  const declared = list(n.inputs, "instanceTypes");
  if (declared === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  if (declared && declared.length > 0) {
    return declared.every((t) => typeof t === "string" && !isUnknown(t))
      ? (declared as string[])
      : UNKNOWN_VALUE;
  }
  const template = launchTemplateOf(view, n);
  if (template === "external") return UNKNOWN_VALUE;
  const fromTemplate = template && str(template.inputs, "instanceType");
  if (fromTemplate === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  return [fromTemplate || EKS_DEFAULT_INSTANCE_TYPE];
}

/**
 * Reads requests as the graph holds them (a quantity string or a number): NaN for one that is not
 * known yet or not a quantity. Each distinct quantity is parsed once per check (a large graph
 * repeats a few of them thousands of times).
 */
function quantityReader(): ReadQuantity {
  const parsed = { cpu: new Map<unknown, number>(), memory: new Map<unknown, number>() };
  return (value, resource) => {
    const known = parsed[resource].get(value);
    if (known !== undefined) return known;
    const text = typeof value === "number" || typeof value === "string" ? value : undefined;
    const read =
      text === undefined || isUnknown(text)
        ? undefined
        : (resource === "cpu" ? cpuMillicores : memoryMiB)(text);
    const result = read ?? NaN;
    parsed[resource].set(value, result);
    return result;
  };
}

const POD_SPEC = ["template", "spec"];

/**
 * A Deployment's load: its replicas and one pod's requests; UNKNOWN_VALUE when they are not known
 * (an image or an env value that is not known yet does not matter), or a request is not a
 * quantity (Kubernetes refuses the object: nothing to judge).
 */
function serviceOf(n: ResourceNode, read: ReadQuantity): ServiceOnCluster | typeof UNKNOWN_VALUE {
  const spec = n.inputs.spec; // read once: a large graph has thousands of Deployments
  const replicas = at(spec, "replicas");
  const podSpec = atPath(spec, POD_SPEC);
  if (replicas === UNKNOWN_VALUE || podSpec === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  const { cpuMilli, memoryMiB } = podRequests(podSpec, read);
  if (Number.isNaN(cpuMilli) || Number.isNaN(memoryMiB)) return UNKNOWN_VALUE;
  const name = objectName(n);
  // Kubernetes' default is 1; the bridged provider may carry numbers as strings.
  const count = replicas === undefined || replicas === null ? 1 : Number(replicas);
  if (!Number.isFinite(count)) return UNKNOWN_VALUE;
  return {
    node: n,
    service: typeof name === "string" ? name : n.name,
    replicas: count,
    maxReplicas: count,
    autoscaled: false,
    cpuMilli,
    memoryMiB,
  };
}

/** One cluster's services by namespace and name, and by URN. */
interface ServiceIndex {
  byName: Map<string, ServiceOnCluster>;
  byUrn: Map<string, ServiceOnCluster>;
}

function serviceIndex(services: readonly ServiceOnCluster[]): ServiceIndex {
  const byName = new Map<string, ServiceOnCluster>();
  const byUrn = new Map<string, ServiceOnCluster>();
  for (const s of services) {
    const name = objectName(s.node);
    const namespace = objectNamespace(s.node);
    if (typeof name === "string" && typeof namespace === "string") {
      byName.set(`${namespace}/${name}`, s);
    }
    byUrn.set(s.node.urn, s);
  }
  return { byName, byUrn };
}

/**
 * Applies an HPA to the Deployment it scales: replicas at least its minimum, a ceiling of its
 * maximum. Its target is found by kind and name in its namespace, else through its dependencies
 * (the program passed the Deployment's name). False when that cannot be known yet.
 */
function applyHpa(hpa: ResourceNode, index: ServiceIndex): boolean {
  const spec = at(hpa.inputs, "spec");
  const max = num(spec, "maxReplicas");
  const min = num(spec, "minReplicas");
  const kind = str(spec, "scaleTargetRef", "kind");
  const name = str(spec, "scaleTargetRef", "name");
  if (max === UNKNOWN_VALUE || min === UNKNOWN_VALUE || kind === UNKNOWN_VALUE) return false;
  if (kind !== undefined && kind !== "Deployment") return true; // scales something else
  const namespace = objectNamespace(hpa);
  let target: ServiceOnCluster | undefined;
  if (typeof name === "string" && typeof namespace === "string") {
    target = index.byName.get(`${namespace}/${name}`);
  }
  if (!target) {
    for (const urn of [...(hpa.propertyDependencies.spec ?? []), ...hpa.dependencies]) {
      target = index.byUrn.get(urn);
      if (target) break;
    }
  }
  if (!target) return name !== UNKNOWN_VALUE && namespace !== UNKNOWN_VALUE;
  if (typeof max !== "number") return true; // not an HPA Kubernetes would accept
  target.replicas = Math.max(target.replicas, min ?? 1);
  target.maxReplicas = Math.max(target.replicas, max);
  target.autoscaled = true;
  return true;
}
