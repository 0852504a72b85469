/**
 * A property run's statistics (runs, time, what the generated cases covered): printed only when
 * asked, with PROPERTY_STATS=1 (for long runs), so that passing tests stay quiet.
 */
export function logRun(text: string): void {
  if (process.env.PROPERTY_STATS) process.stdout.write(`${text}\n`);
}
