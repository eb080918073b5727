/**
 * The forms of Pulumi state `aa check --state` reads, and what it does with each feature a
 * version 4 deployment may declare. Pure data and one description; the reading is in
 * stackExport.ts (the document) and readStackExport.ts (the bytes).
 */

/** `pulumi stack export` output, or a DIY backend's `.pulumi/stacks/<project>/<stack>.json`. */
export type StateFileForm = "stack-export" | "checkpoint";

/** What a state file was: reported by `aa check --state` (text and `--json`). */
export interface StateFileInfo {
  form: StateFileForm;
  /** The deployment schema version: 3, or 4 when the stack uses a newer engine feature. */
  version: 3 | 4;
  /** The features a version 4 deployment declares, as the file lists them; empty for 3. */
  features: string[];
  /** Whether the file was gzip-compressed (a DIY backend with `PULUMI_DIY_BACKEND_GZIP`). */
  gzip: boolean;
}

/**
 * Every feature a version 4 deployment may declare (pulumi/pulumi
 * `pkg/resource/stack/deployment.go`, `supportedFeatures`), and what reading it takes. None
 * changes what a resource is, what it depends on or which cluster it belongs to: each adds fields
 * that are ignored, or a value that is interpreted. A feature not listed here is one a newer
 * Pulumi CLI introduced: such a file is refused, naming it, as an older CLI refuses it.
 */
export const FEATURES: Readonly<Record<string, string>> = {
  // `refreshBeforeUpdate: true` on a resource: when the engine refreshes it. Ignored.
  refreshBeforeUpdate: "ignored (a resource refreshed before each update)",
  // Resources with `viewOf: <urn>`: a provider's view of something the viewed resource manages
  // (e.g. what a Terraform module created), stored with `custom: false` and that resource as
  // parent. Read as children of the resource they view, so they belong to its cluster.
  views: "read: a view is a child of the resource it views",
  // `resourceHooks: {type: [names]}`: programs run around a resource's operations. Ignored.
  hooks: "ignored (resource hooks)",
  // `taint: true`: the resource is replaced on the next update; it is live until then. Ignored.
  taint: "ignored (a tainted resource is live until replaced)",
  // `replaceWith: [urns]`: resources whose replacement replaces this one; not a data dependency.
  replaceWith: "ignored (replacement triggers, not dependencies)",
  // `snippetID` on resources and `snippets` in the deployment: code that registered a resource.
  "snippets-prototype": "ignored (the snippets that registered resources)",
  // `extensionRef` on resources and `extensions` in the deployment: provider parameterization.
  extensionParameterization: "ignored (provider extensions)",
  // Strings that are not valid UTF-8, stored as base64 under a signature. Decoded.
  byteString: "read: byte strings are decoded",
};

/** The features of the list that aa cannot interpret (unknown to it), in the list's order. */
export function unknownFeatures(features: readonly string[]): string[] {
  return features.filter((f) => !Object.prototype.hasOwnProperty.call(FEATURES, f));
}

/**
 * One line for the text report, e.g. "a `pulumi stack export`, deployment version 4 (features:
 * taint, refreshBeforeUpdate)" or "a DIY-backend checkpoint (gzip), deployment version 3".
 */
export function describeStateFile(info: StateFileInfo): string {
  const what = info.form === "checkpoint" ? "a DIY-backend checkpoint" : "a `pulumi stack export`";
  const features = info.features.length > 0 ? ` (features: ${info.features.join(", ")})` : "";
  return `${what}${info.gzip ? " (gzip)" : ""}, deployment version ${info.version}${features}`;
}
