import { AaError, ExitCode, type ExitCodeValue } from "../errors/aaError";

export { AaError, ExitCode, type ExitCodeValue };

/** Bad input that is the user's to fix: printed as one message, exit code 2. */
export class UsageError extends AaError {
  readonly exit: ExitCodeValue = ExitCode.Usage;
  readonly code: string = "AA_USAGE";
}
