import { UsageError } from "../exitCodes";
import { typeOf, type EngineStep } from "./steps";

/**
 * Reads the steps of a preview from what the Pulumi CLI writes:
 *  - `pulumi preview --json`: one document, `{config, steps: [{op, urn, provider, oldState,
 *    newState, ...}], changeSummary, ...}` (pulumi/pulumi `pkg/display/json.go`, PreviewDigest);
 *  - an engine event log, as `pulumi preview --event-log FILE` writes it: one engine event per
 *    line, the steps in `resourcePreEvent.metadata` (`sdk/go/common/apitype/events.go`).
 * Throws {@link StepsInputError} with the fix when the text is neither, or when an event log
 * has no summary event (the preview did not finish, or the file was cut: its steps cannot be
 * all of them).
 */
export function readSteps(text: string, source: string): EngineStep[] {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new StepsInputError(`${source} is empty; ${HOW}`);
  }
  if (trimmed.startsWith("{")) {
    const whole = tryParse(trimmed);
    if (isObject(whole) && !isEngineEvent(whole)) return fromPreviewJson(whole, source);
  }
  if (trimmed.startsWith("[")) {
    const list = tryParse(trimmed);
    if (Array.isArray(list)) return fromEvents(list, source, (i) => `element ${i}`);
  }
  const lines = trimmed.split(/\r?\n/);
  const events = lines.map((line, i) => {
    if (line.trim() === "") return undefined;
    const event = tryParse(line);
    if (!isObject(event)) {
      throw new StepsInputError(
        `${source} line ${i + 1} is not JSON (${line.slice(0, 60)}${line.length > 60 ? "..." : ""}); ${HOW}`,
      );
    }
    return event;
  });
  return fromEvents(events, source, (i) => `line ${i + 1}`);
}

/** The input cannot be read as a preview's steps; the message says what to pass instead. */
export class StepsInputError extends UsageError {
  override readonly code: string = "AA_EVENTS_INVALID";
}

const HOW =
  "pass the output of `pulumi preview --json` or the file `pulumi preview --event-log FILE` writes";

function fromPreviewJson(doc: Record<string, unknown>, source: string): EngineStep[] {
  if (!("steps" in doc) && !("changeSummary" in doc) && !("config" in doc)) {
    throw new StepsInputError(
      `${source} is a JSON object but not a preview: it has no "steps", "changeSummary" or "config" (keys: ${Object.keys(doc).slice(0, 6).join(", ") || "none"}); ${HOW}`,
    );
  }
  const steps = doc.steps ?? [];
  if (!Array.isArray(steps)) {
    throw new StepsInputError(`${source}: "steps" is not a list; ${HOW}`);
  }
  const diagnostics: unknown[] = Array.isArray(doc.diagnostics) ? doc.diagnostics : [];
  const error = diagnostics.find((d) => isObject(d) && d.severity === "error");
  if (error) failed(source, str((error as Record<string, unknown>).message));
  return steps.map((raw, i) => {
    if (!isObject(raw) || typeof raw.urn !== "string" || typeof raw.op !== "string") {
      throw new StepsInputError(`${source}: steps[${i}] has no "urn" and "op"; ${HOW}`);
    }
    const oldState = isObject(raw.oldState) ? raw.oldState : undefined;
    const newState = isObject(raw.newState) ? raw.newState : undefined;
    return step(raw.urn, raw.op, newState, oldState, str(raw.provider));
  });
}

function fromEvents(
  events: readonly unknown[],
  source: string,
  where: (i: number) => string,
): EngineStep[] {
  const steps: EngineStep[] = [];
  let summary = false;
  let engineEvents = 0;
  let firstError: string | undefined;
  events.forEach((event, i) => {
    if (event === undefined) return;
    if (!isObject(event) || !isEngineEvent(event)) {
      throw new StepsInputError(`${source} ${where(i)} is not an engine event; ${HOW}`);
    }
    engineEvents++;
    const summaryEvent = event.summaryEvent;
    if (isObject(summaryEvent)) {
      summary = true;
      if (summaryEvent.result === "failed") failed(source, firstError);
    }
    const diagnostic = event.diagnosticEvent;
    if (isObject(diagnostic) && diagnostic.severity === "error" && firstError === undefined) {
      firstError = str(diagnostic.message);
    }
    const pre = event.resourcePreEvent;
    if (!isObject(pre)) return;
    const metadata = pre.metadata;
    if (
      !isObject(metadata) ||
      typeof metadata.urn !== "string" ||
      typeof metadata.op !== "string"
    ) {
      throw new StepsInputError(
        `${source} ${where(i)}: a resourcePreEvent without metadata.urn and metadata.op; ${HOW}`,
      );
    }
    const newState = isObject(metadata.new) ? metadata.new : undefined;
    const oldState = isObject(metadata.old) ? metadata.old : undefined;
    steps.push(step(metadata.urn, metadata.op, newState, oldState, str(metadata.provider)));
  });
  if (engineEvents === 0) throw new StepsInputError(`${source} holds no engine event; ${HOW}`);
  if (summary && firstError !== undefined) failed(source, firstError);
  if (!summary) {
    throw new StepsInputError(
      `${source} has no summary event: the preview did not finish or the log was cut, so its steps may not be all of them; run the preview again and pass its whole event log`,
    );
  }
  return steps;
}

/** A preview that failed cannot say what a change touches: its steps stop where it failed. */
function failed(source: string, message: string | undefined): never {
  // The CLI's colour directives (`<{%fg 1%}>`) and terminal colours are not for this message.
  const plain = message
    ?.replace(/<\{%[^%]*%\}>/g, "")
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
  const said = plain ? `: ${plain}` : "";
  throw new StepsInputError(
    `${source} is a preview that failed${said}; its steps stop where it failed, so they cannot tell which clusters the change touches. Fix the error and preview again`,
  );
}

function step(
  urn: string,
  op: string,
  newState: Record<string, unknown> | undefined,
  oldState: Record<string, unknown> | undefined,
  stepProvider: string | undefined,
): EngineStep {
  const type = str(newState?.type) || str(oldState?.type) || typeOf(urn);
  const parent = str(newState?.parent) || str(oldState?.parent);
  const provider = str(newState?.provider) || str(oldState?.provider) || stepProvider;
  return {
    urn,
    type,
    op,
    ...(parent ? { parent } : {}),
    ...(provider ? { provider } : {}),
  };
}

/** Keys of the engine event union (apitype.EngineEvent); an event has exactly one of them. */
const EVENT_KEYS = [
  "cancelEvent",
  "stdoutEvent",
  "diagnosticEvent",
  "preludeEvent",
  "summaryEvent",
  "resourcePreEvent",
  "resOutputsEvent",
  "resOpFailedEvent",
  "policyEvent",
  "policyRemediationEvent",
  "policyLoadEvent",
  "policyAnalyzeSummaryEvent",
  "policyRemediateSummaryEvent",
  "policyAnalyzeStackSummaryEvent",
  "startDebuggingEvent",
  "progressEvent",
  "errorEvent",
];

function isEngineEvent(value: Record<string, unknown>): boolean {
  return "sequence" in value || EVENT_KEYS.some((k) => k in value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
