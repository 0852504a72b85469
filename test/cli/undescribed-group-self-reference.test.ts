/**
 * A connection whose only security group is one the inputs do not describe (a literal sg-... or a
 * parameter's value): whether a group admits all TCP from itself (Glue's requirement) cannot be
 * decided, and the plan says so.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'glue-netplan-undescribed-sg-')), name);
  writeFileSync(path, text);
  return path;
}

function findingsOf(argv: string[]): any[] {
  let stdout = '';
  let stderr = '';
  const code = runCli([...argv, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: process.cwd() });
  if (code === 2) throw new Error(stderr);
  const plan = JSON.parse(stdout);
  return plan.findings.concat(plan.jobs.flatMap((j: any) => j.findings));
}

const TEMPLATE = file('etl.yaml', `
Parameters:
  GlueGroup: { Type: 'AWS::EC2::SecurityGroup::Id' }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a }
  Conn:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        ConnectionType: NETWORK
        PhysicalConnectionRequirements:
          SubnetId: !Ref Subnet
          AvailabilityZone: !GetAtt Subnet.AvailabilityZone
          SecurityGroupIdList: [!Ref GlueGroup]
`);

const selfRefUnknown = (findings: any[]) => findings.filter((f) => f.ruleId === 'GNP-SG-REQUIREMENTS-UNKNOWN' && /self-referencing/.test(f.message));

describe('a connection whose security group the inputs do not describe', () => {
  test('its self-reference cannot be decided: GNP-SG-REQUIREMENTS-UNKNOWN naming the group and --facts securityGroups[] (was: nothing said)', () => {
    const found = selfRefUnknown(findingsOf([TEMPLATE, '--parameters', 'GlueGroup=sg-0123456789abcdef0']));
    expect(found).toHaveLength(1);
    expect(found[0].severity).toBe('warning');
    expect(found[0].logicalId).toBe('Conn');
    expect(found[0].message).toMatch(/sg-0123456789abcdef0 is not described by the templates or --facts/);
    expect(found[0].message).toMatch(/cannot be decided/);
    expect(found[0].fix).toMatch(/securityGroups\[\] in a --facts file/);
  });

  test('described in --facts with its self-reference: no warning, and none of GNP-SG-NO-SELF-REFERENCE either', () => {
    const facts = file('facts.json', JSON.stringify({
      securityGroups: [{ id: 'sg-0123456789abcdef0', vpcId: 'etl/Vpc', ingress: [{ protocol: 'tcp', fromPort: 0, toPort: 65535, securityGroupId: 'sg-0123456789abcdef0' }], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
    }));
    const findings = findingsOf([TEMPLATE, '--parameters', 'GlueGroup=sg-0123456789abcdef0', '--facts', facts]);
    expect(selfRefUnknown(findings)).toEqual([]);
    expect(findings.map((f) => f.ruleId)).not.toContain('GNP-SG-NO-SELF-REFERENCE');
  });

  test('described in --facts without it: GNP-SG-NO-SELF-REFERENCE, as for a group of the templates', () => {
    const facts = file('facts.json', JSON.stringify({
      securityGroups: [{ id: 'sg-0123456789abcdef0', vpcId: 'etl/Vpc', ingress: [], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
    }));
    const findings = findingsOf([TEMPLATE, '--parameters', 'GlueGroup=sg-0123456789abcdef0', '--facts', facts]);
    expect(selfRefUnknown(findings)).toEqual([]);
    expect(findings.map((f) => f.ruleId)).toContain('GNP-SG-NO-SELF-REFERENCE');
  });
});
