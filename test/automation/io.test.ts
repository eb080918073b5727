import * as assert from "node:assert/strict";
import { writeJson, type Io } from "../../automation/io";

function captured(stdoutIsTTY: boolean): Io & { out: string } {
  const io = {
    out: "",
    stdout: (text: string) => void (io.out += text),
    stderr: () => undefined,
    stdoutIsTTY,
    stderrIsTTY: false,
  };
  return io;
}

describe("writeJson (every command's --json)", () => {
  const doc = { environment: "dev", clusters: [{ name: "a", resources: 3 }], violations: [] };

  it("indents the document for a person at a terminal", () => {
    const io = captured(true);
    writeJson(io, doc);
    assert.equal(io.out, JSON.stringify(doc, null, 2) + "\n");
  });

  it("writes it compact, one line, when piped or redirected", () => {
    const io = captured(false);
    writeJson(io, doc);
    assert.equal(io.out, JSON.stringify(doc) + "\n");
    assert.equal(io.out.split("\n").length, 2);
    assert.deepEqual(JSON.parse(io.out), doc);
  });
});
