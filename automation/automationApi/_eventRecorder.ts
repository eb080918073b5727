import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  foldChanges,
  toStackEvent,
  type OpCounts,
  type ResourceChange,
  type StackEvent,
} from "./events";

/**
 * Receives the engine events of one preview or update: turns each into a {@link StackEvent},
 * keeps it, passes it on, and afterwards says whether the stream was complete. A change-guard can
 * only trust "these are all the resources this preview touches" when no event went missing.
 */
export class EventRecorder {
  readonly events: StackEvent[] = [];
  private readonly sequences: number[] = [];
  /** What the caller's `onEvent` threw first (boxed: a listener may throw anything). */
  private callbackFailure: { error: unknown } | undefined;

  constructor(
    private readonly onEvent: ((event: StackEvent) => void) | undefined,
    private readonly redact: (text: string) => string,
  ) {}

  /** The callback to hand to the Automation API. Never throws (a throw would drop the event). */
  readonly receive = (raw: EngineEvent): void => {
    if (typeof raw.sequence === "number") this.sequences.push(raw.sequence);
    const event = toStackEvent(raw, this.redact);
    if (!event) return;
    this.events.push(event);
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch (err) {
      this.callbackFailure ??= { error: err };
    }
  };

  /** The error the caller's `onEvent` threw first, if any. */
  get listenerError(): unknown {
    return this.callbackFailure?.error;
  }

  /** Throws what the caller's `onEvent` threw first, as it was thrown; nothing if it never threw. */
  throwListenerError(): void {
    if (this.callbackFailure) throw this.callbackFailure.error;
  }

  /** The engine's summary, when it arrived. */
  get summary(): Extract<StackEvent, { kind: "summary" }> | undefined {
    return this.events.find(
      (e): e is Extract<StackEvent, { kind: "summary" }> => e.kind === "summary",
    );
  }

  /** Step counts per operation from the engine's summary ({} when it did not arrive). */
  counts(): OpCounts {
    return { ...(this.summary?.counts ?? {}) };
  }

  changes(): ResourceChange[] {
    return foldChanges(this.events);
  }

  /** Error diagnostics, in order: what the engine and providers said went wrong. */
  errors(): string[] {
    return this.events.flatMap((e) =>
      e.kind === "diagnostic" && e.severity === "error" && e.message ? [e.message] : [],
    );
  }

  /**
   * Why the stream cannot be trusted to be complete, or undefined when it can: the summary event
   * (always the engine's last word) must have arrived, and the CLI numbers events 0, 1, 2, ...
   * so a gap means an event was lost on the way (an unparseable line in the event log, a broken
   * event stream).
   */
  incompleteness(): string | undefined {
    if (!this.summary) {
      return `the engine's summary event never arrived (${this.events.length} event(s) received)`;
    }
    const seen = [...new Set(this.sequences)].sort((a, b) => a - b);
    const missing: number[] = [];
    for (let i = 1; i < seen.length; i++) {
      for (let s = seen[i - 1] + 1; s < seen[i] && missing.length < 5; s++) missing.push(s);
    }
    if (seen.length > 0 && seen[0] !== 0) missing.unshift(...range(0, Math.min(seen[0], 5)));
    if (missing.length) {
      return `engine event(s) ${missing.join(", ")} never arrived`;
    }
    return undefined;
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
