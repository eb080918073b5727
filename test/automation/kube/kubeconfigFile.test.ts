import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KubeconfigError } from "../../../automation/kube/kubeconfigDoc";
import { readKubeconfigFile, writeKubeconfigFile } from "../../../automation/kube/kubeconfigFile";

describe("kubeconfig files", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-kubefile-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mode = (file: string) => fs.statSync(file).mode & 0o777;

  it("creates the file and its directory, readable by its owner only", () => {
    const file = path.join(dir, "home", ".kube", "config");
    writeKubeconfigFile(file, "apiVersion: v1\n");
    assert.equal(fs.readFileSync(file, "utf8"), "apiVersion: v1\n");
    assert.equal(mode(file), 0o600);
    assert.equal(mode(path.dirname(file)), 0o700);
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)),
      ["config"],
      "no temporary or lock file left",
    );
  });

  it("replaces a world-readable file with a 0600 one, whatever the umask", () => {
    const file = path.join(dir, "config");
    fs.writeFileSync(file, "old\n", { mode: 0o644 });
    const umask = process.umask(0);
    try {
      writeKubeconfigFile(file, "new\n");
    } finally {
      process.umask(umask);
    }
    assert.equal(fs.readFileSync(file, "utf8"), "new\n");
    assert.equal(mode(file), 0o600);
  });

  it("writes through a symlink, keeping the link", () => {
    const real = path.join(dir, "dotfiles-kubeconfig");
    const link = path.join(dir, "config");
    fs.writeFileSync(real, "old\n");
    fs.symlinkSync(real, link);
    writeKubeconfigFile(link, "new\n");
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.equal(fs.readFileSync(real, "utf8"), "new\n");
  });

  it("refuses to write while kubectl's lock file exists, and leaves the file alone", () => {
    const file = path.join(dir, "config");
    fs.writeFileSync(file, "old\n");
    fs.writeFileSync(`${file}.lock`, "");
    assert.throws(
      () => writeKubeconfigFile(file, "new\n", "~/.kube/config"),
      (e: unknown) =>
        e instanceof KubeconfigError &&
        /~\/\.kube\/config is being changed by another kubectl or aa \(.*config\.lock exists\); if none is running, delete/.test(
          e.message,
        ),
    );
    assert.equal(fs.readFileSync(file, "utf8"), "old\n");
    assert.ok(fs.existsSync(`${file}.lock`), "someone else's lock is not removed");
  });

  it("reads a missing file as undefined, and a broken one with its line", () => {
    assert.equal(readKubeconfigFile(path.join(dir, "missing")), undefined);
    const file = path.join(dir, "config");
    fs.writeFileSync(file, "clusters:\n- name: a\n  cluster: {server: x\n");
    assert.throws(
      () => readKubeconfigFile(file, "~/.kube/config"),
      /~\/\.kube\/config is not valid YAML or JSON \(line \d+: \w+\); fix it, or move it away/,
    );
    fs.writeFileSync(file, "clusters: {a: 1}\n");
    assert.throws(
      () => readKubeconfigFile(file, "f"),
      /f: "clusters" must be a list \(it is a map\)/,
    );
    fs.writeFileSync(file, "");
    assert.deepEqual(readKubeconfigFile(file)?.config, {});
  });
});
