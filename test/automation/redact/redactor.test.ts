import * as assert from "node:assert/strict";
import {
  MIN_SECRET_LENGTH,
  Redactor,
  SECRET_FIELDS,
  SECRET_MARKER,
} from "../../../automation/redact/redactor";
import { accessFixture, fixtureCa, fixtureToken } from "../kube/_kubeconfigFixtures";
import { clusterUrns, kubeconfigFixture } from "../automationApi/_stackFixtures";

const TOKEN = "tok-aa-test-0d1e2f3a4b5c6d7e8f90";

/** A kubeconfig (YAML) with a static token, as a user or a test server would write it. */
function yamlKubeconfig(user = `    token: ${TOKEN}`): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: test",
    "  cluster:",
    "    server: https://127.0.0.1:6443",
    "users:",
    "- name: test",
    "  user:",
    user,
    "contexts:",
    "- name: test",
    "  context:",
    "    cluster: test",
    "    user: test",
    "current-context: test",
    "",
  ].join("\n");
}

function remembering(...secrets: string[]): Redactor {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.remember(secret);
  return redactor;
}

describe("Redactor", () => {
  it("leaves ordinary messages and URNs alone", () => {
    const urn = clusterUrns("prod", "b").nodes;
    const text = `error: update failed: ${urn}: NodeGroup dev-b-nodes is DEGRADED (exit 255)`;
    assert.equal(remembering(yamlKubeconfig()).redact(text), text);
  });

  it("marks every cut with the one marker, the one `pulumi stack output` prints", () => {
    assert.equal(SECRET_MARKER, "[secret]");
    assert.equal(remembering(TOKEN).redact(`got ${TOKEN}`), "got [secret]");
  });

  describe("remembered secrets", () => {
    it("cuts a kubeconfig's token wherever it appears, bare or after Bearer", () => {
      assert.equal(
        remembering(yamlKubeconfig()).redact(`got ${TOKEN} and Bearer ${TOKEN}`),
        "got [secret] and Bearer [secret]",
      );
    });

    it("cuts the kubeconfig whole, without cutting its ordinary lines elsewhere", () => {
      const kubeconfig = yamlKubeconfig();
      const redactor = remembering(kubeconfig);
      assert.equal(redactor.redact(`read:\n${kubeconfig}done`), "read:\n[secret]\ndone");
      assert.equal(redactor.redact("kind: Config; cluster: test"), "kind: Config; cluster: test");
    });

    it("cuts client keys, passwords and exec plugin environment values", () => {
      const kubeconfig = JSON.stringify({
        users: [
          {
            name: "u",
            user: {
              "client-key-data": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t",
              password: "hunter2-long",
              exec: { command: "aws", env: [{ name: "AWS_SECRET", value: "s3cr3t-value" }] },
            },
          },
        ],
      });
      assert.equal(
        remembering(kubeconfig).redact(
          "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t hunter2-long s3cr3t-value aws AWS_SECRET",
        ),
        "[secret] [secret] [secret] aws AWS_SECRET",
      );
    });

    it("cuts every credential of the clusters' kubeconfig entries, not an exec plugin's arguments", () => {
      const redactor = new Redactor();
      for (const a of accessFixture("dev", ["a", "b"])) {
        redactor.rememberFields(a.userEntry);
        redactor.rememberFields(a.clusterEntry);
      }
      const text = `token ${fixtureToken("dev", "b")} ca ${fixtureCa("a")} server https://A0123.gr7.us-east-1.eks.amazonaws.com`;
      assert.equal(
        redactor.redact(text),
        "token [secret] ca [secret] server https://A0123.gr7.us-east-1.eks.amazonaws.com",
      );
      const exec = new Redactor({ shapes: false });
      for (const a of accessFixture("dev", ["a"], "exec")) exec.rememberFields(a.userEntry);
      const args = "aws eks get-token --cluster-name dev-a-eks-0a1b2c3 --output json";
      assert.equal(exec.redact(args), args);
    });

    it("knows every secret field, in any letter case and at any depth", () => {
      for (const field of SECRET_FIELDS) {
        const value = `value-of-${field}-0123`;
        const doc = { outer: [{ inner: { [field.toUpperCase()]: value } }] };
        const redactor = remembering(JSON.stringify(doc));
        assert.equal(redactor.redact(`x ${value} y`), "x [secret] y", field);
      }
    });

    it("still finds the secret fields of a kubeconfig that does not parse", () => {
      const redactor = remembering(`users:\n  token: ${TOKEN}\n  : : [`);
      assert.equal(redactor.redact(`x ${TOKEN}`), "x [secret]");
    });

    it("cuts a plain multi-line secret line by line, as it may be echoed in part", () => {
      const redactor = remembering("first-line-of-it\nsecond-line-of-it\n");
      assert.equal(redactor.redact("got second-line-of-it"), "got [secret]");
    });

    it("cuts an Authorization header with and without its scheme, and in plain data", () => {
      const redactor = remembering("Bearer k8s-aws-v1.aHR0cHM6Ly9zdHM");
      assert.deepEqual(redactor.data({ a: ["k8s-aws-v1.aHR0cHM6Ly9zdHM"], b: 1, c: null }), {
        a: ["[secret]"],
        b: 1,
        c: null,
      });
    });

    it("walks data nested 100,000 levels deep without recursion, remembering and cutting", () => {
      let doc: unknown = { users: [{ user: { token: TOKEN } }] };
      for (let i = 0; i < 100_000; i++) doc = { nested: doc };
      const redactor = new Redactor({ shapes: false });
      redactor.rememberFields(doc);
      assert.equal(redactor.redact(`got ${TOKEN}`), "got [secret]");
      let copy = redactor.data(doc) as { nested?: unknown; users?: { user: { token: string } }[] };
      for (let i = 0; i < 100_000; i++) copy = copy.nested as typeof copy;
      assert.deepEqual(copy, { users: [{ user: { token: "[secret]" } }] });
      const own = redactor.data(JSON.parse('{"__proto__": {"x": 1}}') as object);
      assert.deepEqual(Object.keys(own), ["__proto__"], "an own property, not the prototype");
    });

    it("cuts the longest secret first, so one inside another never splits it", () => {
      const redactor = remembering("abcdefgh", "abcdefgh-ijklmnop");
      assert.equal(redactor.redact("abcdefgh-ijklmnop"), "[secret]");
    });
  });

  describe("credential shapes", () => {
    it("cuts a kubeconfig's token and certificate data it was never told about, also in escaped JSON", () => {
      const kubeconfig = kubeconfigFixture("a");
      const out = new Redactor().redact(
        `plain ${kubeconfig}\nescaped ${JSON.stringify(kubeconfig)}`,
      );
      assert.doesNotMatch(out, /SECRET-TOKEN-OF-a/);
      assert.doesNotMatch(out, /LS0tLS1CRUdJTi/);
      assert.match(out, /https:\/\/a\.eks\.example/);
    });

    it("cuts PEM blocks, bearer tokens, Pulumi and AWS access keys and field values", () => {
      const out = new Redactor().redact(
        [
          "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
          "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig",
          "PULUMI_ACCESS_TOKEN=pul-0123456789abcdef0123456789abcdef01234567",
          "aws key AKIAIOSFODNN7EXAMPLE",
          "password: hunter2hunter2",
          'aws_session_token = "FwoGZXIvYXdzEBYaDH"',
        ].join("\n"),
      );
      for (const secret of ["MIIEpAIB", "eyJhbGci", "pul-0123", "AKIAIOSF", "hunter2", "FwoGZX"]) {
        assert.doesNotMatch(out, new RegExp(secret));
      }
    });

    it("leaves the user's own data alone when turned off, and still cuts what it was told", () => {
      const digest = `nginx@sha256:${"0123456789abcdef".repeat(4)}`;
      const redactor = new Redactor({ shapes: false });
      redactor.remember(TOKEN);
      assert.equal(
        redactor.redact(`image ${digest} password: hunter2hunter2 ${TOKEN}`),
        `image ${digest} password: hunter2hunter2 [secret]`,
      );
    });
  });

  describe(`one length rule: at least ${MIN_SECRET_LENGTH} characters`, () => {
    const short = "a".repeat(MIN_SECRET_LENGTH - 1);
    const long = "b".repeat(MIN_SECRET_LENGTH);

    it("cuts a remembered value of the minimum length", () => {
      assert.equal(remembering(long).redact(`x ${long}`), "x [secret]");
    });

    it("leaves a shorter remembered value alone, so ordinary words survive", () => {
      const redactor = remembering(short, "token: abc", "default");
      assert.equal(redactor.redact(`${short} abc default`), `${short} abc default`);
    });

    it("applies the same minimum to field values and bearer credentials found by shape", () => {
      const redactor = new Redactor();
      assert.equal(
        redactor.redact(`token: ${short} Bearer ${short}`),
        `token: ${short} Bearer ${short}`,
      );
      assert.equal(
        redactor.redact(`token: ${long} Bearer ${long}`),
        "token: [secret] Bearer [secret]",
      );
    });
  });
});
