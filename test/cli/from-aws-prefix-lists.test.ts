import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  AcceptVpcPeeringConnectionCommand, AssociateRouteTableCommand, AuthorizeSecurityGroupIngressCommand, CreateManagedPrefixListCommand, CreateRouteCommand,
  CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, CreateVpcEndpointCommand, CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand, EC2Client, ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateConnectionCommand, CreateJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { cliIn, Moto, onMotoServer, withFaults } from './moto';
import { parseFacts } from '../../src/ingest';

/**
 * `--from-aws` and customer-managed prefix lists, against moto_server: the Glue subnet's route to
 * the data VPC and the database group's rule name prefix lists (`pl-...`), not CIDRs. The lists'
 * entries are read (DescribeManagedPrefixLists, GetManagedPrefixListEntries once per list) and the
 * route and rule are read entry by entry, as for a list the templates define.
 */
let moto: Moto;
let dir: string;
const world: Record<string, string> = {};
const cli = cliIn(() => dir);

async function createWorld(): Promise<void> {
  const ec2 = new EC2Client({});
  const glue = new GlueClient({});
  const vpc = async (cidr: string) => {
    const id = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: true } }));
    return id;
  };
  const subnet = async (vpcId: string, cidr: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const prefixList = async (name: string, cidrs: string[], maxEntries: number) => (await ec2.send(new CreateManagedPrefixListCommand({
    PrefixListName: name, AddressFamily: 'IPv4', MaxEntries: maxEntries, Entries: cidrs.map((Cidr) => ({ Cidr })),
  }))).PrefixList!.PrefixListId!;
  world.glueVpc = await vpc('10.0.0.0/16');
  world.dataVpc = await vpc('10.50.0.0/16');
  world.glueSubnet = await subnet(world.glueVpc, '10.0.1.0/24');
  world.dbSubnet = await subnet(world.dataVpc, '10.50.1.0/24');
  world.dataList = await prefixList('data-subnets', ['10.50.1.0/24', '10.50.2.0/24'], 10);
  world.glueList = await prefixList('glue-subnets', ['10.0.1.0/24'], 5);
  world.glueTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: world.glueVpc }))).RouteTable!.RouteTableId!;
  world.otherTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: world.glueVpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: world.glueTable, SubnetId: world.glueSubnet }));
  await ec2.send(new CreateVpcEndpointCommand({ VpcId: world.glueVpc, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [world.glueTable] }));
  world.peering = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: world.glueVpc, PeerVpcId: world.dataVpc }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: world.peering }));
  const dataMain = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [world.dataVpc] }] }))).RouteTables![0].RouteTableId!;
  // The Glue side routes the data VPC's subnets by their prefix list (twice: the list is read once).
  await ec2.send(new CreateRouteCommand({ RouteTableId: world.glueTable, DestinationPrefixListId: world.dataList, VpcPeeringConnectionId: world.peering }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: world.otherTable, DestinationPrefixListId: world.dataList, VpcPeeringConnectionId: world.peering }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: dataMain, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: world.peering }));
  const group = async (vpcId: string, name: string) => {
    const id = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: id }] }] }));
    return id;
  };
  world.glueGroup = await group(world.glueVpc, 'glue');
  world.dbGroup = await group(world.dataVpc, 'db');
  // The database admits the Glue subnets by their prefix list.
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({
    GroupId: world.dbGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: world.glueList }] }],
  }));
  const connection = (name: string, subnetId: string, groupId: string, url?: string) => glue.send(new CreateConnectionCommand({
    ConnectionInput: {
      Name: name,
      ConnectionType: url ? 'JDBC' : 'NETWORK',
      ConnectionProperties: url ? { JDBC_CONNECTION_URL: url } : {},
      PhysicalConnectionRequirements: { SubnetId: subnetId, SecurityGroupIdList: [groupId], AvailabilityZone: 'us-east-1a' },
    },
  }));
  await connection('glue-net', world.glueSubnet, world.glueGroup);
  await connection('warehouse', world.dbSubnet, world.dbGroup, 'jdbc:postgresql://10.50.1.10:5432/dw');
  await glue.send(new CreateJobCommand({
    Name: 'etl',
    Role: 'arn:aws:iam::123456789012:role/glue',
    Command: { Name: 'glueetl', ScriptLocation: 's3://b/job.py' },
    Connections: { Connections: ['glue-net', 'warehouse'] },
    WorkerType: 'G.1X',
    NumberOfWorkers: 2,
  }));
  ec2.destroy();
  glue.destroy();
}

onMotoServer({ prefix: 'gnp-pl-', createWorld, started: (m) => { moto = m; }, workdir: (d) => { dir = d; } });

const warehouse = (json: string) => JSON.parse(json).jobs[0].dataStores.find((s: any) => s.connection.name === 'warehouse');
const ruleIds = (json: string) => JSON.parse(json).findings.map((f: any) => f.ruleId);

describe('--from-aws: customer-managed prefix lists in routes and rules (moto_server)', () => {
  it('the route and the rule to prefix lists are read entry by entry: the warehouse is REACHABLE (was UNKNOWN), no GNP-QUOTA-ROUTES-UNKNOWN', async () => {
    const run = await cli('--from-aws', '--format', 'json', '--no-failover');
    expect(warehouse(run.stdout).verdict).toBe('REACHABLE');
    expect(ruleIds(run.stdout)).not.toContain('GNP-QUOTA-ROUTES-UNKNOWN');
  });

  it('one GetManagedPrefixListEntries per list (the data list is named by two routes), one DescribeManagedPrefixLists', async () => {
    await withFaults(moto, {}, async (counts) => {
      await cli('--from-aws', '--format', 'json', '--no-failover');
      expect(counts.get('GetManagedPrefixListEntries')).toBe(2);
      expect(counts.get('DescribeManagedPrefixLists')).toBe(1);
    });
  });

  it('--write-facts writes the lists (customer-managed only) as prefixLists, and planning the file gives the same verdict', async () => {
    await cli('--from-aws', '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(() => parseFacts(written, 'account.json')).not.toThrow();
    expect(written.prefixLists).toEqual([
      { id: world.dataList, addressFamily: 'IPv4', maxEntries: 10, cidrs: ['10.50.1.0/24', '10.50.2.0/24'] },
      { id: world.glueList, addressFamily: 'IPv4', maxEntries: 5, cidrs: ['10.0.1.0/24'] },
    ].sort((a, b) => a.id.localeCompare(b.id)));
    writeFileSync(join(dir, 'empty.json'), '{"Resources": {}}');
    const again = await cli('empty.json', '--facts', 'account.json', '--format', 'json', '--no-failover');
    expect(warehouse(again.stdout).verdict).toBe('REACHABLE');
  });

  it('GetManagedPrefixListEntries denied: the route and rule stay unknown (UNKNOWN, the permission named), never dropped', async () => {
    await withFaults(moto, { GetManagedPrefixListEntries: { status: 403, code: 'UnauthorizedOperation' } }, async () => {
      const run = await cli('--from-aws', '--format', 'json', '--no-failover');
      expect(warehouse(run.stdout).verdict).toBe('UNKNOWN');
      expect(run.stdout).toContain('ec2:GetManagedPrefixListEntries');
      expect(ruleIds(run.stdout)).toContain('GNP-QUOTA-ROUTES-UNKNOWN');
    });
  });

  it('a template route to the literal pl- id of an account list is read entry by entry too', async () => {
    writeFileSync(join(dir, 'app.json'), JSON.stringify({
      Resources: {
        ToData: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: world.otherTable, DestinationPrefixListId: world.dataList, VpcPeeringConnectionId: world.peering } },
        Job: { Type: 'AWS::Glue::Job', Properties: { Name: 'new-job', Role: 'r', Command: { Name: 'glueetl' }, Connections: { Connections: ['glue-net', 'warehouse'] } } },
      },
    }));
    const run = await cli('app.json', '--from-aws', '--format', 'json', '--no-failover');
    expect(warehouse(run.stdout).verdict).toBe('REACHABLE');
    expect(ruleIds(run.stdout)).not.toContain('GNP-QUOTA-ROUTES-UNKNOWN');
  });
});
