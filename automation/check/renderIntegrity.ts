import type { IntegrityWarning } from "../stackExport/stateIntegrity";
import { WIDTH, wrap } from "./renderViolations";

/** How many warnings the text output shows; `--json` has them all. */
const SHOWN = 10;

/**
 * The human list of a state's integrity warnings (`aa check --state`): a summary line saying the
 * audit went on, then each warning, wrapped and indented like a violation. Empty for a sound
 * state. Pure.
 */
export function renderIntegrity(warnings: readonly IntegrityWarning[]): string {
  if (warnings.length === 0) return "";
  const lines = [
    `integrity: ${warnings.length} warning(s) about the state; each says how aa read it, and ` +
      "the audit went on",
  ];
  for (const w of warnings.slice(0, SHOWN)) {
    lines.push("");
    lines.push(`  ! [integrity] ${w.kind}`);
    for (const line of wrap(w.message, WIDTH - 6)) lines.push(`      ${line}`);
  }
  if (warnings.length > SHOWN) {
    lines.push("", `  and ${warnings.length - SHOWN} more (\`--json\` lists them all)`);
  }
  return lines.join("\n") + "\n\n";
}
