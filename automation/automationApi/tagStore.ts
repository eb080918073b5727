/**
 * A stack's tags: small name/value pairs kept by the Pulumi backend next to the stack (Pulumi
 * Cloud; DIY backends from Pulumi CLI 3.211). Names match `[a-zA-Z0-9-_.:]{1,40}`, values are at
 * most 256 bytes. The rollout lock lives here. Production side: {@link AutomationStack.tags};
 * in-process: {@link MemoryTagStore}.
 */
export interface TagStore {
  /** Where the tags live, for messages, e.g. `stack "prod"`. */
  readonly where: string;
  /** Every tag of the stack. */
  list(): Promise<Record<string, string>>;
  /** Sets one tag. */
  set(name: string, value: string): Promise<void>;
  /** Removes one tag. */
  remove(name: string): Promise<void>;
}

/** Tags in memory: the simulator's stack, and tests of what is built on tags. */
export class MemoryTagStore implements TagStore {
  private readonly tags = new Map<string, string>();

  constructor(
    readonly where = "in-memory stack",
    initial: Record<string, string> = {},
  ) {
    for (const [name, value] of Object.entries(initial)) this.tags.set(name, value);
  }

  list(): Promise<Record<string, string>> {
    return Promise.resolve(Object.fromEntries(this.tags));
  }

  set(name: string, value: string): Promise<void> {
    this.tags.set(name, value);
    return Promise.resolve();
  }

  remove(name: string): Promise<void> {
    this.tags.delete(name);
    return Promise.resolve();
  }
}
