import { GlueJob, Subnet } from '../model';
import { rangeSize } from '../model/cidr';

/** Addresses AWS reserves in every subnet (network, router, DNS, future use, broadcast). */
export const RESERVED_ADDRESSES = 5;

/**
 * ENIs one run of a job needs: one per worker plus the driver side (1 for Standard workers,
 * 2 for G.1X and larger, as observed), or DPUs + 1 for legacy MaxCapacity jobs.
 */
export function enisPerRun(job: GlueJob): number {
  // A crawler's ENIs are not documented; one is assumed (RULES.md), so no subnet is judged too small for it.
  if (job.command === 'pythonshell' || job.kind === 'crawler') return 1;
  if (job.workerType && job.numberOfWorkers?.known) {
    return job.numberOfWorkers.value + (job.workerType === 'Standard' ? 1 : 2);
  }
  if (job.maxCapacity?.known) return Math.ceil(job.maxCapacity.value) + 1;
  // Glue's default allocation for Spark jobs without either setting: 10 DPUs.
  return 11;
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
