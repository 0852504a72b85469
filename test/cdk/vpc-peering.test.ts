import { App, Fn, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { VpcPeering, VpcPeeringProps } from '../../src/cdk/vpc-peering';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** One stack with two L2 VPCs (2 AZs: a public and a private subnet per AZ). */
function twoVpcs(requesterCidr = '10.0.0.0/16', accepterCidr = '10.1.0.0/16') {
  const app = new App();
  const stack = new Stack(app, 'Net', { env: ENV });
  const requester = new ec2.Vpc(stack, 'Requester', { ipAddresses: ec2.IpAddresses.cidr(requesterCidr), maxAzs: 2, natGateways: 1 });
  const accepter = new ec2.Vpc(stack, 'Accepter', { ipAddresses: ec2.IpAddresses.cidr(accepterCidr), maxAzs: 2, natGateways: 1 });
  return { app, stack, requester, accepter };
}

/** An accepter VPC known only by attributes (another account or Region). */
function remoteVpc(stack: Stack, region?: string) {
  return ec2.Vpc.fromVpcAttributes(stack, 'Remote', {
    vpcId: 'vpc-0123456789abcdef2',
    vpcCidrBlock: '10.9.0.0/16',
    availabilityZones: ['az-a'],
    privateSubnetIds: ['subnet-0remote'],
    privateSubnetRouteTableIds: ['rtb-0remote'],
    region,
  });
}

function peeringLogicalId(stack: Stack, peering: VpcPeering): string {
  return stack.getLogicalId(peering.cfnPeering);
}

function peeringRoutes(template: Template): Record<string, any> {
  return template.findResources('AWS::EC2::Route', { Properties: { VpcPeeringConnectionId: Match.anyValue() } });
}

function routeTableRefs(stack: Stack, subnets: ec2.ISubnet[]): unknown[] {
  return subnets.map(s => stack.resolve(s.routeTable.routeTableId));
}

describe('same account, same Region', () => {
  test('creates the peering and routes on both sides in every private route table, with exact CIDRs', () => {
    const { stack, requester, accepter } = twoVpcs();
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter });
    const template = Template.fromStack(stack);
    const pcx = { Ref: peeringLogicalId(stack, peering) };

    template.resourceCountIs('AWS::EC2::VPCPeeringConnection', 1);
    template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', {
      VpcId: stack.resolve(requester.vpcId),
      PeerVpcId: stack.resolve(accepter.vpcId),
      PeerOwnerId: Match.absent(),
      PeerRegion: Match.absent(),
      PeerRoleArn: Match.absent(),
    });
    expect(Object.keys(peeringRoutes(template))).toHaveLength(4);
    for (const rt of routeTableRefs(stack, requester.privateSubnets)) {
      template.resourcePropertiesCountIs('AWS::EC2::Route',
        { RouteTableId: rt, DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: pcx }, 1);
    }
    for (const rt of routeTableRefs(stack, accepter.privateSubnets)) {
      template.resourcePropertiesCountIs('AWS::EC2::Route',
        { RouteTableId: rt, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: pcx }, 1);
    }
    // Public route tables are left alone by default.
    for (const rt of routeTableRefs(stack, [...requester.publicSubnets, ...accepter.publicSubnets])) {
      template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: rt, VpcPeeringConnectionId: Match.anyValue() }, 0);
    }
    expect(peering.requesterCidrs).toEqual(['10.0.0.0/16']);
    expect(peering.accepterCidrs).toEqual(['10.1.0.0/16']);
    expect(peering.crossAccount).toBe(false);
    expect(peering.crossRegion).toBe(false);
    expect(stack.resolve(peering.peeringConnectionId)).toEqual(pcx);
  });

  test('isolated subnets count as private, public-only VPCs fall back to all subnets', () => {
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const isolated = new ec2.Vpc(stack, 'Isolated', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', {
      ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    new VpcPeering(stack, 'Peering', { requesterVpc: isolated, accepterVpc: publicOnly });
    const template = Template.fromStack(stack);
    for (const rt of routeTableRefs(stack, isolated.isolatedSubnets)) {
      template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: rt, DestinationCidrBlock: '10.1.0.0/16' }, 1);
    }
    for (const rt of routeTableRefs(stack, publicOnly.publicSubnets)) {
      template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: rt, DestinationCidrBlock: '10.0.0.0/16' }, 1);
    }
    expect(Object.keys(peeringRoutes(template))).toHaveLength(4);
  });

  test('subnet selection limits the route tables that get routes', () => {
    const { stack, requester, accepter } = twoVpcs();
    new VpcPeering(stack, 'Peering', {
      requesterVpc: requester,
      accepterVpc: accepter,
      requesterSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      accepterSubnets: { subnets: [accepter.privateSubnets[1]] },
    });
    const template = Template.fromStack(stack);
    expect(Object.keys(peeringRoutes(template))).toHaveLength(3);
    for (const rt of routeTableRefs(stack, requester.publicSubnets)) {
      template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: rt, DestinationCidrBlock: '10.1.0.0/16' }, 1);
    }
    template.resourcePropertiesCountIs('AWS::EC2::Route',
      { RouteTableId: stack.resolve(accepter.privateSubnets[1].routeTable.routeTableId), DestinationCidrBlock: '10.0.0.0/16' }, 1);
    template.resourcePropertiesCountIs('AWS::EC2::Route',
      { RouteTableId: stack.resolve(accepter.privateSubnets[0].routeTable.routeTableId), VpcPeeringConnectionId: Match.anyValue() }, 0);
  });

  test('a route table shared by several subnets gets one route per CIDR', () => {
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const shared = ec2.Vpc.fromVpcAttributes(stack, 'Shared', {
      vpcId: 'vpc-0123456789abcdef1',
      vpcCidrBlock: '10.5.0.0/16',
      availabilityZones: ['az-a', 'az-b', 'az-c'],
      privateSubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
      privateSubnetRouteTableIds: ['rtb-0shared', 'rtb-0shared', 'rtb-0other'],
    });
    const accepter = new ec2.Vpc(stack, 'Accepter', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, natGateways: 1 });
    new VpcPeering(stack, 'Peering', { requesterVpc: shared, accepterVpc: accepter });
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: 'rtb-0shared', DestinationCidrBlock: '10.1.0.0/16' }, 1);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: 'rtb-0other', DestinationCidrBlock: '10.1.0.0/16' }, 1);
    // Named after the route table, not after a position in the subnet list.
    expect(Object.keys(template.findResources('AWS::EC2::Route', { Properties: { RouteTableId: 'rtb-0shared' } }))[0])
      .toMatch(/^PeeringRequesterRoutesrtb0sharedTo1010016[0-9A-F]{8}$/);
  });

  test('secondary blocks of both VPCs are routed by default, given CIDRs replace them', () => {
    const { stack, requester, accepter } = twoVpcs();
    new ec2.CfnVPCCidrBlock(accepter, 'Extra', { vpcId: accepter.vpcId, cidrBlock: '10.2.0.0/16' });
    // An IPv6 association is not an IPv4 block and must be ignored.
    new ec2.CfnVPCCidrBlock(accepter, 'Ipv6', { vpcId: accepter.vpcId, amazonProvidedIpv6CidrBlock: true });
    const peering = new VpcPeering(stack, 'Peering', {
      requesterVpc: requester,
      accepterVpc: accepter,
      requesterCidrs: ['10.0.0.0/17'],
    });
    const template = Template.fromStack(stack);
    expect(peering.accepterCidrs).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '10.2.0.0/16' }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '10.1.0.0/16' }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '10.0.0.0/17' }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '10.0.0.0/16' }, 0);
  });
});

describe('CIDR overlap', () => {
  test('overlapping primary blocks throw', () => {
    const { stack, requester, accepter } = twoVpcs('10.0.0.0/16', '10.0.128.0/20');
    expect(() => new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter }))
      .toThrow(/overlap: 10\.0\.0\.0\/16 \(primary block of Net\/Requester\) overlaps 10\.0\.128\.0\/20 \(primary block of Net\/Accepter\)/);
  });

  test('adjacent blocks do not overlap; a supernet does', () => {
    const adjacent = twoVpcs('10.0.0.0/17', '10.0.128.0/17');
    expect(() => new VpcPeering(adjacent.stack, 'Peering', { requesterVpc: adjacent.requester, accepterVpc: adjacent.accepter }))
      .not.toThrow();
    const supernet = twoVpcs('10.0.0.0/16', '10.0.255.0/24');
    expect(() => new VpcPeering(supernet.stack, 'Peering', { requesterVpc: supernet.requester, accepterVpc: supernet.accepter }))
      .toThrow(/10\.0\.0\.0\/16 .*overlaps 10\.0\.255\.0\/24/);
  });

  test('overlap through a secondary block throws', () => {
    const { stack, requester, accepter } = twoVpcs('10.0.0.0/16', '10.1.0.0/16');
    new ec2.CfnVPCCidrBlock(stack, 'AccepterSecondary', { vpcId: accepter.vpcId, cidrBlock: '10.0.64.0/18' });
    expect(() => new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter }))
      .toThrow(/10\.0\.64\.0\/18 \(secondary block Net\/AccepterSecondary\)/);
  });

  test('a secondary block added after the peering fails synthesis', () => {
    const { app, stack, requester, accepter } = twoVpcs();
    new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter });
    new ec2.CfnVPCCidrBlock(requester, 'Late', { vpcId: requester.vpcId, cidrBlock: '10.1.0.0/24' });
    expect(() => app.synth()).toThrow(/10\.1\.0\.0\/24 .*overlaps 10\.1\.0\.0\/16.*added after the VpcPeering/);
  });

  test('blocks known only at deploy time skip the check with a warning', () => {
    const { stack, requester } = twoVpcs();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef3',
      vpcCidrBlock: Fn.importValue('ImportedVpcCidr'),
      availabilityZones: ['az-a'],
      privateSubnetIds: ['subnet-i'],
      privateSubnetRouteTableIds: ['rtb-0imported'],
    });
    new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: imported });
    Annotations.fromStack(stack).hasWarning('/Net/Peering',
      Match.stringLikeRegexp('Could not check the VPCs for overlapping CIDR blocks.*primary block of Net/Imported.*cdk-glue-netplan:peeringCidrsUnchecked'));
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::EC2::Route',
      { DestinationCidrBlock: { 'Fn::ImportValue': 'ImportedVpcCidr' } }, 2);
  });

  test('literal VPCs produce no unchecked warning', () => {
    const { stack, requester, accepter } = twoVpcs();
    new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-glue-netplan'));
  });

  test('routed CIDRs outside the VPC are warned about, malformed ones throw', () => {
    const { stack, requester, accepter } = twoVpcs();
    new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter, accepterCidrs: ['10.7.0.0/24'] });
    Annotations.fromStack(stack).hasWarning('/Net/Peering',
      Match.stringLikeRegexp('accepterCidrs 10\\.7\\.0\\.0/24 lie outside every CIDR block of Net/Accepter'));
    expect(() => new VpcPeering(stack, 'Bad', { requesterVpc: requester, accepterVpc: accepter, accepterCidrs: ['10.1.0.0'] }))
      .toThrow(/'10\.1\.0\.0', which is not an IPv4 CIDR block/);
  });
});

describe('cross account', () => {
  function crossAccount(props: Partial<VpcPeeringProps>) {
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const requester = new ec2.Vpc(stack, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const accepter = remoteVpc(stack);
    const make = () => new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter, ...props });
    return { stack, requester, make };
  }

  test('without peerRoleArn throws and explains the acceptance', () => {
    const { make } = crossAccount({ peerOwnerId: '222222222222' });
    expect(make).toThrow(/account 222222222222.*pending-acceptance.*pass peerRoleArn/);
  });

  test('a token requester account with a peerOwnerId needs the role too', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    const requester = new ec2.Vpc(stack, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    expect(() => new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: remoteVpc(stack), peerOwnerId: '222222222222' }))
      .toThrow(/peerRoleArn/);
  });

  test('with peerRoleArn sets owner and role, skips accepter routes and lists them in a warning', () => {
    const roleArn = 'arn:aws:iam::222222222222:role/peer-acceptor';
    const { stack, requester, make } = crossAccount({ peerOwnerId: '222222222222', peerRoleArn: roleArn });
    const peering = make();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', {
      PeerVpcId: 'vpc-0123456789abcdef2',
      PeerOwnerId: '222222222222',
      PeerRoleArn: roleArn,
      PeerRegion: Match.absent(),
    });
    expect(peering.crossAccount).toBe(true);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: 'rtb-0remote' }, 0);
    expect(Object.keys(peeringRoutes(template))).toHaveLength(requester.privateSubnets.length);
    Annotations.fromStack(stack).hasWarning('/Net/Peering', Match.stringLikeRegexp(
      'In the accepter VPC, add .* a route to 10\\.0\\.0\\.0/16 via this peering connection \\(Net/Peering\\).*cdk-glue-netplan:peeringAccepterRoutesRequired'));
  });

  test('asking for accepter routes across accounts throws', () => {
    const { make } = crossAccount({ peerOwnerId: '222222222222', peerRoleArn: 'arn:aws:iam::222222222222:role/r', createAccepterRoutes: true });
    expect(make).toThrow(/createAccepterRoutes is true, but the accepter VPC is in another account/);
  });

  test('a role for a same-account accepter is needless and throws', () => {
    const { make } = crossAccount({ peerRoleArn: 'arn:aws:iam::111111111111:role/r' });
    expect(make).toThrow(/peerRoleArn is set, but the accepter VPC is in this stack's account/);
    const explicitSame = crossAccount({ peerOwnerId: '111111111111', peerRoleArn: 'arn:aws:iam::111111111111:role/r' });
    expect(explicitSame.make).toThrow(/needs no accepter role/);
  });

  test('the accepter account is inferred from an accepter VPC defined in another account', () => {
    const app = new App();
    const net = new Stack(app, 'Net', { env: ENV });
    const other = new Stack(app, 'Other', { env: { account: '333333333333', region: 'us-east-1' } });
    const requester = new ec2.Vpc(net, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const accepter = new ec2.Vpc(other, 'Accepter', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, natGateways: 1 });
    expect(() => new VpcPeering(net, 'Peering', { requesterVpc: requester, accepterVpc: accepter }))
      .toThrow(/owned by account 333333333333/);
    expect(() => new VpcPeering(net, 'Mismatch', { requesterVpc: requester, accepterVpc: accepter, peerOwnerId: '444444444444' }))
      .toThrow(/peerOwnerId is 444444444444, but the accepter VPC Other\/Accepter is in account 333333333333/);
  });
});

describe('Region', () => {
  test('cross-Region: PeerRegion set, no accepter routes, CIDR-based ingress instead of group references', () => {
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const requester = new ec2.Vpc(stack, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const accepter = remoteVpc(stack);
    const database = new ec2.SecurityGroup(stack, 'Database', { vpc: requester });
    const remoteGlue = ec2.SecurityGroup.fromSecurityGroupId(stack, 'RemoteGlue', 'sg-0123456789abcdef0');
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter, peerRegion: 'us-west-2' });
    peering.allowFromAccepter(database, ec2.Port.tcp(5432), { source: remoteGlue });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', { PeerRegion: 'us-west-2', PeerOwnerId: Match.absent() });
    expect(peering.crossRegion).toBe(true);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { RouteTableId: 'rtb-0remote' }, 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(database.securityGroupId),
      CidrIp: '10.9.0.0/16',
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: Match.absent(),
    });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Net/Peering', Match.stringLikeRegexp('another Region cannot be referenced.*cdk-glue-netplan:peeringIngressByCidr'));
    annotations.hasWarning('/Net/Peering', Match.stringLikeRegexp('accepter VPC is in another Region'));
    expect(() => peering.allowFromRequester(ec2.SecurityGroup.fromSecurityGroupId(stack, 'RemoteDb', 'sg-0fedcba9876543210'), ec2.Port.tcp(5432)))
      .toThrow(/live in another Region and cannot be modified from this stack.*from 10\.0\.0\.0\/16/);
  });

  test('same Region: ingress references the source group and waits for the peering', () => {
    const { stack, requester, accepter } = twoVpcs();
    const glue = new ec2.SecurityGroup(stack, 'Glue', { vpc: requester });
    const database = new ec2.SecurityGroup(stack, 'Database', { vpc: accepter });
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter });
    peering.allowFromRequester(database, ec2.Port.tcp(3306), { source: glue });
    peering.allowFromRequester(database, ec2.Port.tcp(3306), { source: glue }); // idempotent

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResource('AWS::EC2::SecurityGroupIngress', {
      Properties: {
        GroupId: stack.resolve(database.securityGroupId),
        SourceSecurityGroupId: stack.resolve(glue.securityGroupId),
        SourceSecurityGroupOwnerId: Match.absent(),
        CidrIp: Match.absent(),
        FromPort: 3306,
        ToPort: 3306,
      },
      DependsOn: Match.arrayWith([peeringLogicalId(stack, peering)]),
    });
  });

  test('same Region cross-account: the accepter group is referenced with its owner account', () => {
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const requester = new ec2.Vpc(stack, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const database = new ec2.SecurityGroup(stack, 'Database', { vpc: requester });
    const peering = new VpcPeering(stack, 'Peering', {
      requesterVpc: requester,
      accepterVpc: remoteVpc(stack),
      peerOwnerId: '222222222222',
      peerRoleArn: 'arn:aws:iam::222222222222:role/r',
    });
    peering.allowFromAccepter(database, ec2.Port.tcp(5439), {
      source: ec2.SecurityGroup.fromSecurityGroupId(stack, 'RemoteGlue', 'sg-0123456789abcdef0'),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: 'sg-0123456789abcdef0',
      SourceSecurityGroupOwnerId: '222222222222',
      FromPort: 5439,
    });
  });

  test('without a source the peer CIDRs are allowed', () => {
    const { stack, requester, accepter } = twoVpcs();
    const database = new ec2.SecurityGroup(stack, 'Database', { vpc: accepter });
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter });
    peering.allowFromRequester(database, ec2.Port.tcp(5432), { description: 'glue to postgres' });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(database.securityGroupId),
      CidrIp: '10.0.0.0/16',
      Description: 'glue to postgres',
    });
  });

  test('peerRegion equal to the stack Region is dropped and accepter routes are made', () => {
    const { stack, requester, accepter } = twoVpcs();
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter, peerRegion: 'us-east-1' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCPeeringConnection', { PeerRegion: Match.absent() });
    expect(peering.crossRegion).toBe(false);
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '10.0.0.0/16' }, 2);
  });

  test('a requester VPC outside the stack Region throws', () => {
    const app = new App();
    const west = new Stack(app, 'West', { env: { account: ENV.account, region: 'us-west-2' } });
    const east = new Stack(app, 'East', { env: ENV });
    const requester = new ec2.Vpc(west, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    expect(() => new VpcPeering(east, 'Peering', { requesterVpc: requester, accepterVpc: remoteVpc(east) }))
      .toThrow(/requester VPC West\/Requester is in Region us-west-2, but the peering is created in stack East/);
  });
});

describe('DNS resolution', () => {
  test('same account and Region: custom resource sets both sides with a least-privilege policy', () => {
    const { stack, requester, accepter } = twoVpcs();
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter, allowDnsResolution: true });
    const template = Template.fromStack(stack);
    const pcx = peeringLogicalId(stack, peering);

    template.resourceCountIs('Custom::AWS', 1);
    template.hasResourceProperties('Custom::AWS', { InstallLatestAwsSdk: false });
    const [customResource] = Object.values(template.findResources('Custom::AWS'));
    const create = JSON.stringify(customResource.Properties.Create);
    expect(create).toContain('modifyVpcPeeringConnectionOptions');
    expect(create).toContain('\\"RequesterPeeringConnectionOptions\\":{\\"AllowDnsResolutionFromRemoteVpc\\":true}');
    expect(create).toContain('\\"AccepterPeeringConnectionOptions\\":{\\"AllowDnsResolutionFromRemoteVpc\\":true}');
    expect(customResource.Properties.Update).toEqual(customResource.Properties.Create);
    expect(customResource.Properties.Delete).toBeUndefined();

    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([{
      Action: 'ec2:ModifyVpcPeeringConnectionOptions',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:111111111111:vpc-peering-connection/', { Ref: pcx }]],
      },
    }]);
    template.hasResource('AWS::EC2::VPCPeeringConnection', {
      Metadata: { 'cdk-glue-netplan:peering-dns': { Requester: true, Accepter: true } },
    });
  });

  test('cross-Region: requester side only, with a warning for the accepter side', () => {
    const app = new App();
    const stack = new Stack(app, 'Net', { env: ENV });
    const requester = new ec2.Vpc(stack, 'Requester', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: remoteVpc(stack), peerRegion: 'eu-west-1', allowDnsResolution: true });
    const template = Template.fromStack(stack);
    const [customResource] = Object.values(template.findResources('Custom::AWS'));
    expect(JSON.stringify(customResource.Properties.Create)).not.toContain('AccepterPeeringConnectionOptions');
    template.hasResource('AWS::EC2::VPCPeeringConnection', {
      Metadata: { 'cdk-glue-netplan:peering-dns': { Requester: true, Accepter: false } },
    });
    Annotations.fromStack(stack).hasWarning('/Net/Peering', Match.stringLikeRegexp('cdk-glue-netplan:peeringAccepterDnsRequired'));
  });

  test('off by default: no custom resource and no metadata', () => {
    const { stack, requester, accepter } = twoVpcs();
    new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::AWS', 0);
    template.hasResource('AWS::EC2::VPCPeeringConnection', { Metadata: Match.absent() });
  });
});

describe('multi-stack apps', () => {
  test('a peering stack between two network stacks creates no dependency cycle', () => {
    const app = new App();
    const networkA = new Stack(app, 'NetworkA', { env: ENV });
    const networkB = new Stack(app, 'NetworkB', { env: ENV });
    const peeringStack = new Stack(app, 'Peering', { env: ENV });
    const vpcA = new ec2.Vpc(networkA, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 1 });
    const vpcB = new ec2.Vpc(networkB, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.1.0.0/16'), maxAzs: 2, natGateways: 1 });
    const glue = new ec2.SecurityGroup(networkA, 'Glue', { vpc: vpcA });
    const database = new ec2.SecurityGroup(networkB, 'Database', { vpc: vpcB });
    const peering = new VpcPeering(peeringStack, 'AtoB', { requesterVpc: vpcA, accepterVpc: vpcB, allowDnsResolution: true });
    peering.allowFromRequester(database, ec2.Port.tcp(5432), { source: glue });
    peering.allowFromAccepter(glue, ec2.Port.allTcp(), { source: database });

    const templateA = Template.fromStack(networkA);
    const templateB = Template.fromStack(networkB);
    const templateC = Template.fromStack(peeringStack);
    for (const network of [templateA, templateB]) {
      network.resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
      network.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      expect(JSON.stringify(network.toJSON())).not.toContain('Fn::ImportValue');
    }
    templateC.resourceCountIs('AWS::EC2::VPCPeeringConnection', 1);
    expect(Object.keys(peeringRoutes(templateC))).toHaveLength(4);
    templateC.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    expect(JSON.stringify(templateC.toJSON())).toContain('Fn::ImportValue');

    expect(() => app.synth()).not.toThrow();
    expect(peeringStack.dependencies.map(s => s.stackName).sort()).toEqual(['NetworkA', 'NetworkB']);
    expect(networkA.dependencies).toHaveLength(0);
    expect(networkB.dependencies).toHaveLength(0);
  });
});

describe('logical ids', () => {
  function synthesize(accepterCidrs?: string[]) {
    const { stack, requester, accepter } = twoVpcs();
    new ec2.CfnVPCCidrBlock(accepter, 'Extra', { vpcId: accepter.vpcId, cidrBlock: '10.2.0.0/16' });
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: requester, accepterVpc: accepter, accepterCidrs, allowDnsResolution: true });
    peering.allowFromRequester(new ec2.SecurityGroup(stack, 'Db', { vpc: accepter }), ec2.Port.tcp(5432));
    return Template.fromStack(stack).toJSON();
  }

  test('synthesizing twice yields the same template', () => {
    expect(synthesize()).toEqual(synthesize());
  });

  test('adding a CIDR keeps the ids of existing routes', () => {
    const routeIds = (template: any, cidr: string) => Object.entries(template.Resources)
      .filter(([, r]: [string, any]) => r.Type === 'AWS::EC2::Route' && r.Properties.DestinationCidrBlock === cidr)
      .map(([logicalId]) => logicalId)
      .sort();
    const before = routeIds(synthesize(['10.2.0.0/16']), '10.2.0.0/16');
    const after = routeIds(synthesize(['10.1.0.0/16', '10.2.0.0/16']), '10.2.0.0/16');
    expect(before).toHaveLength(2);
    expect(after).toEqual(before);
  });
});
