import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  anyResource, association, getAtt, glueConnection, glueJob, ingress, ref, Resource, route, routeTable, securityGroup, stack, subnet, tcpFrom, tpl, vpc,
} from './builders';
import { runCli } from '../../src/cli/run';
import { buildPlan, DataStorePlan, Plan, planRemedy } from '../../src/engine';
import { buildModel, FactsDocument } from '../../src/ingest';

/**
 * Elements the templates do not fully describe (custom resources, VPNs, transit gateway route
 * tables other stacks change): what they lack is never a reason for UNREACHABLE. Hand-written
 * templates, as a user of the CLI would give them.
 */

/** VPC A (Glue, 10.1.0.0/16) and VPC B (a MySQL server at 10.2.1.10), each with an S3 endpoint. */
function twoVpcs(options: { peered?: boolean; routeAtoB?: boolean; admitA?: boolean } = {}): Record<string, Resource> {
  const { peered = true, routeAtoB = true, admitA = true } = options;
  const resources: Record<string, Resource> = {};
  for (const [n, prefix] of [['A', '10.1'], ['B', '10.2']]) {
    resources[`Vpc${n}`] = vpc(`${prefix}.0.0/16`, { EnableDnsSupport: true, EnableDnsHostnames: true });
    resources[`Subnet${n}`] = subnet(ref(`Vpc${n}`), `${prefix}.1.0/24`, `us-east-1${n.toLowerCase()}`);
    resources[`Rt${n}`] = routeTable(ref(`Vpc${n}`));
    resources[`Assoc${n}`] = association(ref(`Subnet${n}`), ref(`Rt${n}`));
    resources[`S3${n}`] = anyResource('AWS::EC2::VPCEndpoint', { VpcId: ref(`Vpc${n}`), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [ref(`Rt${n}`)] });
    resources[`Sg${n}`] = securityGroup(ref(`Vpc${n}`));
    resources[`SelfRef${n}`] = ingress(getAtt(`Sg${n}`, 'GroupId'), { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt(`Sg${n}`, 'GroupId') });
  }
  if (admitA) resources.AdmitA = ingress(getAtt('SgB', 'GroupId'), tcpFrom({ CidrIp: '10.1.1.0/24' }, 3306));
  if (peered) {
    resources.Pcx = anyResource('AWS::EC2::VPCPeeringConnection', { VpcId: ref('VpcA'), PeerVpcId: ref('VpcB') });
    if (routeAtoB) resources.RouteAtoB = route(ref('RtA'), '10.2.0.0/16', { VpcPeeringConnectionId: ref('Pcx') });
    resources.RouteBtoA = route(ref('RtB'), '10.1.0.0/16', { VpcPeeringConnectionId: ref('Pcx') });
  }
  resources.ConnA = glueConnection('network-a', ref('SubnetA'), [getAtt('SgA', 'GroupId')], {}, 'NETWORK');
  resources.ConnB = glueConnection('mysql-b', ref('SubnetB'), [getAtt('SgB', 'GroupId')], { JDBC_CONNECTION_URL: 'jdbc:mysql://10.2.1.10:3306/shop' });
  resources.Job = glueJob([ref('ConnA'), ref('ConnB')], { Name: 'load', WorkerType: 'G.1X', NumberOfWorkers: 2 });
  return resources;
}

/** An AwsCustomResource as CDK synthesizes it: the SDK call is a JSON string joined around tokens. */
function awsCustomResource(path: string, call: { action: string; parameters: Record<string, unknown> }): Resource {
  const parts: unknown[] = [];
  let text = `{"service":"EC2","action":"${call.action}","parameters":{`;
  Object.entries(call.parameters).forEach(([key, value], i) => {
    text += `${i ? ',' : ''}"${key}":`;
    if (typeof value === 'object' && value !== null && ('Ref' in value || 'Fn::GetAtt' in value)) {
      parts.push(`${text}"`, value);
      text = '"';
    } else {
      text += JSON.stringify(value);
    }
  });
  parts.push(`${text}},"physicalResourceId":{"id":"x"}}`);
  return {
    Type: 'Custom::AWS',
    Properties: { ServiceToken: { 'Fn::GetAtt': ['AWS679f53fac002430cb0da5b7982bd22872D164C4C', 'Arn'] }, Create: { 'Fn::Join': ['', parts] }, InstallLatestAwsSdk: true },
    Metadata: { 'aws:cdk:path': `Stack/${path}/Resource/Default` },
  };
}

function planOf(resources: Record<string, Resource>, facts?: FactsDocument, extra: Record<string, unknown> = {}): Plan {
  return buildPlan(buildModel([stack('Stack', tpl(resources, extra), { region: 'us-east-1', account: '111111111111' })], facts), { failover: false });
}

function mysqlStore(plan: Plan): DataStorePlan {
  const store = plan.jobs[0].dataStores.find((s) => s.connection.name === 'mysql-b');
  if (!store) throw new Error('no plan for the mysql-b store');
  return store;
}

function explained(store: DataStorePlan): string {
  return store.explanations.map((e) => e.message).join('\n');
}

describe('custom resources that call EC2 on an element of the templates', () => {
  test('the route A -> B is created by an AwsCustomResource (CreateRoute): UNKNOWN naming it, not UNREACHABLE', () => {
    expect(mysqlStore(planOf(twoVpcs({ routeAtoB: false }))).verdict).toBe('UNREACHABLE');

    const store = mysqlStore(planOf({
      ...twoVpcs({ routeAtoB: false }),
      AddRouteAtoB: awsCustomResource('AddRouteAtoB', { action: 'createRoute', parameters: { RouteTableId: ref('RtA'), DestinationCidrBlock: '10.2.0.0/16', VpcPeeringConnectionId: ref('Pcx') } }),
    }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(store.explanations.map((e) => e.code)).toContain('OPEN_ENDED_ROUTES');
    expect(explained(store)).toContain('custom resource Stack/AddRouteAtoB/Resource/Default (AddRouteAtoB) calls EC2 createRoute on Stack/RtA');
    expect(store.explanations.every((e) => e.unknown)).toBe(true);
  });

  test('a CreateRoute for another destination leaves the verdict definite', () => {
    const store = mysqlStore(planOf({
      ...twoVpcs({ routeAtoB: false }),
      AddRouteElsewhere: awsCustomResource('AddRouteElsewhere', { action: 'createRoute', parameters: { RouteTableId: ref('RtA'), DestinationCidrBlock: '192.168.0.0/16', GatewayId: 'vgw-0abc' } }),
    }));
    expect(store.verdict).toBe('UNREACHABLE');
  });

  test('a read-only call (DescribeRouteTables) changes nothing', () => {
    const store = mysqlStore(planOf({
      ...twoVpcs({ routeAtoB: false }),
      Lookup: awsCustomResource('Lookup', { action: 'DescribeRouteTablesCommand', parameters: { RouteTableIds: [ref('RtA')] } }),
    }));
    expect(store.verdict).toBe('UNREACHABLE');
  });

  test("the store group's inbound rule is added by AuthorizeSecurityGroupIngress: UNKNOWN naming the custom resource", () => {
    expect(mysqlStore(planOf(twoVpcs({ admitA: false }))).verdict).toBe('UNREACHABLE');

    const store = mysqlStore(planOf({
      ...twoVpcs({ admitA: false }),
      AdmitGlue: awsCustomResource('AdmitGlue', {
        action: 'authorizeSecurityGroupIngress',
        parameters: { GroupId: getAtt('SgB', 'GroupId'), IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3306, ToPort: 3306, IpRanges: [{ CidrIp: '10.1.1.0/24' }] }] },
      }),
    }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('custom resource Stack/AdmitGlue/Resource/Default (AdmitGlue) calls EC2 authorizeSecurityGroupIngress on Stack/SgB');
  });

  test('an outbound rule added by a custom resource does not open the inbound side', () => {
    const store = mysqlStore(planOf({
      ...twoVpcs({ admitA: false }),
      EgressOnly: awsCustomResource('EgressOnly', { action: 'AuthorizeSecurityGroupEgressCommand', parameters: { GroupId: getAtt('SgB', 'GroupId'), IpPermissions: [] } }),
    }));
    expect(store.verdict).toBe('UNREACHABLE');
  });

  test('a custom resource that revokes rules makes even an allowed path UNKNOWN', () => {
    expect(mysqlStore(planOf(twoVpcs())).verdict).toBe('REACHABLE');
    const store = mysqlStore(planOf({
      ...twoVpcs(),
      Revoke: awsCustomResource('Revoke', { action: 'revokeSecurityGroupIngress', parameters: { GroupId: getAtt('SgB', 'GroupId'), IpPermissions: [] } }),
    }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(store.explanations.map((e) => e.code)).toContain('OPEN_ENDED_SECURITY_GROUP');
  });

  test("the Glue group's self-reference is added by a custom resource: a warning naming it, not GNP-SG-NO-SELF-REFERENCE", () => {
    const withoutSelfRef = { ...twoVpcs() };
    delete (withoutSelfRef as Record<string, unknown>).SelfRefA;
    const before = planOf(withoutSelfRef).findings.map((f) => f.ruleId);
    expect(before).toContain('GNP-SG-NO-SELF-REFERENCE');

    const plan = planOf({
      ...withoutSelfRef,
      SelfRefA: awsCustomResource('GlueSelfRef', {
        action: 'authorizeSecurityGroupIngress',
        parameters: { GroupId: getAtt('SgA', 'GroupId'), IpPermissions: [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: getAtt('SgA', 'GroupId') }] }] },
      }),
    });
    expect(plan.findings.map((f) => f.ruleId)).not.toContain('GNP-SG-NO-SELF-REFERENCE');
    const warning = plan.findings.find((f) => f.ruleId === 'GNP-SG-REQUIREMENTS-UNKNOWN');
    expect(warning).toMatchObject({ severity: 'warning', source: { logicalId: 'SelfRefA', constructPath: 'Stack/GlueSelfRef/Resource/Default' } });
    expect(warning?.message).toContain('custom resource Stack/GlueSelfRef/Resource/Default (SelfRefA) calls EC2 authorizeSecurityGroupIngress on Stack/SgA');
  });

  test('a network ACL entry created by a custom resource: UNKNOWN instead of the implicit deny', () => {
    const acl = {
      AclB: anyResource('AWS::EC2::NetworkAcl', { VpcId: ref('VpcB') }),
      AclAssocB: anyResource('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('SubnetB'), NetworkAclId: ref('AclB') }),
    };
    const entry = (egress: boolean) => awsCustomResource('AclEntry', { action: 'createNetworkAclEntry', parameters: { NetworkAclId: ref('AclB'), RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: egress, CidrBlock: '0.0.0.0/0' } });
    expect(mysqlStore(planOf({ ...twoVpcs(), ...acl })).verdict).toBe('UNREACHABLE');
    // Inbound only: the replies are still denied by the outbound side, which nothing opens.
    expect(mysqlStore(planOf({ ...twoVpcs(), ...acl, AclEntry: entry(false) })).verdict).toBe('UNREACHABLE');

    const store = mysqlStore(planOf({ ...twoVpcs(), ...acl, AclEntry: entry(false), AclEntryOut: entry(true) }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(store.explanations.map((e) => e.code)).toContain('OPEN_ENDED_ACL');
    expect(explained(store)).toContain('(AclEntry) calls EC2 createNetworkAclEntry on Stack/AclB');
  });

  test("the Glue subnet's ACL admits only the VPC, and a custom resource adds entries both ways: S3 through it is UNKNOWN, not GNP-CONNECTION-S3-ACL", () => {
    const acl = {
      AclA: anyResource('AWS::EC2::NetworkAcl', { VpcId: ref('VpcA') }),
      AclAssocA: anyResource('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('SubnetA'), NetworkAclId: ref('AclA') }),
      AclAIn: anyResource('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('AclA'), RuleNumber: 100, Protocol: -1, RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/8' }),
      AclAOut: anyResource('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('AclA'), RuleNumber: 100, Protocol: -1, RuleAction: 'allow', Egress: true, CidrBlock: '10.0.0.0/8' }),
    };
    const entry = (egress: boolean) => awsCustomResource(`Open${egress ? 'Out' : 'In'}`, {
      action: 'createNetworkAclEntry', parameters: { NetworkAclId: ref('AclA'), RuleNumber: 90, Protocol: '6', RuleAction: 'allow', Egress: egress, CidrBlock: '0.0.0.0/0' },
    });
    const s3Findings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].filter((f) => /S3-ACL|SERVICE-PATH/.test(f.ruleId));
    expect(s3Findings(planOf({ ...twoVpcs(), ...acl })).map((f) => f.ruleId)).toEqual(['GNP-CONNECTION-S3-ACL']);
    // Outbound only: the replies are still denied inbound, which nothing opens.
    expect(s3Findings(planOf({ ...twoVpcs(), ...acl, OpenOut: entry(true) })).map((f) => f.ruleId)).toEqual(['GNP-CONNECTION-S3-ACL']);
    const both = s3Findings(planOf({ ...twoVpcs(), ...acl, OpenOut: entry(true), OpenIn: entry(false) }));
    expect(both.map((f) => f.ruleId)).toEqual(['GNP-CONNECTION-SERVICE-PATH-UNKNOWN']);
    expect(both[0].message).toContain('(OpenOut) calls EC2 createNetworkAclEntry on Stack/AclA');
  });

  test("ModifyVpcPeeringConnectionOptions sets the peering's DNS options CloudFormation cannot set", () => {
    const model = buildModel([stack('Stack', tpl({
      ...twoVpcs(),
      PeeringDns: awsCustomResource('PeeringDns', {
        action: 'modifyVpcPeeringConnectionOptions',
        parameters: { VpcPeeringConnectionId: ref('Pcx'), RequesterPeeringConnectionOptions: { AllowDnsResolutionFromRemoteVpc: true } },
      }),
    }), { region: 'us-east-1', account: '111111111111' })]);
    expect(model.peerings.get('Stack/Pcx')).toMatchObject({
      allowDnsResolutionFromRequester: { known: true, value: true },
      allowDnsResolutionFromAccepter: { known: false, reason: expect.stringContaining('CloudFormation cannot set peering DNS options') },
    });
  });

  test("a subnet without an S3 path whose table a custom resource adds routes to: Glue's selection is UNKNOWN, not skipped", () => {
    const noEndpoint = { ...twoVpcs() };
    delete (noEndpoint as Record<string, unknown>).S3A;
    const skipped = planOf(noEndpoint).jobs[0].candidates[0];
    expect([skipped.status, skipped.reasons.map((r) => r.code)]).toEqual(['skipped', expect.arrayContaining(['NO_S3_PATH'])]);

    const plan = planOf({
      ...noEndpoint,
      NatRoute: awsCustomResource('NatRoute', { action: 'createRoute', parameters: { RouteTableId: ref('RtA'), DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0shared' } }),
    });
    const candidate = plan.jobs[0].candidates[0];
    expect(candidate.status).toBe('unknown');
    expect(candidate.reasons.find((r) => r.code === 'S3_PATH_UNKNOWN')?.message).toContain('(custom resource Stack/NatRoute/Resource/Default (NatRoute) calls EC2 createRoute on Stack/RtA)');
  });

  test('a deny entry a custom resource may add makes even an allowed path UNKNOWN', () => {
    const acl = {
      AclB: anyResource('AWS::EC2::NetworkAcl', { VpcId: ref('VpcB') }),
      AclAssocB: anyResource('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('SubnetB'), NetworkAclId: ref('AclB') }),
      AllowIn: anyResource('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('AclB'), RuleNumber: 100, Protocol: -1, RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }),
      AllowOut: anyResource('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('AclB'), RuleNumber: 100, Protocol: -1, RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }),
    };
    expect(mysqlStore(planOf({ ...twoVpcs(), ...acl })).verdict).toBe('REACHABLE');
    const store = mysqlStore(planOf({
      ...twoVpcs(),
      ...acl,
      DenyGlue: awsCustomResource('DenyGlue', { action: 'createNetworkAclEntry', parameters: { NetworkAclId: ref('AclB'), RuleNumber: 50, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '10.1.0.0/16' } }),
    }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('is allowed by the listed entries, but the ACL may have entries the templates do not list: custom resource Stack/DenyGlue/Resource/Default (DenyGlue) calls EC2 createNetworkAclEntry on Stack/AclB');
  });

  test('any other custom resource given the route table: its handler may add routes, so UNKNOWN', () => {
    const store = mysqlStore(planOf({
      ...twoVpcs({ routeAtoB: false }),
      Routes: { Type: 'Custom::PeeringRoutes', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:routes', RouteTableId: ref('RtA'), PeeringId: ref('Pcx') } },
    }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('custom resource Stack/Routes (Custom::PeeringRoutes) is given Stack/RtA as RouteTableId');
  });
});

describe('VPN: routes a virtual private gateway puts in route tables', () => {
  const vgw = (n: string) => ({
    [`Vgw${n}`]: anyResource('AWS::EC2::VPNGateway', { Type: 'ipsec.1' }),
    [`VgwAttach${n}`]: anyResource('AWS::EC2::VPCGatewayAttachment', { VpcId: ref(`Vpc${n}`), VpnGatewayId: ref(`Vgw${n}`) }),
  });

  test('both VPCs reach the same VPN (propagation on A, gateway attached to B): UNKNOWN, not UNREACHABLE', () => {
    expect(mysqlStore(planOf(twoVpcs({ peered: false }))).verdict).toBe('UNREACHABLE');

    const store = mysqlStore(planOf({
      ...twoVpcs({ peered: false }),
      ...vgw('A'),
      ...vgw('B'),
      PropagateA: anyResource('AWS::EC2::VPNGatewayRoutePropagation', { RouteTableIds: [ref('RtA')], VpnGatewayId: ref('VgwA') }),
      VpnA: anyResource('AWS::EC2::VPNConnection', { Type: 'ipsec.1', CustomerGatewayId: 'cgw-0abc', VpnGatewayId: ref('VgwA'), StaticRoutesOnly: true }),
      VpnRouteA: anyResource('AWS::EC2::VPNConnectionRoute', { VpnConnectionId: ref('VpnA'), DestinationCidrBlock: '10.2.0.0/16' }),
    }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('VPN gateway Stack/VgwA propagates the routes of its VPN connections into Stack/RtA (Stack/PropagateA), among them the VPN connection routes 10.2.0.0/16 (Stack/VpnRouteA)');
    expect(explained(store)).toContain('VPN gateway Stack/VgwB is attached to Stack/VpcB (Stack/VgwAttachB), and route propagation may be enabled on Stack/RtB outside the templates');
  });

  test("only the Glue VPC has a VPN: the store's VPC cannot route the replies back, so UNREACHABLE stays", () => {
    const store = mysqlStore(planOf({
      ...twoVpcs({ peered: false }),
      ...vgw('A'),
      PropagateA: anyResource('AWS::EC2::VPNGatewayRoutePropagation', { RouteTableIds: [ref('RtA')], VpnGatewayId: ref('VgwA') }),
    }));
    expect(store.verdict).toBe('UNREACHABLE');
    expect(store.paths[0].hops.find((h) => h.direction === 'forward' && h.kind === 'route-table')?.verdict).toBe('UNKNOWN');
  });

  test('a listed peering route still decides, with the assumption said in the hop', () => {
    const store = mysqlStore(planOf({
      ...twoVpcs(),
      ...vgw('A'),
      PropagateA: anyResource('AWS::EC2::VPNGatewayRoutePropagation', { RouteTableIds: [ref('RtA')], VpnGatewayId: ref('VgwA') }),
    }));
    expect(store.verdict).toBe('REACHABLE');
    expect(store.paths[0].hops.map((h) => h.detail).join('\n')).toMatch(/assuming the routes VPN gateway Stack\/VgwA .* adds are no more specific for 10\.2\.1\.10 than 10\.2\.0\.0\/16/);
  });

  test('addresses of the VPC itself stay decided: the local route wins over propagated routes', () => {
    const resources: Record<string, Resource> = {
      ...twoVpcs({ peered: false }),
      ...vgw('B'),
      PropagateB: anyResource('AWS::EC2::VPNGatewayRoutePropagation', { RouteTableIds: [ref('RtB')], VpnGatewayId: ref('VgwB') }),
      SubnetB2: subnet(ref('VpcB'), '10.2.2.0/24', 'us-east-1b'),
      AssocB2: association(ref('SubnetB2'), ref('RtB')),
      // Glue in B's second subnet, MySQL in B's first: one VPC, routed locally.
      ConnA: glueConnection('network-b2', ref('SubnetB2'), [getAtt('SgB', 'GroupId')], {}, 'NETWORK'),
    };
    delete resources.AdmitA;
    const store = mysqlStore(planOf(resources));
    // Both ends wear SgB, which admits itself; the route is the local one, which no VPN route overrides.
    expect(store.verdict).toBe('REACHABLE');
    expect(store.paths[0].hops.filter((h) => h.kind === 'route-table').every((h) => h.verdict === 'REACHABLE' && !/assuming/.test(h.detail))).toBe(true);
  });

  test('auto-peer adds no route beside routes it cannot see: the path is reported unfixable, naming the VPN', () => {
    const model = buildModel([stack('Stack', tpl({
      ...twoVpcs({ peered: false }),
      ...vgw('A'),
      PropagateA: anyResource('AWS::EC2::VPNGatewayRoutePropagation', { RouteTableIds: [ref('RtA')], VpnGatewayId: ref('VgwA') }),
    }), { region: 'us-east-1', account: '111111111111' })]);
    const remedy = planRemedy(model, { failover: false });
    expect(remedy.peerings).toEqual([]);
    expect(remedy.unfixable.map((f) => f.message).join('\n')).toMatch(/route table Stack\/RtA may have routes the templates do not list \(VPN gateway Stack\/VgwA propagates/);
  });

  test('an internet gateway attachment is not a VPN', () => {
    const store = mysqlStore(planOf({
      ...twoVpcs({ peered: false }),
      Igw: anyResource('AWS::EC2::InternetGateway', {}),
      IgwAttach: anyResource('AWS::EC2::VPCGatewayAttachment', { VpcId: ref('VpcA'), InternetGatewayId: ref('Igw') }),
    }));
    expect(store.verdict).toBe('UNREACHABLE');
  });
});

describe('transit gateway route tables that others can change', () => {
  /** A and B attached to a transit gateway without default association or propagation. */
  function transit(options: { associate?: boolean; propagateB?: boolean; exported?: boolean } = {}): Record<string, Resource> {
    const { associate = true, propagateB = false } = options;
    const resources: Record<string, Resource> = {
      ...twoVpcs({ peered: false }),
      Tgw: anyResource('AWS::EC2::TransitGateway', { DefaultRouteTableAssociation: 'disable', DefaultRouteTablePropagation: 'disable' }),
      TgwRt: anyResource('AWS::EC2::TransitGatewayRouteTable', { TransitGatewayId: ref('Tgw') }),
      RouteAtoB: route(ref('RtA'), '10.2.0.0/16', { TransitGatewayId: ref('Tgw') }),
      RouteBtoA: route(ref('RtB'), '10.1.0.0/16', { TransitGatewayId: ref('Tgw') }),
    };
    for (const n of ['A', 'B']) {
      resources[`Att${n}`] = anyResource('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref(`Vpc${n}`), SubnetIds: [ref(`Subnet${n}`)] });
      if (associate) resources[`Assoc${n}Tgw`] = anyResource('AWS::EC2::TransitGatewayRouteTableAssociation', { TransitGatewayRouteTableId: ref('TgwRt'), TransitGatewayAttachmentId: ref(`Att${n}`) });
    }
    if (associate) resources.PropagateA = anyResource('AWS::EC2::TransitGatewayRouteTablePropagation', { TransitGatewayRouteTableId: ref('TgwRt'), TransitGatewayAttachmentId: ref('AttA') });
    if (propagateB) resources.PropagateB = anyResource('AWS::EC2::TransitGatewayRouteTablePropagation', { TransitGatewayRouteTableId: ref('TgwRt'), TransitGatewayAttachmentId: ref('AttB') });
    return resources;
  }
  const exported = { Outputs: { TgwRouteTableId: { Value: ref('TgwRt'), Export: { Name: 'network-tgw-rt' } } } };

  test('a table the templates export: a miss there is UNKNOWN, naming the export', () => {
    expect(mysqlStore(planOf(transit())).verdict).toBe('UNREACHABLE');
    expect(mysqlStore(planOf(transit({ propagateB: true }))).verdict).toBe('REACHABLE');

    const store = mysqlStore(planOf(transit(), undefined, exported));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('Transit gateway route table Stack/TgwRt has no route for 10.2.1.10 in the templates, but it may have routes or propagations they do not list: its id is exported as network-tgw-rt (output Stack/TgwRouteTableId)');
  });

  test("CDK's own exports for references between the app's stacks do not count: a loaded stack imports them", () => {
    const cdkExport = { Outputs: { ExportsOutputRefTgwRt1A2B3C4D: { Value: ref('TgwRt'), Export: { Name: 'Stack:ExportsOutputRefTgwRt1A2B3C4D' } } } };
    const importer = stack('Consumer', tpl({ Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::ImportValue': 'Stack:ExportsOutputRefTgwRt1A2B3C4D' } } } }), { region: 'us-east-1', account: '111111111111' });
    const plan = buildPlan(buildModel([stack('Stack', tpl(transit(), cdkExport), { region: 'us-east-1', account: '111111111111' }), importer]), { failover: false });
    expect(mysqlStore(plan).verdict).toBe('UNREACHABLE');
  });

  test('the same output that no loaded stack imports (Stack.exportValue(x) without a name, or an importer not given) counts: stacks not read may import it (was: never counted, the verdict UNREACHABLE)', () => {
    const store = mysqlStore(planOf(transit(), undefined, { Outputs: { ExportsOutputRefTgwRt1A2B3C4D: { Value: ref('TgwRt'), Export: { Name: 'Stack:ExportsOutputRefTgwRt1A2B3C4D' } } } }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('its id is exported as Stack:ExportsOutputRefTgwRt1A2B3C4D (output Stack/ExportsOutputRefTgwRt1A2B3C4D');
  });

  test("an ExportsOutput no loaded stack imports: the explanation says the importer may be a stack of the app not given, and to give it (was: read as an export by name only; the CLI given some of an app's stacks could not tell why)", () => {
    const store = mysqlStore(planOf(transit(), undefined, { Outputs: { ExportsOutputRefTgwRt1A2B3C4D: { Value: ref('TgwRt'), Export: { Name: 'Stack:ExportsOutputRefTgwRt1A2B3C4D' } } } }));
    expect(store.verdict).toBe('UNKNOWN');
    expect(explained(store)).toContain('(output Stack/ExportsOutputRefTgwRt1A2B3C4D: an export CDK makes for Stack.exportValue, or for a reference from another stack of the app; if a stack of the app imports it, give that stack to the check too, and it is not counted)');
    // A group so exported: its rules count is a warning (GNP-QUOTA-SG-RULES-UNKNOWN), never an error, whose fix says to give the importing stack.
    const groupExported = planOf(twoVpcs(), undefined, { Outputs: { ExportsOutputFnGetAttSgBGroupId1A2B3C4D: { Value: getAtt('SgB', 'GroupId'), Export: { Name: 'Stack:ExportsOutputFnGetAttSgBGroupId1A2B3C4D' } } } });
    expect(groupExported.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const counts = groupExported.findings.filter((f) => f.ruleId === 'GNP-QUOTA-SG-RULES-UNKNOWN');
    expect(counts.length).toBeGreaterThan(0);
    for (const f of counts) {
      expect(f).toMatchObject({
        severity: 'warning',
        message: expect.stringContaining('if a stack of the app imports it, give that stack to the check too'),
        fix: expect.stringContaining('not counted once the importing stack is among the inputs: give it too'),
      });
    }
    // An export named by the app keeps its text.
    expect(explained(mysqlStore(planOf(transit(), undefined, exported)))).toContain('(output Stack/TgwRouteTableId), so other stacks');
  });

  test('the facts file adds the propagation others make: the verdict is definite again', () => {
    const facts: FactsDocument = { transitGatewayRouteTables: [{ id: 'Stack/TgwRt', propagations: ['Stack/AttB'] }] };
    expect(mysqlStore(planOf(transit(), facts, exported)).verdict).toBe('REACHABLE');
    // Described without it: the table holds exactly what is listed, so the miss is definite.
    const none: FactsDocument = { transitGatewayRouteTables: [{ id: 'Stack/TgwRt', routes: [{ destination: '192.168.0.0/16', blackhole: true }] }] };
    expect(mysqlStore(planOf(transit(), none, exported)).verdict).toBe('UNREACHABLE');
  });

  test('a table no attachment of the templates uses: the Glue attachment may be associated with it outside them', () => {
    const unattached = planOf(transit({ associate: false }));
    expect(mysqlStore(unattached).verdict).toBe('UNKNOWN');
    expect(explained(mysqlStore(unattached))).toContain('no attachment of the templates is associated with Stack/TgwRt or propagates into it');

    const facts: FactsDocument = { transitGatewayRouteTables: [{ id: 'Stack/TgwRt', associations: ['Stack/AttA', 'Stack/AttB'], propagations: ['Stack/AttA', 'Stack/AttB'] }] };
    expect(mysqlStore(planOf(transit({ associate: false }), facts)).verdict).toBe('REACHABLE');
    const routesOnly: FactsDocument = { transitGatewayRouteTables: [{ id: 'Stack/TgwRt', associations: ['Stack/AttA', 'Stack/AttB'], routes: [{ destination: '10.1.0.0/16', attachmentId: 'Stack/AttA' }] }] };
    expect(mysqlStore(planOf(transit({ associate: false }), routesOnly)).verdict).toBe('UNREACHABLE');
  });

  test('through the CLI: UNKNOWN (exit 0) until --facts says what others add, then definite either way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-tgw-'));
    const file = (name: string, content: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify(content));
      return join(dir, name);
    };
    const template = file('network.json', tpl(transit(), exported));
    const cli = (...args: string[]) => {
      let stdout = '';
      const code = runCli([template, '--format', 'json', '--no-failover', ...args], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: dir });
      const store = JSON.parse(stdout).jobs[0].dataStores.find((d: any) => d.connection.name === 'mysql-b');
      return [code, store.verdict];
    };
    expect(cli()).toEqual([0, 'UNKNOWN']);
    expect(cli('--facts', file('propagated.json', { transitGatewayRouteTables: [{ id: 'network/TgwRt', propagations: ['network/AttB'] }] }))).toEqual([0, 'REACHABLE']);
    expect(cli('--facts', file('nothing-more.json', { transitGatewayRouteTables: [{ id: 'network/TgwRt' }] }))).toEqual([1, 'UNREACHABLE']);
  });

  test('a facts entry naming a table or an attachment the templates do not define is reported', () => {
    const plan = planOf(transit(), { transitGatewayRouteTables: [{ id: 'Stack/Nope', propagations: ['Stack/AttB'] }, { id: 'Stack/TgwRt', propagations: ['tgw-attach-0other'] }] }, exported);
    const messages = plan.findings.filter((f) => f.ruleId === 'GNP-INPUT-UNRESOLVED').map((f) => f.message);
    expect(messages).toContainEqual(expect.stringContaining('no transit gateway route table of the templates has the id "Stack/Nope" (they are: Stack/TgwRt)'));
    expect(messages).toContainEqual(expect.stringContaining('attachment "tgw-attach-0other" is not an attachment of the templates'));
    // A propagation from an attachment nothing describes leaves the table open.
    expect(mysqlStore(plan).verdict).toBe('UNKNOWN');
  });
});
