import type { ResourceNode } from "../../graph/resourceGraph";

/**
 * The resources exactly as the shipped pack's policies see them when they are served over gRPC:
 * what the engine puts in an `AnalyzeRequest` / `AnalyzeStackRequest` (see `WireBuilder` in
 * `_wire.ts`), as `@pulumi/policy`'s server hands it to a policy, and as `policies/_pack.ts` turns
 * it back into a {@link ResourceNode}. The in-process runner uses these so that both paths give
 * the same findings; a test runs both on the same graphs and compares.
 *
 * The round trip changes only what the policies can observe through these fields:
 *  - custom: components never carry a provider; every custom resource does (its explicit one, or
 *    the engine's default provider for its package), and provider resources count as custom;
 *  - stack resources: properties are the outputs (the inputs when no outputs are recorded);
 *    dependencies and property dependencies keep only URNs of the stack; property dependencies
 *    arrive with their keys in sorted order (a protobuf map; the order decides which way a
 *    dependency is reported, and the order of clusters in messages);
 *  - `Analyze` resources: properties are the inputs; no dependencies.
 * Property values themselves arrive unchanged (a JSON document survives the protobuf Struct
 * round trip; only the key order of objects changes, and no policy iterates property keys), so
 * they are shared, never copied. Not modelled, as no export written by the engine holds them: a
 * string with unpaired UTF-16 surrogates (the wire would carry U+FFFD) and a key "__proto__".
 */
export class AnalyzerView {
  /**
   * @param isResource whether a URN is a resource of the stack (e.g. `membership.reaches.has`,
   *   which has an entry for every resource, so no further index of a large graph is built)
   */
  constructor(
    private readonly isResource: (urn: string) => boolean,
    private readonly stack: string,
    private readonly project: string,
  ) {}

  /**
   * A resource of `AnalyzeStack`. Shares the node's values; copies only what changes.
   * `allInStack`: the caller knows every dependency and property dependency is a resource of the
   * stack (e.g. from the graph index of its membership), so none is looked up.
   */
  stackResource(n: ResourceNode, allInStack = false): ResourceNode {
    const outputs = n.outputs;
    const dependencies = allInStack ? n.dependencies : this.inStack(n.dependencies);
    // When every dependency is in the stack, property dependencies among them are too.
    const complete = dependencies === n.dependencies ? dependencies : [];
    return {
      urn: n.urn,
      type: n.type,
      name: n.name,
      custom: isCustom(n),
      parent: n.parent || undefined,
      provider: this.providerOf(n),
      dependencies,
      propertyDependencies: this.propertyDependencies(n.propertyDependencies, complete, allInStack),
      inputs: outputs && hasKeys(outputs) ? outputs : n.inputs,
    };
  }

  /** The resource of one `Analyze` call. */
  analyzeResource(n: ResourceNode): ResourceNode {
    return {
      urn: n.urn,
      type: n.type,
      name: n.name,
      custom: isCustom(n),
      parent: n.parent || undefined,
      provider: this.providerOf(n),
      dependencies: [],
      propertyDependencies: {},
      inputs: n.inputs,
    };
  }

  /** A custom resource's provider: its explicit one, else the engine's default for its package. */
  private providerOf(n: ResourceNode): string | undefined {
    if (!n.custom || isProviderType(n.type)) return undefined;
    return (
      n.provider ??
      `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${n.type.split(":")[0]}::default`
    );
  }

  /**
   * The URNs that are resources of the stack (the same array when all of them are). URNs among
   * `known`, a list already found complete, are not looked up again (property dependencies are,
   * as a rule, among the resource's dependencies).
   */
  private inStack(urns: string[], known: readonly string[] = []): string[] {
    const few = known.length <= 16;
    const present = (u: string) => (few && known.includes(u)) || this.isResource(u);
    for (let i = 0; i < urns.length; i++) {
      if (!present(urns[i])) return urns.filter(present);
    }
    return urns;
  }

  /** Keys in sorted order, URNs of the stack only (the same object when nothing changes). */
  private propertyDependencies(
    deps: Record<string, string[]>,
    complete: readonly string[],
    allInStack: boolean,
  ): Record<string, string[]> {
    let previous: string | undefined;
    let same = true;
    for (const key in deps) {
      const urns = deps[key];
      if (
        (previous !== undefined && key < previous) ||
        (!allInStack && this.inStack(urns, complete) !== urns)
      ) {
        same = false;
        break;
      }
      previous = key;
    }
    if (same) return deps;
    const out: Record<string, string[]> = {};
    for (const key of Object.keys(deps).sort()) out[key] = this.inStack(deps[key], complete);
    return out;
  }
}

function isProviderType(type: string): boolean {
  return type.startsWith("pulumi:providers:");
}

/** What `policies/_pack.ts` reads as custom: a provider came with it, or it is a provider. */
function isCustom(n: ResourceNode): boolean {
  return n.custom || isProviderType(n.type);
}

function hasKeys(obj: Record<string, unknown>): boolean {
  for (const _ in obj) return true;
  return false;
}
