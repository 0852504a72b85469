/*
 * Drift (`--compare`) and IPv6 security-group rules: --from-aws now reads a group's `Ipv6Ranges`
 * into facts rules with `cidrIpv6`, and the templates may declare `CidrIpv6` rules. Such a rule
 * admits no IPv4 traffic (the model is IPv4), so it is only weighed against the rules quota; but
 * a rule added, removed or changed outside CloudFormation is drift all the same, as an entryless
 * (IPv6) prefix-list rule already is.
 */
import { buildPlan } from '../../src/engine';
import { compareDeployment, DeployedIds } from '../../src/engine/drift';
import { buildModel, parseFacts } from '../../src/ingest';
import { anyResource, getAtt, ingress, ref, securityGroup, subnet, vpc } from '../ingest/builders';

const template = (ipv6Rules: Record<string, unknown>[]) => ({
  Resources: {
    Vpc: vpc('10.1.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
    Sub: subnet(ref('Vpc'), '10.1.1.0/24', 'us-east-1a'),
    Sg: securityGroup(ref('Vpc')),
    ...Object.fromEntries(ipv6Rules.map((rule, i) => [`V6Rule${i}`, ingress(getAtt('Sg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, ...rule })])),
    Conn: anyResource('AWS::Glue::Connection', {
      CatalogId: '111111111111',
      ConnectionInput: { Name: 'glue-net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: ref('Sub'), SecurityGroupIdList: [getAtt('Sg', 'GroupId')], AvailabilityZone: 'us-east-1a' } },
    }),
    Job: anyResource('AWS::Glue::Job', { Name: 'etl', Role: 'r', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['glue-net'] } }),
  },
});

const deployed = (ipv6Rules: Record<string, unknown>[], egress: Record<string, unknown>[] = [{ protocol: '-1', cidr: '0.0.0.0/0' }]) => parseFacts({
  vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.1.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
  subnets: [{ id: 'subnet-1', vpcId: 'vpc-1', cidr: '10.1.1.0/24', availabilityZone: 'us-east-1a' }],
  securityGroups: [{ id: 'sg-1', vpcId: 'vpc-1', ingress: ipv6Rules.map((rule) => ({ protocol: 'tcp', fromPort: 443, toPort: 443, ...rule })), egress }],
  connections: [{ name: 'glue-net', connectionType: 'NETWORK', subnetId: 'subnet-1', securityGroupIds: ['sg-1'], availabilityZone: 'us-east-1a' }],
  jobs: [{ name: 'etl', connections: ['glue-net'] }],
}, 'deployed.json');

const ids: DeployedIds = {
  physicalIds: new Map(Object.entries({ 'App/Vpc': 'vpc-1', 'App/Sub': 'subnet-1', 'App/Sg': 'sg-1', 'App/Conn': 'glue-net', 'App/Job': 'etl' })),
  stacks: new Map([['App', 'listed']]),
  notes: [],
};

type Rules = Record<string, unknown>[];

function drift(templateRules: Rules, deployedRules: Rules, options: { egress?: Rules; templateEgress?: Rules } = {}): string[] {
  const body = template(templateRules);
  if (options.templateEgress) (body.Resources.Sg as any).Properties.SecurityGroupEgress = options.templateEgress;
  const t = buildModel([{ stackName: 'App', template: body, region: 'us-east-1', account: '111111111111' }]);
  const d = buildModel([], deployed(deployedRules, options.egress));
  return compareDeployment({ model: t, plan: buildPlan(t) }, { model: d, plan: buildPlan(d) }, ids).jobs[0].elements
    .filter((e) => e.kind === 'security group').map((e) => `${e.change}: ${e.item}`).sort();
}

describe('drift: IPv6 security-group rules (CidrIpv6 in the templates, cidrIpv6 in the facts --from-aws writes)', () => {
  test('the same IPv6 rule on both sides (the CIDR in another case): no drift', () => {
    expect(drift([{ CidrIpv6: '2001:DB8::/64' }], [{ cidrIpv6: '2001:db8::/64' }])).toEqual([]);
  });

  test('the same IPv6 CIDR written out in full on one side, compressed on the other (as EC2 describes it): no drift', () => {
    expect(drift([{ CidrIpv6: '2001:0DB8:0000:0000:0::/64' }], [{ cidrIpv6: '2001:db8::/64' }])).toEqual([]);
    expect(drift([{ CidrIpv6: '2001:db8:0:1:0:0:0:0/64' }], [{ cidrIpv6: '2001:db8:0:1::/64' }])).toEqual([]);
  });

  test('an IPv6 rule added outside CloudFormation is drift (was: not reported, both sides dropped it)', () => {
    expect(drift([], [{ cidrIpv6: '::/0' }])).toEqual(['added: inbound tcp 443 from ::/0']);
  });

  test('an IPv6 rule of the templates deleted, another CIDR deployed: both named', () => {
    expect(drift([{ CidrIpv6: '2001:db8::/64' }], [{ cidrIpv6: '2001:db8:1::/64' }])).toEqual([
      'added: inbound tcp 443 from 2001:db8:1::/64',
      'removed: inbound tcp 443 from 2001:db8::/64',
    ]);
  });

  test("EC2's own allow-all IPv6 egress of a group in a dual-stack VPC, beside the default allow-all IPv4 egress the templates imply: no drift", () => {
    const egress = [{ protocol: '-1', cidr: '0.0.0.0/0' }, { protocol: '-1', cidrIpv6: '::/0' }];
    expect(drift([], [], { egress })).toEqual([]);
  });

  test('an allow-all IPv6 egress where the templates list their own egress rules is drift', () => {
    const egress = [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' }, { protocol: '-1', cidrIpv6: '::/0' }];
    expect(drift([], [], { egress, templateEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }] })).toEqual(['added: outbound all traffic to ::/0']);
  });
});
