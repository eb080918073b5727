import { createHash } from "node:crypto";
import { canonicalJson } from "../../config/clusters";
import type { ResourceNode } from "../../graph/resourceGraph";

/**
 * One line per registered resource: its URN and a hash of everything the engine would compare
 * on an update (kind, parent, provider, dependencies, property dependencies, inputs). Two
 * evaluations with the same lines register the same resources with the same inputs: an update
 * between them changes nothing.
 */
export function graphDigest(resources: readonly ResourceNode[]): string[] {
  return resources.map((r) => {
    const compared = {
      custom: r.custom,
      remote: r.remote ?? false,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      dependencies: [...r.dependencies].sort(),
      propertyDependencies: Object.fromEntries(
        Object.entries(r.propertyDependencies).map(([k, v]) => [k, [...v].sort()]),
      ),
      inputs: r.inputs,
    };
    const hash = createHash("sha256").update(canonicalJson(compared)).digest("hex").slice(0, 16);
    return `${hash} ${r.urn}`;
  });
}
