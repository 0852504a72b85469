import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  AcceptVpcPeeringConnectionCommand, AssociateRouteTableCommand, AuthorizeSecurityGroupIngressCommand, CreateRouteCommand, CreateRouteTableCommand,
  CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, CreateVpcEndpointCommand, CreateVpcPeeringConnectionCommand, DeleteRouteCommand,
  DescribeNatGatewaysCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand, DescribeVpcPeeringConnectionsCommand, DescribeVpcsCommand, EC2Client, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateConnectionCommand, CreateJobCommand, DeleteJobCommand, GetConnectionsCommand, GetJobsCommand, GlueClient } from '@aws-sdk/client-glue';
import { Moto, startMoto, useEmulator } from './moto';
import { runCliAsync } from '../../src/cli/run';

/**
 * `--compare` (issue 16 point 5) against a real AWS API emulator: the app's network is deployed
 * through the EC2 and Glue APIs as its template describes it; then a route is removed and a rule
 * added by hand, and the comparison must report exactly that.
 */
let moto: Moto;
let restoreEnv: () => void;
let dir: string;
const world: Record<string, string> = {};

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCliAsync(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir });
  return { code, stdout, stderr };
}

const sshRule = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const JDBC_URL = 'jdbc:postgresql://10.50.1.10:5432/dw';

/**
 * The app's template: a Glue VPC peered with a data VPC; the job etl lists glue-net (Glue's
 * subnet, selected) then warehouse (the database's subnet and group, reached over the peering).
 */
const template = {
  Resources: {
    GlueVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    DataVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.50.0.0/16' } },
    GlueSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'GlueVpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' } },
    DbSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'DataVpc' }, CidrBlock: '10.50.1.0/24', AvailabilityZone: 'us-east-1a' } },
    GlueTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'GlueVpc' } } },
    GlueTableAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { RouteTableId: { Ref: 'GlueTable' }, SubnetId: { Ref: 'GlueSubnet' } } },
    DataTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'DataVpc' } } },
    DataTableAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { RouteTableId: { Ref: 'DataTable' }, SubnetId: { Ref: 'DbSubnet' } } },
    S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'GlueVpc' }, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [{ Ref: 'GlueTable' }] } },
    Peering: { Type: 'AWS::EC2::VPCPeeringConnection', Properties: { VpcId: { Ref: 'GlueVpc' }, PeerVpcId: { Ref: 'DataVpc' } } },
    ToData: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'GlueTable' }, DestinationCidrBlock: '10.50.0.0/16', VpcPeeringConnectionId: { Ref: 'Peering' } } },
    ToGlue: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'DataTable' }, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: { Ref: 'Peering' } } },
    GlueGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'glue', VpcId: { Ref: 'GlueVpc' } } },
    GlueSelf: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['GlueGroup', 'GroupId'] }, IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['GlueGroup', 'GroupId'] } } },
    DbGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'db', VpcId: { Ref: 'DataVpc' } } },
    DbSelf: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['DbGroup', 'GroupId'] }, IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['DbGroup', 'GroupId'] } } },
    DbFromGlue: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['DbGroup', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.0.1.0/24' } },
    GlueNet: {
      Type: 'AWS::Glue::Connection',
      Properties: { CatalogId: '123456789012', ConnectionInput: { Name: 'glue-net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: { Ref: 'GlueSubnet' }, SecurityGroupIdList: [{ Ref: 'GlueGroup' }], AvailabilityZone: 'us-east-1a' } } },
    },
    Warehouse: {
      Type: 'AWS::Glue::Connection',
      Properties: {
        CatalogId: '123456789012',
        ConnectionInput: {
          Name: 'warehouse',
          ConnectionType: 'JDBC',
          ConnectionProperties: { JDBC_CONNECTION_URL: JDBC_URL },
          PhysicalConnectionRequirements: { SubnetId: { Ref: 'DbSubnet' }, SecurityGroupIdList: [{ Ref: 'DbGroup' }], AvailabilityZone: 'us-east-1a' },
        },
      },
    },
    Etl: { Type: 'AWS::Glue::Job', Properties: { Name: 'etl', Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net', 'warehouse'] } } },
  },
};

/** Deploys the template's network, connections and job through the EC2 and Glue APIs, as CloudFormation would. */
async function deploy(): Promise<void> {
  const ec2 = new EC2Client({});
  const glue = new GlueClient({});
  const vpc = async (cidr: string) => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = async (vpcId: string, cidr: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const table = async (vpcId: string, subnetId: string) => {
    const id = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: id, SubnetId: subnetId }));
    return id;
  };
  const group = async (vpcId: string, name: string) => {
    const id = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: id }] }] }));
    return id;
  };
  world.glueVpc = await vpc('10.0.0.0/16');
  world.dataVpc = await vpc('10.50.0.0/16');
  world.glueSubnet = await subnet(world.glueVpc, '10.0.1.0/24');
  world.dbSubnet = await subnet(world.dataVpc, '10.50.1.0/24');
  world.glueTable = await table(world.glueVpc, world.glueSubnet);
  world.dataTable = await table(world.dataVpc, world.dbSubnet);
  await ec2.send(new CreateVpcEndpointCommand({ VpcId: world.glueVpc, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [world.glueTable] }));
  world.peering = (await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: world.glueVpc, PeerVpcId: world.dataVpc }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
  await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: world.peering }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16', VpcPeeringConnectionId: world.peering }));
  await ec2.send(new CreateRouteCommand({ RouteTableId: world.dataTable, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: world.peering }));
  world.glueGroup = await group(world.glueVpc, 'glue');
  world.dbGroup = await group(world.dataVpc, 'db');
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: world.dbGroup, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.1.0/24' }] }] }));
  const connection = async (name: string, subnetId: string, groupId: string, url?: string) => glue.send(new CreateConnectionCommand({
    ConnectionInput: {
      Name: name,
      ConnectionType: url ? 'JDBC' : 'NETWORK',
      ConnectionProperties: url ? { JDBC_CONNECTION_URL: url } : {},
      PhysicalConnectionRequirements: { SubnetId: subnetId, SecurityGroupIdList: [groupId], AvailabilityZone: 'us-east-1a' },
    },
  }));
  await connection('glue-net', world.glueSubnet, world.glueGroup);
  await connection('warehouse', world.dbSubnet, world.dbGroup, JDBC_URL);
  const job = (name: string, connections: string[]) => glue.send(new CreateJobCommand({
    Name: name,
    Role: 'arn:aws:iam::123456789012:role/glue',
    Command: { Name: 'glueetl', ScriptLocation: 's3://b/job.py' },
    Connections: { Connections: connections },
    WorkerType: 'G.1X',
    NumberOfWorkers: 2,
  }));
  await job('etl', ['glue-net', 'warehouse']);
  ec2.destroy();
  glue.destroy();
}

beforeAll(async () => {
  moto = await startMoto();
  restoreEnv = useEmulator(moto.endpoint);
  await deploy();
});
afterAll(async () => {
  restoreEnv?.();
  await moto?.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gnp-drift-'));
  writeFileSync(join(dir, 'app.json'), JSON.stringify(template));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const report = (json: string) => JSON.parse(json);

describe('--compare (moto_server)', () => {
  it('deployed as the templates plan it: no element differs (moto leaves out ConnectionType: glue-net\'s deployed store is UNKNOWN)', async () => {
    const run = await cli('app.json', '--from-aws', '--compare', '--format', 'json');
    expect(run.stderr).toBe('');
    expect(report(run.stdout).jobs).toEqual([{
      name: 'etl',
      status: 'drifted',
      selected: { templates: 'glue-net', deployed: 'glue-net' },
      // AWS returns ConnectionType; moto does not, so the deployed NETWORK connection is of unknown type.
      stores: [{ connection: 'warehouse', templates: 'REACHABLE', deployed: 'REACHABLE' }, { connection: 'glue-net', deployed: 'UNKNOWN' }],
      elements: [],
    }]);
  });

  it('a route removed by hand: the store is UNREACHABLE as deployed, and the route is named, exit 1', async () => {
    const ec2 = new EC2Client({});
    await ec2.send(new DeleteRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16' }));
    try {
      const run = await cli('app.json', '--from-aws', '--compare', '--format', 'json');
      expect(run.code).toBe(1);
      expect(report(run.stdout)).toEqual({
        drift: true,
        jobs: [{
          name: 'etl',
          status: 'drifted',
          selected: { templates: 'glue-net', deployed: 'glue-net' },
          stores: [{ connection: 'warehouse', templates: 'REACHABLE', deployed: 'UNREACHABLE' }, { connection: 'glue-net', deployed: 'UNKNOWN' }],
          elements: [{ kind: 'route table', templateId: 'app/GlueTable', deployedId: world.glueTable, change: 'removed', item: 'route 10.50.0.0/16 -> vpc-peering' }],
        }],
      });
      const text = await cli('app.json', '--from-aws', '--compare');
      expect(text.stdout).toContain(`  - route table app/GlueTable (deployed ${world.glueTable}): route 10.50.0.0/16 -> vpc-peering is in the templates, not deployed`);
      expect(text.stdout).toContain('  ≠ store of warehouse: templates REACHABLE, deployed UNREACHABLE');
    } finally {
      await ec2.send(new CreateRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16', VpcPeeringConnectionId: world.peering }));
      ec2.destroy();
    }
  });

  it('a rule added in the console: the verdicts agree, the rule is named, exit 1', async () => {
    const ec2 = new EC2Client({});
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: world.glueGroup, IpPermissions: [sshRule] }));
    try {
      const run = await cli('app.json', '--from-aws', '--compare', '--format', 'json');
      expect(run.code).toBe(1);
      const etl = report(run.stdout).jobs[0];
      expect(etl.stores[0]).toEqual({ connection: 'warehouse', templates: 'REACHABLE', deployed: 'REACHABLE' });
      expect(etl.elements).toEqual([{ kind: 'security group', templateId: 'app/GlueGroup', deployedId: world.glueGroup, change: 'added', item: 'inbound tcp 22 from 0.0.0.0/0' }]);
    } finally {
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: world.glueGroup, IpPermissions: [sshRule] }));
      ec2.destroy();
    }
  });

  it('a job in the templates not deployed, and a deployed job on the app\'s connection not in the templates', async () => {
    const withNewJob = { Resources: { ...template.Resources, NewJob: { Type: 'AWS::Glue::Job', Properties: { Name: 'new-job', Role: 'r', Command: { Name: 'glueetl' }, Connections: { Connections: ['glue-net', 'warehouse'] } } } } };
    writeFileSync(join(dir, 'app.json'), JSON.stringify(withNewJob));
    const glue = new GlueClient({});
    await glue.send(new CreateJobCommand({ Name: 'legacy', Role: 'r', Command: { Name: 'glueetl', ScriptLocation: 's3://b/l.py' }, Connections: { Connections: ['warehouse'] } }));
    try {
      const run = await cli('app.json', '--from-aws', '--compare', '--format', 'json');
      expect(run.code).toBe(1);
      expect(report(run.stdout).jobs.map((j: any) => [j.name, j.status])).toEqual([['etl', 'drifted'], ['legacy', 'not-in-templates'], ['new-job', 'not-deployed']]);
      const text = await cli('app.json', '--from-aws', '--compare');
      expect(text.stdout).toContain('Job new-job: DRIFT: in the templates, not deployed');
      expect(text.stdout).toContain('Job legacy: DRIFT: deployed, not in the templates (deployed, not in the templates; it lists the templates\' connection warehouse)');
    } finally {
      await glue.send(new DeleteJobCommand({ JobName: 'legacy' }));
      glue.destroy();
    }
  });

  it('--from-describe DIR --compare: saved describe outputs (with ConnectionType, as AWS returns it): no drift, exit 0; then the removed route', async () => {
    const saved = join(dir, 'saved');
    mkdirSync(saved);
    const ec2 = new EC2Client({});
    const glue = new GlueClient({});
    const outputs: [string, () => Promise<unknown>][] = [
      ['describe-vpcs.json', () => ec2.send(new DescribeVpcsCommand({}))],
      ['describe-subnets.json', () => ec2.send(new DescribeSubnetsCommand({}))],
      ['describe-route-tables.json', () => ec2.send(new DescribeRouteTablesCommand({}))],
      ['describe-security-groups.json', () => ec2.send(new DescribeSecurityGroupsCommand({}))],
      ['describe-network-acls.json', () => ec2.send(new DescribeNetworkAclsCommand({}))],
      ['describe-vpc-endpoints.json', () => ec2.send(new DescribeVpcEndpointsCommand({}))],
      ['describe-nat-gateways.json', () => ec2.send(new DescribeNatGatewaysCommand({}))],
      ['describe-vpc-peering-connections.json', () => ec2.send(new DescribeVpcPeeringConnectionsCommand({}))],
      ['get-connections.json', () => glue.send(new GetConnectionsCommand({}))],
      ['get-jobs.json', () => glue.send(new GetJobsCommand({}))],
    ];
    const save = async () => {
      for (const [file, call] of outputs) {
        const { $metadata: _, ...body } = await call() as Record<string, any>;
        // As AWS returns it (moto leaves ConnectionType out).
        for (const c of body.ConnectionList ?? []) c.ConnectionType ??= c.ConnectionProperties?.JDBC_CONNECTION_URL ? 'JDBC' : 'NETWORK';
        writeFileSync(join(saved, file), JSON.stringify(body));
      }
      writeFileSync(join(saved, 'region.txt'), 'us-east-1\n');
    };
    try {
      await save();
      const same = await cli('app.json', '--from-describe', 'saved', '--compare');
      expect(same.stdout).toBe('Job etl: no drift\n\nNo drift: 1 job(s) deployed as the templates plan them.\n');
      expect(same.code).toBe(0);
      await ec2.send(new DeleteRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16' }));
      await save();
      const drifted = await cli('app.json', '--from-describe', 'saved', '--compare', '--format', 'json');
      expect(drifted.code).toBe(1);
      expect(report(drifted.stdout).jobs).toEqual([{
        name: 'etl',
        status: 'drifted',
        selected: { templates: 'glue-net', deployed: 'glue-net' },
        stores: [{ connection: 'warehouse', templates: 'REACHABLE', deployed: 'UNREACHABLE' }],
        elements: [{ kind: 'route table', templateId: 'app/GlueTable', deployedId: world.glueTable, change: 'removed', item: 'route 10.50.0.0/16 -> vpc-peering' }],
      }]);
    } finally {
      await ec2.send(new CreateRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16', VpcPeeringConnectionId: world.peering }));
      ec2.destroy();
      glue.destroy();
    }
  });
});

describe('--compare: bad input', () => {
  it.each([
    [['app.json', '--compare'], '--compare needs the deployed side: --from-aws or --from-describe DIR'],
    [['app.json', '--from-describe', 'd', '--compare', '--format', 'sarif'], '--compare reports as text or json; not sarif'],
  ])('%j: one line, exit 2', async (argv, message) => {
    const run = await cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe(`glue-netplan: ${message}`);
  });
});
