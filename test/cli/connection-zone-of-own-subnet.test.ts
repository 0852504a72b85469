/**
 * A connection whose AvailabilityZone is `Fn::GetAtt <its subnet>.AvailabilityZone`, of a subnet that
 * names no zone (EC2 picks it). CloudFormation returns the subnet's zone (AWS::EC2::Subnet return
 * values), so the connection's zone is the subnet's by construction: it matches, though its name is
 * unknown. It was GNP-CONNECTION-AZ-UNKNOWN and the store UNKNOWN, while that very form is the fix
 * GNP-CONNECTION-AZ-MISSING and -AZ-UNKNOWN recommend. The zone's value stays unknown where the value
 * matters (which zone a failure takes down).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, aws_ec2 as ec2, aws_glue as glue } from 'aws-cdk-lib';
import { runCli } from '../../src/cli/run';
import { allDoors, expectDoorsAgree } from '../doors';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'glue-netplan-own-subnet-zone-')), name);
  writeFileSync(path, text);
  return path;
}

function run(argv: string[]): { code: number; plan: any } {
  let stdout = '';
  let stderr = '';
  const code = runCli([...argv, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: process.cwd() });
  if (code === 2) throw new Error(stderr);
  return { code, plan: JSON.parse(stdout) };
}

function ruleIds(plan: any): string[] {
  return plan.findings.concat(plan.jobs.flatMap((j: any) => j.findings)).map((f: any) => f.ruleId);
}

/** Two subnets without a zone (EC2 picks them), each with an S3 endpoint; one connection's zone given by `zone`. */
function template(zone: string): string {
  return `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
  Other:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24 }
  RouteTable:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Subnet, RouteTableId: !Ref RouteTable }
  OtherAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Other, RouteTableId: !Ref RouteTable }
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
        Name: conn
        ConnectionType: JDBC
        ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.1.20:3306/app' }
        PhysicalConnectionRequirements:
          SubnetId: !Ref Subnet
          SecurityGroupIdList: [!Ref GlueGroup]
          AvailabilityZone: ${zone}
  Job:
    Type: AWS::Glue::Job
    Properties:
      Role: arn:aws:iam::111111111111:role/glue
      Command: { Name: glueetl }
      GlueVersion: "4.0"
      Connections: { Connections: [!Ref Conn] }
`;
}

describe('AvailabilityZone: !GetAtt <its own subnet>.AvailabilityZone, the subnet naming no zone', () => {
  test('matches the subnet: REACHABLE, no GNP-CONNECTION-AZ-UNKNOWN (was: AZ-UNKNOWN, the store UNKNOWN)', () => {
    const { code, plan } = run([file('etl.yaml', template('!GetAtt Subnet.AvailabilityZone'))]);
    expect(ruleIds(plan)).not.toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(ruleIds(plan)).not.toContain('GNP-CONNECTION-AZ-MISSING');
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE']);
    expect(code).toBe(0);
  });

  test('another subnet\'s zone (EC2 picks both) is still unknown: GNP-CONNECTION-AZ-UNKNOWN, the store UNKNOWN', () => {
    const { plan } = run([file('etl.yaml', template('!GetAtt Other.AvailabilityZone'))]);
    expect(ruleIds(plan)).toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
  });

  test('a zone failure what-if: the zone itself is still unknown, so whether the connection is in the failed zone is UNKNOWN', () => {
    const { plan } = run([file('etl.yaml', template('!GetAtt Subnet.AvailabilityZone')), '--az-down', 'us-east-1a']);
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
    expect(JSON.stringify(plan.jobs[0])).toMatch(/AZ_HEALTH_UNKNOWN/);
  });
});

describe('the three doors: a CfnConnection whose availabilityZone is its CfnSubnet\'s attrAvailabilityZone', () => {
  test('every door: no zone finding, the store REACHABLE (guard and CLI)', () => {
    const answers = allDoors((a: App) => {
      const stack = new Stack(a, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
      const subnet = new ec2.CfnSubnet(stack, 'Subnet', { vpcId: vpc.ref, cidrBlock: '10.0.1.0/24' });
      const table = new ec2.CfnRouteTable(stack, 'RouteTable', { vpcId: vpc.ref });
      new ec2.CfnSubnetRouteTableAssociation(stack, 'Association', { subnetId: subnet.ref, routeTableId: table.ref });
      new ec2.CfnVPCEndpoint(stack, 'S3', { vpcId: vpc.ref, serviceName: 'com.amazonaws.us-east-1.s3', routeTableIds: [table.ref] });
      const group = new ec2.CfnSecurityGroup(stack, 'GlueGroup', { groupDescription: 'glue', vpcId: vpc.ref });
      new ec2.CfnSecurityGroupIngress(stack, 'GlueSelf', { groupId: group.attrGroupId, ipProtocol: '-1', sourceSecurityGroupId: group.attrGroupId });
      const connection = new glue.CfnConnection(stack, 'Jdbc', {
        catalogId: stack.account,
        connectionInput: {
          connectionType: 'JDBC',
          connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.1.20:3306/app' },
          physicalConnectionRequirements: { availabilityZone: subnet.attrAvailabilityZone, subnetId: subnet.ref, securityGroupIdList: [group.attrGroupId] },
        },
      });
      new glue.CfnJob(stack, 'Job', { role: 'arn:aws:iam::111111111111:role/glue', command: { name: 'glueetl' }, glueVersion: '4.0', connections: { connections: [connection.ref] } });
    });
    expectDoorsAgree(answers);
    for (const door of [answers.guard, answers.plugin, answers.cli]) {
      expect(door.findings.filter((f) => f.startsWith('GNP-CONNECTION-AZ'))).toEqual([]);
    }
    expect(answers.guard.stores.length).toBe(1);
    expect(answers.guard.stores.every((s) => s.endsWith(': REACHABLE'))).toBe(true);
  });
});
