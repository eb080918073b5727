import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { aa, hasStackTrace, ROOT } from "../../_cli";

/**
 * A scratch Pulumi project inside the repository (so the programs' `@pulumi/*` resolve to the
 * packages aa uses), with a stack file and one program file per entry of `programs`.
 */
function scratchProject(programs: Record<string, string>): string {
  fs.mkdirSync(path.join(ROOT, ".aa-scratch"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, ".aa-scratch", "failing-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: acme\nruntime: nodejs\n");
  fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), "config:\n  aws:region: us-east-1\n");
  for (const [file, text] of Object.entries(programs)) {
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const BUCKET = 'const aws = require("@pulumi/aws");\nnew aws.s3.Bucket("logs");\n';

/** Programs that fail each way a program can, with the line `aa check` must print for each. */
const FAILING: { file: string; program: string; line: string; before?: string }[] = [
  {
    file: "sync.js",
    program: `${BUCKET}throw new Error("no VPC configured");\n`,
    line: "program sync.js failed: no VPC configured (at sync.js:3:7)",
  },
  {
    file: "rejects.js",
    program: `${BUCKET}module.exports = async () => {\n  await null;\n  throw new RangeError("3 clusters wanted, 2 zones");\n};\n`,
    line: "program rejects.js failed: RangeError: 3 clusters wanted, 2 zones (at rejects.js:5:9)",
  },
  {
    file: "apply.js",
    program:
      'const aws = require("@pulumi/aws");\nconst b = new aws.s3.Bucket("logs");\n' +
      'new aws.s3.Bucket("copy", {\n  tags: { of: b.arn.apply(() => { throw new Error("bad tag"); }) },\n});\n',
    line: 'program apply.js failed: error serializing property "tags": bad tag (at apply.js:4:41)',
  },
  {
    file: "applyUnused.js",
    program: `${BUCKET}require("@pulumi/pulumi").output(1).apply(() => {\n  throw new Error("unused apply");\n});\n`,
    line: "program applyUnused.js failed: unused apply (at applyUnused.js:4:9)",
  },
  {
    file: "unhandled.js",
    program: `${BUCKET}Promise.reject(new Error("nobody awaits me"));\n`,
    line: "program unhandled.js failed: nobody awaits me (at unhandled.js:3:16)",
  },
  {
    file: "timer.js",
    program: `${BUCKET}setTimeout(() => {\n  throw new Error("late");\n}, 0);\n`,
    line: "program timer.js failed: late (at timer.js:4:9)",
  },
  {
    file: "exits.js",
    program: `${BUCKET}if (!process.env.NOPE) {\n  process.exit(1);\n}\n`,
    line:
      "program exits.js failed: the program called process.exit(1); a Pulumi program ends by " +
      "returning (or throwing) (at exits.js:4:11)",
  },
  {
    file: "string.js",
    program: `${BUCKET}throw "just a string";\n`,
    line: "program string.js failed: just a string",
  },
  {
    // The shape of the report in issue 13: @pulumi/eks's own check throws a ResourceError inside
    // an apply, which carries the cluster and with it megabytes of object graph.
    file: "eks.js",
    program:
      'const eks = require("@pulumi/eks");\n' +
      'const cluster = new eks.Cluster("c", { skipDefaultSecurityGroups: true });\n' +
      'cluster.createNodeGroup("ng", { instanceType: "t3.medium" });\n',
    line:
      'program eks.js failed: error serializing property "clusterIngressRule": ' +
      "The nodeSecurityGroup and eksClusterIngressRule are required when using `createNodeGroup`. " +
      "Please create the cluster without specifying `skipDefaultNodeGroups`.",
    // What the program logged comes first, each message once.
    before:
      "aa: program eks.js: warning: NodeGroup is deprecated: NodeGroup uses AWS EC2 " +
      "LaunchConfiguration which has been deprecated by AWS and doesn't support the newest " +
      "instance types. Please use NodeGroupV2 instead.\n",
  },
];

describe("aa check --program with a program that fails", () => {
  let dir: string;
  before(() => {
    dir = scratchProject({
      ...Object.fromEntries(FAILING.map((f) => [f.file, f.program])),
      "ok.js": BUCKET,
      "logs.js":
        `${BUCKET}const pulumi = require("@pulumi/pulumi");\n` +
        'pulumi.log.info("created the bucket");\npulumi.log.warn("deprecated");\n' +
        'pulumi.log.warn("deprecated");\nconsole.log("done,\\nreally");\n',
      // Loaded into aa with --require: breaks aa's own offline answers, as a bug would.
      "breakAnswers.js":
        `const { CloudMocks } = require(${JSON.stringify(path.join(ROOT, "dist", "automation", "offline", "cloudMocks.js"))});\n` +
        'CloudMocks.prototype.newResource = () => { throw new TypeError("no answer for this"); };\n',
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const { file, line, before = "" } of FAILING) {
    it(`exits 2 with one line naming the program and its error: ${file}`, () => {
      const r = aa(["check", "--stack-file", "Pulumi.t.yaml", "--program", file, "--json"], {
        cwd: dir,
      });
      assert.equal(r.code, 2, r.stderr.slice(0, 2000));
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, `${before}aa: ${line}\n`);
    });
  }

  it("prints the program's stack trace after the line with --debug", () => {
    const r = aa(["check", "--stack-file", "Pulumi.t.yaml", "--program", "apply.js", "--debug"], {
      cwd: dir,
    });
    assert.equal(r.code, 2);
    const [first, ...trace] = r.stderr.split("\n");
    assert.equal(first, `aa: ${FAILING[2].line}`);
    assert.ok(hasStackTrace(trace.join("\n")), r.stderr);
    assert.match(trace.join("\n"), /apply\.js:4:41/);
  });

  it("keeps the program's messages and console output off stdout: a line each on stderr", () => {
    const r = aa(["check", "--stack-file", "Pulumi.t.yaml", "--program", "logs.js", "--json"], {
      cwd: dir,
    });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { environment: string }).environment, "t");
    assert.equal(
      r.stderr,
      "aa: program logs.js: info: done,\n" +
        "aa: program logs.js: info: really\n" +
        "aa: program logs.js: info: created the bucket\n" +
        "aa: program logs.js: warning: deprecated (2 times)\n",
    );
  });

  it("exits 3 when aa itself fails (an offline answer throws), with the trace only with --debug", () => {
    const env = { NODE_OPTIONS: `--require ${path.join(dir, "breakAnswers.js")}` };
    const args = ["check", "--stack-file", "Pulumi.t.yaml", "--program", "ok.js"];
    const r = aa(args, { cwd: dir, env });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /^aa: internal error: no answer for this\naa: rerun with AA_DEBUG=1 \(or `aa check --debug`\)/,
    );
    assert.ok(!hasStackTrace(r.stderr), r.stderr);

    const debug = aa([...args, "--debug"], { cwd: dir, env });
    assert.equal(debug.code, 3);
    assert.match(debug.stderr, /^aa: internal error: no answer for this\nTypeError: no answer/);
    assert.ok(hasStackTrace(debug.stderr), debug.stderr);
  });
});
