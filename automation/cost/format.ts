/** Number formatting shared by the cost report's notes and its text rendering. Pure. */

/** Rounds to cents, the way every amount in the report is rounded. */
export function cents(amount: number): number {
  return Math.round((amount + Math.sign(amount) * Number.EPSILON) * 100) / 100;
}

/** "$1,234.56", "-$30.32", or "1,234.56 EUR" for other currencies. */
export function money(amount: number, currency: string): string {
  const value = cents(amount);
  const digits = Math.abs(value)
    .toFixed(2)
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = value < 0 ? "-" : "";
  return currency === "USD" ? `${sign}$${digits}` : `${sign}${digits} ${currency}`;
}

/** A rate such as "$0.10/h", with as many decimals as the price has (at least two). */
export function rate(amount: number, currency: string, unit: string): string {
  const decimals = Math.max(2, (String(amount).split(".")[1] ?? "").length);
  const digits = amount.toFixed(decimals);
  return currency === "USD" ? `$${digits}/${unit}` : `${digits} ${currency}/${unit}`;
}

/** "+50%" for a fraction 0.5. */
export function percent(fraction: number): string {
  return `${fraction >= 0 ? "+" : ""}${Math.round(fraction * 100)}%`;
}
