// The floor `aa check` on a program stands on: N plain custom resources registered under
// Pulumi's mock runtime, with a monitor that records each registration.
//   node dist/bench/bareRegistration.js N
// Resources come in groups of ten: the first of a group is the parent of the other nine, and
// every resource depends on the one registered before it. The mocks record each registration
// (type, name, inputs) and answer with the inputs as outputs. Prints the time from the first
// registration to the last answer, in ms; run as a whole process by bench/checkProgram.ts.
import * as pulumi from "@pulumi/pulumi";

class Plain extends pulumi.CustomResource {
  constructor(name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super("bench:index:Plain", name, args, opts);
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2]);
  if (!Number.isInteger(count) || count < 1) throw new Error("usage: bareRegistration.js N");
  const recorded: pulumi.runtime.MockResourceArgs[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push(args);
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "bench",
    "bare",
    false,
  );
  const start = process.hrtime.bigint();
  const resources: Plain[] = [];
  let parent: Plain | undefined;
  for (let i = 0; i < count; i++) {
    const previous = resources[i - 1];
    const resource = new Plain(
      `r${i}`,
      { index: i, label: `resource ${i}`, tags: { group: String(Math.floor(i / 10)) } },
      { parent: i % 10 === 0 ? undefined : parent, dependsOn: previous ? [previous] : [] },
    );
    if (i % 10 === 0) parent = resource;
    resources.push(resource);
  }
  await new Promise<void>((resolve) =>
    pulumi.all(resources.map((r) => r.id)).apply(() => resolve()),
  );
  if (recorded.length !== count) throw new Error(`recorded ${recorded.length} of ${count}`);
  console.log(Number(process.hrtime.bigint() - start) / 1e6);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
