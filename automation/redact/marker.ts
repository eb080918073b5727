/**
 * What every output of `aa` shows where a secret was: a redacted credential in an error, an
 * event, a gate's detail or kubectl's output, a Pulumi secret in a stack export or in the
 * program's recorded inputs, a `Secret` printed by accident. It is the text `pulumi stack output`
 * and the engine's own event stream print for a secret, so one secret reads the same whichever
 * tool showed it; the JSON outputs document it (`"kubeconfigs": "[secret]"`).
 *
 * A file of its own, with no imports, so that readers of plain data (`aa check --state`) can use
 * it without loading the redactor's YAML parser.
 */
export const SECRET_MARKER = "[secret]";
