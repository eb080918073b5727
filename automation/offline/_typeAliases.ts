import * as pulumi from "@pulumi/pulumi";

/**
 * True for an alias that only names another type (`{ type: "kubernetes:apps/v1beta1:Deployment" }`):
 * what provider SDKs add to their resources for the API versions a type was renamed from.
 */
export function onlyRenamesType(alias: unknown): boolean {
  if (alias === null || typeof alias !== "object" || pulumi.Output.isInstance(alias)) return false;
  const keys = Object.keys(alias);
  return (
    keys.length === 1 && keys[0] === "type" && typeof (alias as { type: unknown }).type === "string"
  );
}

/**
 * A stack transformation that leaves out, for an offline run, the aliases that only rename a
 * type. @pulumi/kubernetes gives every Deployment three (`apps/v1beta1`, `apps/v1beta2`,
 * `extensions/v1beta1`), every HorizontalPodAutoscaler three, every PodDisruptionBudget one, and
 * the SDK turns each into a URN at construction (`Resource` → `collapseAliasToUrn` → `createUrn`:
 * five `Output`s, pending until the parent registers) that it never reads when the monitor takes
 * alias specs, as the recording monitor does; nothing offline records or checks aliases. At
 * 10,563 resources that was a third of the evaluation's time and memory. Such an alias cannot
 * fail to resolve (its name, parent, project and stack are the resource's own), so leaving it out
 * hides no program error. Every other alias (a URN, a name, a parent, an `Output`) is kept and
 * resolved as the SDK does. Call inside the stack (`runInPulumiStack`), before the program.
 */
export function leaveOutTypeAliases(): void {
  pulumi.runtime.registerStackTransformation(({ props, opts }) => {
    const aliases = opts.aliases;
    if (!aliases || !aliases.some(onlyRenamesType)) return undefined;
    const kept = aliases.filter((a) => !onlyRenamesType(a));
    return { props, opts: { ...opts, aliases: kept.length > 0 ? kept : undefined } };
  });
}
