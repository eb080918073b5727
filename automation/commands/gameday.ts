import type { Command } from "commander";
import { loadEnvironment, readDeployedFile } from "../environment";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import type { GameDayEvent } from "../gameday/events";
import { rehearseGameDay } from "../gameday/rehearse";
import { renderGameDayEvent } from "../gameday/render";
import type { Io } from "../io";
import { manPage } from "./_help";
import { seconds } from "./_options";

interface GameDayCliOptions {
  stackFile?: string;
  simulate?: boolean;
  lose?: string;
  recoverAfter: number;
  deployed?: string;
  json?: boolean;
}

/** `aa gameday <env> --simulate --lose <cluster>`: rehearse losing a cluster. */
export function registerGameday(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  const command = program
    .command("gameday")
    .summary("rehearse losing a cluster: failover, capacity, recovery (--simulate)")
    .description(
      "Rehearses losing one cluster, against a simulated environment: at +0s its health checks " +
        "fail and its share of requests fails; Route 53 takes it out of DNS after its health checks' " +
        "failure threshold and resolvers follow within the TTL; the other clusters absorb its share, " +
        "or run out (HPA maximum, room on their nodes: the numbers of the rollout's capacity check); " +
        "then it comes back, passes its checks and gets its traffic back. Prints the timeline and a " +
        "verdict. Only rehearsals: a live game day (breaking a real cluster) is not supported.",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option("--simulate", "rehearse against a simulated environment (required: the only kind)")
    .option("--lose <cluster>", "the cluster that fails at +0s")
    .option(
      "--recover-after <seconds>",
      "when the lost cluster comes back (its gates pass again)",
      atLeastOneSecond,
      600,
    )
    .option(
      "--deployed <file>",
      "start from this `pulumi stack output --json`: the weights as deployed",
    )
    .option("--json", "one JSON object per line per event");
  manPage(command, {
    examples: [
      ["aa gameday dev --simulate --lose b", "lose b: the timeline and the verdict"],
      ["aa gameday prod --simulate --lose a --recover-after 1800", "a is out for half an hour"],
      ["aa gameday prod --simulate --lose c --json", "one JSON event per line"],
      [
        "aa gameday prod --simulate --lose a --deployed outputs.json",
        "from the deployed weights (e.g. b drained by a rollout)",
      ],
    ],
    exitCodes: [
      [0, "the environment kept serving without the cluster"],
      [1, "it would not have: the timeline says which cluster and service ran out, with numbers"],
      [2, "invalid config or usage (no --simulate: only rehearsals; an unknown --lose cluster)"],
    ],
    seeAlso: ["aa rollout --simulate", "aa status", "aa cost"],
  });
  command.action(async (env: string | undefined, options: GameDayCliOptions) => {
    if (!options.simulate) {
      throw new UsageError(
        "a live game day is not supported: aa gameday only rehearses, against a simulated environment, " +
          `and never touches a real cluster; add --simulate, e.g. \`aa gameday ${env ?? "dev"} --simulate --lose ${options.lose ?? "b"}\``,
      );
    }
    const loaded = loadEnvironment(env, options.stackFile);
    const clusters = loaded.environment.config.clusters.map((c) => c.name);
    if (!options.lose) {
      throw new UsageError(
        `name the cluster to lose with --lose CLUSTER; clusters of ${loaded.environment.name} are ${clusters.join(", ")}`,
      );
    }
    const emit = (event: GameDayEvent) =>
      io.stdout((options.json ? JSON.stringify(event) : renderGameDayEvent(event)) + "\n");
    const plan = await rehearseGameDay({
      environment: loaded.environment,
      lose: options.lose,
      recoverAfterSeconds: options.recoverAfter,
      deployed: options.deployed ? readDeployedFile(options.deployed).clusters : undefined,
      emit,
    });
    done(plan.keptServing ? ExitCode.Ok : ExitCode.Violations);
  });
}

function atLeastOneSecond(value: string): number {
  const n = seconds("--recover-after")(value);
  if (n < 1) {
    throw new UsageError(
      `--recover-after ${JSON.stringify(value)}: a lost cluster comes back after at least 1 second, e.g. --recover-after 600`,
    );
  }
  return n;
}
