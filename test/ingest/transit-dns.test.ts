/**
 * A transit gateway's DNS support, read from hand-written templates and from facts: `DnsSupport`
 * on AWS::EC2::TransitGateway ("Enabled by default") and `Options.DnsSupport` on its VPC
 * attachments (whose default AWS documents two ways: unknown when absent). It decides whether a
 * publicly accessible store's name resolves privately across the gateway.
 */
import {
  anyResource, getAtt, glueConnection, glueJob, glueReadyVpc, join, modelOf, ref, Resource, route, securityGroup, tcpFrom,
} from './builders';
import { buildPlan } from '../../src/engine';
import { FactsDocument } from '../../src/ingest';

/**
 * Glue in VPC A, a publicly accessible MySQL instance in VPC B, joined by a transit gateway with
 * routes both ways; no NAT gateway, so the public path is closed and the private one open.
 */
function app(tgwProps: Record<string, unknown>, attachmentProps: Record<string, unknown> = {}): Record<string, Resource> {
  return {
    ...glueReadyVpc('A', '10.1.0.0/16', '10.1.1.0/24', 'us-east-1a'),
    ...glueReadyVpc('B', '10.2.0.0/16', '10.2.1.0/24', 'us-east-1a'),
    Tgw: anyResource('AWS::EC2::TransitGateway', tgwProps),
    AttA: anyResource('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('VpcA'), SubnetIds: [ref('SubA')], ...attachmentProps }),
    AttB: anyResource('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('VpcB'), SubnetIds: [ref('SubB')], ...attachmentProps }),
    AtoB: route(ref('RtA'), '10.2.0.0/16', { TransitGatewayId: ref('Tgw') }),
    BtoA: route(ref('RtB'), '10.1.0.0/16', { TransitGatewayId: ref('Tgw') }),
    GlueSg: securityGroup(ref('VpcA'), { SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] }),
    GlueSelf: anyResource('AWS::EC2::SecurityGroupIngress', { GroupId: ref('GlueSg'), IpProtocol: '-1', SourceSecurityGroupId: ref('GlueSg') }),
    DbSg: securityGroup(ref('VpcB'), { SecurityGroupIngress: [tcpFrom({ CidrIp: '10.1.1.0/24' }, 3306)] }),
    DbSubnets: anyResource('AWS::RDS::DBSubnetGroup', { SubnetIds: [ref('SubB')], DBSubnetGroupDescription: 'db' }),
    Db: anyResource('AWS::RDS::DBInstance', { Engine: 'mysql', DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: [ref('DbSg')], PubliclyAccessible: true }),
    Net: glueConnection('net', ref('SubA'), [ref('GlueSg')], {}, 'NETWORK'),
    Mysql: glueConnection('mysql', undefined, [], { JDBC_CONNECTION_URL: join('', ['jdbc:mysql://', getAtt('Db', 'Endpoint.Address'), ':3306/db']) }),
    Job: glueJob(['net', 'mysql']),
  };
}

const mysql = (resources: Record<string, Resource>, extra: Record<string, unknown> = {}) =>
  buildPlan(modelOf(resources, extra), { failover: false }).jobs[0].dataStores.find((s) => s.connection.name === 'mysql')!;

describe('AWS::EC2::TransitGateway DnsSupport and the attachments\' Options.DnsSupport', () => {
  test('the gateway: enabled by default, disable read, an unresolved value unknown (and reported)', () => {
    expect(modelOf(app({})).transitGateways.get('Stack/Tgw')!.dnsSupport).toEqual({ known: true, value: true });
    expect(modelOf(app({ DnsSupport: 'disable' })).transitGateways.get('Stack/Tgw')!.dnsSupport).toEqual({ known: true, value: false });
    const unresolved = modelOf(app({ DnsSupport: ref('Dns') }), { Parameters: { Dns: { Type: 'String' } } });
    const fact = unresolved.transitGateways.get('Stack/Tgw')!.dnsSupport!;
    expect(!fact.known && fact.reason).toMatch(/Stack\/Tgw: DnsSupport cannot be resolved/);
    expect(unresolved.issues.map((i) => i.message).join('\n')).toMatch(/Parameter Dns/);
    // The option changes name resolution, not routing: the gateway's routes stay traced.
    expect(unresolved.transitGateways.get('Stack/Tgw')!.unresolved).toBeUndefined();
  });

  test('an attachment: enable / disable read; absent unknown, naming the two documented defaults', () => {
    expect(modelOf(app({}, { Options: { DnsSupport: 'enable' } })).transitGatewayAttachments.get('Stack/AttA')!.dnsSupport).toEqual({ known: true, value: true });
    expect(modelOf(app({}, { Options: { DnsSupport: 'disable' } })).transitGatewayAttachments.get('Stack/AttA')!.dnsSupport).toEqual({ known: true, value: false });
    const absent = modelOf(app({})).transitGatewayAttachments.get('Stack/AttA')!.dnsSupport!;
    expect(absent.known).toBe(false);
    expect(!absent.known && absent.reason).toMatch(/disable in the CloudFormation reference, enable in the EC2 API/);
  });
});

describe('a publicly accessible RDS instance across a transit gateway, from a hand-written template', () => {
  test('DnsSupport: disable on the gateway: the name resolves publicly; no NAT gateway, so UNREACHABLE, saying so (TGW_DNS)', () => {
    const s = mysql(app({ DnsSupport: 'disable' }));
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'public', transitGatewayId: 'Stack/Tgw' });
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.code)).toContain('TGW_DNS');
  });

  test('the gateway by default and both attachments enable it: the name resolves privately, over the transit gateway, REACHABLE', () => {
    const s = mysql(app({}, { Options: { DnsSupport: 'enable' } }));
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'private', transitGatewayId: 'Stack/Tgw' });
    expect(s.verdict).toBe('REACHABLE');
  });

  test('the gateway by default, the attachments silent: both paths traced, they disagree, UNKNOWN naming the option', () => {
    const s = mysql(app({}));
    expect(s.verdict).toBe('UNKNOWN');
    const why = s.explanations.find((e) => e.code === 'UNKNOWN_NAME_RESOLUTION')!;
    expect(why.message).toMatch(/Stack\/AttA.*Options\.DnsSupport/);
    expect(why.fix).toMatch(/Options\.DnsSupport \(enable\) on both VPC attachments/);
  });
});

describe('transit gateway DNS support from facts (what --from-aws writes)', () => {
  const facts = (gateway: boolean | undefined, attachment: boolean | undefined): FactsDocument => ({
    transitGateways: [{ id: 'tgw-1', ...(gateway === undefined ? {} : { dnsSupport: gateway }) }],
    transitGatewayAttachments: [
      { id: 'tgw-attach-a', transitGatewayId: 'tgw-1', vpcId: 'vpc-a', subnetIds: ['subnet-a'], ...(attachment === undefined ? {} : { dnsSupport: attachment }) },
    ],
  });

  test('dnsSupport given: known; absent: unknown, naming the facts field', () => {
    const given = modelOf({}, {}, facts(false, true));
    expect(given.transitGateways.get('tgw-1')!.dnsSupport).toEqual({ known: true, value: false });
    expect(given.transitGatewayAttachments.get('tgw-attach-a')!.dnsSupport).toEqual({ known: true, value: true });
    const absent = modelOf({}, {}, facts(undefined, undefined));
    const tgw = absent.transitGateways.get('tgw-1')!.dnsSupport!;
    const attachment = absent.transitGatewayAttachments.get('tgw-attach-a')!.dnsSupport!;
    expect(!tgw.known && tgw.reason).toMatch(/transitGateways\[\]\.dnsSupport/);
    expect(!attachment.known && attachment.reason).toMatch(/transitGatewayAttachments\[\]\.dnsSupport/);
  });
});

describe("security group referencing: the gateway's SecurityGroupReferencingSupport and the attachments' Options", () => {
  /** `app`, with the store's group admitting the Glue group (a reference across the gateway) instead of the Glue subnet, and a private store. */
  const byReference = (tgwProps: Record<string, unknown>, attachmentProps: Record<string, unknown> = {}) => {
    const resources = app(tgwProps, attachmentProps);
    resources.DbSg = securityGroup(ref('VpcB'), { SecurityGroupIngress: [tcpFrom({ SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') }, 3306)] });
    resources.Db = anyResource('AWS::RDS::DBInstance', { ...resources.Db.Properties, PubliclyAccessible: false });
    return mysql(resources);
  };
  const dns = { DnsSupport: 'enable' };

  test('enabled on the gateway and on both attachments: the reference admits the Glue ENIs, REACHABLE', () => {
    expect(byReference({ SecurityGroupReferencingSupport: 'enable' }, { Options: { ...dns, SecurityGroupReferencingSupport: 'enable' } }).verdict).toBe('REACHABLE');
  });

  test('an attachment that disables it: UNREACHABLE, naming the attachment (was REACHABLE: only the gateway was read)', () => {
    const s = byReference({ SecurityGroupReferencingSupport: 'enable' }, { Options: { ...dns, SecurityGroupReferencingSupport: 'disable' } });
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.message).join(' ')).toMatch(/attachment Stack\/AttA disables security group referencing/);
  });

  test('attachments that do not set it (AWS documents two defaults): UNKNOWN naming the option, never REACHABLE', () => {
    const s = byReference({ SecurityGroupReferencingSupport: 'enable' }, { Options: dns });
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.map((e) => e.message).join(' ')).toMatch(/Options.SecurityGroupReferencingSupport of transit gateway attachments Stack\/AttA, Stack\/AttB/);
  });

  test('the gateway does not enable it (its default): UNREACHABLE whatever the attachments say', () => {
    expect(byReference({}, { Options: { ...dns, SecurityGroupReferencingSupport: 'enable' } }).verdict).toBe('UNREACHABLE');
  });
});
