/**
 * AWS::EC2::SecurityGroupVpcAssociation (EC2 AssociateSecurityGroupVpc): a group of VPC B used by
 * the Glue ENIs in a subnet of VPC A is accepted when it is associated with VPC A. An association
 * the templates cannot resolve keeps the question open (UNKNOWN), never an error, never a pass.
 * Each case is one hand-written template: Glue in VPC A wearing a group created in VPC B.
 */
import { anyResource, getAtt, glueConnection, glueJob, glueReadyVpc, ingress, modelOf, ref, securityGroup, vpc } from './builders';
import { buildPlan } from '../../src/engine';

const resources = (sharedInA: Record<string, unknown> | undefined, extra: Record<string, any> = {}) => ({
  ...glueReadyVpc('A', '10.1.0.0/16', '10.1.1.0/24', 'us-east-1a'),
  VpcB: vpc('10.2.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
  SharedSg: securityGroup(ref('VpcB')),
  SharedSelf: ingress(getAtt('SharedSg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt('SharedSg', 'GroupId') }),
  ...(sharedInA ? { SharedInA: anyResource('AWS::EC2::SecurityGroupVpcAssociation', sharedInA) } : {}),
  Net: glueConnection('net', ref('SubA'), [getAtt('SharedSg', 'GroupId')], {}, 'NETWORK'),
  Job: glueJob([ref('Net')]),
  ...extra,
});

function plan(sharedInA: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}, template: Record<string, unknown> = {}) {
  const model = modelOf(resources(sharedInA, extra) as any, template);
  const result = buildPlan(model, { failover: false });
  const findings = [...result.findings, ...result.jobs.flatMap((j) => j.findings)];
  return { model, ruleIds: findings.map((f) => f.ruleId), findings, job: result.jobs[0] };
}

describe('AWS::EC2::SecurityGroupVpcAssociation', () => {
  test('is read onto its group', () => {
    const { model } = plan({ GroupId: getAtt('SharedSg', 'GroupId'), VpcId: ref('VpcA') });
    expect(model.securityGroups.get('Stack/SharedSg')?.vpcAssociations).toEqual([
      expect.objectContaining({ vpcId: { known: true, value: 'Stack/VpcA' }, source: expect.objectContaining({ logicalId: 'SharedInA' }) }),
    ]);
  });

  test('without it: GNP-CONNECTION-SG-OTHER-VPC (the case the association fixes)', () => {
    expect(plan(undefined).ruleIds).toContain('GNP-CONNECTION-SG-OTHER-VPC');
  });

  test('associated with the subnet\'s VPC: no GNP-CONNECTION-SG-OTHER-VPC; the candidate states the assumption', () => {
    const { ruleIds, job } = plan({ GroupId: getAtt('SharedSg', 'GroupId'), VpcId: ref('VpcA') });
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(job.candidates[0].reasons.find((r) => r.code === 'SG_ASSOCIATED_VPC')?.message).toMatch(/assumed \(AWS does not document it\)/);
  });

  test('associated with another VPC than the subnet\'s: the error stays', () => {
    expect(plan({ GroupId: getAtt('SharedSg', 'GroupId'), VpcId: 'vpc-0elsewhere' }).ruleIds).toContain('GNP-CONNECTION-SG-OTHER-VPC');
  });

  test.each([
    ['its VpcId is a parameter with no value', { GroupId: getAtt('SharedSg', 'GroupId'), VpcId: { Ref: 'NotGiven' } }],
    ['its GroupId is a parameter with no value', { GroupId: { Ref: 'NotGiven' }, VpcId: ref('VpcA') }],
  ] as [string, Record<string, unknown>][])('%s: GNP-CONNECTION-SG-VPC-UNKNOWN (warning) and GNP-INPUT-UNRESOLVED, not the error', (_, sharedInA) => {
    const { ruleIds } = plan(sharedInA, {}, { Parameters: { NotGiven: { Type: 'String' } } });
    expect(ruleIds).toContain('GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(ruleIds).toContain('GNP-INPUT-UNRESOLVED');
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
  });

  test('an undecided Condition: GNP-CONNECTION-SG-VPC-UNKNOWN; a false one: the association does not exist (the error)', () => {
    const conditional = (value: string | undefined) => {
      const model = modelOf({ ...resources(undefined), SharedInA: { ...anyResource('AWS::EC2::SecurityGroupVpcAssociation', { GroupId: getAtt('SharedSg', 'GroupId'), VpcId: ref('VpcA') }), Condition: 'Shared' } as any }, {
        Parameters: { Share: { Type: 'String', ...(value === undefined ? {} : { Default: value }) } },
        Conditions: { Shared: { 'Fn::Equals': [{ Ref: 'Share' }, 'yes'] } },
      });
      const result = buildPlan(model, { failover: false });
      return result.jobs[0].findings.map((f) => f.ruleId);
    };
    expect(conditional(undefined)).toContain('GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(conditional('no')).toContain('GNP-CONNECTION-SG-OTHER-VPC');
    expect(conditional('yes')).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
  });

  test('in a facts file: associatedVpcIds', () => {
    const model = modelOf(resources(undefined, {}) as any, {}, {
      securityGroups: [{ id: 'sg-0shared', vpcId: 'vpc-0b', ingress: [], egress: [], associatedVpcIds: ['vpc-0a'] }],
    });
    expect(model.securityGroups.get('sg-0shared')?.vpcAssociations).toEqual([expect.objectContaining({ vpcId: { known: true, value: 'vpc-0a' } })]);
  });
});

/*
 * The Glue connection's own group, with a VpcId the templates do not resolve (or none: CloudFormation
 * then creates it in the Region's default VPC), or resolve to a VPC they do not describe. It may belong to the subnet's VPC or to another one:
 * UNKNOWN (GNP-CONNECTION-SG-VPC-UNKNOWN), never a pass. Found by `npm run fuzz` (unresolved-values).
 */
describe("a connection's security group whose VpcId is not resolved", () => {
  const withStore = (groupVpc: unknown, associatedWithA = false) => {
    const model = modelOf({
      ...resources(associatedWithA ? { GroupId: getAtt('SharedSg', 'GroupId'), VpcId: ref('VpcA') } : undefined),
      SharedSg: securityGroup(groupVpc),
      Db: glueConnection('db', ref('SubA'), [getAtt('SharedSg', 'GroupId')], { JDBC_CONNECTION_URL: 'jdbc:mysql://10.1.1.10:3306/app' }),
      Job: glueJob([ref('Net'), ref('Db')]),
    } as any, { Parameters: { NotGiven: { Type: 'AWS::EC2::VPC::Id' } } });
    const job = buildPlan(model, { failover: false }).jobs[0];
    return { job, ruleIds: job.findings.map((f) => f.ruleId) };
  };

  test("resolved to the subnet's VPC: no finding, the store REACHABLE (the control)", () => {
    const { job, ruleIds } = withStore(ref('VpcA'));
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(job.dataStores[0].verdict).toBe('REACHABLE');
  });

  test.each([
    ['a parameter with no value', { Ref: 'NotGiven' }, /the VPC of security group Stack\/SharedSg is unknown \(.*NotGiven/],
    ['absent (the default VPC)', undefined, /the VPC of security group Stack\/SharedSg is unknown \(.*default VPC/],
    ['a VPC id the inputs do not describe', 'vpc-0notdescribed', /Stack\/SharedSg belongs to vpc-0notdescribed, which the inputs do not describe/],
  ])('%s: GNP-CONNECTION-SG-VPC-UNKNOWN (warning), the store UNKNOWN, not REACHABLE', (_, groupVpc, why) => {
    const { job, ruleIds } = withStore(groupVpc);
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
    const f = job.findings.find((x) => x.ruleId === 'GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(f).toMatchObject({ severity: 'warning' });
    expect(f?.message).toMatch(why);
    expect(job.dataStores[0].verdict).toBe('UNKNOWN');
    expect(job.dataStores[0].explanations[0]).toMatchObject({ code: 'UNKNOWN_SECURITY_GROUP_VPC', unknown: true });
  });

  test.each([
    ['a parameter with no value', { Ref: 'NotGiven' }],
    ['a VPC id the inputs do not describe', 'vpc-0notdescribed'],
  ])("%s, but associated for certain with the subnet's VPC: accepted there, no finding, the store REACHABLE", (_, groupVpc) => {
    const { job, ruleIds } = withStore(groupVpc, true);
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-VPC-UNKNOWN');
    expect(ruleIds).not.toContain('GNP-CONNECTION-SG-OTHER-VPC');
    expect(job.dataStores[0].verdict).toBe('REACHABLE');
  });
});
