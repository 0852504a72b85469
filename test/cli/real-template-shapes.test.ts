/**
 * Shapes of public CloudFormation templates that define Glue networking, each rebuilt as a small
 * fixture (never copied) and run through the CLI as their users would: the repository each is
 * modelled on is named on its case.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';

function templateFile(name: string, yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'glue-netplan-real-')), name);
  writeFileSync(file, yaml);
  return file;
}

function planOf(argv: string[]): any {
  let stdout = '';
  let stderr = '';
  const code = runCli([...argv, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: process.cwd() });
  if (code === 2) throw new Error(stderr);
  return JSON.parse(stdout);
}

describe('a NETWORK connection switched on by an SSM flag (awslabs/aws-serverless-data-lake-framework, sdlf-cicd/template-glue-job.yaml)', () => {
  // The connection exists only when `RunInVpc: !Equals [!Ref pEnableVpc, true]` holds (a YAML
  // boolean against the parameter's text), and the job lists it through `!If [RunInVpc, ..., NoValue]`.
  const template = templateFile('glue-job.yaml', `
Parameters:
  pEnableVpc:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /Team/VPC/Enabled
Conditions:
  RunInVpc: !Equals [!Ref pEnableVpc, true]
Resources:
  Conn:
    Type: AWS::Glue::Connection
    Condition: RunInVpc
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        ConnectionType: NETWORK
        ConnectionProperties: {}
        PhysicalConnectionRequirements:
          AvailabilityZone: us-east-1a
          SecurityGroupIdList: !Split [",", !ImportValue team-vpc-security-groups]
          SubnetId: !Select ["1", !Split [",", !ImportValue team-vpc-subnets]]
  Job:
    Type: AWS::Glue::Job
    Properties:
      Role: arn:aws:iam::111111111111:role/glue
      Command: { Name: glueetl }
      GlueVersion: "4.0"
      Connections: !If
        - RunInVpc
        - Connections: [!Ref Conn]
        - !Ref AWS::NoValue
`);

  test('the flag given as "true": the job uses the connection (was: condition false, the connection dropped, "runs outside your VPCs")', () => {
    const plan = planOf([template, '--parameters', 'pEnableVpc=true']);
    // Its subnet and groups are imported from a stack not loaded: the candidate is UNKNOWN, not absent.
    expect(plan.jobs[0].candidates.map((c: any) => [c.connection.logicalId, c.status])).toEqual([['Conn', 'unknown']]);
  });

  test('the zone is unknown because the subnet is imported: the fix names what would make it definite, not a CDK stack environment', () => {
    const plan = planOf([template, '--parameters', 'pEnableVpc=true']);
    const azUnknown = plan.findings.find((f: any) => f.ruleId === 'GNP-CONNECTION-AZ-UNKNOWN');
    expect(azUnknown.message).toMatch(/team-vpc-subnets/);
    expect(azUnknown.fix).not.toMatch(/env: \{ account, region \}/);
    expect(azUnknown.fix).toMatch(/--parameters.*imported value.*--facts/);
  });

  test('the flag given as "false": no connection, the job runs outside the VPCs', () => {
    const plan = planOf([template, '--parameters', 'pEnableVpc=false']);
    expect(plan.jobs[0].candidates).toEqual([]);
  });
});

describe('a connection that also wears a shared group named by its id (SecurityGroupIdList: [!Ref GlueSg, sg-...])', () => {
  // Templates that pass in a group made elsewhere (a literal id, or a List<AWS::EC2::SecurityGroup::Id>
  // parameter) beside their own: the group may be of another VPC, and EC2 then refuses the ENIs.
  const template = templateFile('shared-group.yaml', `
Parameters:
  SharedGroups: { Type: 'List<AWS::EC2::SecurityGroup::Id>' }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a }
  RouteTable:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Subnet, RouteTableId: !Ref RouteTable }
  S3Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, ServiceName: com.amazonaws.us-east-1.s3, RouteTableIds: [!Ref RouteTable] }
  GlueGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: glue, VpcId: !Ref Vpc }
  GlueSelf:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref GlueGroup, IpProtocol: -1, SourceSecurityGroupId: !Ref GlueGroup }
  Conn:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        ConnectionType: JDBC
        ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.1.20:3306/app' }
        PhysicalConnectionRequirements:
          SubnetId: !Ref Subnet
          AvailabilityZone: us-east-1a
          SecurityGroupIdList: !Split [',', !Join [',', [!Ref GlueGroup, !Join [',', !Ref SharedGroups]]]]
  Job:
    Type: AWS::Glue::Job
    Properties:
      Role: arn:aws:iam::111111111111:role/glue
      Command: { Name: glueetl }
      GlueVersion: "4.0"
      Connections: { Connections: [!Ref Conn] }
`);

  test('a group the inputs do not describe: GNP-CONNECTION-SG-VPC-UNKNOWN and the store UNKNOWN (was: REACHABLE, nothing said)', () => {
    const plan = planOf([template, '--parameters', 'SharedGroups=sg-0123456789abcdef0']);
    const job = plan.jobs[0];
    expect(job.dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
    const finding = job.findings.find((f: any) => f.ruleId === 'GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(finding.message).toMatch(/sg-0123456789abcdef0 is not described/);
    expect(finding.fix).toMatch(/--facts/);
    // A CDK app's shared group (SecurityGroup.fromSecurityGroupId) is described through the guard's or the plugin's options.
    expect(finding.fix).toMatch(/the guard's facts or factsFile, the validation plugin's factsFile/);
    expect(finding.fix).toMatch(/with its vpcId and its rules/);
    const why = job.dataStores[0].explanations.find((e: any) => e.code === 'UNKNOWN_SECURITY_GROUP_VPC');
    expect(why.fix).toMatch(/the guard's facts or factsFile/);
  });

  test('the group described in --facts, of the subnet\'s VPC: REACHABLE', () => {
    const facts = templateFile('facts.json', JSON.stringify({
      securityGroups: [{ id: 'sg-0123456789abcdef0', vpcId: 'shared-group/Vpc', ingress: [], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
    }));
    const plan = planOf([template, '--parameters', 'SharedGroups=sg-0123456789abcdef0', '--facts', facts]);
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE']);
  });
});
