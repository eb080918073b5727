/**
 * Makes `process.exit()` throw while a program runs, until the returned function is called: a
 * program that exits would end aa with the program's exit code (1 would read as "violations
 * found", with no report). Thrown where the program called it, the error is the program's failure.
 */
export function forbidProcessExit(): () => void {
  const exit = process.exit.bind(process);
  process.exit = (code?: string | number | null): never => {
    throw new Error(
      `the program called process.exit(${code ?? ""}); a Pulumi program ends by returning (or throwing)`,
    );
  };
  return () => {
    process.exit = exit;
  };
}
