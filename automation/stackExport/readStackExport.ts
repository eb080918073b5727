import { constants } from "node:buffer";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import type { ResourceNode } from "../../graph/resourceGraph";
import { checkInputFile, readCapped, sizeText } from "../inputFile";
import { UsageError } from "../exitCodes";

/** The largest state aa reads, as a file or decompressed: twice the 1 GB exports it is tested on. */
export const STATE_MAX_BYTES = 2 * 1024 ** 3;
import { parseLargeJson } from "./largeJson";
import { ACCEPTED_FORMS, fromStackExport, type ExportedStack } from "./stackExport";

/**
 * Reads a Pulumi state file, or standard input for "-", and converts it (`onNode` as for
 * {@link fromStackExport}): a `pulumi stack export` or a DIY-backend checkpoint, plain or
 * gzip-compressed (told by its first bytes, not its name, so also on standard input). Any problem
 * (missing file, not JSON, wrong version, malformed resource) is one error with exit code 2 (a
 * UsageError or a StackExportError).
 */
export function readStackExport(
  file: string,
  stdin: () => Buffer | string = readStdin,
  onNode?: (node: ResourceNode) => void,
): ExportedStack {
  const source = file === "-" ? "standard input" : file;
  const { doc, gzip } = readJson(file, source, stdin);
  // A malformed state file is a StackExportError: exit 2, like any other bad input.
  const exported = fromStackExport(doc, source, onNode, file === "-" ? undefined : file);
  return gzip ? { ...exported, stateFile: { ...exported.stateFile, gzip } } : exported;
}

/**
 * The parsed document, and whether it was gzipped. Apart from the conversion so that the text
 * (as large as the file) is garbage once parsed, not kept alive while the document is converted.
 */
function readJson(
  file: string,
  source: string,
  stdin: () => Buffer | string,
): { doc: unknown; gzip: boolean } {
  let bytes: Buffer | string;
  if (file !== "-") checkInputFile(file, "state file", STATE_MAX_BYTES);
  try {
    bytes = file === "-" ? stdin() : fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `state file ${file} does not exist; create it with \`pulumi stack export --file ${file}\``
        : `cannot read ${source}: ${(err as Error).message}`,
    );
  }
  const gzip = typeof bytes !== "string" && isGzip(bytes);
  const data = typeof bytes === "string" ? bytes : decompressed(bytes, source, gzip);
  return { doc: parseState(data, source), gzip };
}

/** Where the resources of each form are: the arrays a very large state file is split at. */
const RESOURCE_ARRAYS = [
  ["deployment", "resources"],
  ["checkpoint", "latest", "resources"],
];

/**
 * A state file's document. Decoded in one step and given to `JSON.parse` (for a large export
 * about twice as fast as `readFileSync(file, "utf8")` on Node 20, same result, BOM and invalid
 * bytes alike), unless it is longer than `largeAbove` bytes: a file beyond the longest string
 * V8 can hold (about 512 MiB, e.g. a 1 GB indented export) is parsed one resource at a time.
 */
export function parseState(
  data: Buffer | string,
  source: string,
  largeAbove: number = constants.MAX_STRING_LENGTH,
): unknown {
  const large = typeof data !== "string" && data.length > largeAbove;
  const text = typeof data === "string" ? data : large ? "" : data.toString();
  if (!large && text.trim() === "") {
    throw new UsageError(`${source} is empty; pass the output of \`pulumi stack export\``);
  }
  try {
    return large ? parseLargeJson(data, RESOURCE_ARRAYS) : JSON.parse(text);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new UsageError(`${source} is not valid JSON (${err.message}); ${ACCEPTED_FORMS}`);
  }
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when gzip; a zstd file (the other DIY compression) is refused. */
function decompressed(bytes: Buffer, source: string, gzip: boolean): Buffer {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0xfd2fb528) {
    throw new UsageError(
      `${source} is zstd-compressed (a DIY backend with PULUMI_DIY_BACKEND_ZSTD), which aa does ` +
        `not read; decompress it first (\`zstd -dc ${source === "standard input" ? "FILE" : source} | aa check --state -\`) ` +
        "or pass the output of `pulumi stack export`",
    );
  }
  if (!gzip) return bytes;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: STATE_MAX_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new UsageError(
        `${source} decompresses to more than the ${sizeText(STATE_MAX_BYTES)} aa reads; check that it is the right file`,
      );
    }
    throw new UsageError(
      `${source} starts like a gzip file but does not decompress (${(err as Error).message}); ` +
        "pass the whole file, or the output of `pulumi stack export`",
    );
  }
}

function readStdin(): Buffer {
  return readCapped(0, "standard input (--state -)", STATE_MAX_BYTES);
}
