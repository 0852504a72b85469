import { Fact, GlueJob, known, Subnet, unknown } from '../model';
import { rangeSize } from '../model/cidr';

/** Addresses AWS reserves in every subnet (network, router, DNS, future use, broadcast). */
export const RESERVED_ADDRESSES = 5;

/**
 * How many ENIs one run of a job needs: `min` to `max` (equal when the inputs say exactly;
 * `max` Infinity when they give no bound), how it was counted, and what the inputs do not say.
 */
export interface EniDemand {
  readonly min: number;
  readonly max: number;
  /** How the count was made, for messages (`2 G.1X workers + 2 [observed, ...]`). */
  readonly text: string;
  /** Why the count is a range: the job setting the inputs do not resolve, or auto scaling. */
  readonly unknown?: string;
  /** The range is auto scaling's (`--enable-auto-scaling`), not a setting the inputs do not resolve. */
  readonly autoScaling?: boolean;
}

/** Job kinds (`Command.Name`) Glue runs. */
export const JOB_COMMANDS = ['glueetl', 'gluestreaming', 'pythonshell', 'glueray'];

const exactly = (count: number, text: string): EniDemand => ({ min: count, max: count, text });

/**
 * ENIs one run of a job needs: one per worker plus the driver side (1 for Standard workers,
 * 2 for G.1X and larger, as observed), or DPUs + 1 for legacy MaxCapacity jobs; 1 for a Python
 * shell job. A setting the inputs do not resolve (the job's kind, its worker type or count, its
 * capacity) makes it a range, never a default.
 */
export function eniDemand(job: GlueJob): EniDemand {
  // Asked for every connection judged for the job (main selection and each what-if), and for
  // its findings: counted once per job (a model's jobs are not changed once built).
  let demand = demands.get(job);
  if (!demand) demands.set(job, demand = countEnis(job));
  return demand;
}

const demands = new WeakMap<GlueJob, EniDemand>();

function countEnis(job: GlueJob): EniDemand {
  // A crawler's ENIs are not documented; one is assumed (RULES.md), so no subnet is judged too small for it.
  if (job.kind === 'crawler') return exactly(1, 'a crawler is assumed to use 1 ENI');
  if (job.command.known && job.command.value === 'pythonshell') return exactly(1, 'a Python shell job uses 1 ENI');
  const spark = sparkDemand(job);
  if (job.command.known) return spark;
  // A Python shell job uses 1 ENI, a Ray job none in your VPCs, a Spark job `spark`.
  return {
    min: 1,
    max: spark.max,
    text: `1 ENI if it is a Python shell job, ${spark.min === spark.max ? spark.min : `${spark.min}${spark.max === Infinity ? ' or more' : `-${spark.max}`}`} if it is a Spark job (${spark.text})`,
    unknown: `the job's kind (Command.Name) is unknown: ${job.command.reason}${spark.unknown ? `; ${spark.unknown}` : ''}`,
  };
}

/** A Spark job's (or session's, dev endpoint's) ENIs per run. */
function sparkDemand(job: GlueJob): EniDemand {
  const { workerType, numberOfWorkers: workers } = job;
  if (workerType && workers) {
    if (!workers.known) return { min: 1, max: Infinity, text: `an unknown number of ${workerType.known ? `${workerType.value} ` : ''}workers + the driver side`, unknown: `NumberOfWorkers is unknown: ${workers.reason}` };
    if (!workerType.known) {
      const unknownType = `WorkerType is unknown: ${workerType.reason}`;
      // Auto scaling, when the type is not Standard, starts a run with fewer workers.
      const scaling = workers.value > 1 ? autoScaling(job, 'unknown', workers.value) : undefined;
      if (!scaling) return { min: workers.value + 1, max: workers.value + 2, text: `${workers.value} workers + 1 (Standard) or 2 (G.1X and larger) [observed, not documented by AWS]`, unknown: unknownType };
      return {
        min: Math.min(workers.value + 1, 1 + 2),
        max: workers.value + 2,
        text: `${workers.value} Standard workers + 1, or 1 to ${workers.value} G or R workers + 2 with auto scaling [observed, not documented by AWS]`,
        unknown: `${unknownType}; if it is not Standard, ${scaling}`,
      };
    }
    const driver = workerType.value === 'Standard' ? 1 : 2;
    const scaling = autoScaling(job, workerType.value, workers.value);
    const text = `${workers.value} ${workerType.value} workers + ${driver} [observed, not documented by AWS]`;
    if (!scaling || workers.value <= 1) return exactly(workers.value + driver, text);
    // A run starts with the workers it needs and scales out to NumberOfWorkers: from 1 worker.
    return { min: 1 + driver, max: workers.value + driver, text: `1 to ${text}`, unknown: scaling, autoScaling: true };
  }
  if (job.maxCapacity) {
    if (!job.maxCapacity.known) return { min: 1, max: Infinity, text: 'an unknown MaxCapacity + 1', unknown: `MaxCapacity is unknown: ${job.maxCapacity.reason}` };
    return exactly(Math.ceil(job.maxCapacity.value) + 1, `MaxCapacity ${job.maxCapacity.value} DPUs + 1`);
  }
  // Glue's default allocation for Spark jobs without either setting: 10 DPUs.
  return exactly(11, "Glue's default of 10 DPUs + 1");
}

/**
 * Why a run may start with fewer workers than `NumberOfWorkers`, or undefined: auto scaling
 * (`--enable-auto-scaling` true, Glue 3.0 or later, a worker type other than Standard) makes it
 * the most a run scales to; a run starts with "the required computing resources" and adds workers
 * on demand (AWS Glue, "Using auto scaling for AWS Glue",
 * https://docs.aws.amazon.com/glue/latest/dg/auto-scaling.html). How many it starts with, and what a
 * run does when the subnet has no address for a worker it adds, AWS does not document. An argument
 * or Glue version the inputs do not resolve may turn it on.
 */
function autoScaling(job: GlueJob, workerType: string, workers: number): string | undefined {
  const argument = job.enableAutoScaling;
  if (!argument || workerType === 'Standard') return undefined;
  if (argument.known && argument.value.trim().toLowerCase() !== 'true') return undefined;
  const version = glueVersionOf(job);
  if (version?.known && version.value < 3) return undefined;
  const how = `a run starts with the workers it needs and adds workers up to NumberOfWorkers (${workers}) as it goes; AWS does not document how many it starts with, nor what a run does when the subnet has no free address for a worker it adds`;
  if (!argument.known) return `--enable-auto-scaling cannot be resolved (${argument.reason}); when it is true, ${how}`;
  if (!version?.known) return `--enable-auto-scaling is true, which works on Glue 3.0 and later, and the job's GlueVersion is ${version ? `unknown (${version.reason})` : 'not given'}; on 3.0 and later, ${how}`;
  return `auto scaling is on (--enable-auto-scaling true, Glue ${job.glueVersion?.known ? job.glueVersion.value : version.value}): ${how}`;
}

/**
 * The job's Glue version as a number: `GlueVersion`; unknown when it cannot be resolved or is not a
 * number, and for a job without one: the Glue API still documents that such a job is Glue 0.9
 * ("Jobs that are created without specifying a Glue version default to Glue 0.9": AWS Glue API,
 * Job, https://docs.aws.amazon.com/glue/latest/webapi/API_Job.html), but Glue 0.9 reached end of
 * life on 1 April 2026: no new jobs, no runs (AWS Glue version support policy,
 * https://docs.aws.amazon.com/glue/latest/dg/glue-version-support-policy.html), and the AWS Glue
 * versions page names 5.1 as "the default version for jobs created without specifying an AWS Glue
 * version" (https://docs.aws.amazon.com/glue/latest/dg/release-notes.html): with two defaults
 * documented, which version a job created without one runs on is unknown. Undefined for a session or a crawler without one.
 */
export function glueVersionOf(job: GlueJob): Fact<number> | undefined {
  const version = job.glueVersion;
  if (!version) return job.kind === undefined ? unknown(NO_GLUE_VERSION) : undefined;
  if (!version.known) return unknown(version.reason);
  const value = Number(version.value);
  return Number.isFinite(value) ? known(value) : unknown(`GlueVersion "${version.value}" is not a version number`);
}

const NO_GLUE_VERSION = 'the job gives none: the Glue API documents Glue 0.9 as the default, but Glue 0.9 reached end of life on 1 April 2026 (no new jobs, no runs), and the AWS Glue versions page names Glue 5.1 as the default for jobs created without one: AWS documents two defaults, so which version such a job runs on is not known; give GlueVersion';

/** The number of ENIs in words: `12`, `at least 3`, `3-4`. */
export function demandCount(demand: EniDemand): string {
  if (demand.min === demand.max) return String(demand.min);
  return demand.max === Infinity ? `${demand.min} or more` : `${demand.min} to ${demand.max}`;
}

/** Addresses a subnet can give Glue: its size minus reserved and known-used addresses. */
export function usableAddresses(subnet: Subnet): number | undefined {
  if (!subnet.cidr.known) return undefined;
  return Math.max(0, rangeSize(subnet.cidr.value) - RESERVED_ADDRESSES - subnet.usedAddresses);
}

/** Addresses a subnet has for ENIs at all: its size minus the 5 AWS reserves. */
export function totalAddresses(subnet: Subnet): number | undefined {
  if (!subnet.cidr.known) return undefined;
  return Math.max(0, rangeSize(subnet.cidr.value) - RESERVED_ADDRESSES);
}
