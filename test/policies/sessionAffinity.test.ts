import * as assert from "node:assert/strict";
import { sessionAffinity } from "../../policies/sessionAffinity";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";

type Meta = { annotations?: Record<string, string> };
const spec = (n: { inputs: Record<string, unknown> }) => n.inputs.spec as Record<string, unknown>;
const meta = (n: { inputs: Record<string, unknown> }) => n.inputs.metadata as Meta;

describe("session-affinity", () => {
  it("is advisory and passes services that pin no client", () => {
    assert.equal(sessionAffinity.enforcementLevel, "advisory");
    assert.deepEqual(check(sessionAffinity, environmentGraph().nodes), []);
  });

  it("flags a Service with sessionAffinity: ClientIP, naming its cluster and what a drain does", () => {
    const { nodes, clusters } = environmentGraph();
    spec(clusters.b.service).sessionAffinity = "ClientIP";
    assertOneFinding(
      check(sessionAffinity, nodes),
      clusters.b.service.urn,
      /Service "prod-web-b" of cluster "b" pins each client to one backend \(sessionAffinity: ClientIP\)/,
      /keeps its session on this cluster's load balancer until it ends/,
      /aa rollout --drain <seconds>/,
    );
  });

  it("flags load balancer stickiness set by annotation, on a Service or an Ingress", () => {
    const { nodes, clusters } = environmentGraph();
    meta(clusters.a.service).annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
        "deregistration_delay.timeout_seconds=30,stickiness.enabled=true,stickiness.type=source_ip",
    };
    assertOneFinding(
      check(sessionAffinity, nodes),
      clusters.a.service.urn,
      /load balancer stickiness: service\.beta\.kubernetes\.io\/aws-load-balancer-target-group-attributes/,
    );
    meta(clusters.a.service).annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
        "stickiness.enabled=false",
    };
    assert.deepEqual(check(sessionAffinity, nodes), []);

    const g = new GraphBuilder();
    const ingress = g.add({
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      name: "web",
      inputs: {
        metadata: {
          annotations: {
            "alb.ingress.kubernetes.io/target-group-attributes":
              "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=60",
          },
        },
      },
    });
    assertOneFinding(
      check(sessionAffinity, g.nodes),
      ingress.urn,
      /Ingress "web" pins each client/,
    );
  });

  it("flags an aws.lb.TargetGroup with stickiness, enabled unless it says otherwise", () => {
    const g = new GraphBuilder();
    const on = g.add({
      type: "aws:lb/targetGroup:TargetGroup",
      name: "sticky",
      inputs: { port: 80, stickiness: { type: "lb_cookie" } },
    });
    g.add({
      type: "aws:lb/targetGroup:TargetGroup",
      name: "off",
      inputs: { port: 80, stickiness: { type: "lb_cookie", enabled: false } },
    });
    g.add({ type: "aws:lb/targetGroup:TargetGroup", name: "plain", inputs: { port: 80 } });
    assertOneFinding(
      check(sessionAffinity, g.nodes),
      on.urn,
      /TargetGroup "sticky" pins each client to one backend \(target group stickiness enabled\)/,
    );
  });
});
