import type { Violation } from "./report";

/** Width messages are wrapped to in the text output. */
export const WIDTH = 100;

/**
 * The human list of policy violations: one block per violation (level, policy, cluster,
 * resource, then the message wrapped and indented), and a summary line. Pure.
 */
export function renderViolations(violations: readonly Violation[], policyCount: number): string {
  if (violations.length === 0) {
    return `policies: no violations (${policyCount} policies checked)\n`;
  }
  const count = (level: string) => violations.filter((v) => v.level === level).length;
  const mandatory = count("mandatory");
  const advisory = count("advisory");
  const lines = [
    `policies: ${mandatory} mandatory violation(s), ${advisory} advisory (${policyCount} policies checked)`,
  ];
  for (const v of violations) {
    const where = [v.cluster ? `cluster ${v.cluster}` : "environment-level", resourceOf(v.urn)];
    lines.push("");
    lines.push(
      `  ${v.level === "mandatory" ? "✗" : "!"} [${v.level}] ${v.policy} (${where.join(", ")})`,
    );
    for (const line of wrap(v.message, WIDTH - 6)) lines.push(`      ${line}`);
  }
  return lines.join("\n") + "\n";
}

/** "urn:pulumi:dev::proj::a$b:c:D::name" -> "b:c:D name". */
function resourceOf(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) return urn || "stack";
  const type = parts[2].split("$").pop() ?? parts[2];
  return `${type} ${parts.slice(3).join("::")}`;
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
