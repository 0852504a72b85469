import {
  DescribeAccountAttributesCommand, DescribeVpcAttributeCommand, EC2Client, paginateDescribeManagedPrefixLists, paginateDescribeNatGateways, paginateDescribeNetworkAcls, paginateDescribeRouteTables,
  paginateDescribeSecurityGroups, paginateDescribeSecurityGroupVpcAssociations, paginateDescribeSubnets, paginateDescribeTransitGatewayAttachments, paginateDescribeTransitGatewayRouteTables,
  paginateDescribeTransitGateways, paginateDescribeTransitGatewayVpcAttachments, paginateDescribeVpcEndpoints, paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs, paginateGetManagedPrefixListEntries, paginateGetTransitGatewayRouteTablePropagations, paginateSearchTransitGatewayRoutes,
} from '@aws-sdk/client-ec2';
import { GlueClient, paginateGetConnections, paginateGetJobs, paginateGetSecurityConfigurations } from '@aws-sdk/client-glue';
import { GetBootstrapBrokersCommand, KafkaClient, paginateListClustersV2 } from '@aws-sdk/client-kafka';
import { paginateDescribeDBClusters, paginateDescribeDBInstances, paginateDescribeDBSubnetGroups, RDSClient } from '@aws-sdk/client-rds';
import { paginateDescribeClusters, paginateDescribeClusterSubnetGroups, RedshiftClient } from '@aws-sdk/client-redshift';
import { ListHostedZonesByVPCCommand, Route53Client, VPCRegion } from '@aws-sdk/client-route-53';
import { InputError } from '../errors';
import { AccountSnapshot, isCustomerManaged, referencedPrefixLists, SNAPSHOT_CALLS, SnapshotPart } from './snapshot';

/**
 * Reads the account with the AWS SDK for JavaScript v3: read-only, paginated calls, the SDK's
 * standard credential chain and configuration (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`)
 * and its retries. One call per page of each resource type, whatever the number of jobs.
 */
export interface ReadAccountOptions {
  readonly region?: string;
  /** Attempts per call, throttling included (the SDK's standard retry mode). Default 5. */
  readonly maxAttempts?: number;
  /** Calls in flight at once. Default 8. */
  readonly concurrency?: number;
  /**
   * Prefix lists (`pl-...`) the templates' routes and rules name: read like those the account's
   * routes and rules name (a template may use a list no deployed route or rule uses yet).
   */
  readonly prefixListIds?: readonly string[];
}

type Pages = AsyncIterable<Record<string, any>>;

/** Errors that mean the whole read cannot work: one line, exit 2. */
const FATAL_ERRORS = new Set(['CredentialsProviderError', 'AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredToken', 'ExpiredTokenException', 'SignatureDoesNotMatch']);
const DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'ForbiddenException']);
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
  if (name === 'NotRead') return message;
  if (DENIED_ERRORS.has(name)) return `access denied (${name}): grant ${call}`;
  if (THROTTLED_ERRORS.has(name)) return `throttled after retries (${name}): run again later or raise the limit`;
  const status = error?.$metadata?.httpStatusCode;
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
}

/** Runs the tasks with at most `limit` in flight; results in order, failures kept. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await tasks[index]() };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Per resource calls (DescribeVpcAttribute per VPC...): bounded, all or nothing for the part. */
async function perItem<T>(items: readonly T[], call: (item: T) => Promise<any[]>, limit: number): Promise<any[]> {
  const settled = await pooled(items.map((item) => () => call(item)), limit);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.flatMap((r) => (r as PromiseFulfilledResult<any[]>).value);
}

type Reads = Partial<Record<SnapshotPart, () => Promise<any[]>>>;

/**
 * Reads every part the planner needs; a part that fails is listed in `unread` (UNKNOWN), not
 * empty. Three rounds: one paginated call per resource type, then the calls made per resource read
 * (two DescribeVpcAttribute and one ListHostedZonesByVPC per VPC, SearchTransitGatewayRoutes and
 * its propagations per transit gateway route table, GetBootstrapBrokers per MSK cluster; DescribeManagedPrefixLists once when a
 * route or rule names a prefix list, GetSecurityConfigurations once when a job names a security configuration), then GetManagedPrefixListEntries per customer-managed list
 * the routes and rules reference. At most `concurrency` calls at once;
 * the number of calls grows with the resources, never with jobs x resources.
 */
export async function readAccount(options: ReadAccountOptions = {}): Promise<AccountSnapshot> {
  const config = { ...(options.region ? { region: options.region } : {}), maxAttempts: options.maxAttempts ?? 5 };
  const limit = options.concurrency ?? 8;
  const ec2 = new EC2Client(config);
  const glue = new GlueClient(config);
  const rds = new RDSClient(config);
  const redshift = new RedshiftClient(config);
  const kafka = new KafkaClient(config);
  const route53 = new Route53Client(config);
  const page = { client: ec2, pageSize: 1000 };
  const listReads: Reads = {
    vpcs: () => collect(paginateDescribeVpcs(page, {}), 'Vpcs'),
    subnets: () => collect(paginateDescribeSubnets(page, {}), 'Subnets'),
    routeTables: () => collect(paginateDescribeRouteTables({ client: ec2, pageSize: 100 }, {}), 'RouteTables'),
    securityGroups: () => collect(paginateDescribeSecurityGroups(page, {}), 'SecurityGroups'),
    securityGroupVpcAssociations: () => collect(paginateDescribeSecurityGroupVpcAssociations(page, {}), 'SecurityGroupVpcAssociations'),
    networkAcls: () => collect(paginateDescribeNetworkAcls({ client: ec2, pageSize: 1000 }, {}), 'NetworkAcls'),
    vpcEndpoints: () => collect(paginateDescribeVpcEndpoints(page, {}), 'VpcEndpoints'),
    natGateways: () => collect(paginateDescribeNatGateways(page, {}), 'NatGateways'),
    peerings: () => collect(paginateDescribeVpcPeeringConnections(page, {}), 'VpcPeeringConnections'),
    transitGateways: () => collect(paginateDescribeTransitGateways(page, {}), 'TransitGateways'),
    transitGatewayAttachments: () => collect(paginateDescribeTransitGatewayAttachments(page, {}), 'TransitGatewayAttachments'),
    transitGatewayVpcAttachments: () => collect(paginateDescribeTransitGatewayVpcAttachments(page, {}), 'TransitGatewayVpcAttachments'),
    transitGatewayRouteTables: () => collect(paginateDescribeTransitGatewayRouteTables(page, {}), 'TransitGatewayRouteTables'),
    // HidePassword: no password is read, and the Glue API reference names it for callers that may
    // not be allowed to use the KMS key that encrypts the passwords (the policy in docs/live.md grants no kms:Decrypt).
    connections: () => collect(paginateGetConnections({ client: glue, pageSize: 100 }, { HidePassword: true }), 'ConnectionList'),
    jobs: () => collect(paginateGetJobs({ client: glue, pageSize: 100 }, {}), 'Jobs'),
    // Every attribute (AttributeNames only takes supported-platforms and default-vpc): the account's vpc-max-security-groups-per-interface.
    accountAttributes: async () => (await ec2.send(new DescribeAccountAttributesCommand({}))).AccountAttributes ?? [],
    dbInstances: () => collect(paginateDescribeDBInstances({ client: rds, pageSize: 100 }, {}), 'DBInstances'),
    dbClusters: () => collect(paginateDescribeDBClusters({ client: rds, pageSize: 100 }, {}), 'DBClusters'),
    dbSubnetGroups: () => collect(paginateDescribeDBSubnetGroups({ client: rds, pageSize: 100 }, {}), 'DBSubnetGroups'),
    redshiftClusters: () => collect(paginateDescribeClusters({ client: redshift, pageSize: 100 }, {}), 'Clusters'),
    redshiftSubnetGroups: () => collect(paginateDescribeClusterSubnetGroups({ client: redshift, pageSize: 100 }, {}), 'ClusterSubnetGroups'),
    mskClusters: () => collect(paginateListClustersV2({ client: kafka, pageSize: 100 }, {}), 'ClusterInfoList'),
  };
  try {
    const region = await ec2.config.region();
    const unread: { call: string; reason: string }[] = [];
    const parts: Partial<Record<SnapshotPart, any[]>> = {};
    const round = async (reads: Reads) => {
      const keys = Object.keys(reads) as SnapshotPart[];
      const settled = await pooled(keys.map((part) => () => reads[part]!()), limit);
      // Fatal errors (credentials, endpoint) throw here: one message for the whole read.
      settled.forEach((result, index) => {
        if (result.status === 'fulfilled') parts[keys[index]] = result.value;
        else unread.push({ call: SNAPSHOT_CALLS[keys[index]], reason: classify(SNAPSHOT_CALLS[keys[index]], result.reason) });
      });
    };
    await round(listReads);
    const needs = (part: SnapshotPart, call: () => Promise<any[]>) => async () => {
      if (parts[part] === undefined) throw Object.assign(new Error(`not read because ${SNAPSHOT_CALLS[part]} was not read`), { name: 'NotRead' });
      return call();
    };
    const tables = () => (parts.transitGatewayRouteTables ?? []).map((t) => String(t.TransitGatewayRouteTableId));
    await round({
      vpcAttributes: needs('vpcs', () => perItem(parts.vpcs!.flatMap((vpc) => (['enableDnsSupport', 'enableDnsHostnames'] as const).map((Attribute) => ({ VpcId: String(vpc.VpcId), Attribute }))),
        async (input) => [await ec2.send(new DescribeVpcAttributeCommand(input))], limit)),
      transitGatewayRoutes: needs('transitGatewayRouteTables', () => perItem(tables(), async (id) => {
        const routes: any[] = [];
        let more = false;
        // Every route in force, static and propagated, blackholes included.
        const filters = [{ Name: 'state', Values: ['active', 'blackhole'] }];
        for await (const found of paginateSearchTransitGatewayRoutes({ client: ec2 }, { TransitGatewayRouteTableId: id, Filters: filters })) {
          routes.push(...(found.Routes ?? []));
          more ||= found.AdditionalRoutesAvailable === true;
        }
        return [{ TransitGatewayRouteTableId: id, Routes: routes, AdditionalRoutesAvailable: more }];
      }, limit)),
      transitGatewayPropagations: needs('transitGatewayRouteTables', () => perItem(tables(), async (id) => [{
        TransitGatewayRouteTableId: id,
        TransitGatewayRouteTablePropagations: await collect(paginateGetTransitGatewayRouteTablePropagations({ client: ec2 }, { TransitGatewayRouteTableId: id }), 'TransitGatewayRouteTablePropagations'),
      }], limit)),
      // The prefix lists the account sees (a page of up to 100 each), when a route or rule (of the account or the templates) names one.
      prefixLists: async () => (referencedPrefixLists(parts).length || options.prefixListIds?.length
        ? collect(paginateDescribeManagedPrefixLists({ client: ec2, pageSize: 100 }, {}), 'PrefixLists') : []),
      // The private hosted zones associated with each VPC (every page), in the Region read.
      privateHostedZones: needs('vpcs', () => perItem(parts.vpcs!.map((vpc) => String(vpc.VpcId)), async (vpcId) => {
        const summaries: any[] = [];
        let token: string | undefined;
        do {
          const answer = await route53.send(new ListHostedZonesByVPCCommand({ VPCId: vpcId, VPCRegion: region as VPCRegion, MaxItems: 100, NextToken: token }));
          summaries.push(...(answer.HostedZoneSummaries ?? []));
          token = answer.NextToken || undefined;
        } while (token);
        return [{ VpcId: vpcId, HostedZoneSummaries: summaries }];
      }, limit)),
      // Every security configuration (a page of up to 100 each), when a job read names one: whether it uses AWS KMS keys.
      securityConfigurations: async () => ((parts.jobs ?? []).some((job) => typeof job?.SecurityConfiguration === 'string' && job.SecurityConfiguration !== '')
        ? collect(paginateGetSecurityConfigurations({ client: glue, pageSize: 100 }, {}), 'SecurityConfigurations') : []),
      mskBootstrapBrokers: needs('mskClusters', () => perItem(parts.mskClusters!.filter((c) => c.State !== 'DELETING' && c.State !== 'FAILED').map((c) => String(c.ClusterArn)),
        async (arn) => {
          const { $metadata: _meta, ...strings } = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: arn }));
          return [{ ClusterArn: arn, ...strings }];
        }, limit)),
    });
    // Third round: the entries of each customer-managed list the routes and rules reference, once per list.
    const referenced = new Set([...referencedPrefixLists(parts), ...(options.prefixListIds ?? [])]);
    await round({
      prefixListEntries: needs('prefixLists', () => perItem(parts.prefixLists!.filter((p) => referenced.has(String(p.PrefixListId)) && isCustomerManaged(p)).map((p) => String(p.PrefixListId)),
        async (id) => [{ PrefixListId: id, Entries: await collect(paginateGetManagedPrefixListEntries({ client: ec2, pageSize: 100 }, { PrefixListId: id }), 'Entries') }], limit)),
    });
    return { ...parts, region, unread };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('AWS', classifyOutside(e));
  } finally {
    for (const client of [ec2, glue, rds, redshift, kafka, route53]) client.destroy();
  }
}

function classifyOutside(e: unknown): string {
  const message = String((e as Error)?.message ?? e).split('\n')[0];
  if (/region/i.test(message)) return `no AWS Region (${message}): set AWS_REGION`;
  return message;
}
