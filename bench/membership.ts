// Benchmark: cluster membership alone (numbering the graph included), on two layouts.
//   npm run build && node dist/bench/membership.js [sizes, default 20000,200000] [runs, default 5]
// "cells": shaped like a deployed active-active environment, every cluster's resources in its
// cell (nothing is built on a cluster outside one: the common case).
// "flat": raw clusters without components, each created in subnets, a security group and a key
// of its own outside any cell (what it is built on), its node group, Kubernetes provider and
// Deployments; per service either a database per cluster in that cluster's subnets, or one
// database in cluster a's subnets that every cluster's Deployment uses (the shared dependency on
// one cluster of issue 13: most resources then reach a cluster they do not belong to).
// Prints the medians of the runs (after one unmeasured run): wall time, CPU time of the process
// (the garbage collector's threads included; less disturbed by a busy machine's scheduling) and
// wall time per 1,000 resources, which linear growth keeps flat.
import { clusterMembership } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";

const CLUSTERS = ["a", "b", "c"];

/** Appends resources with URNs built from type and name, in registration order. */
class Graph {
  readonly nodes: ResourceNode[] = [];
  add(
    type: string,
    name: string,
    more: { parent?: ResourceNode; provider?: ResourceNode; uses?: ResourceNode[] } = {},
  ): ResourceNode {
    const deps = (more.uses ?? []).map((d) => d.urn);
    const node: ResourceNode = {
      urn: `urn:pulumi:bench::active-active::${type}::${name}`,
      type,
      name,
      custom: !type.startsWith("active-active:") && type !== "eks:index:Cluster",
      parent: more.parent?.urn,
      provider: more.provider?.urn,
      dependencies: deps,
      propertyDependencies: deps.length ? { spec: deps } : {},
      inputs: {},
    };
    this.nodes.push(node);
    return node;
  }
}

export function cells(size: number): ResourceNode[] {
  const g = new Graph();
  const env = g.add("active-active:index:Environment", "bench");
  const providers = CLUSTERS.map((c) => {
    const cell = g.add("active-active:index:ClusterCell", c, { parent: env });
    const vpc = g.add("aws:ec2/vpc:Vpc", `${c}-vpc`, { parent: cell });
    const subnets = [0, 1, 2].map((k) =>
      g.add("aws:ec2/subnet:Subnet", `${c}-private-${k}`, { parent: cell, uses: [vpc] }),
    );
    const key = g.add("aws:kms/key:Key", `${c}-secrets`, { parent: cell });
    const eks = g.add("eks:index:Cluster", `${c}-eks`, { parent: cell, uses: [...subnets, key] });
    g.add("aws:eks/nodeGroup:NodeGroup", `${c}-nodes`, { parent: cell, uses: [eks, ...subnets] });
    return g.add("pulumi:providers:kubernetes", `${c}-k8s`, { parent: cell, uses: [eks] });
  });
  for (let s = 0; g.nodes.length < size; s++) {
    const fleet = g.add("active-active:index:ServiceFleet", `svc${s}`, { parent: env });
    CLUSTERS.forEach((c, k) => {
      const provider = providers[k];
      const deployment = g.add("kubernetes:apps/v1:Deployment", `svc${s}-${c}`, {
        parent: fleet,
        provider,
      });
      const service = g.add("kubernetes:core/v1:Service", `svc${s}-${c}`, {
        parent: fleet,
        provider,
      });
      g.add("kubernetes:policy/v1:PodDisruptionBudget", `svc${s}-${c}`, {
        parent: fleet,
        provider,
        uses: [deployment],
      });
      const check = g.add("aws:route53/healthCheck:HealthCheck", `svc${s}-${c}`, {
        uses: [service],
      });
      g.add("aws:route53/record:Record", `svc${s}-${c}`, { uses: [service, check] });
    });
  }
  return g.nodes;
}

/**
 * Raw clusters built on their own networks and keys; `shared`: per service one database in
 * cluster a's subnets that every cluster uses, else one database per cluster in its own subnets.
 */
export function flat(size: number, shared: boolean): ResourceNode[] {
  const g = new Graph();
  const aws = g.add("pulumi:providers:aws", "default");
  const built = CLUSTERS.map((c) => {
    const vpc = g.add("aws:ec2/vpc:Vpc", `${c}-vpc`, { provider: aws });
    const subnets = [0, 1, 2].map((k) =>
      g.add("aws:ec2/subnet:Subnet", `${c}-private-${k}`, { provider: aws, uses: [vpc] }),
    );
    const group = g.add("aws:ec2/securityGroup:SecurityGroup", `${c}-nodes`, {
      provider: aws,
      uses: [vpc],
    });
    const key = g.add("aws:kms/key:Key", `${c}-secrets`, { provider: aws });
    const eks = g.add("aws:eks/cluster:Cluster", c, {
      provider: aws,
      uses: [...subnets, group, key],
    });
    g.add("aws:eks/nodeGroup:NodeGroup", `${c}-nodes`, { provider: aws, uses: [eks, ...subnets] });
    const k8s = g.add("pulumi:providers:kubernetes", c, { uses: [eks] });
    return { subnets, k8s };
  });
  const database = (name: string, subnets: ResourceNode[]) => {
    const subnetGroup = g.add("aws:rds/subnetGroup:SubnetGroup", name, {
      provider: aws,
      uses: subnets,
    });
    return g.add("aws:rds/instance:Instance", name, { provider: aws, uses: [subnetGroup] });
  };
  for (let s = 0; g.nodes.length < size; s++) {
    const one = shared ? database(`svc${s}`, built[0].subnets) : undefined;
    CLUSTERS.forEach((c, k) => {
      const provider = built[k].k8s;
      const db = one ?? database(`svc${s}-${c}`, built[k].subnets);
      const deployment = g.add("kubernetes:apps/v1:Deployment", `svc${s}-${c}`, {
        provider,
        uses: [db],
      });
      g.add("kubernetes:core/v1:Service", `svc${s}-${c}`, { provider });
      g.add("kubernetes:policy/v1:PodDisruptionBudget", `svc${s}-${c}`, {
        provider,
        uses: [deployment],
      });
    });
  }
  return g.nodes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const sizes = (process.argv[2] ?? "20000,200000").split(",").map(Number);
  const runs = Number(process.argv[3] ?? 5);
  console.log(`node ${process.version}, ${runs} run(s) each, medians`);
  console.log("layout | resources | clusterMembership ms | CPU ms | ms per 1,000 resources");
  for (const [layout, make] of [
    ["cells", cells],
    ["flat, a database per cluster", (size: number) => flat(size, false)],
    ["flat, one database in a's subnets", (size: number) => flat(size, true)],
  ] as const) {
    for (const size of sizes) {
      const nodes = make(size);
      clusterMembership(nodes); // unmeasured: the same code path, optimised by V8 once
      const times: number[] = [];
      const cpu: number[] = [];
      for (let run = 0; run < runs; run++) {
        const t = process.hrtime.bigint();
        const c = process.cpuUsage();
        clusterMembership(nodes);
        const used = process.cpuUsage(c);
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        cpu.push((used.user + used.system) / 1e3);
      }
      const ms = median(times);
      console.log(
        `${layout} | ${nodes.length} | ${ms.toFixed(1)} | ${median(cpu).toFixed(1)} | ` +
          `${((ms / nodes.length) * 1000).toFixed(3)}`,
      );
    }
  }
}

// Run as a script; imported, it only lends its graphs (e.g. to time two builds side by side).
if (require.main === module) main();
