import { GlueJob, Subnet } from '../model';
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
  /** Why the count is a range: the job setting the inputs do not resolve. */
  readonly unknown?: string;
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
      return { min: workers.value + 1, max: workers.value + 2, text: `${workers.value} workers + 1 (Standard) or 2 (G.1X and larger) [observed, not documented by AWS]`, unknown: `WorkerType is unknown: ${workerType.reason}` };
    }
    const driver = workerType.value === 'Standard' ? 1 : 2;
    return exactly(workers.value + driver, `${workers.value} ${workerType.value} workers + ${driver} [observed, not documented by AWS]`);
  }
  if (job.maxCapacity) {
    if (!job.maxCapacity.known) return { min: 1, max: Infinity, text: 'an unknown MaxCapacity + 1', unknown: `MaxCapacity is unknown: ${job.maxCapacity.reason}` };
    return exactly(Math.ceil(job.maxCapacity.value) + 1, `MaxCapacity ${job.maxCapacity.value} DPUs + 1`);
  }
  // Glue's default allocation for Spark jobs without either setting: 10 DPUs.
  return exactly(11, "Glue's default of 10 DPUs + 1");
}

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
