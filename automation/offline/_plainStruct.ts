import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** google-protobuf's own `Struct.fromJavaScript`, as loaded (before {@link withPlainStructs}). */
const buildStruct = Struct.fromJavaScript.bind(Struct);

/**
 * A value as a round trip through a protobuf `Struct` gives it back
 * (`Struct.toJavaScript(Struct.fromJavaScript(v))`), made directly: a fresh copy, every object's
 * keys in sorted order (the Struct's map iterates them sorted), and what a Struct cannot hold
 * (undefined, a function) rejected with the same error.
 */
export function structCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object": {
      if (Array.isArray(value)) {
        const array = value as unknown[];
        const copy = new Array<unknown>(array.length);
        for (let i = 0; i < array.length; i++) copy[i] = structCopy(array[i]);
        return copy;
      }
      const obj = value as Record<string, unknown>;
      const keys: string[] = [];
      // Every enumerable key, inherited ones too, as `Struct.fromJavaScript` reads them.
      for (const key in obj) keys.push(key);
      keys.sort();
      const copy: Record<string, unknown> = {};
      for (const key of keys) copy[key] = structCopy(obj[key]);
      return copy;
    }
    default:
      throw new Error("Unexpected struct type.");
  }
}

/**
 * A `Struct` that holds its fields as plain data: an answer handed to the SDK in this process,
 * which reads it with `toJavaScript` (`deserializeProperties`), needs no protobuf objects, whose
 * building and reading cost more than the rest of a registration's answer. `toJavaScript` gives
 * what the protobuf form would give (a fresh copy, keys sorted); anything else that reads the
 * fields sees the protobuf form, built on first use.
 */
export class PlainStruct extends Struct {
  private built = false;

  /** `fields` must be a value a Struct can hold (what `serializeProperties` gives). */
  constructor(private readonly fields: Record<string, unknown>) {
    super();
  }

  override toJavaScript(): Record<string, never> {
    return structCopy(this.fields) as Record<string, never>;
  }

  override getFieldsMap(): ReturnType<Struct["getFieldsMap"]> {
    const map = super.getFieldsMap();
    if (!this.built) {
      this.built = true;
      buildStruct(this.fields as never)
        .getFieldsMap()
        .forEach((value, key) => map.set(key, value));
    }
    return map;
  }
}

type FromJavaScript = typeof Struct.fromJavaScript;

/**
 * Runs `callback` with the SDK's requests built as {@link PlainStruct}s: the inputs of every
 * registration, invoke and call the SDK sends the recording monitor, which reads them in this
 * process. `Struct.fromJavaScript` is checked and copied as before (a value a Struct cannot hold
 * fails there, with the same error), without building protobuf objects. Restored after.
 */
export async function withPlainStructs<T>(callback: () => Promise<T>): Promise<T> {
  const built = Object.getOwnPropertyDescriptor(Struct, "fromJavaScript");
  if (!built) throw new Error("google-protobuf's Struct has no fromJavaScript");
  const plain = ((value: Record<string, unknown>) =>
    new PlainStruct(structCopy(value) as Record<string, unknown>)) as unknown as FromJavaScript;
  Struct.fromJavaScript = plain;
  try {
    return await callback();
  } finally {
    Object.defineProperty(Struct, "fromJavaScript", built);
  }
}
