import { writeFileSync } from 'fs';
import { InputError } from '../errors';
import { FactsDocument, parseFacts } from '../facts';
import { buildModel } from '../resources';
import { TemplateInput } from '../types';
import { AccountSnapshot, snapshotToFacts, SNAPSHOT_CALLS } from './snapshot';

export { snapshotToFacts, SNAPSHOT_CALLS } from './snapshot';
export type { AccountSnapshot } from './snapshot';
export { readDescribeDir, DESCRIBE_FILES } from './describe-dir';

export interface AccountFactsOptions {
  /** `--job NAME`: plan only these deployed jobs (without templates). */
  readonly jobNames?: readonly string[];
  /** Where the snapshot came from, to name it in messages (`--from-aws`, `--from-describe DIR`). */
  readonly origin: string;
}

/**
 * The facts for a plan from what was read. Without templates, every deployed job (or those of
 * `jobNames`) is planned. With templates, the templates' jobs are planned and the account
 * supplies what they name but do not define; the templates' own connections win over the
 * deployed ones of the same name.
 */
export function accountFacts(snapshot: AccountSnapshot, inputs: TemplateInput[], options: AccountFactsOptions): FactsDocument {
  if (inputs.length === 0) {
    if (snapshot.jobs === undefined) {
      const unread = snapshot.unread.find((u) => u.call === SNAPSHOT_CALLS.jobs);
      throw new InputError(options.origin, `the Glue jobs could not be read (${unread?.reason ?? 'not read'}), so there is nothing to plan`);
    }
    const names = new Set(snapshot.jobs.map((job) => String(job?.Name)));
    const missing = (options.jobNames ?? []).filter((name) => !names.has(name));
    if (missing.length) {
      throw new InputError(options.origin, `no Glue job named ${missing.join(', ')} (jobs read: ${[...names].slice(0, 10).join(', ') || 'none'})`);
    }
    return parseFacts(snapshotToFacts(snapshot, { jobNames: options.jobNames }), options.origin);
  }
  const templateConnections = new Set<string>();
  for (const connection of buildModel(inputs).connections.values()) if (connection.name.known) templateConnections.add(connection.name.value);
  return parseFacts(snapshotToFacts(snapshot, { withoutJobs: true, skipConnectionNames: templateConnections }), options.origin);
}

/** Two facts documents as one: the sections concatenated, `second`'s elements after (and over) `first`'s. */
export function combineFacts(first: FactsDocument, second: FactsDocument): FactsDocument {
  const combined: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(second)) {
    combined[key] = Array.isArray(value) ? [...((combined[key] as unknown[] | undefined) ?? []), ...value] : value;
  }
  return combined as FactsDocument;
}

/** `--write-facts FILE`: the facts read, as a file `--facts` accepts (no `file` key). */
export function writeFactsFile(file: string, facts: FactsDocument): void {
  const { file: _origin, ...document } = facts;
  try {
    writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  } catch (e) {
    throw new InputError(file, `cannot write the facts file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
