import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CloudFormationClient, CreateStackCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  AcceptVpcPeeringConnectionCommand, AssociateRouteTableCommand, AuthorizeSecurityGroupIngressCommand, CreateRouteCommand,
  DeleteRouteCommand,
  DescribeNatGatewaysCommand, DescribeNetworkAclsCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand, DescribeVpcPeeringConnectionsCommand, DescribeVpcsCommand, EC2Client, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateJobCommand, DeleteJobCommand, GetConnectionsCommand, GetJobsCommand, GlueClient } from '@aws-sdk/client-glue';
import { cliIn, Moto, startMoto, useEmulator } from './moto';

/**
 * `--compare` (issue 16 point 5) against a real AWS API emulator: the app's template (its job
 * unnamed, as most CDK jobs) is deployed through CloudFormation; the comparison matches template
 * and deployed elements through ListStackResources' physical ids; then a route is removed and a
 * rule added by hand, and the comparison must report exactly that.
 */
let moto: Moto;
let restoreEnv: () => void;
let dir: string;
const world: Record<string, string> = {};

const cli = cliIn(() => dir);

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
    // No Name: CloudFormation names the job (app-Etl-XXXX), as for most CDK jobs.
    Etl: { Type: 'AWS::Glue::Job', Properties: { Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net', 'warehouse'] } } },
  },
};

/**
 * Deploys the template through CloudFormation (moto's, with AWS::Glue::Connection and
 * AWS::Glue::Job added: see moto-glue-cloudformation.py), as the stack `app`; reads back the
 * physical ids the tests change by hand.
 */
async function deploy(): Promise<void> {
  const cfn = new CloudFormationClient({});
  await cfn.send(new CreateStackCommand({ StackName: 'app', TemplateBody: JSON.stringify(template) }));
  const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: 'app' }))).StackResourceSummaries ?? [];
  const physical = (logicalId: string) => resources.find((r) => r.LogicalResourceId === logicalId)?.PhysicalResourceId ?? '';
  world.glueTable = physical('GlueTable');
  world.peering = physical('Peering');
  world.glueGroup = physical('GlueGroup');
  world.job = physical('Etl');
  cfn.destroy();
  // Two gaps of moto's CloudFormation, done here through EC2 as AWS's CloudFormation does them:
  // a peering between two VPCs of the same account is active at once, and an
  // AWS::EC2::SubnetRouteTableAssociation associates the subnet (moto's leaves it on the main table).
  const ec2 = new EC2Client({});
  await ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: world.peering }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: world.glueTable, SubnetId: physical('GlueSubnet') }));
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: physical('DataTable'), SubnetId: physical('DbSubnet') }));
  ec2.destroy();
}

beforeAll(async () => {
  moto = await startMoto({ glueCloudFormation: true });
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
      name: 'Etl',
      deployedName: world.job,
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
          name: 'Etl',
          deployedName: world.job,
          status: 'drifted',
          selected: { templates: 'glue-net', deployed: 'glue-net' },
          stores: [{ connection: 'warehouse', templates: 'REACHABLE', deployed: 'UNREACHABLE' }, { connection: 'glue-net', deployed: 'UNKNOWN' }],
          // Exactly the route deleted: its table (by the physical id CloudFormation gave it) and its AWS::EC2::Route.
          elements: [{ kind: 'route table', templateId: 'app/GlueTable', deployedId: world.glueTable, change: 'removed', item: 'route 10.50.0.0/16 -> vpc-peering', resource: 'app/ToData' }],
        }],
      });
      const text = await cli('app.json', '--from-aws', '--compare');
      expect(text.stdout).toContain(`Job Etl (deployed ${world.job}): DRIFT\n`);
      expect(text.stdout).toContain(`  - route table app/GlueTable (deployed ${world.glueTable}): route 10.50.0.0/16 -> vpc-peering (app/ToData) is in the templates, not deployed`);
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
      expect(report(run.stdout).jobs.map((j: any) => [j.name, j.status])).toEqual([['Etl', 'drifted'], ['legacy', 'not-in-templates'], ['new-job', 'not-deployed']]);
      const text = await cli('app.json', '--from-aws', '--compare');
      expect(text.stdout).toContain('Job new-job: DRIFT: in the templates, not deployed (the deployed stack app has no resource NewJob: deploy the templates)');
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
    const cfn = new CloudFormationClient({});
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
      ['list-stack-resources.app.json', () => cfn.send(new ListStackResourcesCommand({ StackName: 'app' }))],
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
      expect(same.stdout).toBe(`Job Etl (deployed ${world.job}): no drift\n\nNo drift: 1 job(s) deployed as the templates plan them.\n`);
      expect(same.code).toBe(0);
      await ec2.send(new DeleteRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16' }));
      await save();
      const drifted = await cli('app.json', '--from-describe', 'saved', '--compare', '--format', 'json');
      expect(drifted.code).toBe(1);
      expect(report(drifted.stdout).jobs).toEqual([{
        name: 'Etl',
        deployedName: world.job,
        status: 'drifted',
        selected: { templates: 'glue-net', deployed: 'glue-net' },
        stores: [{ connection: 'warehouse', templates: 'REACHABLE', deployed: 'UNREACHABLE' }],
        elements: [{ kind: 'route table', templateId: 'app/GlueTable', deployedId: world.glueTable, change: 'removed', item: 'route 10.50.0.0/16 -> vpc-peering', resource: 'app/ToData' }],
      }]);
      // Without the stack's saved resources: matched by name, so the unnamed job is not compared (and
      // the deployed one is not recognised as its), said once.
      rmSync(join(saved, 'list-stack-resources.app.json'));
      const unmapped = await cli('app.json', '--from-describe', 'saved', '--compare', '--format', 'json');
      expect(unmapped.code).toBe(1);
      expect(report(unmapped.stdout).jobs.map((j: any) => [j.name, j.status])).toEqual([[world.job, 'not-in-templates'], ['Etl', 'name-unknown']]);
      expect(report(unmapped.stdout).notes).toEqual(['the resources of stack app could not be read from saved (list-stack-resources.app.json is missing (save it with '
        + '`aws cloudformation list-stack-resources --stack-name app --output json > list-stack-resources.app.json`)): their jobs and connections are matched by name, their network elements through the connections']);
    } finally {
      await ec2.send(new CreateRouteCommand({ RouteTableId: world.glueTable, DestinationCidrBlock: '10.50.0.0/16', VpcPeeringConnectionId: world.peering }));
      ec2.destroy();
      glue.destroy();
      cfn.destroy();
    }
  });

  it('a stack CloudFormation does not have: its jobs are not deployed (even where a job of that name exists)', async () => {
    writeFileSync(join(dir, 'other.json'), JSON.stringify(template));
    const run = await cli('other.json', '--from-aws', '--compare', '--format', 'json');
    expect(run.code).toBe(1);
    expect(report(run.stdout).jobs).toEqual([
      // The job the stack app deployed lists other.json's connections (same names): not other's.
      expect.objectContaining({ name: world.job, status: 'not-in-templates' }),
      expect.objectContaining({ name: 'Etl', status: 'not-deployed', note: 'its stack other is not deployed (CloudFormation has no such stack)' }),
    ]);
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
