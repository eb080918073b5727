import YAML from "yaml";
import { LISTS } from "./kubeconfigDoc";
import type { ListEdit, MergePlan } from "./merge";

/**
 * Applies a merge plan to a parsed YAML document in place, so that everything the plan does not
 * touch keeps its comments, order, quoting and formatting: the file on disk changes only where
 * `aa` owns it. Gives the same data as {@link applyMerge} on the document's plain value.
 */
export function applyMergeToDocument(doc: YAML.Document, plan: MergePlan): void {
  if (!YAML.isMap(doc.contents)) doc.contents = doc.createNode({});
  if (!doc.has("apiVersion")) doc.set("apiVersion", "v1");
  if (!doc.has("kind")) doc.set("kind", "Config");
  for (const list of LISTS) {
    let seq = doc.get(list, true);
    if (!YAML.isSeq(seq)) {
      seq = doc.createNode([]);
      doc.set(list, seq);
    }
    editSeq(doc, seq as YAML.YAMLSeq, plan[list]);
  }
  if (plan.currentContext !== undefined) doc.set("current-context", plan.currentContext);
}

function editSeq(doc: YAML.Document, seq: YAML.YAMLSeq, edit: ListEdit<{ name: string }>): void {
  const put = new Map(edit.put.map((e) => [e.name, e]));
  const drop = new Set(edit.remove);
  const placed = new Set<string>();
  seq.items = seq.items.flatMap((item) => {
    const name = YAML.isMap(item) ? item.get("name") : undefined;
    if (typeof name !== "string") return [item];
    if (drop.has(name)) return [];
    const replacement = put.get(name);
    if (!replacement) return [item];
    if (placed.has(name)) return [];
    placed.add(name);
    return [doc.createNode(replacement, { aliasDuplicateObjects: false })];
  });
  const added = edit.put.filter((e) => !placed.has(e.name));
  if (added.length) seq.flow = false;
  for (const entry of added)
    seq.items.push(doc.createNode(entry, { aliasDuplicateObjects: false }));
}
