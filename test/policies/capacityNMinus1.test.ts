import * as assert from "node:assert/strict";
import { systemPods, systemRequests } from "../../automation/cost/systemPods";
import { resolvePrices } from "../../automation/cost/prices";
import { evaluateStack } from "../../automation/offline/evaluate";
import { findProject, PACKAGE_DIR, readEnvironmentStack } from "../../automation/project";
import { parseEnvironment } from "../../config/load";
import type { ResourceNode } from "../../graph/resourceGraph";
import { capacityNMinus1 } from "../../policies/capacityNMinus1";
import { defaultsOf } from "../../policies/policySpec";
import { environmentFixture } from "../_fixtures";
import { assertOneFinding, check, show } from "./_assert";
import { environmentGraph, type ClusterFixture } from "./_environment";

const UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421";

/** The environment with one change to every cluster (or to those named). */
function environment(
  change: (cl: ClusterFixture, name: string) => void,
  only?: string[],
): ReturnType<typeof environmentGraph> {
  const env = environmentGraph();
  for (const [name, cl] of Object.entries(env.clusters)) {
    if (!only || only.includes(name)) change(cl, name);
  }
  return env;
}

const nodeGroup = (cl: ClusterFixture) => cl.nodeGroup.inputs;
const maxSize = (n: number) => (cl: ClusterFixture) => {
  nodeGroup(cl).scalingConfig = { minSize: 1, desiredSize: 1, maxSize: n };
};
const webContainer = (cl: ClusterFixture) =>
  (
    cl.deployment.inputs.spec as {
      template: { spec: { containers: { resources: { requests: Record<string, unknown> } }[] } };
    }
  ).template.spec.containers[0];
const requests = (cpu: string, memory: string) => (cl: ClusterFixture) => {
  webContainer(cl).resources.requests = { cpu, memory };
};
const hpaMax = (n: number) => (cl: ClusterFixture) => {
  (cl.hpa.inputs.spec as Record<string, unknown>).maxReplicas = n;
};
const weight = (w: unknown) => (cl: ClusterFixture) => {
  cl.record.inputs.weightedRoutingPolicies = [{ weight: w }];
};
const both =
  (...changes: ((cl: ClusterFixture) => void)[]) =>
  (cl: ClusterFixture) => {
    for (const change of changes) change(cl);
  };

describe("capacity-n-minus-1", () => {
  it("is advisory and passes an environment whose node groups can absorb any one cluster", () => {
    assert.equal(capacityNMinus1.enforcementLevel, "advisory");
    const { nodes } = environmentGraph();
    assert.deepEqual(check(capacityNMinus1, nodes), []);
  });

  it("reports, once, that losing any one of equal clusters cannot be absorbed, with the numbers and the fix", () => {
    // 1 x m6i.large offers 1,930m; 3 web pods (750m) and the system pods (400m + 800m) need 1,950m.
    const { nodes } = environment(maxSize(1));
    const finding = assertOneFinding(
      check(capacityNMinus1, nodes),
      undefined,
      /^Losing any one of clusters "a", "b" and "c" \(weight 1 of 3 each\) cannot be absorbed/,
      /traffic grows x1\.50/,
      /each of them would need 1,950m CPU and 1,620Mi memory \(services 750m\/768Mi after scaling, system pods 1,200m\/852Mi\)/,
      /more than the 1,930m CPU and 7,518Mi memory that 1 x m6i\.large offer at maxSize: 20m CPU short/,
      /Fix: raise the node group's maxSize \(active-active:nodeGroup\.maxSize\) to 2 or more, use a larger instance type, lower replicas or requests, or add a cluster/,
      /Assumed: .*kubelet's reserve \(EKS AMI formula\).*400m\/128Mi per node and 800m\/724Mi per cluster/,
    );
    assert.doesNotMatch(finding.message, /memory short/);
  });

  it("names the lost clusters and the one that would run out when only one is small", () => {
    const env = environment(maxSize(1), ["b"]);
    const findings = check(capacityNMinus1, env.nodes);
    assert.deepEqual(
      findings.map((f) => f.urn),
      [env.clusters.a.eks.urn, env.clusters.c.eks.urn],
      show(findings),
    );
    assert.match(findings[0].message, /^Losing cluster "a" \(weight 1 of 3\) cannot be absorbed/);
    assert.match(findings[0].message, /and "b" would need 1,950m CPU/);
    assert.match(findings[1].message, /^Losing cluster "c" .* and "b" would need/);
  });

  it("reports memory that runs out", () => {
    const { nodes } = environment(both(maxSize(1), requests("100m", "3Gi")));
    assertOneFinding(
      check(capacityNMinus1, nodes),
      undefined,
      /would need 1,500m CPU and 10,068Mi memory/,
      /: 2,550Mi memory short/,
    );
  });

  it("weights decide the shares: losing the heavy cluster asks twice its share of the others", () => {
    // a carries 2 of 4: without it b and c carry twice their traffic, 4 web pods of 600m each.
    const env = environment(both(maxSize(2), requests("600m", "256Mi")));
    weight(2)(env.clusters.a);
    const findings = check(capacityNMinus1, env.nodes);
    assertOneFinding(
      findings,
      env.clusters.a.eks.urn,
      /^Losing cluster "a" \(weight 2 of 4\) cannot be absorbed: the other clusters' traffic grows x2\.00, and "b" and "c" each would need 4,000m CPU/,
      /3,860m CPU .* 2 x m6i\.large offer at maxSize: 140m CPU short/,
      /maxSize \(active-active:nodeGroup\.maxSize\) to 3 or more/,
    );
  });

  it("says which services cannot scale far enough: an HPA's maximum, or fixed replicas", () => {
    const capped = environment(hpaMax(2));
    assertOneFinding(
      check(capacityNMinus1, capped.nodes),
      undefined,
      /each of them cannot scale far enough: web needs 3 replicas but its HPA allows 2\./,
      /Fix: let the services scale that far: raise their HPA's maxReplicas \(services\[\]\.autoscaling\.maxReplicas\)/,
    );
    const fixed = environmentGraph();
    for (const cl of Object.values(fixed.clusters)) fixed.g.remove(cl.hpa);
    assertOneFinding(
      check(capacityNMinus1, fixed.nodes),
      undefined,
      /web needs 3 replicas but runs a fixed 2 \(no HPA\)/,
    );
  });

  it("finds an HPA's Deployment through its dependency when its target's name is not known yet", () => {
    const env = environment(hpaMax(2));
    for (const cl of Object.values(env.clusters)) {
      const target = (cl.hpa.inputs.spec as { scaleTargetRef: Record<string, unknown> })
        .scaleTargetRef;
      target.name = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // an unknown string
    }
    assertOneFinding(check(capacityNMinus1, env.nodes), undefined, /its HPA allows 2/);
  });

  it("leaves out a drained cluster: it carries no share and absorbs none", () => {
    const env = environment(maxSize(1), ["c"]);
    weight(0)(env.clusters.c);
    requests("800m", "256Mi")(env.clusters.c);
    assert.deepEqual(check(capacityNMinus1, env.nodes), []);
  });

  it("counts every cluster equally when no cluster has a weighted record", () => {
    const env = environment(maxSize(1));
    for (const cl of Object.values(env.clusters)) delete cl.record.inputs.weightedRoutingPolicies;
    assertOneFinding(check(capacityNMinus1, env.nodes), undefined, /weight 1 of 3 each/);
  });

  it("sizes nodes from the launch template's type, else EKS's default t3.medium, else the smallest listed", () => {
    const env = environment(maxSize(1));
    for (const cl of Object.values(env.clusters)) delete nodeGroup(cl).instanceTypes;
    assertOneFinding(check(capacityNMinus1, env.nodes), undefined, /1 x t3\.medium offer/);
    for (const cl of Object.values(env.clusters))
      cl.launchTemplate.inputs.instanceType = "m6i.xlarge";
    assert.deepEqual(check(capacityNMinus1, env.nodes), []);
    for (const cl of Object.values(env.clusters)) {
      nodeGroup(cl).instanceTypes = ["m6i.xlarge", "t3.medium"];
    }
    assertOneFinding(
      check(capacityNMinus1, env.nodes),
      undefined,
      /1 x m6i\.xlarge\|t3\.medium offer at maxSize/,
    );
  });

  it("says when an instance type is not in the table, instead of guessing its size", () => {
    const env = environment(both(maxSize(1), (cl) => (nodeGroup(cl).instanceTypes = ["x9.huge"])));
    assertOneFinding(
      check(capacityNMinus1, env.nodes),
      env.clusters.a.nodeGroup.urn,
      /is not checked for cluster\(s\) "a", "b" and "c": instance type\(s\) "x9\.huge" \(aws\.eks\.NodeGroup "prod-a-nodes" and 2 more node groups\) are not in the built-in instance table/,
      /add the type to capacity\/instanceTypes\.ts/,
    );
  });

  it("skips what is not known yet during a preview, and judges the rest", () => {
    // Only b is small: losing a or c would overload it.
    const judged = (change: (env: ReturnType<typeof environmentGraph>) => void) => {
      const env = environment(maxSize(1), ["b"]);
      change(env);
      const urns = check(capacityNMinus1, env.nodes).map((f) => f.urn);
      return urns.map((urn) =>
        Object.keys(env.clusters).find((c) => env.clusters[c].eks.urn === urn),
      );
    };
    assert.deepEqual(
      judged(() => undefined),
      ["a", "c"],
    );
    assert.deepEqual(
      judged((env) => weight(UNKNOWN_NUMBER)(env.clusters.a)),
      [],
      "every share depends on every weight",
    );
    assert.deepEqual(
      judged((env) => (nodeGroup(env.clusters.b).scalingConfig = { maxSize: UNKNOWN_NUMBER })),
      [],
    );
    assert.deepEqual(
      judged((env) => (webContainer(env.clusters.b).resources.requests.cpu = UNKNOWN_NUMBER)),
      [],
    );
    assert.deepEqual(
      judged((env) => (webContainer(env.clusters.a).resources.requests.cpu = UNKNOWN_NUMBER)),
      ["a", "c"],
      "b is still judged",
    );
    assert.deepEqual(
      judged((env) => {
        (webContainer(env.clusters.b) as unknown as Record<string, unknown>).image = UNKNOWN_NUMBER;
      }),
      ["a", "c"],
      "an image not known yet does not matter",
    );
  });

  it("judges nothing without managed node groups (Fargate, Karpenter, self-managed nodes)", () => {
    const env = environment(maxSize(1));
    for (const cl of Object.values(env.clusters)) env.g.remove(cl.nodeGroup);
    assert.deepEqual(check(capacityNMinus1, env.nodes), []);
  });

  it("takes the system pods' requests from its settings", () => {
    const small = environment(maxSize(1));
    const none = {
      systemCpuMilliPerNode: 0,
      systemMemoryMiBPerNode: 0,
      systemCpuMilliPerCluster: 0,
      systemMemoryMiBPerCluster: 0,
    };
    assert.deepEqual(check(capacityNMinus1, small.nodes, none), []);
    const { nodes } = environmentGraph();
    assertOneFinding(
      check(capacityNMinus1, nodes, { systemCpuMilliPerCluster: 6000 }),
      undefined,
      /system pods 7,600m\/1,236Mi/,
      /6,000m\/724Mi per cluster \(this policy's settings\)/,
    );
  });

  it("assumes by default the system pods aa cost assumes", () => {
    const env = parseEnvironment("test", environmentFixture(), "test stack");
    const prices = resolvePrices(undefined);
    const { perNode, perCluster } = systemRequests(systemPods(env.config, prices, "test").pods);
    assert.deepEqual(defaultsOf(capacityNMinus1), {
      systemCpuMilliPerNode: perNode.cpuMilli,
      systemMemoryMiBPerNode: perNode.memoryMiB,
      systemCpuMilliPerCluster: perCluster.cpuMilli,
      systemMemoryMiBPerCluster: perCluster.memoryMiB,
    });
  });

  describe("on the program's graph (aa check <env>)", () => {
    const project = findProject(PACKAGE_DIR);
    const graphOf = async (
      env: string,
      nodeGroupSettings: Record<string, unknown> = {},
    ): Promise<ResourceNode[]> => {
      const file = readEnvironmentStack(project, env);
      const config = { ...file.config };
      const group = config["active-active:nodeGroup"] as Record<string, unknown>;
      config["active-active:nodeGroup"] = { ...group, ...nodeGroupSettings };
      const evaluation = await evaluateStack({
        project: project.name,
        stack: env,
        config,
        source: file.path,
      });
      return evaluation.resources;
    };

    for (const env of ["dev", "staging", "prod"]) {
      it(`passes the shipped ${env} stack`, async () => {
        assert.deepEqual(check(capacityNMinus1, await graphOf(env)), []);
      });
    }

    it("reports the dev stack with one node per cluster at most", async () => {
      // web 3 x 250m + api 3 x 500m + system pods 1,200m = 3,450m on one m6i.large (1,930m).
      const nodes = await graphOf("dev", { minSize: 1, desiredSize: 1, maxSize: 1 });
      assertOneFinding(
        check(capacityNMinus1, nodes),
        undefined,
        /^Losing any one of clusters "a", "b" and "c"/,
        /each of them would need 3,450m CPU and 3,156Mi memory \(services 2,250m\/2,304Mi after scaling/,
        /1 x m6i\.large offer at maxSize: 1,520m CPU short/,
        /maxSize \(active-active:nodeGroup\.maxSize\) to 2 or more/,
      );
    });
  });
});
