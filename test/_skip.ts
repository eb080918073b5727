/**
 * `it` for tests that need something this machine may lack (a real Prometheus, kubectl, a live
 * environment): where `runs` is false, a pending test whose title carries the reason, and the
 * reason printed when the test is registered, as the dot reporter shows no pending titles. Every
 * skipped test says why, whatever the reporter.
 */
export function itWhere(
  runs: boolean,
  what: string,
  why: string,
): (title: string, fn: () => unknown) => void {
  return (title, fn) => {
    if (runs) {
      it(title, fn as Mocha.Func);
      return;
    }
    console.log(`skipped ${what} test "${title}": ${why}`);
    it.skip(`${title} (skipped: ${why})`, fn as Mocha.Func);
  };
}
