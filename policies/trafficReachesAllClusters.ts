import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import { list, names, num, str, UNKNOWN_VALUE } from "./_props";
import type { Finding, PolicySpec } from "./_policy";
import { label, stackView, type StackView } from "./_view";

export interface TrafficReachesAllClustersConfig {
  /** Most clusters a hostname may send no traffic to (weight 0) at once. */
  maxZeroWeightClusters: number;
  /** Require a Route 53 health check on every weighted record. */
  requireHealthChecks: boolean;
}

const RECORD = "aws:route53/record:Record";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

interface Entry {
  node: ResourceNode;
  /** The cluster the record sends traffic to; undefined when it reaches none or several. */
  cluster: GraphCluster | undefined;
  reached: GraphCluster[];
}

/**
 * `traffic-reaches-all-clusters`: each public hostname that routes to the clusters has one
 * weighted Route 53 record per cluster, each with a health check on that cluster, and at most
 * `maxZeroWeightClusters` clusters drained (weight 0) at once.
 */
export const trafficReachesAllClusters: PolicySpec<TrafficReachesAllClustersConfig> = {
  name: "traffic-reaches-all-clusters",
  description:
    "Each public hostname has one health-checked weighted record per cluster, and at most one cluster drained.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    maxZeroWeightClusters: {
      type: "integer",
      minimum: 0,
      default: 1,
      description: "Most clusters a hostname may send no traffic to (weight 0) at once.",
    },
    requireHealthChecks: {
      type: "boolean",
      default: true,
      description: "Require a Route 53 health check on every weighted record.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    if (view.clusters.length === 0) return [];

    // Records that send traffic to the clusters, grouped by hosted zone and name.
    const hostnames = new Map<string, Entry[]>();
    const positions = view.positionsOf([RECORD]);
    for (let k = 0; k < positions.length; k++) {
      const node = nodes[positions[k]];
      const reached = targetsOf(view, node);
      if (reached.length === 0) continue; // not an entry point to the clusters
      const cluster = reached.length === 1 ? reached[0] : undefined;
      const name = str(node.inputs, "name");
      const zone = str(node.inputs, "zoneId");
      const key = `${typeof zone === "string" ? zone : "?"}/${typeof name === "string" ? name : node.name}`;
      const entry = { node, cluster, reached };
      const entries = hostnames.get(key);
      if (entries) entries.push(entry);
      else hostnames.set(key, [entry]);
    }

    const findings: Finding[] = [];
    for (const entries of hostnames.values()) {
      findings.push(...checkHostname(view, entries, config));
    }
    return findings;
  },
};

function checkHostname(
  view: StackView,
  entries: Entry[],
  config: TrafficReachesAllClustersConfig,
): Finding[] {
  const findings: Finding[] = [];
  const host = hostOf(entries[0].node);
  const first = entries[0].node;

  for (const e of entries) {
    if (weightOf(e.node) === undefined) {
      findings.push({
        urn: e.node.urn,
        message:
          `${label(e.node)} for ${host} is not a weighted record, so it cannot split traffic ` +
          `across the clusters or drain one of them. Use one weighted record per cluster ` +
          `(weightedRoutingPolicies, setIdentifier = the cluster's name).`,
      });
    }
    if (!e.cluster) {
      findings.push({
        urn: e.node.urn,
        message:
          `${label(e.node)} for ${host} sends traffic to clusters ${names(e.reached.map((c) => c.name))} ` +
          `through one record, so Route 53 cannot take one of them out when it fails. Use one ` +
          `weighted record per cluster, each pointing at that cluster's own load balancer.`,
      });
    }
  }

  const byCluster = new Map<string, Entry[]>();
  for (const e of entries) {
    if (!e.cluster) continue;
    const list = byCluster.get(e.cluster.urn);
    if (list) list.push(e);
    else byCluster.set(e.cluster.urn, [e]);
  }
  const missing = view.clusters.filter((c) => !byCluster.has(c.urn));
  if (missing.length > 0) {
    const served = view.clusters.filter((c) => byCluster.has(c.urn)).map((c) => c.name);
    findings.push({
      urn: first.urn,
      message:
        `${host} has weighted records for cluster(s) ${served.length ? names(served) : "(none)"} ` +
        `but none for ${names(missing.map((c) => c.name))}, so those clusters get no traffic ` +
        `and cannot absorb a failing cluster's share. Add one weighted record per missing ` +
        `cluster pointing at its load balancer, with a health check (TrafficSplit does this).`,
    });
  }
  for (const [, list] of byCluster) {
    if (list.length > 1) {
      findings.push({
        urn: list[1].node.urn,
        message:
          `${host} has ${list.length} records for cluster "${list[0].cluster?.name}" ` +
          `(${list.map((e) => label(e.node)).join(", ")}), which gives it more than its share. ` +
          `Keep exactly one weighted record per cluster.`,
      });
    }
  }

  if (config.requireHealthChecks) {
    for (const e of entries) {
      if (!e.cluster) continue;
      const check = healthCheckOf(view, e.node);
      if (check === "missing") {
        findings.push({
          urn: e.node.urn,
          message:
            `${label(e.node)} sends ${host} traffic to cluster "${e.cluster.name}" without a ` +
            `health check, so Route 53 keeps sending traffic there when that cluster fails. ` +
            `Create an aws.route53.HealthCheck on the cluster's load balancer and set healthCheckId.`,
        });
      } else if (check && check !== "external") {
        const watched = view.clusterOf(check.urn);
        if (watched && watched.urn !== e.cluster.urn) {
          findings.push({
            urn: e.node.urn,
            message:
              `${label(e.node)} sends ${host} traffic to cluster "${e.cluster.name}" but its health ` +
              `check ${label(check)} watches cluster "${watched.name}", so a failure of ` +
              `"${e.cluster.name}" goes unnoticed. Point the health check at "${e.cluster.name}"'s ` +
              `own load balancer.`,
          });
        }
      }
    }
  }

  const drained = entries.filter((e) => e.cluster && weightOf(e.node) === 0);
  if (drained.length > config.maxZeroWeightClusters) {
    findings.push({
      urn: drained[0].node.urn,
      message:
        `${host} sends no traffic (weight 0) to ${drained.length} clusters ` +
        `(${names(drained.map((e) => e.cluster?.name ?? e.node.name))}); at most ` +
        `${config.maxZeroWeightClusters} may be drained at once, or the remaining clusters carry ` +
        `more than they were sized for. Restore the weights (finish or undo the rollout) before ` +
        `draining another cluster.`,
    });
  }
  return findings;
}

/** Properties of a record that hold where it sends traffic. */
const TARGET_PROPERTIES = ["records", "aliases", "alias"];

/**
 * The clusters a record sends traffic to: those its target properties (records, aliases) depend
 * on; when the graph has no property dependencies, the clusters the record reaches at all.
 */
function targetsOf(view: StackView, n: ResourceNode): GraphCluster[] {
  let found: Set<string> | undefined; // cluster URNs
  for (const prop of TARGET_PROPERTIES) {
    const deps = n.propertyDependencies[prop];
    if (!deps) continue;
    for (const dep of deps) {
      const own = view.clusterOf(dep);
      if (own) (found ??= new Set()).add(own.urn);
      else for (const c of view.reaches(dep)) (found ??= new Set()).add(c.urn);
    }
  }
  if (found) return view.clusters.filter((c) => found.has(c.urn));
  const own = view.clusterOf(n.urn);
  return own ? [own] : view.reaches(n.urn);
}

function hostOf(n: ResourceNode): string {
  const name = str(n.inputs, "name");
  return typeof name === "string" ? `hostname "${name}"` : `the hostname of ${label(n)}`;
}

/** The record's weight; UNKNOWN_VALUE-safe: unknown weights count as set (not 0). */
function weightOf(n: ResourceNode): number | "unknown" | undefined {
  const policies = list(n.inputs, "weightedRoutingPolicies");
  if (policies === UNKNOWN_VALUE) return "unknown";
  if (!policies || policies.length === 0) return undefined;
  const weight = num(policies[0], "weight");
  if (weight === UNKNOWN_VALUE) return "unknown";
  return weight ?? 0;
}

/** The health check a record uses: the resource, "external" (an id from outside), or "missing". */
function healthCheckOf(view: StackView, n: ResourceNode): ResourceNode | "external" | "missing" {
  const id = str(n.inputs, "healthCheckId");
  if (id === undefined || id === "") return "missing";
  return (
    firstOfType(view, n.propertyDependencies.healthCheckId, HEALTH_CHECK) ??
    firstOfType(view, n.dependencies, HEALTH_CHECK) ??
    "external"
  );
}

/** The first of these resources that is of `type`. */
function firstOfType(
  view: StackView,
  urns: readonly string[] | undefined,
  type: string,
): ResourceNode | undefined {
  for (const urn of urns ?? []) {
    const dep = view.byUrn.get(urn);
    if (dep?.type === type) return dep;
  }
  return undefined;
}
