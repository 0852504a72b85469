import { existsSync, statSync } from 'fs';
import { join } from 'path';
import { InputError } from '../errors';
import { isObject, readTextFile } from '../template';
import { AccountSnapshot, SNAPSHOT_CALLS, SnapshotPart } from './snapshot';

/**
 * The saved outputs `--from-describe DIR` reads: file name, the AWS CLI command that writes it,
 * and the top-level key of its JSON. Documented in docs/live.md. A call made once `per` resource
 * is saved as its outputs gathered in one list under `key` (`jq -s '{Key: .}'`).
 */
export const DESCRIBE_FILES: readonly { part: SnapshotPart; file: string; command: string; key: string; per?: string; optional?: true }[] = [
  { part: 'vpcs', file: 'describe-vpcs.json', command: 'aws ec2 describe-vpcs', key: 'Vpcs' },
  { part: 'subnets', file: 'describe-subnets.json', command: 'aws ec2 describe-subnets', key: 'Subnets' },
  { part: 'routeTables', file: 'describe-route-tables.json', command: 'aws ec2 describe-route-tables', key: 'RouteTables' },
  { part: 'securityGroups', file: 'describe-security-groups.json', command: 'aws ec2 describe-security-groups', key: 'SecurityGroups' },
  { part: 'securityGroupVpcAssociations', file: 'describe-security-group-vpc-associations.json', command: 'aws ec2 describe-security-group-vpc-associations', key: 'SecurityGroupVpcAssociations' },
  { part: 'networkAcls', file: 'describe-network-acls.json', command: 'aws ec2 describe-network-acls', key: 'NetworkAcls' },
  { part: 'vpcEndpoints', file: 'describe-vpc-endpoints.json', command: 'aws ec2 describe-vpc-endpoints', key: 'VpcEndpoints' },
  { part: 'natGateways', file: 'describe-nat-gateways.json', command: 'aws ec2 describe-nat-gateways', key: 'NatGateways' },
  { part: 'peerings', file: 'describe-vpc-peering-connections.json', command: 'aws ec2 describe-vpc-peering-connections', key: 'VpcPeeringConnections' },
  { part: 'connections', file: 'get-connections.json', command: 'aws glue get-connections --hide-password', key: 'ConnectionList' },
  { part: 'jobs', file: 'get-jobs.json', command: 'aws glue get-jobs', key: 'Jobs' },
  // Optional: without it a job's security configuration keeps unknown settings (whether it uses AWS KMS keys), as before it was read.
  { part: 'securityConfigurations', file: 'get-security-configurations.json', command: 'aws glue get-security-configurations', key: 'SecurityConfigurations', optional: true },
  { part: 'vpcAttributes', file: 'describe-vpc-attribute.json', command: 'aws ec2 describe-vpc-attribute', per: 'VPC and attribute', key: 'VpcAttributes' },
  // Optional: without it the default quota (5 security groups per network interface) is assumed, as without the account.
  { part: 'accountAttributes', file: 'describe-account-attributes.json', command: 'aws ec2 describe-account-attributes', key: 'AccountAttributes', optional: true },
  { part: 'transitGateways', file: 'describe-transit-gateways.json', command: 'aws ec2 describe-transit-gateways', key: 'TransitGateways' },
  { part: 'transitGatewayAttachments', file: 'describe-transit-gateway-attachments.json', command: 'aws ec2 describe-transit-gateway-attachments', key: 'TransitGatewayAttachments' },
  { part: 'transitGatewayVpcAttachments', file: 'describe-transit-gateway-vpc-attachments.json', command: 'aws ec2 describe-transit-gateway-vpc-attachments', key: 'TransitGatewayVpcAttachments' },
  { part: 'transitGatewayRouteTables', file: 'describe-transit-gateway-route-tables.json', command: 'aws ec2 describe-transit-gateway-route-tables', key: 'TransitGatewayRouteTables' },
  { part: 'transitGatewayRoutes', file: 'search-transit-gateway-routes.json', command: 'aws ec2 search-transit-gateway-routes', per: 'route table', key: 'RouteTableRoutes' },
  { part: 'transitGatewayPropagations', file: 'get-transit-gateway-route-table-propagations.json', command: 'aws ec2 get-transit-gateway-route-table-propagations', per: 'route table', key: 'RouteTablePropagations' },
  { part: 'dbInstances', file: 'describe-db-instances.json', command: 'aws rds describe-db-instances', key: 'DBInstances' },
  { part: 'dbClusters', file: 'describe-db-clusters.json', command: 'aws rds describe-db-clusters', key: 'DBClusters' },
  { part: 'dbSubnetGroups', file: 'describe-db-subnet-groups.json', command: 'aws rds describe-db-subnet-groups', key: 'DBSubnetGroups' },
  { part: 'redshiftClusters', file: 'describe-clusters.json', command: 'aws redshift describe-clusters', key: 'Clusters' },
  { part: 'redshiftSubnetGroups', file: 'describe-cluster-subnet-groups.json', command: 'aws redshift describe-cluster-subnet-groups', key: 'ClusterSubnetGroups' },
  { part: 'mskClusters', file: 'list-clusters-v2.json', command: 'aws kafka list-clusters-v2', key: 'ClusterInfoList' },
  // Optional: without them a route or rule to a customer-managed prefix list keeps an unknown
  // destination and weight, as when the facts do not describe the list (the route says so).
  { part: 'prefixLists', file: 'describe-managed-prefix-lists.json', command: 'aws ec2 describe-managed-prefix-lists', key: 'PrefixLists', optional: true },
  { part: 'prefixListEntries', file: 'get-managed-prefix-list-entries.json', command: 'aws ec2 get-managed-prefix-list-entries', per: 'customer-managed prefix list', key: 'PrefixListEntries', optional: true },
  // Optional: without it each VPC's private hosted zones are unknown (a zone of unknown domain per VPC).
  { part: 'privateHostedZones', file: 'list-hosted-zones-by-vpc.json', command: 'aws route53 list-hosted-zones-by-vpc', per: 'VPC (with its "VpcId" added)', key: 'HostedZonesByVpc', optional: true },
  { part: 'mskBootstrapBrokers', file: 'get-bootstrap-brokers.json', command: 'aws kafka get-bootstrap-brokers', per: 'cluster', key: 'BootstrapBrokers' },
];

/** The pagination tokens a saved output that is one page of several ends with. */
const PAGE_TOKENS = ['NextToken', 'Marker'];

/**
 * Reads saved `aws ec2 describe-* --output json` / `aws glue get-*` outputs from a directory. A
 * missing file is a part not read (UNKNOWN, listed in `unread`), not an empty list; a file that is
 * not the expected JSON is an InputError. `region.txt`, when present, names the Region.
 */
export function readDescribeDir(dir: string): AccountSnapshot {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, '--from-describe needs a directory of saved `aws ec2 describe-*` / `aws glue get-*` outputs (see docs/live.md)');
  const parts: Partial<Record<SnapshotPart, any[]>> = {};
  const unread: { call: string; reason: string }[] = [];
  for (const { part, file, command, key, per, optional } of DESCRIBE_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      if (optional) continue;
      unread.push({ call: SNAPSHOT_CALLS[part], reason: `${file} is missing from ${dir} (save it with \`${command} --output json > ${file}\`${per ? `, once per ${per}, gathered under "${key}" (see docs/live.md)` : ''})` });
      continue;
    }
    // A FIFO or a device is refused at once, never waited on.
    const text = readTextFile(path);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new InputError(path, `not valid JSON (${(e as Error).message})`);
    }
    if (!isObject(json) || !Array.isArray(json[key])) {
      throw new InputError(path, per
        ? `expected the outputs of \`${command} --output json\`, one per ${per}, gathered in a "${key}" list (see docs/live.md)`
        : `expected the output of \`${command} --output json\`: an object with a "${key}" list`);
    }
    // A saved output that ends with a pagination token (`--max-items`, `--no-paginate`: the AWS
    // CLI's NextToken, RDS's and Redshift's Marker) is one page of several: read as the whole
    // list, what the other pages hold would be dropped. The part is not read (UNKNOWN), naming the file.
    const token = PAGE_TOKENS.find((name) => typeof json[name] === 'string' && json[name] !== '');
    if (token) {
      unread.push({ call: SNAPSHOT_CALLS[part], reason: `${file} is one page of several (it has a ${token}): save every page (the AWS CLI's default; without --max-items or --no-paginate) with \`${command} --output json > ${file}\`` });
      continue;
    }
    let items = json[key] as any[];
    // Outputs gathered per resource: one with a token is that resource's first page only; it is
    // left out (that resource's part not read), the others kept. (GetManagedPrefixListEntries'
    // pages are left to the prefix list reader, which leaves such a list undescribed.)
    if (per && part !== 'prefixListEntries') {
      const paged = items.filter((item) => isObject(item) && PAGE_TOKENS.some((name) => typeof item[name] === 'string' && item[name] !== ''));
      if (paged.length) {
        items = items.filter((item) => !paged.includes(item));
        const named = paged.map((item) => Object.entries(item).find(([name, value]) => name.endsWith('Id') && typeof value === 'string')?.[1] ?? 'a resource');
        unread.push({ call: SNAPSHOT_CALLS[part], reason: `${file}: the output for ${named.join(', ')} is one page of several (it has a NextToken): save every page` });
      }
    }
    parts[part] = items;
  }
  const regionFile = join(dir, 'region.txt');
  const region = existsSync(regionFile) ? readTextFile(regionFile).trim() : undefined;
  return { ...parts, ...(region ? { region } : {}), unread };
}
