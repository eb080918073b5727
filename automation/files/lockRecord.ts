// What a lock file holds and what it means: plain data and pure functions (the file itself is
// `lockFile.ts`).

/** The owner of a lock file, as it writes itself into the file (JSON). */
export interface LockRecord {
  /** The process that holds the lock. */
  pid: number;
  /** The host it runs on (`os.hostname()`): a pid means something only there. */
  host: string;
  /** The user who runs it. */
  user: string;
  /** When it took the lock, ISO time. */
  since: string;
  /** A random id of this hold: two holds of the same process differ. */
  id: string;
}

/**
 * A lock file's text as a record; undefined when it is not one (empty, cut, or written by
 * something else): such a lock cannot be judged and is never taken over.
 */
export function parseLockRecord(text: string): LockRecord | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null) return undefined;
  const r = doc as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(r.pid) &&
    (r.pid as number) > 0 &&
    typeof r.host === "string" &&
    r.host !== "" &&
    typeof r.user === "string" &&
    typeof r.since === "string" &&
    typeof r.id === "string" &&
    r.id !== "";
  return ok
    ? {
        pid: r.pid as number,
        host: r.host as string,
        user: r.user as string,
        since: r.since as string,
        id: r.id as string,
      }
    : undefined;
}

/** The holder as messages name it: "alice@build-7, pid 4242, since 2025-06-01T10:00:00.000Z". */
export function describeHolder(record: LockRecord): string {
  return `${record.user}@${record.host}, pid ${record.pid}, since ${record.since}`;
}

/**
 * Whether a lock's holder still runs: `live` (on this host, its process runs), `stale` (on this
 * host, its process is gone: it was killed, so the lock may be taken over), or `foreign` (another
 * host, where its pid cannot be checked from here).
 */
export type HolderState = "live" | "stale" | "foreign";

/** Judges a lock's holder from here: this host's name and a check of a pid on it. */
export function judgeHolder(
  record: LockRecord,
  here: { host: string; isRunning: (pid: number) => boolean },
): HolderState {
  if (record.host !== here.host) return "foreign";
  return here.isRunning(record.pid) ? "live" : "stale";
}
