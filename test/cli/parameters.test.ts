import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseArgs, runCli } from '../../src/cli/run';

/*
 * An ETL stack wired to its network by parameters, as CloudFormation users write it: the network
 * stack's outputs are passed in as SubnetId and GlueSecurityGroupId, the database host is read
 * from SSM, the environment names the job and the connection. The network itself (another team's)
 * is described in a facts file.
 */
const ETL_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
  SubnetId:
    Type: AWS::EC2::Subnet::Id
  GlueSecurityGroupId:
    Type: AWS::EC2::SecurityGroup::Id
  DatabaseHost:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /data/warehouse/host
Resources:
  WarehouseConnection:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        Name: !Sub '\${Env}-warehouse'
        ConnectionType: JDBC
        ConnectionProperties:
          JDBC_CONNECTION_URL: !Sub 'jdbc:postgresql://\${DatabaseHost}:5432/dw'
        PhysicalConnectionRequirements:
          SubnetId: !Ref SubnetId
          SecurityGroupIdList: [!Ref GlueSecurityGroupId]
          AvailabilityZone: us-east-1a
  LoadJob:
    Type: AWS::Glue::Job
    Properties:
      Name: !Sub '\${Env}-load'
      Role: arn:aws:iam::111111111111:role/glue
      Command: { Name: glueetl, ScriptLocation: s3://scripts/load.py }
      Connections: { Connections: [!Ref WarehouseConnection] }
`;

/** VPC vpc-0data: subnet-0abc with an S3 gateway endpoint, and the Glue group sg-0glue; 10.60/16 has no endpoint. */
const FACTS = {
  vpcs: [
    { id: 'vpc-0data', cidrBlocks: ['10.50.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true, mainRouteTableId: 'rtb-0main' },
  ],
  subnets: [
    { id: 'subnet-0abc', vpcId: 'vpc-0data', cidr: '10.50.1.0/24', availabilityZone: 'us-east-1a' },
    { id: 'subnet-0other', vpcId: 'vpc-0data', cidr: '10.50.2.0/24', availabilityZone: 'us-east-1b', routeTableId: 'rtb-0private' },
  ],
  routeTables: [{ id: 'rtb-0main', vpcId: 'vpc-0data', routes: [] }, { id: 'rtb-0private', vpcId: 'vpc-0data', routes: [] }],
  gatewayEndpoints: [{ id: 'vpce-0s3', vpcId: 'vpc-0data', service: 's3', routeTableIds: ['rtb-0main'] }],
  securityGroups: [{
    id: 'sg-0glue',
    vpcId: 'vpc-0data',
    ingress: [{ protocol: 'tcp', fromPort: 0, toPort: 65535, securityGroupId: 'sg-0glue' }],
    egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }],
  }],
};

const VALUES = { Env: 'prod', SubnetId: 'subnet-0abc', GlueSecurityGroupId: 'sg-0glue', DatabaseHost: '10.50.1.10' };

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-parameters-'));
  writeFileSync(join(dir, 'etl.yaml'), ETL_TEMPLATE);
  writeFileSync(join(dir, 'facts.json'), JSON.stringify(FACTS));
  return dir;
}

function run(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd });
  return { code, stdout, stderr, plan: code !== 2 && argv.includes('json') ? JSON.parse(stdout) : undefined };
}

const planned = (dir: string, ...args: string[]) => run(['etl.yaml', '--facts', 'facts.json', '--format', 'json', '--no-failover', ...args], dir);

describe('--parameters', () => {
  test('without values: each parameter with no default (or read from SSM) is named once, plainly; no {{unknown:...}} in names', () => {
    const { code, plan, stdout } = planned(workspace());
    expect(code).toBe(0);
    const unresolved = plan.findings.filter((f: any) => f.ruleId === 'GNP-INPUT-UNRESOLVED');
    expect(unresolved.map((f: any) => [f.logicalId, f.message])).toEqual([
      ['Env', 'Parameter Env of stack etl has no default and no value was given, so every value built from it is unknown.'],
      ['DatabaseHost', 'Parameter DatabaseHost of stack etl is read from SSM parameter /data/warehouse/host at deploy time, so every value built from it is unknown.'],
      ['SubnetId', 'Parameter SubnetId of stack etl has no default and no value was given, so every value built from it is unknown.'],
      ['GlueSecurityGroupId', 'Parameter GlueSecurityGroupId of stack etl has no default and no value was given, so every value built from it is unknown.'],
    ]);
    expect(unresolved[0].fix).toContain('--parameters etl:Env=VALUE');
    expect(stdout).not.toContain('{{unknown:');
    expect(plan.jobs[0].name).toBe('LoadJob');
    expect(plan.jobs[0].dataStores[0].verdict).toBe('UNKNOWN');
  });

  test('Key=Value pairs after one --parameters: the job is planned with them (the SSM parameter given its value)', () => {
    const { code, plan } = planned(workspace(), '--parameters', ...Object.entries(VALUES).map(([k, v]) => `${k}=${v}`));
    expect(code).toBe(0);
    expect(plan.jobs[0]).toMatchObject({ name: 'prod-load', selectedConnection: { name: 'prod-warehouse', subnet: 'subnet-0abc' } });
    expect(plan.jobs[0].dataStores[0]).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'ip-address' });
    expect(plan.findings).toEqual([]);
  });

  test('an AWS::SSM::Parameter::Value<...> parameter not given is unknown, whatever its default names', () => {
    const { DatabaseHost: _, ...rest } = VALUES;
    const { plan } = planned(workspace(), '--parameters', ...Object.entries(rest).map(([k, v]) => `${k}=${v}`));
    expect(plan.jobs[0].dataStores[0].locatedBy).not.toBe('ip-address');
    expect(plan.findings.map((f: any) => [f.ruleId, f.logicalId, f.message, f.fix])).toEqual([['GNP-INPUT-UNRESOLVED', 'DatabaseHost',
      'Parameter DatabaseHost of stack etl is read from SSM parameter /data/warehouse/host at deploy time, so every value built from it is unknown.',
      'Give the SSM parameter\'s value: glue-netplan --parameters etl:DatabaseHost=VALUE.']]);
    expect(JSON.stringify(plan)).not.toContain('/data/warehouse/host:5432');
  });

  test.each([
    ['the AWS CLI shape', Object.entries(VALUES).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }))],
    ['the CodePipeline template configuration shape', { Parameters: VALUES, Tags: { team: 'data' } }],
  ])('a parameters file in %s plans the same as Key=Value pairs', (_shape, content) => {
    const dir = workspace();
    writeFileSync(join(dir, 'params.json'), JSON.stringify(content));
    const fromPairs = planned(dir, '--parameters', ...Object.entries(VALUES).map(([k, v]) => `${k}=${v}`)).plan;
    expect(planned(dir, '--parameters', 'params.json').plan).toEqual(fromPairs);
    expect(planned(dir, '--parameters', 'etl:params.json').plan).toEqual(fromPairs);
  });

  test('per stack with several templates: Stack:Key=Value reaches only that stack', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'etl-dev.yaml'), ETL_TEMPLATE);
    const { plan } = run(['etl.yaml', 'etl-dev.yaml', '--facts', 'facts.json', '--format', 'json', '--no-failover',
      '--parameters', 'SubnetId=subnet-0abc', 'GlueSecurityGroupId=sg-0glue', 'DatabaseHost=10.50.1.10',
      '--parameters', 'etl:Env=prod', 'etl-dev:Env=dev', 'etl-dev:SubnetId=subnet-0other'], dir);
    expect(plan.jobs.map((j: any) => [j.name, j.selectedConnection?.subnet ?? null])).toEqual([['prod-load', 'subnet-0abc'], ['dev-load', null]]);
  });

  describe('bad values: exit 2 with one line', () => {
    test.each([
      [['--parameters', 'nope:Env=prod'], /--parameters nope:Env: no stack named nope was read \(stacks: etl\)/],
      [['--parameters', 'Envv=prod'], /--parameters Envv: parameter Envv is not declared by any template read/],
      [['--parameters', 'missing.json'], /missing\.json: cannot read file/],
    ])('%j', (args, message) => {
      const { code, stderr } = planned(workspace(), ...args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });

    test('a file of neither shape', () => {
      const dir = workspace();
      writeFileSync(join(dir, 'params.json'), JSON.stringify({ Env: 'prod' }));
      const { code, stderr } = planned(dir, '--parameters', 'params.json');
      expect(code).toBe(2);
      expect(stderr).toMatch(/params\.json: not a parameters file: expected \[\{"ParameterKey"/);
    });
  });

  test('arguments: pairs are taken until the next option or a word without "="; a file only by itself', () => {
    expect(parseArgs(['--parameters', 'A=1', 'Stack:B=x=y', 'cdk.out', '--parameters', 'p.json', 'etl.yaml'])).toMatchObject({
      paths: ['cdk.out', 'etl.yaml'],
      parameters: [{ key: 'A', value: '1' }, { stack: 'Stack', key: 'B', value: 'x=y' }, { file: 'p.json' }],
    });
    expect(parseArgs(['--parameters=Stage/Etl:A=1'])).toMatchObject({ parameters: [{ stack: 'Stage/Etl', key: 'A', value: '1' }] });
    expect(() => parseArgs(['--parameters'])).toThrow(/--parameters needs a value/);
  });
});
