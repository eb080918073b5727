// Numbers in words, shared by the plan's verdict and the terminal timeline.

/** A fraction as a percentage for people: "33%", "0.4%", "0%". */
export function percent(fraction: number): string {
  const p = fraction * 100;
  return p > 0 && p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** Names joined for a sentence: "a", "a and c", "a, b and c". */
export function names(list: readonly string[]): string {
  return list.length <= 1
    ? (list[0] ?? "")
    : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}
