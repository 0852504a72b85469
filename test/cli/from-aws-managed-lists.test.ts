import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  AssociateRouteTableCommand, AuthorizeSecurityGroupEgressCommand, RevokeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateRouteTableCommand, CreateSecurityGroupCommand,
  CreateManagedPrefixListCommand, CreateSubnetCommand, CreateVpcCommand, CreateVpcEndpointCommand, DescribeManagedPrefixListsCommand, EC2Client, ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateConnectionCommand, CreateJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { cliIn, Moto, onMotoServer, withFaults } from './moto';
import { parseFacts } from '../../src/ingest';

/**
 * `--from-aws` and AWS-managed prefix lists and IPv6 rules, against moto_server. The Glue group
 * sends HTTPS to S3 by S3's AWS-managed prefix list (the layout AWS documents for Glue), and
 * admits a few IPv6 ranges. DescribeManagedPrefixLists gives an AWS-managed list no MaxEntries
 * (moto as AWS): its weight is the one AWS documents for it by name (VPC User Guide,
 * "AWS-managed prefix list weights",
 * https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).
 */
let moto: Moto;
let dir: string;
const world: Record<string, string> = {};
const cli = cliIn(() => dir);

async function createWorld(): Promise<void> {
  const ec2 = new EC2Client({});
  const glue = new GlueClient({});
  world.vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: world.vpc, EnableDnsHostnames: { Value: true } }));
  world.subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: world.vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  world.table = (await ec2.send(new CreateRouteTableCommand({ VpcId: world.vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: world.table, SubnetId: world.subnet }));
  await ec2.send(new CreateVpcEndpointCommand({ VpcId: world.vpc, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [world.table] }));
  const lists = (await ec2.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists ?? [];
  world.s3List = lists.find((l) => l.PrefixListName === 'com.amazonaws.us-east-1.s3')!.PrefixListId!;
  world.dynamoList = lists.find((l) => l.PrefixListName === 'com.amazonaws.us-east-1.dynamodb')!.PrefixListId!;
  // A customer-managed list no route or rule of the account names (only the template below does).
  world.partners = (await ec2.send(new CreateManagedPrefixListCommand({
    PrefixListName: 'partners', AddressFamily: 'IPv4', MaxEntries: 3, Entries: [{ Cidr: '192.0.2.0/24' }],
  }))).PrefixList!.PrefixListId!;
  world.glueGroup = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: world.vpc, GroupName: 'glue', Description: 'glue' }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: world.glueGroup,
    IpPermissions: [
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: world.glueGroup }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/64' }, { CidrIpv6: '2001:db8:1::/64' }] },
    ],
  }));
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: world.glueGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: world.s3List }] }],
  }));
  // A group with 50 IPv6 outbound rules (the quota given below: 50) that also sends HTTPS to S3's (IPv4) list.
  world.wideGroup = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: world.vpc, GroupName: 'wide', Description: 'wide' }))).GroupId!;
  await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: world.wideGroup, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
  await ec2.send(new AuthorizeSecurityGroupEgressCommand({
    GroupId: world.wideGroup,
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: world.s3List }] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: Array.from({ length: 50 }, (_, i) => ({ CidrIpv6: `2001:db8:${i.toString(16)}::/48` })) },
    ],
  }));
  await glue.send(new CreateConnectionCommand({
    ConnectionInput: {
      Name: 'glue-net',
      ConnectionType: 'NETWORK',
      ConnectionProperties: {},
      PhysicalConnectionRequirements: { SubnetId: world.subnet, SecurityGroupIdList: [world.glueGroup], AvailabilityZone: 'us-east-1a' },
    },
  }));
  await glue.send(new CreateJobCommand({
    Name: 'etl',
    Role: 'arn:aws:iam::123456789012:role/glue',
    Command: { Name: 'glueetl', ScriptLocation: 's3://b/job.py' },
    Connections: { Connections: ['glue-net'] },
    WorkerType: 'G.1X',
    NumberOfWorkers: 2,
  }));
  ec2.destroy();
  glue.destroy();
}

onMotoServer({ prefix: 'gnp-awspl-', createWorld, started: (m) => { moto = m; }, workdir: (d) => { dir = d; } });

const ruleIds = (json: string) => JSON.parse(json).findings.map((f: any) => f.ruleId);

describe('--from-aws: AWS-managed prefix lists (moto_server)', () => {
  it("a rule to S3's list weighs 1 (its documented weight): no GNP-QUOTA-SG-RULES-UNKNOWN (was: the list was dropped, its weight unknown)", async () => {
    const run = await cli('--from-aws', '--format', 'json', '--no-failover');
    expect(run.stderr).toBe('');
    expect(ruleIds(run.stdout)).not.toContain('GNP-QUOTA-SG-RULES-UNKNOWN');
  });

  it("S3's list is an IPv4 list: its weight is not counted among a group's 50 IPv6 outbound rules (was: 51, a false GNP-QUOTA-SG-RULES at a quota of 50)", async () => {
    const run = await cli('--from-aws', '--format', 'json', '--no-failover', '--quota', 'rules-per-security-group=50');
    const overQuota = JSON.parse(run.stdout).findings.filter((f: any) => f.ruleId === 'GNP-QUOTA-SG-RULES');
    expect(overQuota.map((f: any) => f.message)).toEqual([]);
  });

  it("--write-facts writes S3's list weighed, not described (its entries are not read: the rule to it is Glue's S3 path)", async () => {
    await cli('--from-aws', '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(() => parseFacts(written, 'account.json')).not.toThrow();
    // With its address family (IPv4), but no cidrs: weighed on the IPv4 side of the quotas only.
    expect(written.prefixLists).toEqual([{ id: world.s3List, addressFamily: 'IPv4', maxEntries: 1 }]);
  });
});

describe('--from-aws: IPv6 security group rules (moto_server)', () => {
  it('the IPv6 ranges are read (was: dropped), as rules the facts weigh on the IPv6 side of the rules quota', async () => {
    await cli('--from-aws', '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    const group = written.securityGroups.find((g: any) => g.id === world.glueGroup);
    expect(group.ingress.filter((rule: any) => rule.cidrIpv6 !== undefined)).toEqual([
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '2001:db8::/64' },
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '2001:db8:1::/64' },
    ]);
  });
});

describe('--from-aws with templates: the lists the templates name by literal pl- id are read, though no route or rule of the account names them (moto_server)', () => {
  const template = () => JSON.stringify({
    Resources: {
      ToPartners: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: world.table, DestinationPrefixListId: world.partners, NatGatewayId: 'nat-0partners' } },
      PartnersOut: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: world.glueGroup, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, DestinationPrefixListId: world.partners } },
      DynamoOut: { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: world.glueGroup, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, DestinationPrefixListId: world.dynamoList } },
      Job: { Type: 'AWS::Glue::Job', Properties: { Name: 'new-job', Role: 'r', Command: { Name: 'glueetl' }, Connections: { Connections: ['glue-net'] } } },
    },
  });

  it('the customer list is read entry by entry and weighed, the AWS-managed one weighed: no GNP-QUOTA-*-UNKNOWN (was: both unknown)', async () => {
    writeFileSync(join(dir, 'app.json'), template());
    await withFaults(moto, {}, async (counts) => {
      const run = await cli('app.json', '--from-aws', '--format', 'json', '--no-failover', '--write-facts', 'account.json');
      expect(run.stderr).toBe('');
      expect(ruleIds(run.stdout)).not.toContain('GNP-QUOTA-ROUTES-UNKNOWN');
      expect(ruleIds(run.stdout)).not.toContain('GNP-QUOTA-SG-RULES-UNKNOWN');
      expect(counts.get('GetManagedPrefixListEntries')).toBe(1);
    });
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(written.prefixLists).toEqual(expect.arrayContaining([
      { id: world.partners, addressFamily: 'IPv4', maxEntries: 3, cidrs: ['192.0.2.0/24'] },
      { id: world.dynamoList, addressFamily: 'IPv4', maxEntries: 1 },
    ]));
  });
});
