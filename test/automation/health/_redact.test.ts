import * as assert from "node:assert/strict";
import { Redactor } from "../../../automation/health/_redact";
import { kubeconfigFor, TOKEN } from "./_fakeKube";

describe("Redactor", () => {
  it("removes the kubeconfig's token wherever it appears", () => {
    const r = new Redactor(kubeconfigFor("https://x"));
    assert.equal(
      r.text(`got ${TOKEN} and Bearer ${TOKEN}`),
      "got [redacted] and Bearer [redacted]",
    );
  });

  it("removes client keys, passwords and exec environment values", () => {
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
    const r = new Redactor(kubeconfig);
    assert.equal(
      r.text("LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t hunter2-long s3cr3t-value aws"),
      "[redacted] [redacted] [redacted] aws",
    );
  });

  it("still finds token fields in a kubeconfig that does not parse", () => {
    const r = new Redactor(`users:\n  token: ${TOKEN}\n  : : [`);
    assert.equal(r.text(`x ${TOKEN}`), "x [redacted]");
  });

  it("redacts secrets added later and every string in plain data", () => {
    const r = new Redactor("apiVersion: v1");
    r.add("Bearer k8s-aws-v1.aHR0cHM6Ly9zdHM");
    assert.deepEqual(r.data({ a: ["k8s-aws-v1.aHR0cHM6Ly9zdHM"], b: 1 }), {
      a: ["[redacted]"],
      b: 1,
    });
  });

  it("leaves short strings alone so ordinary words survive", () => {
    const r = new Redactor("token: abc");
    assert.equal(r.text("abc"), "abc");
  });
});
