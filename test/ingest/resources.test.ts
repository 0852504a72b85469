import {
  anyResource, association, egress, getAtt, ingress, modelOf, ref, route, routeTable, securityGroup, subnet, tcpFrom, vpc,
} from './builders';

const base = { Vpc: vpc('10.0.0.0/16'), Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a') };

describe('VPCs and subnets', () => {
  test('a VPC gets its secondary blocks, DNS defaults, env and implicit main table, default NACL and SG', () => {
    const model = modelOf({ ...base, Extra: anyResource('AWS::EC2::VPCCidrBlock', { VpcId: ref('Vpc'), CidrBlock: '10.1.0.0/16' }) });
    const v = model.vpcs.get('Stack/Vpc')!;
    expect(v.cidrBlocks.known && v.cidrBlocks.value.map((c) => c.text)).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
    expect([v.enableDnsSupport, v.enableDnsHostnames]).toEqual([{ known: true, value: true }, { known: true, value: false }]);
    expect(v.region).toEqual({ known: true, value: 'us-east-1' });
    expect(model.routeTables.get('Stack/Vpc#main')).toMatchObject({ implicitMain: true, routes: [] });
    expect(model.networkAcls.get('Stack/Vpc#default-nacl')?.entries).toEqual([
      expect.objectContaining({ ruleNumber: 100, egress: false, allow: true, protocol: -1 }),
      expect.objectContaining({ ruleNumber: 100, egress: true, allow: true, protocol: -1 }),
    ]);
    expect(model.securityGroups.get('Stack/Vpc#default-sg')?.ingress[0].peer).toEqual({ kind: 'security-group', groupId: 'Stack/Vpc#default-sg' });
  });

  test('a subnet has its VPC, CIDR and zone', () => {
    expect(modelOf(base).subnets.get('Stack/Sub')).toMatchObject({
      vpcId: { known: true, value: 'Stack/Vpc' },
      cidr: { known: true, value: { text: '10.0.1.0/24' } },
      availabilityZone: { known: true, value: 'us-east-1a' },
    });
  });

  test.each(['10.0.0.0/33', '10.0.0.1/16', 'ten'])('invalid CIDR %s is unknown and reported with stack, logical id, property and value', (bad) => {
    const model = modelOf({ Vpc: vpc('10.0.0.0/16'), Sub: subnet(ref('Vpc'), bad, 'us-east-1a') });
    expect(model.subnets.get('Stack/Sub')?.cidr.known).toBe(false);
    expect(model.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(new RegExp(`Stack/Sub.*CidrBlock.*"${bad.replace(/\./g, '\\.')}"`)));
  });

  test('an IPAM-allocated VPC has unknown CIDR blocks', () => {
    const model = modelOf({ Vpc: anyResource('AWS::EC2::VPC', { Ipv4IpamPoolId: 'ipam-pool-1', Ipv4NetmaskLength: 16 }) });
    expect(model.vpcs.get('Stack/Vpc')?.cidrBlocks).toMatchObject({ known: false, reason: expect.stringContaining('IPAM') });
  });

  test('a dangling Ref is an unknown fact plus an issue, not an exception', () => {
    const model = modelOf({ Sub: subnet(ref('MissingVpc'), '10.0.1.0/24', 'us-east-1a') });
    expect(model.subnets.get('Stack/Sub')?.vpcId).toMatchObject({ known: false, reason: expect.stringContaining('MissingVpc') });
    expect(model.issues[0].message).toContain('MissingVpc');
  });
});

describe('routing', () => {
  test('routes by target kind, association, prefix-list destination, IPv6 routes ignored', () => {
    const model = modelOf({
      ...base,
      Rt: routeTable(ref('Vpc')),
      Assoc: association(ref('Sub'), ref('Rt')),
      Igw: anyResource('AWS::EC2::InternetGateway', {}),
      Nat: anyResource('AWS::EC2::NatGateway', { SubnetId: ref('Sub') }),
      Pcx: anyResource('AWS::EC2::VPCPeeringConnection', { VpcId: ref('Vpc'), PeerVpcId: 'vpc-outside' }),
      ToIgw: route(ref('Rt'), '0.0.0.0/0', { GatewayId: ref('Igw') }),
      ToNat: route(ref('Rt'), '192.168.0.0/16', { NatGatewayId: ref('Nat') }),
      ToPcx: route(ref('Rt'), '172.16.0.0/16', { VpcPeeringConnectionId: ref('Pcx') }),
      ToVgw: route(ref('Rt'), '172.17.0.0/16', { GatewayId: 'vgw-123' }),
      ToTgw: route(ref('Rt'), '172.18.0.0/16', { TransitGatewayId: 'tgw-1' }),
      ToPl: anyResource('AWS::EC2::Route', { RouteTableId: ref('Rt'), DestinationPrefixListId: 'pl-1', GatewayId: ref('Igw') }),
      V6: anyResource('AWS::EC2::Route', { RouteTableId: ref('Rt'), DestinationIpv6CidrBlock: '::/0', GatewayId: ref('Igw') }),
    });
    expect(model.subnets.get('Stack/Sub')?.routeTableId).toBe('Stack/Rt');
    const routes = model.routeTables.get('Stack/Rt')!.routes;
    expect(routes.map((r) => [r.destination.known ? r.destination.value.text : 'unknown', r.target.kind, r.target.targetId])).toEqual([
      ['0.0.0.0/0', 'internet-gateway', 'Stack/Igw'],
      ['192.168.0.0/16', 'nat-gateway', 'Stack/Nat'],
      ['172.16.0.0/16', 'vpc-peering', 'Stack/Pcx'],
      ['172.17.0.0/16', 'vpn-gateway', 'vgw-123'],
      ['172.18.0.0/16', 'transit-gateway', 'tgw-1'],
      ['unknown', 'internet-gateway', 'Stack/Igw'],
    ]);
    expect(model.natGateways.get('Stack/Nat')).toMatchObject({ subnetId: { known: true, value: 'Stack/Sub' }, connectivity: 'public' });
  });

  test('gateway endpoints: S3 by service-name suffix even when the Region is unknown', () => {
    const model = modelOf({
      ...base,
      Rt: routeTable(ref('Vpc')),
      S3: anyResource('AWS::EC2::VPCEndpoint', {
        VpcId: ref('Vpc'),
        RouteTableIds: [ref('Rt')],
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'RegionParam' }, '.s3']] },
      }),
    }, { Parameters: { RegionParam: { Type: 'String' } } });
    expect(model.gatewayEndpoints.get('Stack/S3')).toMatchObject({ service: { known: true, value: 's3' }, type: 'Gateway', routeTableIds: ['Stack/Rt'] });
  });

  test('peering: same account is active, cross-account without role is pending, DNS from metadata', () => {
    const model = modelOf({
      ...base,
      Peer: vpc('10.9.0.0/16'),
      Same: anyResource('AWS::EC2::VPCPeeringConnection', { VpcId: ref('Vpc'), PeerVpcId: ref('Peer') }),
      Cross: {
        ...anyResource('AWS::EC2::VPCPeeringConnection', { VpcId: ref('Vpc'), PeerVpcId: 'vpc-9', PeerOwnerId: '999999999999' }),
        Metadata: { 'cdk-glue-netplan:peering-dns': { Requester: true, Accepter: false } },
      },
      WithRole: anyResource('AWS::EC2::VPCPeeringConnection', {
        VpcId: ref('Vpc'), PeerVpcId: 'vpc-9', PeerOwnerId: '999999999999', PeerRoleArn: 'arn:aws:iam::999999999999:role/accept',
      }),
    });
    expect(model.peerings.get('Stack/Same')).toMatchObject({
      state: 'active',
      accepterVpcId: { known: true, value: 'Stack/Peer' },
      allowDnsResolutionFromRequester: { known: false, reason: expect.stringContaining('CloudFormation cannot set peering DNS options') },
    });
    expect(model.peerings.get('Stack/Cross')).toMatchObject({
      state: 'pending-acceptance',
      accepterVpcId: { known: false },
      allowDnsResolutionFromRequester: { known: true, value: true },
      allowDnsResolutionFromAccepter: { known: true, value: false },
    });
    expect(model.peerings.get('Stack/WithRole')?.state).toBe('active');
  });
});

describe('security groups and NACLs', () => {
  test('inline rules, protocols and ports; default egress kept when none is inline', () => {
    const model = modelOf({
      ...base,
      Other: securityGroup(ref('Vpc')),
      Sg: securityGroup(ref('Vpc'), {
        SecurityGroupIngress: [
          tcpFrom({ CidrIp: '10.0.0.0/16' }, 3306),
          { IpProtocol: '-1', SourceSecurityGroupId: getAtt('Other', 'GroupId') },
          { IpProtocol: 'tcp', FromPort: -1, ToPort: -1, SourcePrefixListId: 'pl-1' },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv6: '::/0' },
        ],
      }),
    });
    const sg = model.securityGroups.get('Stack/Sg')!;
    expect(sg.ingress.map((r) => [r.protocol, r.ports, r.peer])).toEqual([
      [6, { from: 3306, to: 3306 }, { kind: 'cidr', cidr: expect.objectContaining({ text: '10.0.0.0/16' }) }],
      [-1, { from: 0, to: 65535 }, { kind: 'security-group', groupId: 'Stack/Other' }],
      [6, { from: 0, to: 65535 }, { kind: 'prefix-list', prefixListId: 'pl-1' }],
    ]);
    expect(sg.egress).toEqual([expect.objectContaining({ protocol: -1, peer: expect.objectContaining({ kind: 'cidr' }) })]);
    expect(sg.egress[0].peer.kind === 'cidr' && sg.egress[0].peer.cidr.text).toBe('0.0.0.0/0');
  });

  test('inline egress replaces the default; a separate egress resource adds to it', () => {
    const model = modelOf({
      ...base,
      Inline: securityGroup(ref('Vpc'), { SecurityGroupEgress: [tcpFrom({ CidrIp: '10.0.0.0/16' }, 443)] }),
      Separate: securityGroup(ref('Vpc')),
      SeparateEgress: egress(ref('Separate'), tcpFrom({ DestinationSecurityGroupId: ref('Inline') }, 5432)),
      SeparateIngress: ingress(getAtt('Separate', 'GroupId'), tcpFrom({ SourceSecurityGroupId: ref('Separate') }, 0, 65535)),
    });
    expect(model.securityGroups.get('Stack/Inline')!.egress.map((r) => r.ports)).toEqual([{ from: 443, to: 443 }]);
    const separate = model.securityGroups.get('Stack/Separate')!;
    expect(separate.egress.map((r) => r.peer.kind)).toEqual(['cidr', 'security-group']);
    expect(separate.ingress).toEqual([expect.objectContaining({ protocol: 6, peer: { kind: 'security-group', groupId: 'Stack/Separate' } })]);
  });

  test('NACL entries and association', () => {
    const model = modelOf({
      ...base,
      Acl: anyResource('AWS::EC2::NetworkAcl', { VpcId: ref('Vpc') }),
      In: anyResource('AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('Acl'), RuleNumber: 100, Protocol: 6, RuleAction: 'allow', CidrBlock: '10.0.0.0/8', PortRange: { From: 3306, To: 3306 },
      }),
      Out: anyResource('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('Acl'), RuleNumber: 200, Protocol: -1, RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' }),
      Assoc: anyResource('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('Sub'), NetworkAclId: ref('Acl') }),
    });
    expect(model.networkAcls.get('Stack/Acl')!.entries.map((e) => [e.ruleNumber, e.egress, e.allow, e.protocol, e.ports])).toEqual([
      [100, false, true, 6, { from: 3306, to: 3306 }],
      [200, true, false, -1, undefined],
    ]);
    expect(model.subnets.get('Stack/Sub')?.networkAclId).toBe('Stack/Acl');
  });
});

describe('transit gateways', () => {
  test('default route table gets every attachment; custom tables, routes, associations, propagations', () => {
    const model = modelOf({
      ...base,
      Tgw: anyResource('AWS::EC2::TransitGateway', { SecurityGroupReferencingSupport: 'enable' }),
      Att: anyResource('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('Vpc'), SubnetIds: [ref('Sub')] }),
      Rt: anyResource('AWS::EC2::TransitGatewayRouteTable', { TransitGatewayId: ref('Tgw') }),
      Route: anyResource('AWS::EC2::TransitGatewayRoute', { TransitGatewayRouteTableId: ref('Rt'), DestinationCidrBlock: '10.0.0.0/16', TransitGatewayAttachmentId: ref('Att') }),
      Hole: anyResource('AWS::EC2::TransitGatewayRoute', { TransitGatewayRouteTableId: ref('Rt'), DestinationCidrBlock: '10.5.0.0/16', Blackhole: true }),
      Prop: anyResource('AWS::EC2::TransitGatewayRouteTablePropagation', { TransitGatewayRouteTableId: ref('Rt'), TransitGatewayAttachmentId: ref('Att') }),
    });
    expect(model.transitGateways.get('Stack/Tgw')).toMatchObject({ defaultRouteTableId: 'Stack/Tgw#default-rt', securityGroupReferencingSupport: true });
    expect(model.transitGatewayRouteTables.get('Stack/Tgw#default-rt')).toMatchObject({ associatedAttachmentIds: ['Stack/Att'], propagatingAttachmentIds: ['Stack/Att'] });
    expect(model.transitGatewayAttachments.get('Stack/Att')).toMatchObject({ transitGatewayId: 'Stack/Tgw', subnetIds: ['Stack/Sub'] });
    const rt = model.transitGatewayRouteTables.get('Stack/Rt')!;
    expect(rt.routes.map((r) => [r.attachmentId, r.blackhole])).toEqual([['Stack/Att', false], [undefined, true]]);
    expect(rt.propagatingAttachmentIds).toEqual(['Stack/Att']);
  });
});
