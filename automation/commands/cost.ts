import type { Command } from "commander";
import { isCalendarDate } from "../../config/costs";
import { costReport } from "../cost/compute";
import { renderCostReport } from "../cost/render";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { writeJson, type Io } from "../io";
import { manPage } from "./_help";
import { loadEnvironment } from "../environment";

interface CostOptions {
  stackFile?: string;
  asOf?: string;
  json?: boolean;
}

/** `aa cost <env>`: the monthly overhead of N clusters over one, offline, for N-1, N and N+1. */
export function registerCost(program: Command, io: Io, done: (code: ExitCodeValue) => void): void {
  const command = program
    .command("cost")
    .summary("show what running N clusters costs over one, for N-1, N and N+1")
    .description(
      "Computes, offline from the validated stack config (no cloud, no credentials), the monthly " +
        "overhead of running the environment as N clusters instead of one cluster serving " +
        "everything: EKS control planes, the system pods' requests on every cluster (CoreDNS, " +
        "kube-proxy, VPC CNI, Kyverno, metrics agents), per-cluster Network Load Balancers, NAT " +
        "gateways, Route 53 health checks and KMS keys, and the drain headroom each cluster keeps " +
        "so the others can absorb a drained cluster's share. The same for N-1 and N+1 clusters " +
        "shows the trade-off. Each cluster is priced in its region (clusters[].region, else " +
        "aws:region): prices come from active-active:costs in the stack (a region's own under " +
        "costs.regions), else built-in us-east-1 list prices (docs/cost.md lists them with their " +
        "sources); the report says which region's prices each cluster got.",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option(
      "--as-of <date>",
      "price each EKS control plane at its support tier on this day, YYYY-MM-DD (default: today, UTC)",
    )
    .option("--json", "print the report as one JSON document (shape in docs/cost.md)");
  manPage(command, {
    examples: [
      ["aa cost prod", "table of N-1, N and N+1 against one cluster"],
      [
        "aa cost prod --json | jq '.layouts[] | {label, clusters, overhead}'",
        "the layouts, as JSON",
      ],
      ["aa cost dev --as-of 2026-08-01", "after Kubernetes 1.33 leaves standard support"],
      ["aa cost --stack-file ./Pulumi.qa.yaml", "a stack file anywhere"],
    ],
    exitCodes: [
      [0, "report printed"],
      [2, "invalid config, price table or usage"],
      [3, "internal error"],
    ],
    seeAlso: ["aa status", "aa check"],
  });
  command.action((env: string | undefined, options: CostOptions) => {
    const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
    if (!isCalendarDate(asOf)) {
      throw new UsageError(
        `--as-of ${JSON.stringify(asOf)} is not a date; write it as YYYY-MM-DD, e.g. --as-of 2026-07-01`,
      );
    }
    const loaded = loadEnvironment(env, options.stackFile);
    const region = loaded.file.config["aws:region"];
    const report = costReport({
      environment: loaded.environment,
      asOf,
      source: loaded.source,
      region: typeof region === "string" ? region : undefined,
    });
    if (options.json) writeJson(io, report);
    else io.stdout(renderCostReport(report, loaded.source));
    done(ExitCode.Ok);
  });
}
