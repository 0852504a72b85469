/**
 * A connection written with a subnet and no AvailabilityZone. Glue's API reference: "Currently the
 * field must be populated, but it will be deprecated in the future"; CloudFormation accepts it, and
 * users report every run through it fails with CONNECTION_LIST_CONNECTION_WITH_AZ_NULL
 * (hashicorp/terraform-provider-aws#4762, aws-samples/aws-glue-samples#18, cfn-lint#3886).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, aws_ec2 as ec2, aws_glue as glue } from 'aws-cdk-lib';
import { runCli } from '../../src/cli/run';
import { AccountSnapshot, DESCRIBE_FILES } from '../../src/ingest/aws';
import { allDoors, expectDoorsAgree } from '../doors';
import { account, apiJob } from '../ingest/aws/api-builders';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'glue-netplan-az-missing-')), name);
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

/** A VPC whose subnet has an S3 endpoint, a self-referencing Glue group, and a job over `connections`. */
function template(connections: Record<string, string>, jobConnections: string[]): string {
  const conns = Object.entries(connections).map(([id, physical]) => `
  ${id}:
    Type: AWS::Glue::Connection
    Properties:
      CatalogId: !Ref AWS::AccountId
      ConnectionInput:
        Name: ${id.toLowerCase()}
        ConnectionType: JDBC
        ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.1.20:3306/app' }
        PhysicalConnectionRequirements:
          SubnetId: !Ref Subnet
          SecurityGroupIdList: [!Ref GlueGroup]${physical}`).join('');
  return `
Parameters:
  Zone: { Type: String }
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
${conns}
  Job:
    Type: AWS::Glue::Job
    Properties:
      Role: arn:aws:iam::111111111111:role/glue
      Command: { Name: glueetl }
      GlueVersion: "4.0"
      Connections: { Connections: [${jobConnections.map((c) => `!Ref ${c}`).join(', ')}] }
`;
}

const NO_ZONE = '';
const SUBNET_ZONE = '\n          AvailabilityZone: !GetAtt Subnet.AvailabilityZone';

describe('a template\'s connection with a subnet and no AvailabilityZone', () => {
  test('GNP-CONNECTION-AZ-MISSING (error) with the doc, the reported run failure and the fix; the store UNREACHABLE (was: REACHABLE, nothing said)', () => {
    const { code, plan } = run([file('etl.yaml', template({ Conn: NO_ZONE }, ['Conn']))]);
    expect(code).toBe(1);
    const finding = plan.findings.concat(plan.jobs.flatMap((j: any) => j.findings)).find((f: any) => f.ruleId === 'GNP-CONNECTION-AZ-MISSING');
    expect(finding.severity).toBe('error');
    expect(finding.logicalId).toBe('Conn');
    expect(finding.message).toMatch(/Currently the field must be populated/);
    expect(finding.message).toMatch(/CONNECTION_LIST_CONNECTION_WITH_AZ_NULL/);
    expect(finding.message).toMatch(/Users report.*not documented by AWS, is assumed/);
    expect(finding.fix).toMatch(/!GetAtt Subnet\.AvailabilityZone/);
    expect(finding.fix).toMatch(/subnet\.availabilityZone/);
    const stores = plan.jobs[0].dataStores;
    expect(stores.map((s: any) => s.verdict)).toEqual(['UNREACHABLE']);
    expect(stores[0].explanations.map((e: any) => e.message).join(' ')).toMatch(/no AvailabilityZone.*every run fails there/);
  });

  test('a later connection with its zone does not take over: Glue selects the first and the run fails there (assumed: not skipped)', () => {
    const { plan } = run([file('etl.yaml', template({ First: NO_ZONE, Second: SUBNET_ZONE }, ['First', 'Second']))]);
    expect(plan.jobs[0].selectedConnection.name).toBe('first');
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).not.toContain('REACHABLE');
  });

  test('the zone derived from the subnet: REACHABLE, no finding on zones', () => {
    const { code, plan } = run([file('etl.yaml', template({ Conn: SUBNET_ZONE }, ['Conn']))]);
    expect(code).toBe(0);
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE']);
    expect(JSON.stringify(plan)).not.toMatch(/GNP-CONNECTION-AZ-MISSING/);
  });

  test('a zone the inputs leave unresolved (a parameter without a value) stays GNP-CONNECTION-AZ-UNKNOWN, not missing', () => {
    const { plan } = run([file('etl.yaml', template({ Conn: '\n          AvailabilityZone: !Ref Zone' }, ['Conn']))]);
    const rules = plan.findings.concat(plan.jobs.flatMap((j: any) => j.findings)).map((f: any) => f.ruleId);
    expect(rules).toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(rules).not.toContain('GNP-CONNECTION-AZ-MISSING');
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
  });

  test('a macro called beside the requirements (Fn::Transform, given them to process) may add the zone: GNP-CONNECTION-AZ-UNKNOWN naming it, not missing', () => {
    const { plan } = run([file('etl.yaml', template({ Conn: '\n          Fn::Transform: { Name: AddZone }' }, ['Conn']))]);
    const findings = plan.findings.concat(plan.jobs.flatMap((j: any) => j.findings));
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-CONNECTION-AZ-MISSING');
    expect(findings.find((f: any) => f.ruleId === 'GNP-CONNECTION-AZ-UNKNOWN').message).toMatch(/Fn::Transform of AddZone/);
    expect(plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
  });

  test('the same macro around ConnectionInput\'s keys (beside PhysicalConnectionRequirements): not missing either', () => {
    const text = template({ Conn: NO_ZONE }, ['Conn']).replace('        Name: conn\n', '        Name: conn\n        Fn::Transform: { Name: AddZone }\n');
    expect(text).toMatch(/Fn::Transform/);
    const { plan } = run([file('etl.yaml', text)]);
    expect(JSON.stringify(plan)).not.toMatch(/GNP-CONNECTION-AZ-MISSING/);
  });

  test('Fn::If on a condition the inputs do not decide, one branch with the subnet\'s zone: not missing (the zone property or the requirements as a whole)', () => {
    const withCondition = (physical: string, requirements?: string) => {
      let text = template({ Conn: physical }, ['Conn']).replace('Resources:', 'Conditions:\n  HasZone: !Not [!Equals [!Ref Zone, ""]]\nResources:');
      if (requirements) text = text.replace(/        PhysicalConnectionRequirements:\n(          .*\n)+/, requirements);
      return file('etl.yaml', text);
    };
    const zoneIf = run([withCondition('\n          AvailabilityZone: !If [HasZone, !GetAtt Subnet.AvailabilityZone, !Ref AWS::NoValue]')]).plan;
    expect(JSON.stringify(zoneIf)).not.toMatch(/GNP-CONNECTION-AZ-MISSING/);
    expect(zoneIf.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN']);
    const requirementsIf = run([withCondition(NO_ZONE, `        PhysicalConnectionRequirements: !If
          - HasZone
          - { SubnetId: !Ref Subnet, SecurityGroupIdList: [!Ref GlueGroup], AvailabilityZone: !GetAtt Subnet.AvailabilityZone }
          - { SubnetId: !Ref Subnet, SecurityGroupIdList: [!Ref GlueGroup] }
`)]).plan;
    expect(JSON.stringify(requirementsIf)).not.toMatch(/GNP-CONNECTION-AZ-MISSING/);
    expect(requirementsIf.jobs[0].dataStores.map((s: any) => s.verdict)).not.toContain('REACHABLE');
  });

  test('the zone-less connection\'s zone fails: whether Glue skips it or the run fails on the missing zone is not known, so the next connection does not make the stores REACHABLE (what-if and --az-down)', () => {
    // First (no zone) in Subnet (us-east-1a), Second (its zone) in SubnetB (us-east-1b).
    const text = template({ First: NO_ZONE, Second: '\n          AvailabilityZone: !GetAtt SubnetB.AvailabilityZone' }, ['First', 'Second'])
      .replace('  RouteTable:\n', `  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1b }
  AssociationB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref SubnetB, RouteTableId: !Ref RouteTable }
  RouteTable:
`)
      .replace(/(  Second:[\s\S]*?SubnetId: )!Ref Subnet\n/, '$1!Ref SubnetB\n');
    expect(text).toMatch(/SubnetId: !Ref SubnetB/);
    const etl = file('etl.yaml', text);
    const { plan } = run([etl]);
    const whatIf = plan.jobs[0].failover.find((f: any) => f.azDown === 'us-east-1a');
    expect(whatIf.dataStores.map((s: any) => s.verdict)).not.toContain('REACHABLE');
    // The other zone failing: the zone-less connection is still selected, the runs fail.
    expect(plan.jobs[0].failover.find((f: any) => f.azDown === 'us-east-1b').dataStores.map((s: any) => s.verdict)).toEqual(['UNREACHABLE', 'UNREACHABLE']);
    const down = run([etl, '--az-down', 'us-east-1a']).plan;
    expect(down.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNKNOWN', 'UNKNOWN']);
    expect(down.jobs[0].candidates[0].reasons.map((r: any) => r.message).join(' ')).toMatch(/no AvailabilityZone.*cannot be told/);
  });

  /** A job listing `connections` by name. */
  const jobListing = (connections: string[]) => file('job.yaml', `
Resources:
  Job:
    Type: AWS::Glue::Job
    Properties:
      Role: arn:aws:iam::111111111111:role/glue
      Command: { Name: glueetl }
      GlueVersion: "4.0"
      Connections: { Connections: [${connections.join(', ')}] }
`);

  /** A facts file: one subnet with a self-referencing Glue group, and `connections`. */
  const factsWith = (connections: object[]) => file('facts.json', JSON.stringify({
    vpcs: [{ id: 'vpc-0data', cidrBlocks: ['10.50.0.0/16'] }],
    subnets: [{ id: 'subnet-0abc', vpcId: 'vpc-0data', cidr: '10.50.1.0/24', availabilityZone: 'us-east-1a' }],
    connections,
    securityGroups: [{ id: 'sg-0glue', vpcId: 'vpc-0data', ingress: [{ protocol: '-1', securityGroupId: 'sg-0glue' }], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
  }));

  test('a --facts connection without availabilityZone is not given one, not unset: no GNP-CONNECTION-AZ-MISSING', () => {
    const facts = factsWith([{ name: 'warehouse', connectionType: 'JDBC', subnetId: 'subnet-0abc', securityGroupIds: ['sg-0glue'], address: 'jdbc:postgresql://10.50.1.9:5432/dw' }]);
    const { plan } = run([jobListing(['warehouse']), '--facts', facts]);
    expect(JSON.stringify(plan)).not.toMatch(/GNP-CONNECTION-AZ-MISSING|AZ_MISSING/);
  });


  /** The account as saved `aws ... --output json` files, for --from-describe. */
  const saved = (snapshot: AccountSnapshot) => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-az-missing-describe-'));
    for (const { part, file: name, key } of DESCRIBE_FILES) if (snapshot[part] !== undefined) writeFileSync(join(dir, name), JSON.stringify({ [key]: snapshot[part] }));
    writeFileSync(join(dir, 'region.txt'), 'us-east-1\n');
    return dir;
  };

  test('a deployed connection GetConnections gives without AvailabilityZone (--from-describe): GNP-CONNECTION-AZ-MISSING, the fix says where to set it, no store REACHABLE (was: a pass)', () => {
    const world = account();
    const zoneless = { ...world, connections: world.connections!.map((c: any) => (c.Name === 'glue-net' ? { ...c, PhysicalConnectionRequirements: { SubnetId: 'subnet-0glue', SecurityGroupIdList: ['sg-0glue'] } } : c)) };
    const { plan } = run(['--from-describe', saved(zoneless)]);
    const missing = plan.findings.filter((f: any) => f.ruleId === 'GNP-CONNECTION-AZ-MISSING');
    expect(missing.map((f: any) => f.logicalId)).toEqual(['glue-net']);
    expect(missing[0].fix).toMatch(/to its subnet's zone \(us-east-1a\) where it is defined.*aws glue update-connection/);
    const etl = plan.jobs.find((j: any) => j.name === 'etl');
    expect(etl.dataStores.map((s: any) => [s.verdict, s.explanations[0].code])).toEqual([['UNREACHABLE', 'RUN_FAILS_AZ_MISSING']]);
    // The same account with the zone: REACHABLE, nothing said of zones.
    const passing = run(['--from-describe', saved(world)]).plan;
    expect(passing.jobs.find((j: any) => j.name === 'etl').dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE']);
    expect(JSON.stringify(passing)).not.toMatch(/AZ_MISSING|AZ-MISSING/);
  });

  test('a deployed connection without AvailabilityZone that no planned job lists: not reported, so it does not fail the plan of the templates or of another job (was: exit 1)', () => {
    const world = account();
    const legacy = { Name: 'legacy', ConnectionType: 'JDBC', ConnectionProperties: {}, PhysicalConnectionRequirements: { SubnetId: 'subnet-0glue', SecurityGroupIdList: ['sg-0glue'] } };
    // Nor is any other connection error of an unused account connection (here a zone that is not its subnet's: GNP-CONNECTION-AZ-MISMATCH).
    const misplaced = { ...legacy, Name: 'misplaced', PhysicalConnectionRequirements: { ...legacy.PhysicalConnectionRequirements, AvailabilityZone: 'us-east-1b' } };
    const dir = saved({ ...world, connections: [...world.connections!, legacy, misplaced] });
    // The templates' job lists the account's connections glue-net and warehouse, never legacy.
    const templates = run([jobListing(['glue-net', 'warehouse']), '--from-describe', dir]);
    expect(templates.code).toBe(0);
    expect(templates.plan.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE']);
    expect(JSON.stringify(templates.plan)).not.toMatch(/AZ_MISSING|AZ-MISSING|AZ-MISMATCH/);
    // The account alone: job etl does not list it either.
    const deployed = run(['--from-describe', dir]);
    expect(deployed.code).toBe(0);
    expect(JSON.stringify(deployed.plan)).not.toMatch(/AZ_MISSING|AZ-MISSING|AZ-MISMATCH/);
    // A deployed job that lists it: the error, and its runs fail.
    const listing = run(['--from-describe', saved({ ...world, connections: [...world.connections!, legacy], jobs: [...world.jobs!, apiJob('old', ['legacy'])] })]);
    expect(listing.code).toBe(1);
    expect(listing.plan.findings.filter((f: any) => f.ruleId === 'GNP-CONNECTION-AZ-MISSING').map((f: any) => f.logicalId)).toEqual(['legacy']);
  });

  test('facts availabilityZoneUnset (as the account readers write it): GNP-CONNECTION-AZ-MISSING; beside a zone, or without a subnet, it says nothing', () => {
    const facts = (connection: object) => factsWith([{ name: 'glue-net', connectionType: 'NETWORK', ...connection }, { name: 'warehouse', connectionType: 'JDBC', address: 'jdbc:postgresql://10.50.1.9:5432/dw' }]);
    const job = jobListing(['glue-net', 'warehouse']);
    const placed = { subnetId: 'subnet-0abc', securityGroupIds: ['sg-0glue'] };
    const unset = run([job, '--facts', facts({ ...placed, availabilityZoneUnset: true })]).plan;
    expect(unset.findings.filter((f: any) => f.ruleId === 'GNP-CONNECTION-AZ-MISSING').map((f: any) => f.logicalId)).toEqual(['glue-net']);
    expect(unset.jobs[0].dataStores.map((s: any) => s.verdict)).toEqual(['UNREACHABLE']);
    expect(JSON.stringify(run([job, '--facts', facts({ ...placed, availabilityZone: 'us-east-1a', availabilityZoneUnset: true })]).plan)).not.toMatch(/AZ_MISSING|AZ-MISSING/);
    expect(JSON.stringify(run([job, '--facts', facts({ availabilityZoneUnset: true })]).plan)).not.toMatch(/AZ_MISSING|AZ-MISSING/);
  });
});

describe('the three doors over a CDK app', () => {
  function app(withZone: boolean) {
    return (a: App) => {
      const stack = new Stack(a, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
      const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
      group.connections.allowInternally(ec2.Port.allTcp());
      const subnet = vpc.privateSubnets[0];
      const connection = new glue.CfnConnection(stack, 'Jdbc', {
        catalogId: stack.account,
        connectionInput: {
          connectionType: 'JDBC',
          connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.200.10:3306/app' },
          physicalConnectionRequirements: {
            ...withZone ? { availabilityZone: subnet.availabilityZone } : {},
            subnetId: subnet.subnetId,
            securityGroupIdList: [group.securityGroupId],
          },
        },
      });
      new glue.CfnJob(stack, 'Job', { role: 'arn:aws:iam::111111111111:role/glue', command: { name: 'glueetl' }, glueVersion: '4.0', connections: { connections: [connection.ref] } });
    };
  }

  test('a CfnConnection without availabilityZone: every door reports GNP-CONNECTION-AZ-MISSING, the store never REACHABLE', () => {
    const answers = allDoors(app(false));
    expectDoorsAgree(answers);
    for (const door of [answers.guard, answers.plugin, answers.cli]) expect(door.findings).toContain('GNP-CONNECTION-AZ-MISSING:error');
    expect(answers.guard.stores.every((s) => !s.endsWith(': REACHABLE'))).toBe(true);
  });

  test('with subnet.availabilityZone: no GNP-CONNECTION-AZ-MISSING at any door', () => {
    const answers = allDoors(app(true));
    expectDoorsAgree(answers);
    for (const door of [answers.guard, answers.plugin, answers.cli]) expect(door.findings).not.toContain('GNP-CONNECTION-AZ-MISSING:error');
  });
});
