import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { ResourceNode } from "../../graph/resourceGraph";

/**
 * Builds the Analyzer protocol's messages from resource nodes, as the engine fills them
 * (analyzer_plugin.go: `Analyze`, `AnalyzeStack`, `marshalProvider`, `marshalResourceOptions`).
 */
export class WireBuilder {
  private readonly byUrn: Map<string, ResourceNode>;
  private readonly providers = new Map<string, analyzer.AnalyzerProviderResource>();

  constructor(
    nodes: readonly ResourceNode[],
    private readonly stack: string,
    private readonly project: string,
  ) {
    this.byUrn = new Map(nodes.map((n) => [n.urn, n]));
  }

  /** `Analyze`: one resource with its inputs. */
  analyzeRequest(n: ResourceNode): analyzer.AnalyzeRequest {
    const req = new analyzer.AnalyzeRequest();
    req.setUrn(n.urn);
    req.setType(n.type);
    req.setName(n.name);
    req.setProperties(struct(n.inputs));
    req.setOptions(this.options(n));
    const provider = this.provider(n);
    if (provider) req.setProvider(provider);
    return req;
  }

  /** `AnalyzeStack`: every resource with its outputs (inputs where no outputs are known). */
  analyzeStackRequest(nodes: readonly ResourceNode[]): analyzer.AnalyzeStackRequest {
    const req = new analyzer.AnalyzeStackRequest();
    req.setResourcesList(nodes.map((n) => this.stackResource(n)));
    return req;
  }

  private stackResource(n: ResourceNode): analyzer.AnalyzerResource {
    const r = new analyzer.AnalyzerResource();
    r.setUrn(n.urn);
    r.setType(n.type);
    r.setName(n.name);
    r.setProperties(struct(n.outputs && Object.keys(n.outputs).length > 0 ? n.outputs : n.inputs));
    r.setOptions(this.options(n));
    const provider = this.provider(n);
    if (provider) r.setProvider(provider);
    if (n.parent) r.setParent(n.parent);
    r.setDependenciesList(n.dependencies);
    const deps = r.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(n.propertyDependencies)) {
      if (urns.length === 0) continue;
      const pd = new analyzer.AnalyzerPropertyDependencies();
      pd.setUrnsList(urns);
      deps.set(key, pd);
    }
    return r;
  }

  private options(n: ResourceNode): analyzer.AnalyzerResourceOptions {
    const opts = new analyzer.AnalyzerResourceOptions();
    opts.setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
    if (n.parent) opts.setParent(n.parent);
    return opts;
  }

  /**
   * The provider of a custom resource: its explicit provider, else the default provider the
   * engine would create for its package (`pulumi:providers:<pkg>::default`).
   */
  private provider(n: ResourceNode): analyzer.AnalyzerProviderResource | undefined {
    if (!n.custom || n.type.startsWith("pulumi:providers:")) return undefined;
    const urn =
      n.provider ??
      `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${n.type.split(":")[0]}::default`;
    let provider = this.providers.get(urn);
    if (!provider) {
      const node = this.byUrn.get(urn);
      provider = new analyzer.AnalyzerProviderResource();
      provider.setUrn(urn);
      provider.setType(node?.type ?? urn.split("::")[2] ?? "");
      provider.setName(node?.name ?? urn.split("::")[3] ?? "default");
      provider.setProperties(struct(node?.inputs ?? {}));
      this.providers.set(urn, provider);
    }
    return provider;
  }
}

/** A protobuf Struct of plain data; values that JSON cannot hold (undefined) are left out. */
export function struct(value: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(jsonSafe(value) as Record<string, never>);
}

function jsonSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonSafe(v)));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}
