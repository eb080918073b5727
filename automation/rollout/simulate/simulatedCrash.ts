/**
 * A process death in a simulation (faults `crash-after-drain`, `crash-after-up`): the simulated
 * stack throws it right after an update is durable, where a killed process would have stopped.
 * Run the orchestrator with `isProcessDeath: isSimulatedCrash` so that it lets the crash through
 * untouched (no cleanup, no lock release), exactly as a killed process would leave things.
 */
export class SimulatedCrash extends Error {
  constructor(where: string) {
    super(`simulated crash ${where}`);
    this.name = "SimulatedCrash";
  }
}

/** True for a {@link SimulatedCrash}: the orchestrator's `isProcessDeath` in a simulation. */
export function isSimulatedCrash(err: unknown): err is SimulatedCrash {
  return err instanceof SimulatedCrash;
}
