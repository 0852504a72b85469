import { existsSync } from 'fs';
import { join } from 'path';
import { DeployedIds } from '../../engine/drift';
import { InputError } from '../errors';
import { isObject, readTextFile } from '../template';

/**
 * What CloudFormation says each template stack deployed (`ListStackResources`): the physical id
 * of every logical id, so that `--compare` matches a job, connection or network element whose
 * name CloudFormation generated. Keyed like the model: a nested stack is `Parent/NestedLogicalId`.
 */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  /** Absent while CloudFormation has not created it (or failed to). */
  readonly physicalId?: string;
}

export interface StackRead {
  /** The template stack (model prefix): `Stack`, or `Parent/NestedLogicalId` for a nested stack. */
  readonly name: string;
  /** `listed`: its resources were read; `not-deployed`: CloudFormation has no such stack; `unread`: see `reason`. */
  readonly status: 'listed' | 'not-deployed' | 'unread';
  readonly resources?: StackResource[];
  readonly reason?: string;
}

export const LIST_STACK_RESOURCES = 'cloudformation:ListStackResources';

/** `--from-describe DIR`: the saved `aws cloudformation list-stack-resources` output of stack NAME. */
export const stackResourcesFile = (stackName: string) => `list-stack-resources.${stackName}.json`;

const NESTED_STACK = 'AWS::CloudFormation::Stack';

/** `arn:aws:cloudformation:us-east-1:111111111111:stack/Name/guid` -> `Name` (a name is returned as it is). */
export function stackNameOf(physicalId: string): string {
  const match = /:stack\/([^/]+)\//.exec(physicalId);
  return match ? match[1] : physicalId;
}

/** `StackResourceSummaries` as the API (and the AWS CLI's JSON) returns them. */
export function stackResources(summaries: unknown[]): StackResource[] {
  return summaries.filter(isObject).filter((s) => typeof s.LogicalResourceId === 'string').map((s) => ({
    logicalId: String(s.LogicalResourceId),
    type: String(s.ResourceType ?? ''),
    ...(typeof s.PhysicalResourceId === 'string' && s.PhysicalResourceId !== '' && !/^(CREATE_FAILED|DELETE_COMPLETE)$/.test(String(s.ResourceStatus))
      ? { physicalId: s.PhysicalResourceId } : {}),
  }));
}

/**
 * Lists the stacks and, through their `AWS::CloudFormation::Stack` resources, their nested stacks.
 * `list(stackName)` returns the stack's resources, `not-deployed`, or throws with the reason.
 */
export async function listStacks(stacks: readonly (string | StackToList)[], list: (stack: string) => Promise<StackResource[] | 'not-deployed'>): Promise<StackRead[]> {
  const reads: StackRead[] = [];
  // One stack after another: a CDK app has a few stacks, and CloudFormation throttles readily.
  let pending = toList(stacks, reads);
  while (pending.length) {
    const next: typeof pending = [];
    for (const { name, physical } of pending) {
      let resources: StackResource[] | 'not-deployed' | Error;
      try {
        resources = await list(physical);
      } catch (e) {
        if (e instanceof InputError) throw e;
        resources = e as Error;
      }
      next.push(...record(reads, name, resources));
    }
    pending = next;
  }
  return reads;
}

/** The stacks to list (a name is its own CloudFormation name); those not to list are recorded `unread` in `reads`. */
function toList(stacks: readonly (string | StackToList)[], reads: StackRead[]): { name: string; physical: string }[] {
  const all = stacks.map((stack) => (typeof stack === 'string' ? { name: stack, physical: stack } : stack));
  for (const stack of all) if (stack.unread !== undefined) reads.push({ name: stack.name, status: 'unread', reason: stack.unread });
  return all.filter((stack) => stack.unread === undefined).map(({ name, physical }) => ({ name, physical }));
}

/** One stack's answer in `reads`; returns its nested stacks to list. */
function record(reads: StackRead[], name: string, resources: StackResource[] | 'not-deployed' | Error): { name: string; physical: string }[] {
  if (resources instanceof Error) {
    reads.push({ name, status: 'unread', reason: resources.message });
    return [];
  }
  if (resources === 'not-deployed') {
    reads.push({ name, status: 'not-deployed' });
    return [];
  }
  reads.push({ name, status: 'listed', resources });
  return resources.filter((r) => r.type === NESTED_STACK && r.physicalId).map((r) => ({ name: `${name}/${r.logicalId}`, physical: r.physicalId! }));
}

/** `--from-describe DIR`: `list-stack-resources.<StackName>.json` per stack, nested stacks by the name in their ARN. */
export function readSavedStacks(dir: string, stacks: readonly (string | StackToList)[]): StackRead[] {
  const reads: StackRead[] = [];
  let pending = toList(stacks, reads);
  while (pending.length) pending = pending.flatMap(({ name, physical }) => record(reads, name, readSavedStack(dir, stackNameOf(physical))));
  return reads;
}

function readSavedStack(dir: string, name: string): StackResource[] | Error {
  const file = join(dir, stackResourcesFile(name));
  if (!existsSync(file)) {
    return new Error(`${stackResourcesFile(name)} is missing (save it with \`aws cloudformation list-stack-resources --stack-name ${name} --output json > ${stackResourcesFile(name)}\`)`);
  }
  // A FIFO or a device is refused at once, never waited on.
  const text = readTextFile(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(json) || !Array.isArray(json.StackResourceSummaries)) {
    throw new InputError(file, 'expected the output of `aws cloudformation list-stack-resources --output json`: an object with a "StackResourceSummaries" list');
  }
  // One page of several (`--max-items`, `--no-paginate`): its resources are not all there.
  if (typeof json.NextToken === 'string' && json.NextToken !== '') {
    return new Error(`${stackResourcesFile(name)} is one page of several (it has a NextToken): save every page (the AWS CLI's default, without --max-items or --no-paginate)`);
  }
  return stackResources(json.StackResourceSummaries);
}

/**
 * A template stack to list: `name` as the model names it, `physical` its name in CloudFormation;
 * `unread`: why it is not listed (its jobs and connections are then matched by name).
 */
export interface StackToList {
  readonly name: string;
  readonly physical: string;
  readonly unread?: string;
}

/**
 * The template stacks to list: the top-level ones (nested stacks are found through their parents),
 * each by its CloudFormation name. A stack named by its construct path (`Dev/Etl`: another stack
 * of its name deploys to another account or Region) is listed by its own name (`etl`); when several
 * template stacks have that name, which of them the account holds is not known, so none is given
 * the deployed stack's ids (one stage's job matched to another's), and it is said.
 */
export function topLevelStacks(inputs: Iterable<{ readonly stackName: string; readonly deployedStackName?: string }>): StackToList[] {
  const byPhysical = new Map<string, string[]>();
  for (const input of inputs) {
    if (input.deployedStackName === undefined && input.stackName.includes('/')) continue;
    const physical = input.deployedStackName ?? input.stackName;
    const names = byPhysical.get(physical) ?? [];
    if (!names.includes(input.stackName)) names.push(input.stackName);
    byPhysical.set(physical, names);
  }
  return [...byPhysical].flatMap(([physical, names]) => names.map((name) => ({
    name,
    physical,
    ...(names.length > 1 ? {
      unread: `the stacks ${names.join(', ')} are each named ${physical} in CloudFormation, in different accounts or Regions: which of them is the one read is not known`,
    } : {}),
  })));
}

/** The reads as the engine's mapping: model id (`Stack/LogicalId`) -> physical id, and what could not be read. */
export function deployedIds(reads: readonly StackRead[], origin: string): DeployedIds {
  const physicalIds = new Map<string, string>();
  const stacks = new Map<string, 'listed' | 'not-deployed'>();
  const notes: string[] = [];
  const unread = new Map<string, string[]>();
  for (const read of reads) {
    if (read.status === 'unread') {
      unread.set(read.reason ?? 'not read', [...(unread.get(read.reason ?? 'not read') ?? []), read.name]);
      continue;
    }
    stacks.set(read.name, read.status);
    for (const resource of read.resources ?? []) if (resource.physicalId) physicalIds.set(`${read.name}/${resource.logicalId}`, resource.physicalId);
  }
  // Said once per reason (access denied is the same for every stack).
  for (const [reason, names] of unread) {
    notes.push(`the resources of stack${names.length > 1 ? 's' : ''} ${names.join(', ')} could not be read from ${origin} (${reason}): `
      + 'their jobs and connections are matched by name, their network elements through the connections');
  }
  return { physicalIds, stacks, notes };
}
