import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { AccountSnapshot, DESCRIBE_FILES } from '../../src/ingest/aws';
import { readSavedStacks, deployedIds } from '../../src/ingest/aws/stacks';
import { account, apiJob, apiRouteTable, localRoute, routeTo, s3EndpointRoute } from '../ingest/aws/api-builders';

/**
 * `--from-describe DIR --compare` with saved `aws cloudformation list-stack-resources` outputs:
 * the template's job has no Name (CloudFormation generated it), and it lives in a nested stack;
 * the saved resource lists map its logical ids to the deployed job, connection and network.
 */
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gnp-drift-stacks-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NESTED_ARN = 'arn:aws:cloudformation:us-east-1:111111111111:stack/app-NetworkNestedStack-1ABC/6a7b8c90-0000-11ef-8e2a-0a1b2c3d4e5f';
const JOB = 'app-Network-Etl-Q1W2E3R4T5';

/** The app: stack `app` holds the nested stack `Network` (network.json): the Glue subnet, its table, group, connection and the unnamed job. */
function writeApp(): void {
  writeFileSync(join(dir, 'app.json'), JSON.stringify({ Resources: { Network: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'network.json' } } } }));
  writeFileSync(join(dir, 'network.json'), JSON.stringify({
    Resources: {
      GlueVpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      GlueSubnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'GlueVpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' } },
      GlueTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'GlueVpc' } } },
      GlueTableAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { RouteTableId: { Ref: 'GlueTable' }, SubnetId: { Ref: 'GlueSubnet' } } },
      S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'GlueVpc' }, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [{ Ref: 'GlueTable' }] } },
      ToData: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: { Ref: 'GlueTable' }, DestinationCidrBlock: '10.50.0.0/16', VpcPeeringConnectionId: 'pcx-0glue' } },
      GlueGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'glue', VpcId: { Ref: 'GlueVpc' } } },
      GlueSelf: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['GlueGroup', 'GroupId'] }, IpProtocol: '-1', SourceSecurityGroupId: { 'Fn::GetAtt': ['GlueGroup', 'GroupId'] } } },
      GlueNet: {
        Type: 'AWS::Glue::Connection',
        Properties: { CatalogId: '111111111111', ConnectionInput: { Name: 'glue-net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: { Ref: 'GlueSubnet' }, SecurityGroupIdList: [{ Ref: 'GlueGroup' }], AvailabilityZone: 'us-east-1a' } } },
      },
      // No Name: CloudFormation generates it.
      Etl: { Type: 'AWS::Glue::Job', Properties: { Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net'] } } },
    },
  }));
}

const summary = (logicalId: string, type: string, physicalId: string) => ({
  LogicalResourceId: logicalId, PhysicalResourceId: physicalId, ResourceType: type, ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: '2026-11-02T10:00:00Z',
});

/** `aws cloudformation list-stack-resources --output json` of the two stacks, named as docs/live.md says. */
const savedStacks: Record<string, object[]> = {
  'list-stack-resources.app.json': [summary('Network', 'AWS::CloudFormation::Stack', NESTED_ARN)],
  'list-stack-resources.app-NetworkNestedStack-1ABC.json': [
    summary('GlueVpc', 'AWS::EC2::VPC', 'vpc-0glue'),
    summary('GlueSubnet', 'AWS::EC2::Subnet', 'subnet-0glue'),
    summary('GlueTable', 'AWS::EC2::RouteTable', 'rtb-0glue'),
    summary('ToData', 'AWS::EC2::Route', 'rtb-0glue|10.50.0.0/16'),
    summary('GlueGroup', 'AWS::EC2::SecurityGroup', 'sg-0glue'),
    summary('GlueNet', 'AWS::Glue::Connection', 'glue-net'),
    summary('Etl', 'AWS::Glue::Job', JOB),
  ],
};

/** The account as deployed: the seed's, with the app's job under the name CloudFormation gave it. */
const deployed = (): AccountSnapshot => ({ ...account(), jobs: [apiJob(JOB, ['glue-net'])] });

function save(snapshot: AccountSnapshot, stacks: Record<string, object[]> = savedStacks): string {
  const out = join(dir, 'saved');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  for (const { part, file, key } of DESCRIBE_FILES) writeFileSync(join(out, file), JSON.stringify({ [key]: snapshot[part] }));
  for (const [file, summaries] of Object.entries(stacks)) writeFileSync(join(out, file), JSON.stringify({ StackResourceSummaries: summaries }));
  writeFileSync(join(out, 'region.txt'), 'us-east-1\n');
  return out;
}

function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir });
  return { code, stdout, stderr };
}

describe('saved list-stack-resources outputs', () => {
  it('nested stacks are followed through the name in their ARN; ids are keyed like the model (Parent/Nested/LogicalId)', () => {
    const reads = readSavedStacks(save(deployed()), ['app']);
    expect(reads.map((r) => [r.name, r.status])).toEqual([['app', 'listed'], ['app/Network', 'listed']]);
    const ids = deployedIds(reads, 'saved');
    expect(ids.physicalIds.get('app/Network/Etl')).toBe(JOB);
    expect(ids.physicalIds.get('app/Network/GlueTable')).toBe('rtb-0glue');
  });
});

describe('a saved list-stack-resources output that is one page of several', () => {
  it('a NextToken: the stack is not read, saying so (was: its first page read as all its resources, the nested stack on the next page never followed)', () => {
    const out = save(deployed());
    writeFileSync(join(out, 'list-stack-resources.app.json'), JSON.stringify({ StackResourceSummaries: [], NextToken: 'page-2' }));
    const reads = readSavedStacks(out, ['app']);
    expect(reads).toEqual([{ name: 'app', status: 'unread', reason: expect.stringContaining('list-stack-resources.app.json is one page of several (it has a NextToken)') }]);
  });
});

describe('stacks that could not be read', () => {
  it('one reason for several stacks (access denied) is said once, naming the permission', () => {
    const denied = 'access denied (AccessDenied): grant cloudformation:ListStackResources';
    const ids = deployedIds([{ name: 'app', status: 'unread', reason: denied }, { name: 'data', status: 'unread', reason: denied }, { name: 'gone', status: 'not-deployed' }], 'the account');
    expect(ids.notes).toEqual([`the resources of stacks app, data could not be read from the account (${denied}): their jobs and connections are matched by name, their network elements through the connections`]);
    expect(ids.stacks).toEqual(new Map([['gone', 'not-deployed']]));
  });
});

describe('--from-describe DIR --compare with list-stack-resources files', () => {
  it('the unnamed job in a nested stack is compared with the job CloudFormation created: no drift, exit 0', () => {
    writeApp();
    const run = cli('app.json', '--from-describe', save(deployed()), '--compare');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`Job Etl (deployed ${JOB}): no drift\n\nNo drift: 1 job(s) deployed as the templates plan them.\n`);
    expect(run.code).toBe(0);
  });

  it('the route deleted from the deployed table is named, with the AWS::EC2::Route it comes from', () => {
    writeApp();
    const snapshot = deployed();
    const withoutRoute = { ...snapshot, routeTables: snapshot.routeTables!.map((t) => (t.RouteTableId === 'rtb-0glue' ? apiRouteTable('rtb-0glue', 'vpc-0glue', { subnets: ['subnet-0glue'], routes: [localRoute('10.0.0.0/16'), s3EndpointRoute('vpce-0s3')] }) : t)) };
    const run = cli('app.json', '--from-describe', save(withoutRoute), '--compare', '--format', 'json');
    expect(run.code).toBe(1);
    const etl = JSON.parse(run.stdout).jobs[0];
    expect(etl.selected).toEqual({ templates: 'glue-net', deployed: 'glue-net' });
    expect(etl.elements).toEqual([{ kind: 'route table', templateId: 'app/Network/GlueTable', deployedId: 'rtb-0glue', change: 'removed', item: 'route 10.50.0.0/16 -> vpc-peering', resource: 'app/Network/ToData' }]);
  });

  it('the S3 gateway endpoint taken off the deployed table: Glue selects nothing as deployed, and the endpoint is named', () => {
    writeApp();
    const snapshot = deployed();
    // Deleting the endpoint takes its route (prefix list -> vpce-) off the table too.
    const routeTables = snapshot.routeTables!.map((t) => (t.RouteTableId === 'rtb-0glue'
      ? apiRouteTable('rtb-0glue', 'vpc-0glue', { subnets: ['subnet-0glue'], routes: [localRoute('10.0.0.0/16'), routeTo('10.50.0.0/16', { VpcPeeringConnectionId: 'pcx-0glue' })] }) : t));
    const run = cli('app.json', '--from-describe', save({ ...snapshot, vpcEndpoints: [], routeTables }), '--compare', '--format', 'json');
    expect(run.code).toBe(1);
    const etl = JSON.parse(run.stdout).jobs[0];
    expect(etl.selected).toEqual({ templates: 'glue-net', deployed: null });
    expect(etl.elements).toEqual([{ kind: 'route table', templateId: 'app/Network/GlueTable', deployedId: 'rtb-0glue', change: 'removed', item: 'gateway endpoint s3' }]);
  });

  it('a nested stack whose resources were not saved: matched by name, said once', () => {
    writeApp();
    const run = cli('app.json', '--from-describe', save(deployed(), { 'list-stack-resources.app.json': savedStacks['list-stack-resources.app.json'] }), '--compare', '--format', 'json');
    const report = JSON.parse(run.stdout);
    expect(report.jobs.map((j: any) => [j.name, j.status])).toEqual([[JOB, 'not-in-templates'], ['Etl', 'name-unknown']]);
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(/^the resources of stack app\/Network could not be read from .*list-stack-resources\.app-NetworkNestedStack-1ABC\.json is missing/);
  });

  it('a list-stack-resources file that is not the AWS CLI\'s JSON: one line, exit 2', () => {
    writeApp();
    const out = save(deployed());
    writeFileSync(join(out, 'list-stack-resources.app.json'), JSON.stringify({ Stacks: [] }));
    const run = cli('app.json', '--from-describe', out, '--compare');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/list-stack-resources\.app\.json: expected the output of `aws cloudformation list-stack-resources --output json`/);
  });
});

describe('--compare over a cdk.out whose Dev and Prod stages each name their stack etl (read as Dev/Etl and Prod/Etl)', () => {
  /** The flat app (network.json's resources in one template) in a stage's assembly. */
  function writeStages(stages: { id: string; account: string }[]): string {
    const out = join(dir, 'cdk.out');
    mkdirSync(out);
    writeApp();
    const template = { Resources: JSON.parse(readFileSync(join(dir, 'network.json'), 'utf8')).Resources };
    const artifacts: Record<string, object> = {};
    for (const { id, account: acct } of stages) {
      writeFileSync(join(out, `${id}Etl.template.json`), JSON.stringify(template));
      artifacts[`${id}Etl`] = { type: 'aws:cloudformation:stack', environment: `aws://${acct}/us-east-1`, displayName: `${id}/Etl`, properties: { templateFile: `${id}Etl.template.json`, stackName: 'etl' } };
    }
    writeFileSync(join(out, 'manifest.json'), JSON.stringify({ version: '54.0.0', artifacts }));
    return out;
  }
  const etlStack = { 'list-stack-resources.etl.json': savedStacks['list-stack-resources.app-NetworkNestedStack-1ABC.json'] };

  it('the stacks are not listed as nested stacks: which stage\'s etl the account holds is not known, and it is said (was: Dev/Etl and Prod/Etl taken for nested stacks, never listed, nothing said)', () => {
    const out = writeStages([{ id: 'Dev', account: '111111111111' }]);
    // One stage only: its stack keeps the name etl, and is listed.
    expect(cli(out, '--from-describe', save(deployed(), etlStack), '--compare').code).toBe(0);
    rmSync(out, { recursive: true, force: true });
    const both = writeStages([{ id: 'Dev', account: '111111111111' }, { id: 'Prod', account: '222222222222' }]);
    const run = cli(both, '--from-describe', save(deployed(), etlStack), '--compare', '--format', 'json');
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    // Which stage's etl the saved account holds is not known: neither is given the other's ids, and it is said.
    expect(report.notes).toEqual([expect.stringMatching(/^the resources of stacks Dev\/Etl, Prod\/Etl could not be read from .* \(the stacks Dev\/Etl, Prod\/Etl are each named etl in CloudFormation, in different accounts or Regions/)]);
    expect(report.jobs.map((j: any) => j.status)).not.toContain('no-drift');
  });
});
