import * as assert from "node:assert/strict";
import { run } from "../../../automation/main";
import { bufferIo } from "./_kubeEnv";

describe("aa kubeconfig / aa kubectl --help", () => {
  for (const command of ["kubeconfig", "kubectl"]) {
    it(`aa ${command} --help has usage, examples and exit codes`, async () => {
      const io = bufferIo();
      assert.equal(await run([command, "--help"], io), 0);
      assert.match(io.out, /^Usage: aa /);
      assert.match(io.out, /\nExamples:\n {2}aa \S/);
      assert.match(io.out, /\nExit codes:\n {2}0 {2}\S/);
    });
  }
});
