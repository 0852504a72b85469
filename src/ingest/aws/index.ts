import { writeFileSync } from 'fs';
import { InputError } from '../errors';
import { FactsDocument, parseFacts } from '../facts';
import { buildModel } from '../resources';
import { TemplateInput } from '../types';
import { loadLookupContext } from './cdk-context';
import { AccountSnapshot, snapshotToFacts, SNAPSHOT_CALLS } from './snapshot';

export { snapshotToFacts, SNAPSHOT_CALLS } from './snapshot';
export type { AccountSnapshot } from './snapshot';
export { readDescribeDir, DESCRIBE_FILES } from './describe-dir';
export { lookupContextFacts, loadLookupContext, readContextFile } from './cdk-context';

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
  const model = buildModel(inputs);
  const templateConnections = new Set<string>();
  // A template connection with a literal address (an RDS endpoint written as a string) may name a
  // store of the account; one the app declares keeps its declaration.
  const addressed: { name: string; address: string }[] = [];
  for (const connection of model.connections.values()) {
    if (!connection.name.known) continue;
    templateConnections.add(connection.name.value);
    if (connection.address?.known && !model.declaredStores.has(connection.id)) addressed.push({ name: connection.name.value, address: connection.address.value });
  }
  return parseFacts(snapshotToFacts(snapshot, {
    withoutJobs: true, skipConnectionNames: templateConnections, templateConnections: addressed, templatePrefixListIds: templatePrefixListIds(inputs),
  }), options.origin);
}

/**
 * The `pl-...` ids the templates name: every string of a template (its resources, its parameters'
 * defaults) and every parameter value given that is a prefix list id. For `--from-aws` to read
 * those lists whether or not the account's routes and rules name them; read from the templates'
 * text, not the model, since a template's route or rule to a table or group of the account is
 * placed only once the account is read. A `pl-...` string that is not a route's or rule's (a tag)
 * only has its list read too.
 */
export function templatePrefixListIds(inputs: readonly TemplateInput[]): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (PREFIX_LIST_ID.test(value)) ids.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) visit(item);
    }
  };
  for (const input of inputs) {
    visit(input.template?.Resources);
    visit(input.template?.Parameters);
    visit(input.parameters);
    visit(input.givenParameters);
  }
  return [...ids].sort();
}

const PREFIX_LIST_ID = /^pl-[0-9a-zA-Z]+$/;

/** Two facts documents as one: the sections concatenated, `second`'s elements after (and over) `first`'s. */
export function combineFacts(first: FactsDocument, second: FactsDocument): FactsDocument {
  const combined: Record<string, unknown> = { ...first };
  for (const [key, value] of Object.entries(second)) {
    combined[key] = Array.isArray(value) ? [...((combined[key] as unknown[] | undefined) ?? []), ...value]
      // Quotas one by one: a later document's quota wins, the others stay.
      : key === 'quotas' ? { ...first.quotas, ...(value as FactsDocument['quotas']) } : value;
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

export interface PlanFactsOptions {
  readonly inputs: TemplateInput[];
  /** `--facts FILE`: merged last (over what was read). */
  readonly userFacts?: FactsDocument;
  /** What `--from-aws` / `--from-describe` read. */
  readonly snapshot?: AccountSnapshot;
  readonly jobNames?: readonly string[];
  readonly origin: string;
  /** `--write-facts FILE` (resolved). */
  readonly writeFacts?: string;
  /** `cdk.context.json` whose `Vpc.fromLookup` entries describe looked-up VPCs (used with templates, when it exists). */
  readonly contextFile?: string;
}

/**
 * Every facts source of a CLI plan, weakest first: `Vpc.fromLookup` context, the account read,
 * the user's facts file. Writes `--write-facts` (what was read only).
 */
export function planFacts(options: PlanFactsOptions): FactsDocument | undefined {
  let facts: FactsDocument | undefined;
  const lookups = options.inputs.length && options.contextFile ? loadLookupContext(options.contextFile) : undefined;
  if (lookups) facts = lookups;
  if (options.snapshot) {
    const read = accountFacts(options.snapshot, options.inputs, { jobNames: options.jobNames, origin: options.origin });
    if (options.writeFacts !== undefined) writeFactsFile(options.writeFacts, read);
    facts = facts ? combineFacts(facts, read) : read;
  }
  if (options.userFacts) facts = facts ? combineFacts(facts, options.userFacts) : options.userFacts;
  return facts;
}
