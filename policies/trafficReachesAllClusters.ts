import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import { names, str } from "./_props";
import { RECORD, weightOf } from "./_records";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView, type StackView } from "./stackView";

export interface TrafficReachesAllClustersConfig {
  /** Most clusters a hostname may send no traffic to (weight 0) at once. */
  maxZeroWeightClusters: number;
  /** Require a Route 53 health check on every weighted record. */
  requireHealthChecks: boolean;
}

const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";

interface Entry {
  node: ResourceNode;
  /** The cluster the record sends traffic to; undefined when it reaches none or several. */
  cluster: GraphCluster | undefined;
  reached: GraphCluster[];
  /** The record's weight (see {@link weightOf}). */
  weight: number | "unknown" | undefined;
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
      const entry = { node, cluster, reached, weight: weightOf(node) };
      const entries = hostnames.get(key);
      if (entries) entries.push(entry);
      else hostnames.set(key, [entry]);
    }

    // Each hostname's records in the clusters' order (records of several clusters last), then by
    // URN: which record a finding names first does not depend on the graph's order.
    const rank = (e: Entry) => (e.cluster ? indexOfCluster(view.clusters, e.cluster) : -1);
    const last = view.clusters.length;
    const byCluster = (a: Entry, b: Entry) =>
      (rank(a) < 0 ? last : rank(a)) - (rank(b) < 0 ? last : rank(b)) ||
      (a.node.urn < b.node.urn ? -1 : a.node.urn > b.node.urn ? 1 : 0);
    const findings: Finding[] = [];
    for (const entries of hostnames.values()) {
      if (entries.length > 1) entries.sort(byCluster);
      checkHostname(view, entries, config, findings);
    }
    return findings;
  },
};

/** Adds the findings for one hostname's records to `findings`. */
function checkHostname(
  view: StackView,
  entries: Entry[],
  config: TrafficReachesAllClustersConfig,
  findings: Finding[],
): void {
  const first = entries[0].node;
  // Named in messages only: as a rule a hostname has none.
  let named: string | undefined;
  const host = () => (named ??= hostOf(first));

  for (const e of entries) {
    if (e.weight === undefined) {
      findings.push({
        urn: e.node.urn,
        message:
          `${label(e.node)} for ${host()} is not a weighted record, so it cannot split traffic ` +
          `across the clusters or drain one of them. Use one weighted record per cluster ` +
          `(weightedRoutingPolicies, setIdentifier = the cluster's name).`,
      });
    }
    if (!e.cluster) {
      findings.push({
        urn: e.node.urn,
        message:
          `${label(e.node)} for ${host()} sends traffic to clusters ${names(e.reached.map((c) => c.name))} ` +
          `through one record, so Route 53 cannot take one of them out when it fails. Use one ` +
          `weighted record per cluster, each pointing at that cluster's own load balancer.`,
      });
    }
  }

  // The records of each cluster, by the cluster's position in view.clusters.
  const { clusters } = view;
  const byCluster = new Array<Entry[] | undefined>(clusters.length);
  for (const e of entries) {
    if (!e.cluster) continue;
    const at = indexOfCluster(clusters, e.cluster);
    if (at < 0) continue;
    const list = byCluster[at];
    if (list) list.push(e);
    else byCluster[at] = [e];
  }
  const missing = clusters.filter((_, at) => !byCluster[at]);
  if (missing.length > 0) {
    const served = clusters.filter((_, at) => byCluster[at]).map((c) => c.name);
    findings.push({
      urn: first.urn,
      message:
        `${host()} has weighted records for cluster(s) ${served.length ? names(served) : "(none)"} ` +
        `but none for ${names(missing.map((c) => c.name))}, so those clusters get no traffic ` +
        `and cannot absorb a failing cluster's share. Add one weighted record per missing ` +
        `cluster pointing at its load balancer, with a health check (TrafficSplit does this).`,
    });
  }
  for (const list of byCluster) {
    if (list && list.length > 1) {
      findings.push({
        urn: list[1].node.urn,
        message:
          `${host()} has ${list.length} records for cluster "${list[0].cluster?.name}" ` +
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
            `${label(e.node)} sends ${host()} traffic to cluster "${e.cluster.name}" without a ` +
            `health check, so Route 53 keeps sending traffic there when that cluster fails. ` +
            `Create an aws.route53.HealthCheck on the cluster's load balancer and set healthCheckId.`,
        });
      } else if (check && check !== "external") {
        const watched = view.clusterOf(check.urn);
        if (watched && watched.urn !== e.cluster.urn) {
          findings.push({
            urn: e.node.urn,
            message:
              `${label(e.node)} sends ${host()} traffic to cluster "${e.cluster.name}" but its health ` +
              `check ${label(check)} watches cluster "${watched.name}", so a failure of ` +
              `"${e.cluster.name}" goes unnoticed. Point the health check at "${e.cluster.name}"'s ` +
              `own load balancer.`,
          });
        }
      }
    }
  }

  const drained = entries.filter((e) => e.cluster && e.weight === 0);
  if (drained.length > config.maxZeroWeightClusters) {
    findings.push({
      urn: drained[0].node.urn,
      message:
        `${host()} sends no traffic (weight 0) to ${drained.length} clusters ` +
        `(${names(drained.map((e) => e.cluster?.name ?? e.node.name))}); at most ` +
        `${config.maxZeroWeightClusters} may be drained at once, or the remaining clusters carry ` +
        `more than they were sized for. Restore the weights (finish or undo the rollout) before ` +
        `draining another cluster.`,
    });
  }
}

/** Properties of a record that hold where it sends traffic. */
const TARGET_PROPERTIES = ["records", "aliases", "alias"];

/**
 * The clusters a record sends traffic to: those its target properties (records, aliases) depend
 * on; when the graph has no property dependencies, the clusters the record reaches at all.
 */
function targetsOf(view: StackView, n: ResourceNode): GraphCluster[] {
  // As a rule one property dependency, of one cluster: kept in a small list, not a set.
  let found: GraphCluster[] | undefined;
  const add = (c: GraphCluster) => {
    if (!found) found = [c];
    else if (indexOfCluster(found, c) < 0) found.push(c);
  };
  for (let p = 0; p < TARGET_PROPERTIES.length; p++) {
    const deps = n.propertyDependencies[TARGET_PROPERTIES[p]];
    if (!deps) continue;
    for (let d = 0; d < deps.length; d++) {
      const own = view.clusterOf(deps[d]);
      if (own) add(own);
      else for (const c of view.reaches(deps[d])) add(c);
    }
  }
  if (found) {
    const reached = found;
    // In the order of view.clusters.
    return reached.length === 1
      ? reached
      : view.clusters.filter((c) => indexOfCluster(reached, c) >= 0);
  }
  const own = view.clusterOf(n.urn);
  return own ? [own] : view.reaches(n.urn);
}

/** Where a cluster is in a list of clusters (by URN), -1 when it is not. */
function indexOfCluster(clusters: readonly GraphCluster[], cluster: GraphCluster): number {
  for (let i = 0; i < clusters.length; i++) if (clusters[i].urn === cluster.urn) return i;
  return -1;
}

function hostOf(n: ResourceNode): string {
  const name = str(n.inputs, "name");
  return typeof name === "string" ? `hostname "${name}"` : `the hostname of ${label(n)}`;
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
