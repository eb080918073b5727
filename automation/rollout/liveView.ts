import type { createLogUpdate as CreateLogUpdate } from "log-update";
import type { RolloutEvent } from "./events";
import { EMPTY_STATUS, nextStatus, renderStatus, type LiveStatus } from "./liveStatus";

/** What the live view draws with: log-update's methods on a stream. */
export interface Redraw {
  /** Replaces the block last drawn with `text`. */
  (text: string): void;
  /** Writes `text` above the block, for good (the log line of an event). */
  persist(text: string): void;
  /** Leaves the block as last drawn and starts a new one below it. */
  done(): void;
}

/** A terminal stream log-update can draw on: writable, with its size if it has one. */
export interface TerminalStream {
  write(text: string): boolean;
  columns?: number;
  rows?: number;
}

/**
 * Whether a live view can be drawn on `stream`: a terminal that reports its size. (A pseudo-terminal
 * without one, as some CI runners allocate, reports 0 rows, and log-update would draw nothing.)
 */
export function canRedraw(stream: TerminalStream | undefined): stream is TerminalStream {
  return stream !== undefined && (stream.rows ?? 0) > 0 && (stream.columns ?? 0) > 0;
}

/**
 * The rollout's live view on a terminal: every event's log line (as the plain log prints it)
 * persists above a status block, one line per cluster (state, step, what it is doing, its gates,
 * time in step), redrawn in place on every event and every second between them, so a step that
 * waits for minutes shows its clock moving. `finish()` leaves the last block in the scrollback.
 */
export class LiveView {
  private status: LiveStatus = EMPTY_STATUS;
  /** Wall-clock time of the last event: the rollout's clock runs on from it between events. */
  private lastEventAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redraw: Redraw,
    private readonly width: () => number,
    private readonly now: () => number = Date.now,
    tickMs = 1000,
  ) {
    this.timer = setInterval(() => this.draw(), tickMs);
    this.timer.unref();
  }

  /** Shows `e`: its log line `line` (if any) above the block, and the block redrawn. */
  event(e: RolloutEvent, line: string | undefined): void {
    this.status = nextStatus(this.status, e);
    this.lastEventAt = this.now();
    if (line !== undefined) this.redraw.persist(line);
    this.draw();
    if (e.event === "rollout-finished") this.finish();
  }

  /** Stops redrawing and leaves the last block on the terminal. */
  finish(): void {
    clearInterval(this.timer);
    this.redraw.done();
  }

  private draw(): void {
    if (this.status.clusters.length === 0) return;
    const clockMs = this.status.elapsedMs + Math.max(0, this.now() - this.lastEventAt);
    this.redraw(
      renderStatus(this.status, this.status.result ? this.status.elapsedMs : clockMs, this.width()),
    );
  }
}

/**
 * A live view on `stream` (the terminal a rollout runs in), drawn by log-update (an ES module,
 * loaded here: only a rollout on a terminal needs it).
 */
export function terminalLiveView(stream: TerminalStream & NodeJS.WritableStream): LiveView {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createLogUpdate } = require("log-update") as { createLogUpdate: typeof CreateLogUpdate };
  const redraw = createLogUpdate(stream);
  return new LiveView(redraw, () => (stream.columns ?? 80) - 1);
}
