import * as assert from "node:assert/strict";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { WireBuilder } from "../../../automation/policy/_wire";
import { environmentGraph } from "../../policies/_environment";

/** Properties that exercise every kind of protobuf Value. */
const PROPS = {
  text: "héllo ✓ — unicode",
  empty: "",
  number: 3.25,
  negative: -7,
  big: 2 ** 40,
  yes: true,
  no: false,
  nothing: null,
  list: [1, "two", [3], { four: 4 }, null],
  nested: { deeper: { deepest: ["x".repeat(300)] } },
  long: "y".repeat(70000),
};

describe("encoding Analyzer requests", () => {
  it("writes an AnalyzeRequest the generated protobuf classes read back unchanged", () => {
    const { nodes, clusters } = environmentGraph();
    const node = { ...clusters.b.deployment, inputs: PROPS };
    const wire = new WireBuilder(nodes, "prod", "proj");
    const req = analyzer.AnalyzeRequest.deserializeBinary(wire.analyzeRequest(node));
    assert.equal(req.getUrn(), node.urn);
    assert.equal(req.getType(), "kubernetes:apps/v1:Deployment");
    assert.equal(req.getName(), "prod-web-b");
    assert.deepEqual(req.getProperties()?.toJavaScript(), PROPS);
    assert.equal(req.getOptions()?.getParent(), node.parent);
    assert.equal(req.getProvider()?.getUrn(), clusters.b.provider.urn);
    assert.equal(req.getProvider()?.getType(), "pulumi:providers:kubernetes");
    assert.deepEqual(req.getProvider()?.getProperties()?.toJavaScript(), {
      kubeconfig: "[secret]",
    });
  });

  it("gives a custom resource without an explicit provider the engine's default provider", () => {
    const { nodes, clusters } = environmentGraph();
    const node = { ...clusters.a.namespace, provider: undefined };
    const req = analyzer.AnalyzeRequest.deserializeBinary(
      new WireBuilder(nodes, "prod", "proj").analyzeRequest(node),
    );
    assert.equal(
      req.getProvider()?.getUrn(),
      "urn:pulumi:prod::proj::pulumi:providers:kubernetes::default",
    );
    const component = analyzer.AnalyzeRequest.deserializeBinary(
      new WireBuilder(nodes, "prod", "proj").analyzeRequest(clusters.a.cell),
    );
    assert.equal(component.getProvider(), undefined, "components have no provider");
  });

  it("writes an AnalyzeStackRequest with outputs, parents, dependencies and property dependencies", () => {
    const { nodes, clusters } = environmentGraph();
    const record = clusters.c.record;
    record.outputs = { ...record.inputs, fqdn: "www.example.com" };
    const req = analyzer.AnalyzeStackRequest.deserializeBinary(
      new WireBuilder(nodes, "prod", "proj").analyzeStackRequest(nodes),
    );
    const resources = req.getResourcesList();
    assert.equal(resources.length, nodes.length);
    const r = resources.find((x) => x.getUrn() === record.urn);
    assert.ok(r);
    assert.equal(r.getParent(), record.parent);
    assert.deepEqual(r.getDependenciesList(), record.dependencies);
    assert.deepEqual(r.getProperties()?.toJavaScript(), record.outputs);
    const deps: Record<string, string[]> = {};
    r.getPropertydependenciesMap().forEach((v, k) => (deps[k] = v.getUrnsList()));
    assert.deepEqual(deps, record.propertyDependencies);
    const eks = resources.find((x) => x.getUrn() === clusters.a.eks.urn);
    assert.deepEqual(
      eks?.getProperties()?.toJavaScript(),
      clusters.a.eks.inputs,
      "inputs when no outputs",
    );
  });
});
