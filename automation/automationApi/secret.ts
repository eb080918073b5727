import { inspect } from "node:util";
import { SECRET_MARKER } from "../redact/marker";

/**
 * A value that must never reach a log, a terminal or a JSON document by accident: printing,
 * string interpolation, `JSON.stringify` and `util.inspect` all show "[secret]". The value is read
 * with {@link Secret.reveal}, which makes every read of a secret visible in the code.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The secret value itself. Hand it straight to the client that needs it; never print it. */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return SECRET_MARKER;
  }

  toJSON(): string {
    return SECRET_MARKER;
  }

  [inspect.custom](): string {
    return SECRET_MARKER;
  }
}
