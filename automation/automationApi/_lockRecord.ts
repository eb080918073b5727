import type { LockHolder } from "./lock";

/** The stack tag that holds an environment's rollout lock. */
export const LOCK_TAG = "aa:rollout-lock";

/** Stack tag values are limited to 256 bytes by the Pulumi backend. */
const MAX_VALUE_BYTES = 256;

/**
 * The tag value for a holder: compact JSON, `{"v":1,"id":..,"by":..,"pid":..,"since":..}`. A long
 * `user@host` is shortened (ending in "...") so that the value fits the backend's limit.
 */
export function encodeHolder(holder: LockHolder): string {
  const record = (by: string) =>
    JSON.stringify({
      v: 1,
      id: holder.id,
      by,
      pid: holder.pid,
      since: holder.since?.toISOString(),
    });
  let by = holder.by;
  while (by.length > 0 && Buffer.byteLength(record(`${by}...`)) > MAX_VALUE_BYTES) {
    by = by.slice(0, -1);
  }
  return record(by === holder.by ? by : `${by}...`);
}

/** The holder a tag value describes; a value that is not a lock record is reported as such. */
export function decodeHolder(value: string): LockHolder {
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    const since = typeof parsed.since === "string" ? new Date(parsed.since) : undefined;
    if (
      parsed &&
      parsed.v === 1 &&
      typeof parsed.id === "string" &&
      typeof parsed.by === "string" &&
      (since === undefined || !Number.isNaN(since.getTime()))
    ) {
      return {
        id: parsed.id,
        by: parsed.by,
        ...(typeof parsed.pid === "number" ? { pid: parsed.pid } : {}),
        ...(since ? { since } : {}),
      };
    }
  } catch {
    // Not JSON: reported below.
  }
  return { id: "", by: "an unknown holder", unreadable: value.slice(0, MAX_VALUE_BYTES) };
}

/** "alice@build-7 (pid 4121) since 2026-11-25T17:51:23Z (12 minutes ago)". */
export function describeHolder(holder: LockHolder, now: Date): string {
  if (holder.unreadable !== undefined) {
    return `an unknown holder (the lock tag "${LOCK_TAG}" holds ${JSON.stringify(holder.unreadable)})`;
  }
  const pid = holder.pid !== undefined ? ` (pid ${holder.pid})` : "";
  const since = holder.since
    ? ` since ${holder.since.toISOString().replace(/\.\d{3}Z$/, "Z")} (${age(holder.since, now)})`
    : "";
  return `${holder.by}${pid}${since}`;
}

function age(since: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - since.getTime()) / 1000);
  if (seconds < 0) return "in the future: check the clocks";
  if (seconds < 90) return `${seconds} seconds ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hours ago`;
  return `${Math.round(hours / 24)} days ago`;
}
