/**
 * Seeds and run counts of the property tests. The default test run uses a FIXED seed per test,
 * so CI fails only on a change that breaks a property, never on an unlucky draw. `npm run fuzz`
 * (GNP_FUZZ=1) draws a fresh seed per test and multiplies the runs; fast-check prints the seed
 * of a failure, which `<NAME>_SEED=<seed> <NAME>_RUNS=<runs> npx jest <file>` replays (add the
 * case to the test's fixed regressions once the cause is fixed).
 */

/** Runs under `npm run fuzz` per run of the default test run (GNP_FUZZ_FACTOR). */
const FUZZ_FACTOR = Number(process.env.GNP_FUZZ_FACTOR ?? 10);

export function fuzzing(): boolean {
  return process.env.GNP_FUZZ !== undefined && process.env.GNP_FUZZ !== '' && process.env.GNP_FUZZ !== '0';
}

/** `<name>_SEED` when given, else a random seed under fuzzing, else `fixed`. */
export function propertySeed(name: string, fixed: number): number {
  const given = process.env[`${name}_SEED`];
  if (given !== undefined && given !== '') return Number(given);
  if (fuzzing()) return Math.floor(Math.random() * 0x7fffffff) - 0x40000000;
  return fixed;
}

/** `<name>_RUNS` when given, else `runs` (times the fuzz factor under fuzzing). */
export function propertyRuns(name: string, runs: number): number {
  const given = process.env[`${name}_RUNS`];
  if (given !== undefined && given !== '') return Number(given);
  return fuzzing() ? runs * FUZZ_FACTOR : runs;
}
