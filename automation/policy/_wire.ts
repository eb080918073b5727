import type { ResourceNode } from "../../graph/resourceGraph";
import { ProtoWriter } from "./_protoEncoder";

/**
 * Encodes the Analyzer protocol's requests from resource nodes, as the engine fills them
 * (analyzer_plugin.go: `Analyze`, `AnalyzeStack`, `marshalProvider`, `marshalResourceOptions`).
 * Field numbers are those of pulumi/analyzer.proto (see `@pulumi/pulumi/proto/analyzer_pb`).
 */
export class WireBuilder {
  private readonly byUrn: Map<string, ResourceNode>;
  /** Encoded AnalyzerProviderResource bodies, one per provider. */
  private readonly providers = new Map<string, Buffer>();

  constructor(
    nodes: readonly ResourceNode[],
    private readonly stack: string,
    private readonly project: string,
  ) {
    this.byUrn = new Map(nodes.map((n) => [n.urn, n]));
  }

  /** `AnalyzeRequest`: one resource with its inputs. */
  analyzeRequest(n: ResourceNode): Buffer {
    const w = new ProtoWriter(1024);
    w.string(1, n.type);
    w.struct(2, n.inputs);
    w.string(3, n.urn);
    w.string(4, n.name);
    this.options(w, 5, n);
    this.provider(w, 6, n);
    return w.finish();
  }

  /** `AnalyzeStackRequest`: every resource with its outputs (inputs where none are recorded). */
  analyzeStackRequest(nodes: readonly ResourceNode[]): Buffer {
    const w = new ProtoWriter(1 << 20);
    for (const n of nodes) {
      // repeated AnalyzerResource resources = 1
      w.message(1, () => {
        w.string(1, n.type);
        w.struct(2, n.outputs && Object.keys(n.outputs).length > 0 ? n.outputs : n.inputs);
        w.string(3, n.urn);
        w.string(4, n.name);
        this.options(w, 5, n);
        this.provider(w, 6, n);
        w.string(7, n.parent ?? "");
        for (const dep of n.dependencies) w.string(8, dep);
        for (const key in n.propertyDependencies) {
          const urns = n.propertyDependencies[key];
          if (urns.length === 0) continue;
          // map<string, AnalyzerPropertyDependencies> propertyDependencies = 9
          w.message(9, () => {
            w.string(1, key);
            w.message(2, () => {
              for (const urn of urns) w.string(1, urn);
            });
          });
        }
      });
    }
    return w.finish();
  }

  /** AnalyzerResourceOptions: empty custom timeouts and the parent, like the engine's. */
  private options(w: ProtoWriter, field: number, n: ResourceNode): void {
    w.message(field, () => {
      w.message(7, () => undefined);
      w.string(8, n.parent ?? "");
    });
  }

  /**
   * The provider of a custom resource: its explicit provider, else the default provider the
   * engine would create for its package (`pulumi:providers:<pkg>::default`).
   */
  private provider(w: ProtoWriter, field: number, n: ResourceNode): void {
    if (!n.custom || n.type.startsWith("pulumi:providers:")) return;
    const urn =
      n.provider ??
      `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${n.type.split(":")[0]}::default`;
    let body = this.providers.get(urn);
    if (!body) {
      const node = this.byUrn.get(urn);
      const p = new ProtoWriter(256);
      p.string(1, node?.type ?? urn.split("::")[2] ?? "");
      p.struct(2, node?.inputs ?? {});
      p.string(3, urn);
      p.string(4, node?.name ?? urn.split("::")[3] ?? "default");
      body = Buffer.from(p.finish());
      this.providers.set(urn, body);
    }
    w.message(field, () => w.raw(body));
  }
}
