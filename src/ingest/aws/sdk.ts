import {
  EC2Client, paginateDescribeNatGateways, paginateDescribeNetworkAcls, paginateDescribeRouteTables, paginateDescribeSecurityGroups,
  paginateDescribeSubnets, paginateDescribeVpcEndpoints, paginateDescribeVpcPeeringConnections, paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
import { GlueClient, paginateGetConnections, paginateGetJobs } from '@aws-sdk/client-glue';
import { InputError } from '../errors';
import { AccountSnapshot, SNAPSHOT_CALLS, SnapshotPart } from './snapshot';

/**
 * Reads the account with the AWS SDK for JavaScript v3: read-only, paginated calls, the SDK's
 * standard credential chain and configuration (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`)
 * and its retries. One call per page of each resource type, whatever the number of jobs.
 */
export interface ReadAccountOptions {
  readonly region?: string;
  /** Attempts per call, throttling included (the SDK's standard retry mode). Default 5. */
  readonly maxAttempts?: number;
}

type Pages = AsyncIterable<Record<string, any>>;

/** Errors that mean the whole read cannot work: one line, exit 2. */
const FATAL_ERRORS = new Set(['CredentialsProviderError', 'AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch']);
const DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);
const THROTTLED_ERRORS = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH']);

async function collect(pages: Pages, key: string): Promise<any[]> {
  const items: any[] = [];
  for await (const page of pages) items.push(...(page[key] ?? []));
  return items;
}

/** Why a part could not be read; throws InputError when nothing can be read at all. */
export function classify(call: string, error: any): string {
  const name = String(error?.name ?? error?.Code ?? 'Error');
  const message = String(error?.message ?? error).split('\n')[0];
  const code = error?.code ?? error?.cause?.code ?? error?.$metadata?.code;
  if (FATAL_ERRORS.has(name) || /credential/i.test(name)) {
    throw new InputError(call, `no usable AWS credentials (${name}: ${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --from-describe DIR`);
  }
  if (/region is missing/i.test(message)) throw new InputError(call, 'no AWS Region: set AWS_REGION (or the profile\'s region)');
  if (UNREACHABLE_CODES.has(code) || UNREACHABLE_CODES.has(name) || name === 'TimeoutError' || /getaddrinfo|ECONNREFUSED/.test(message)) {
    throw new InputError(call, `the endpoint does not answer (${code ?? name}: ${message}); check AWS_REGION and AWS_ENDPOINT_URL`);
  }
  if (DENIED_ERRORS.has(name)) return `access denied (${name}): grant ${call}`;
  if (THROTTLED_ERRORS.has(name)) return `throttled after retries (${name}): run again later or raise the limit`;
  const status = error?.$metadata?.httpStatusCode;
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
}

/** Reads every part the planner needs; a part that fails is listed in `unread` (UNKNOWN), not empty. */
export async function readAccount(options: ReadAccountOptions = {}): Promise<AccountSnapshot> {
  const config = { ...(options.region ? { region: options.region } : {}), maxAttempts: options.maxAttempts ?? 5 };
  const ec2 = new EC2Client(config);
  const glue = new GlueClient(config);
  const page = { client: ec2, pageSize: 1000 };
  const reads: Record<SnapshotPart, () => Promise<any[]>> = {
    vpcs: () => collect(paginateDescribeVpcs(page, {}), 'Vpcs'),
    subnets: () => collect(paginateDescribeSubnets(page, {}), 'Subnets'),
    routeTables: () => collect(paginateDescribeRouteTables({ client: ec2, pageSize: 100 }, {}), 'RouteTables'),
    securityGroups: () => collect(paginateDescribeSecurityGroups(page, {}), 'SecurityGroups'),
    networkAcls: () => collect(paginateDescribeNetworkAcls({ client: ec2, pageSize: 1000 }, {}), 'NetworkAcls'),
    vpcEndpoints: () => collect(paginateDescribeVpcEndpoints(page, {}), 'VpcEndpoints'),
    natGateways: () => collect(paginateDescribeNatGateways(page, {}), 'NatGateways'),
    peerings: () => collect(paginateDescribeVpcPeeringConnections(page, {}), 'VpcPeeringConnections'),
    connections: () => collect(paginateGetConnections({ client: glue, pageSize: 100 }, {}), 'ConnectionList'),
    jobs: () => collect(paginateGetJobs({ client: glue, pageSize: 100 }, {}), 'Jobs'),
  };
  try {
    const region = await ec2.config.region();
    const unread: { call: string; reason: string }[] = [];
    const parts: Partial<Record<SnapshotPart, any[]>> = {};
    // Ten paginated reads side by side: bounded concurrency, calls grow with pages, not with jobs.
    const settled = await Promise.allSettled((Object.keys(reads) as SnapshotPart[]).map(async (part) => {
      parts[part] = await reads[part]();
    }));
    // Fatal errors first (credentials, endpoint): one message for the whole read.
    const keys = Object.keys(reads) as SnapshotPart[];
    const reasons = settled.map((result, index) => (result.status === 'rejected' ? classify(SNAPSHOT_CALLS[keys[index]], result.reason) : undefined));
    reasons.forEach((reason, index) => {
      if (reason !== undefined) unread.push({ call: SNAPSHOT_CALLS[keys[index]], reason });
    });
    return { ...parts, region, unread };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('AWS', classifyOutside(e));
  } finally {
    ec2.destroy();
    glue.destroy();
  }
}

function classifyOutside(e: unknown): string {
  const message = String((e as Error)?.message ?? e).split('\n')[0];
  if (/region/i.test(message)) return `no AWS Region (${message}): set AWS_REGION`;
  return message;
}
