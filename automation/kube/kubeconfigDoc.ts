import YAML from "yaml";
import { UsageError } from "../exitCodes";

/**
 * A kubeconfig as plain data (the `clientcmd/api/v1` `Config` shape). Only the fields `aa` reads
 * are typed; every other field of the file is kept as it is.
 */
export interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: NamedCluster[] | null;
  contexts?: NamedContext[] | null;
  users?: NamedUser[] | null;
  "current-context"?: string;
  [field: string]: unknown;
}

/** A kubeconfig `extensions` item: a name and any value (kubectl keeps unknown ones as they are). */
export interface NamedExtension {
  name: string;
  extension: unknown;
}

/** One item of `clusters:`. */
export interface NamedCluster {
  name: string;
  cluster: { server?: string; extensions?: NamedExtension[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** One item of `users:` (an "AuthInfo"): the credentials. */
export interface NamedUser {
  name: string;
  user: { extensions?: NamedExtension[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** One item of `contexts:`: a cluster, a user and optionally a namespace. */
export interface NamedContext {
  name: string;
  context: {
    cluster?: string;
    user?: string;
    namespace?: string;
    extensions?: NamedExtension[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** The three named lists of a kubeconfig. */
export const LISTS = ["clusters", "users", "contexts"] as const;
export type ListName = (typeof LISTS)[number];

/** What each list's items hold their value in: `clusters[].cluster`, `users[].user`, ... */
export const ITEM_FIELD = { clusters: "cluster", users: "user", contexts: "context" } as const;

/**
 * A kubeconfig that cannot be used, or a merge refused; the message names the file and field and
 * what to do, never a value. A usage error (exit 2): the file is the user's to fix.
 */
export class KubeconfigError extends UsageError {
  override readonly code: string = "AA_KUBECONFIG";
}

/**
 * Parses kubeconfig text (YAML or JSON) into plain data and checks its shape. `where` names the
 * text in messages ("~/.kube/config", "the kubeconfig of cluster b"). The YAML parser's own
 * messages quote the text around an error, which may be a token: only the line is reported.
 */
export function parseKubeconfig(text: string, where: string): KubeconfigDoc {
  return checkShape(parseYamlDocument(text, where).toJS() as unknown, where);
}

/** Parses the text as a YAML document (comments and formatting kept), failing like {@link parseKubeconfig}. */
export function parseYamlDocument(text: string, where: string): YAML.Document {
  // Only the position and the error code are used: the message quotes the text.
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    throw new KubeconfigError(
      `${where} is not valid YAML or JSON${line ? ` (line ${line}: ${error.code})` : ` (${error.code})`}`,
    );
  }
  return doc;
}

/** Checks that `value` is a kubeconfig: a map whose named lists are lists of named maps. */
export function checkShape(value: unknown, where: string): KubeconfigDoc {
  if (value === null || value === undefined) return {};
  if (!isMap(value)) {
    throw new KubeconfigError(`${where} is not a kubeconfig: its top level must be a map`);
  }
  for (const list of LISTS) {
    const items = value[list];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) {
      throw new KubeconfigError(`${where}: "${list}" must be a list (it is ${kindOf(items)})`);
    }
    items.forEach((item: unknown, i) => {
      const field = ITEM_FIELD[list];
      if (!isMap(item) || typeof item.name !== "string" || item.name === "") {
        throw new KubeconfigError(`${where}: ${list}[${i}] has no "name"; every item needs one`);
      }
      if (item[field] !== undefined && item[field] !== null && !isMap(item[field])) {
        throw new KubeconfigError(
          `${where}: ${list}[${i}] ("${item.name}").${field} must be a map (it is ${kindOf(item[field])})`,
        );
      }
    });
  }
  const current = value["current-context"];
  if (current !== undefined && current !== null && typeof current !== "string") {
    throw new KubeconfigError(`${where}: "current-context" must be a string`);
  }
  return value;
}

/** The items of one list ([] when the list is missing or null). */
export function itemsOf<L extends ListName>(
  doc: KubeconfigDoc,
  list: L,
): NonNullable<KubeconfigDoc[L]> {
  return doc[list] ?? [];
}

/**
 * YAML text of a kubeconfig in kubectl's own layout (list items not indented under their key);
 * long values (certificate data) stay on one line.
 */
export function serializeKubeconfig(doc: KubeconfigDoc | YAML.Document): string {
  return YAML.isDocument(doc)
    ? doc.toString({ lineWidth: 0, indentSeq: false })
    : YAML.stringify(doc, { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}
