import type { Requests } from "./model";

/** Number formatting shared by the cost report's notes and its text rendering. Pure. */

/**
 * Rounds to cents, half away from zero, the way every amount in the report is rounded. Rounds the
 * decimal digits rather than the binary value, so 1.005 is 1.01 and 71.175 is 71.18.
 */
export function cents(amount: number): number {
  const scaled = Number(`${Math.abs(amount).toPrecision(15)}e2`);
  const rounded = Number.isFinite(scaled)
    ? (Math.sign(amount) * Math.round(scaled)) / 100
    : Math.round(amount * 100) / 100;
  return rounded + 0; // never -0
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

/** "1500m CPU, 1536Mi" */
export function showRequests(req: Requests): string {
  const cpu = Math.round(req.cpuMilli * 100) / 100;
  const mem = Math.round(req.memoryMiB * 100) / 100;
  return `${cpu}m CPU, ${mem}Mi`;
}
