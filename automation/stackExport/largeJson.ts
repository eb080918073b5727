/**
 * JSON documents larger than one JavaScript string can hold. V8 caps a string at 2^29 - 24
 * characters (about 512 MiB), so a 1 GB `pulumi stack export` (the CLI writes it indented) can be
 * read into a Buffer but not decoded and handed to `JSON.parse` in one piece. Such a document is
 * parsed here piece by piece from its bytes: the objects on the way to the large arrays (e.g.
 * `deployment` and then `resources`) are walked, each element of those arrays is decoded and
 * parsed on its own, and every other value is parsed whole (they are small: a manifest, a
 * secrets provider). The result is what `JSON.parse` of the whole text gives.
 *
 * Pure: bytes in, value out. Malformed JSON is a SyntaxError naming the byte offset.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** A path of object keys from the top of a document to an array, e.g. ["deployment", "resources"]. */
export type ArrayPath = readonly string[];

/**
 * Parses `bytes` (UTF-8 JSON) as `JSON.parse` would, with the arrays at `arrays` (and the objects
 * on the way to them) parsed element by element, so that no single string holds more than one
 * element of those arrays or one other value. A path that leads elsewhere (a key missing, a value
 * of another kind) is simply parsed as a whole value.
 */
export function parseLargeJson(bytes: Buffer, arrays: readonly ArrayPath[]): unknown {
  const parser = new Pieces(bytes, arrays);
  let at = skipSpace(bytes, 0);
  // A byte-order mark, which JSON.parse does not accept either: left for it to refuse.
  const [value, end] = parser.value(at, []);
  at = skipSpace(bytes, end);
  if (at !== bytes.length) throw syntax("unexpected data after the JSON value", at);
  return value;
}

class Pieces {
  constructor(
    private readonly bytes: Buffer,
    private readonly arrays: readonly ArrayPath[],
  ) {}

  /** The value starting at `at` (no space before it) and the offset just after it. */
  value(at: number, path: string[]): [unknown, number] {
    const b = this.bytes;
    if (b[at] === OPEN_BRACE && this.leadsToArray(path)) return this.object(at, path);
    if (b[at] === OPEN_BRACKET && this.isArray(path)) return this.array(at);
    const end = skipValue(b, at);
    return [this.parse(at, end), end];
  }

  private object(start: number, path: string[]): [unknown, number] {
    const b = this.bytes;
    const out: Record<string, unknown> = {};
    let at = skipSpace(b, start + 1);
    if (b[at] === CLOSE_BRACE) return [out, at + 1];
    for (;;) {
      if (b[at] !== QUOTE) throw syntax("expected a property name", at);
      const keyEnd = skipString(b, at);
      const key = this.parse(at, keyEnd) as string;
      at = skipSpace(b, keyEnd);
      if (b[at] !== COLON) throw syntax("expected ':' after a property name", at);
      at = skipSpace(b, at + 1);
      const [value, end] = this.value(at, [...path, key]);
      // As JSON.parse does: an own property, also for "__proto__"; the last of duplicates wins.
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      at = skipSpace(b, end);
      if (b[at] === COMMA) at = skipSpace(b, at + 1);
      else if (b[at] === CLOSE_BRACE) return [out, at + 1];
      else throw syntax("expected ',' or '}' in an object", at);
    }
  }

  private array(start: number): [unknown[], number] {
    const b = this.bytes;
    const out: unknown[] = [];
    let at = skipSpace(b, start + 1);
    if (b[at] === CLOSE_BRACKET) return [out, at + 1];
    for (;;) {
      const end = skipValue(b, at);
      out.push(this.parse(at, end));
      at = skipSpace(b, end);
      if (b[at] === COMMA) at = skipSpace(b, at + 1);
      else if (b[at] === CLOSE_BRACKET) return [out, at + 1];
      else throw syntax("expected ',' or ']' in an array", at);
    }
  }

  /** JSON.parse of bytes [start, end); its errors name the offset of the piece. */
  private parse(start: number, end: number): unknown {
    if (start >= end) throw syntax("expected a value", start);
    try {
      return JSON.parse(this.bytes.toString("utf8", start, end));
    } catch (err) {
      if (err instanceof SyntaxError) {
        throw syntax(`${err.message} (in the value at byte ${start})`, start);
      }
      throw err;
    }
  }

  private leadsToArray(path: readonly string[]): boolean {
    return this.arrays.some((p) => p.length > path.length && startsWith(p, path));
  }

  private isArray(path: readonly string[]): boolean {
    return this.arrays.some((p) => p.length === path.length && startsWith(p, path));
  }
}

function startsWith(path: ArrayPath, prefix: readonly string[]): boolean {
  for (let i = 0; i < prefix.length; i++) if (path[i] !== prefix[i]) return false;
  return true;
}

function syntax(what: string, at: number): SyntaxError {
  return new SyntaxError(what.includes(" at byte ") ? what : `${what} at byte ${at}`);
}

/** The first offset from `at` that is not JSON white space. */
function skipSpace(b: Uint8Array, at: number): number {
  let i = at;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/** The offset just after the string whose opening quote is at `at`. */
function skipString(b: Uint8Array, at: number): number {
  for (let i = at + 1; i < b.length; i++) {
    const c = b[i];
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  throw syntax("unterminated string", at);
}

/**
 * The offset just after the value starting at `at`: a string, an object or array (brackets
 * counted outside strings; whether they match is JSON.parse's to say when the piece is parsed),
 * or a number or literal (up to the next delimiter).
 */
function skipValue(b: Uint8Array, at: number): number {
  const first = b[at];
  if (first === QUOTE) return skipString(b, at);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = at; i < b.length; i++) {
      const c = b[i];
      if (c === QUOTE) {
        // Inline skipString: this loop runs over nearly every byte of a large document.
        for (i++; i < b.length; i++) {
          const s = b[i];
          if (s === BACKSLASH) i++;
          else if (s === QUOTE) break;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    throw syntax(`unterminated ${first === OPEN_BRACE ? "object" : "array"}`, at);
  }
  let i = at;
  for (; i < b.length; i++) {
    const c = b[i];
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break;
  }
  return i;
}
