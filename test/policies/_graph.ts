import type { ResourceNode } from "../../graph/resourceGraph";

/** What a test says about one resource; the builder derives URN, edges and defaults. */
export interface NodeSpec {
  type: string;
  name: string;
  /** Defaults to true unless the type is a component ("pkg:index:Name" without a module path). */
  custom?: boolean;
  parent?: ResourceNode;
  provider?: ResourceNode;
  /** Explicit dependencies (dependsOn). */
  dependsOn?: ResourceNode[];
  /** Property dependencies: the inputs that take values from other resources. */
  uses?: Record<string, ResourceNode[]>;
  inputs?: Record<string, unknown>;
}

/**
 * Builds small resource graphs the way the engine records them: URNs with the parent's type
 * chain, dependencies that include every property dependency, registration order. One builder per
 * test; nothing is shared.
 */
export class GraphBuilder {
  readonly nodes: ResourceNode[] = [];
  readonly root: ResourceNode;

  constructor(
    readonly stack = "test",
    readonly project = "proj",
  ) {
    this.root = this.add({
      type: "pulumi:pulumi:Stack",
      name: `${project}-${stack}`,
      custom: false,
    });
  }

  add(spec: NodeSpec): ResourceNode {
    const parent = spec.parent ?? (this.nodes.length > 0 ? this.root : undefined);
    const uses = spec.uses ?? {};
    const dependencies = [
      ...new Set([
        ...(spec.dependsOn ?? []).map((d) => d.urn),
        ...Object.values(uses).flatMap((deps) => deps.map((d) => d.urn)),
      ]),
    ];
    const node: ResourceNode = {
      urn: this.urnOf(spec.type, spec.name, parent),
      type: spec.type,
      name: spec.name,
      custom: spec.custom ?? !/^[^:]+:index:[^/]+$/.test(spec.type),
      parent: parent?.urn,
      provider: spec.provider?.urn,
      dependencies,
      propertyDependencies: Object.fromEntries(
        Object.entries(uses).map(([key, deps]) => [key, deps.map((d) => d.urn)]),
      ),
      inputs: spec.inputs ?? {},
    };
    this.nodes.push(node);
    return node;
  }

  /** The node of a type and logical name; throws when there is none (a broken test). */
  find(type: string, name: string): ResourceNode {
    const node = this.nodes.find((n) => n.type === type && n.name === name);
    if (!node) throw new Error(`fixture has no ${type} named ${name}`);
    return node;
  }

  /** Removes a node (and every reference to it), as if the program never declared it. */
  remove(node: ResourceNode): void {
    const i = this.nodes.indexOf(node);
    if (i >= 0) this.nodes.splice(i, 1);
  }

  private urnOf(type: string, name: string, parent: ResourceNode | undefined): string {
    let qualified = type;
    if (parent && parent.type !== "pulumi:pulumi:Stack") {
      const parentType = parent.urn.split("::")[2];
      qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }
}
