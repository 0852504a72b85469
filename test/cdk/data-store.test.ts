import { App, Stack, Token, aws_ec2 as ec2, aws_glue as glue, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { seedNetwork } from '../../examples/seed-network';
import { GlueDataStore, GlueDataStoreProps } from '../../src/cdk/data-store';
import { VpcPeering } from '../../src/cdk/vpc-peering';
import { DataStorePlan, Plan, buildPlan } from '../../src/engine';
import { TemplateInput, buildModel } from '../../src/ingest';
import { DATA_STORE_METADATA } from '../../src/ingest/glue';

/** A VPC with isolated subnets in two AZs, an S3 gateway endpoint (Glue's S3 path) and a Glue group. */
class Network {
  readonly vpc: ec2.Vpc;
  readonly glueGroup: ec2.SecurityGroup;
  readonly storeGroup: ec2.SecurityGroup;
  constructor(readonly stack: Stack, cidr: string) {
    ({ vpc: this.vpc, glueGroup: this.glueGroup } = seedNetwork(stack, cidr));
    this.storeGroup = new ec2.SecurityGroup(stack, 'StoreGroup', { vpc: this.vpc, description: 'the data store' });
  }
}

/** A JDBC connection whose ENIs go into the network's first subnet, and a job using it. */
function connectionIn(stack: Stack, net: Network, url = 'jdbc:postgresql://warehouse.corp.internal:5432/dw'): glue.Connection {
  const connection = new glue.Connection(stack, 'Connection', {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[0]),
    securityGroups: [net.glueGroup],
    properties: { JDBC_CONNECTION_URL: url },
  });
  new glue.CfnJob(stack, 'Job', {
    name: 'load-warehouse',
    role: 'arn:aws:iam::111111111111:role/glue',
    command: { name: 'glueetl', scriptLocation: 's3://scripts/load.py' },
    connections: { connections: [connection.connectionName] },
    workerType: 'G.1X',
    numberOfWorkers: 2,
  });
  return connection;
}

/** Synthesizes the app and runs the real ingest and engine on every stack template. */
function planOf(app: App): Plan {
  const inputs: TemplateInput[] = app.synth().stacks.map(s => ({ stackName: s.stackName, template: s.template }));
  return buildPlan(buildModel(inputs), { failover: false });
}

function onlyStore(plan: Plan): DataStorePlan {
  expect(plan.jobs).toHaveLength(1);
  expect(plan.jobs[0].dataStores).toHaveLength(1);
  return plan.jobs[0].dataStores[0];
}

function declaredMetadata(stack: Stack): any {
  const connections = Object.values<any>(Template.fromStack(stack).toJSON().Resources)
    .filter(r => r.Type === 'AWS::Glue::Connection');
  expect(connections).toHaveLength(1);
  return connections[0].Metadata?.[DATA_STORE_METADATA];
}

/** One env-agnostic stack with one network and a connection in it. */
function oneStack(cidr = '10.1.0.0/16') {
  const app = new App();
  const stack = new Stack(app, 'Etl');
  const net = new Network(stack, cidr);
  const connection = connectionIn(stack, net);
  return { app, stack, net, connection };
}

describe('the metadata written on the AWS::Glue::Connection', () => {
  test('a glue.Connection: subnet Refs, group GetAtts and the port, no PubliclyAccessible unless given', () => {
    const { stack, net, connection } = oneStack();
    GlueDataStore.declare(connection, { subnets: net.vpc.isolatedSubnets, securityGroups: [net.storeGroup], port: 5432 });
    expect(declaredMetadata(stack)).toEqual({
      SubnetIds: net.vpc.isolatedSubnets.map(s => stack.resolve(s.subnetId)),
      SecurityGroupIds: [stack.resolve(net.storeGroup.securityGroupId)],
      Port: 5432,
    });
    expect(declaredMetadata(stack).SubnetIds).toEqual([{ Ref: expect.stringMatching(/^VpcdataSubnet1/) }, { Ref: expect.stringMatching(/^VpcdataSubnet2/) }]);
  });

  test('a raw glue.CfnConnection is annotated itself; publiclyAccessible is written when given', () => {
    const app = new App();
    const stack = new Stack(app, 'Etl');
    const net = new Network(stack, '10.1.0.0/16');
    const cfn = new glue.CfnConnection(stack, 'Raw', {
      catalogId: stack.account,
      connectionInput: { connectionType: 'JDBC', connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:mysql://db.corp.internal:3306/app' } },
    });
    GlueDataStore.declare(cfn, { subnets: [net.vpc.isolatedSubnets[1]], port: 3306, publiclyAccessible: true });
    expect(declaredMetadata(stack)).toEqual({
      SubnetIds: [stack.resolve(net.vpc.isolatedSubnets[1].subnetId)],
      SecurityGroupIds: [],
      Port: 3306,
      PubliclyAccessible: true,
    });
  });

  test('vpc without vpcSubnets selects every private subnet, not the public ones', () => {
    const app = new App();
    const stack = new Stack(app, 'Etl');
    const net = new Network(stack, '10.1.0.0/16');
    const connection = connectionIn(stack, net);
    const storeVpc = new ec2.Vpc(stack, 'StoreVpc', { ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'), maxAzs: 2, natGateways: 1 });
    GlueDataStore.declare(connection, { vpc: storeVpc, port: 5432 });
    expect(declaredMetadata(stack).SubnetIds).toEqual(storeVpc.privateSubnets.map(s => stack.resolve(s.subnetId)));
    expect(storeVpc.publicSubnets).toHaveLength(2);
  });

  test('vpc with only public subnets selects them all; vpcSubnets narrows the selection', () => {
    const app = new App();
    const stack = new Stack(app, 'Etl');
    const net = new Network(stack, '10.1.0.0/16');
    const publicVpc = new ec2.Vpc(stack, 'PublicVpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.3.0.0/16'),
      maxAzs: 2,
      subnetConfiguration: [{ name: 'web', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const first = new glue.CfnConnection(stack, 'First', { catalogId: stack.account, connectionInput: { connectionType: 'JDBC' } });
    const second = new glue.CfnConnection(stack, 'Second', { catalogId: stack.account, connectionInput: { connectionType: 'JDBC' } });
    GlueDataStore.declare(first, { vpc: publicVpc, port: 5432 });
    GlueDataStore.declare(second, { vpc: net.vpc, vpcSubnets: { availabilityZones: [net.vpc.availabilityZones[1]] }, port: 5432 });
    const resources = Template.fromStack(stack).toJSON().Resources;
    expect(resources[stack.getLogicalId(first)].Metadata[DATA_STORE_METADATA].SubnetIds)
      .toEqual(publicVpc.publicSubnets.map(s => stack.resolve(s.subnetId)));
    expect(resources[stack.getLogicalId(second)].Metadata[DATA_STORE_METADATA].SubnetIds)
      .toEqual([stack.resolve(net.vpc.isolatedSubnets[1].subnetId)]);
  });

  test('repeated subnets and groups are written once, in the order given', () => {
    const { stack, net, connection } = oneStack();
    const [a, b] = net.vpc.isolatedSubnets;
    GlueDataStore.declare(connection, { subnets: [b, a, b], securityGroups: [net.storeGroup, net.glueGroup, net.storeGroup], port: 5432 });
    expect(declaredMetadata(stack)).toMatchObject({
      SubnetIds: [stack.resolve(b.subnetId), stack.resolve(a.subnetId)],
      SecurityGroupIds: [stack.resolve(net.storeGroup.securityGroupId), stack.resolve(net.glueGroup.securityGroupId)],
    });
  });

  test('imported subnets and groups are written as their literal ids', () => {
    const { stack, connection } = oneStack();
    GlueDataStore.declare(connection, {
      subnets: [ec2.Subnet.fromSubnetId(stack, 'Imported', 'subnet-0abc')],
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'ImportedGroup', 'sg-0db')],
      port: 1521,
    });
    expect(declaredMetadata(stack)).toEqual({ SubnetIds: ['subnet-0abc'], SecurityGroupIds: ['sg-0db'], Port: 1521 });
  });
});

describe('the engine locates the declared store', () => {
  test('without a declaration the store is assumed in the connection subnet; with one it is "declared"', () => {
    const undeclared = oneStack();
    expect(onlyStore(planOf(undeclared.app)).locatedBy).toBe('connection-subnet');

    const { app, net, connection } = oneStack();
    net.storeGroup.addIngressRule(net.glueGroup, ec2.Port.tcp(5432), 'Glue');
    GlueDataStore.declare(connection, { subnets: net.vpc.isolatedSubnets, securityGroups: [net.storeGroup], port: 5432 });
    const store = onlyStore(planOf(app));
    expect(store).toMatchObject({ locatedBy: 'declared', port: 5432, verdict: 'REACHABLE', assumptions: [] });
    expect(store.paths.map(p => p.destinationSubnet)).toEqual([
      expect.stringMatching(/^Etl\/VpcdataSubnet1/), expect.stringMatching(/^Etl\/VpcdataSubnet2/),
    ]);
  });

  test('same VPC, but the store group does not admit the Glue group: UNREACHABLE (ENI_SG_RULES_MISMATCH)', () => {
    const { app, net, connection } = oneStack();
    net.storeGroup.addIngressRule(net.glueGroup, ec2.Port.tcp(3306), 'the wrong port');
    GlueDataStore.declare(connection, { vpc: net.vpc, securityGroups: [net.storeGroup], port: 5432 });
    const plan = planOf(app);
    const store = onlyStore(plan);
    expect(store).toMatchObject({ locatedBy: 'declared', verdict: 'UNREACHABLE' });
    expect(store.explanations.map(e => e.code)).toContain('ENI_SG_RULES_MISMATCH');
    expect(plan.jobs[0].findings.map(f => f.ruleId)).toContain('GNP-STORE-UNREACHABLE');
  });

  test('no security groups declared: the store ingress cannot be judged, so UNKNOWN', () => {
    const { app, net, connection } = oneStack();
    GlueDataStore.declare(connection, { subnets: net.vpc.isolatedSubnets, port: 5432 });
    const plan = planOf(app);
    expect(onlyStore(plan)).toMatchObject({ locatedBy: 'declared', verdict: 'UNKNOWN' });
    expect(plan.jobs[0].findings.map(f => f.ruleId)).toContain('GNP-STORE-UNKNOWN');
  });

  test('store in another, unpeered VPC: UNREACHABLE (DISCONNECTED_VPCS), GNP-STORE-UNREACHABLE', () => {
    const app = new App();
    const stack = new Stack(app, 'Etl');
    const glueNet = new Network(stack, '10.1.0.0/16');
    const storeVpc = new ec2.Vpc(stack, 'StoreVpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const storeGroup = new ec2.SecurityGroup(stack, 'WarehouseGroup', { vpc: storeVpc });
    storeGroup.addIngressRule(ec2.Peer.ipv4('10.1.0.0/16'), ec2.Port.tcp(5432), 'Glue VPC');
    GlueDataStore.declare(connectionIn(stack, glueNet), { vpc: storeVpc, securityGroups: [storeGroup], port: 5432 });
    const plan = planOf(app);
    const store = onlyStore(plan);
    expect(store).toMatchObject({ locatedBy: 'declared', verdict: 'UNREACHABLE' });
    expect(store.explanations.map(e => e.code)).toContain('DISCONNECTED_VPCS');
    expect(plan.jobs[0].findings.filter(f => f.ruleId === 'GNP-STORE-UNREACHABLE')).toHaveLength(1);
  });

  /** Glue in 10.1/16, the store in 10.2/16, peered with ingress from the Glue group on 5432, no DNS option. */
  function peeredStore(publiclyAccessible: boolean): DataStorePlan {
    const app = new App();
    const stack = new Stack(app, 'Etl');
    const glueNet = new Network(stack, '10.1.0.0/16');
    const storeVpc = new ec2.Vpc(stack, 'StoreVpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.2.0.0/16'),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const storeGroup = new ec2.SecurityGroup(stack, 'WarehouseGroup', { vpc: storeVpc });
    const peering = new VpcPeering(stack, 'Peering', { requesterVpc: glueNet.vpc, accepterVpc: storeVpc });
    peering.allowFromRequester(storeGroup, ec2.Port.tcp(5432), { source: glueNet.glueGroup });
    GlueDataStore.declare(connectionIn(stack, glueNet), { vpc: storeVpc, securityGroups: [storeGroup], port: 5432, publiclyAccessible });
    return onlyStore(planOf(app));
  }

  test('peered store, not publicly accessible: REACHABLE', () => {
    const store = peeredStore(false);
    expect(store).toMatchObject({ locatedBy: 'declared', verdict: 'REACHABLE' });
    expect(store.explanations.map(e => e.code)).not.toContain('PEERING_DNS');
  });

  test('peered store, publicly accessible behind a hostname, no DNS resolution on the peering: PEERING_DNS', () => {
    const store = peeredStore(true);
    expect(store.locatedBy).toBe('declared');
    expect(store.explanations.map(e => e.code)).toContain('PEERING_DNS');
  });
});

describe('a store in another stack (cross-stack references)', () => {
  function crossStack(peered: boolean) {
    const app = new App();
    const glueNet = new Network(new Stack(app, 'NetworkA'), '10.1.0.0/16');
    const storeNet = new Network(new Stack(app, 'NetworkB'), '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    const connection = connectionIn(etl, glueNet);
    GlueDataStore.declare(connection, { vpc: storeNet.vpc, securityGroups: [storeNet.storeGroup], port: 5432 });
    if (peered) {
      const peering = new VpcPeering(etl, 'PeerAB', { requesterVpc: glueNet.vpc, accepterVpc: storeNet.vpc });
      peering.allowFromRequester(storeNet.storeGroup, ec2.Port.tcp(5432), { source: glueNet.glueGroup });
    }
    return { app, etl, storeNet };
  }

  test('the metadata holds Fn::ImportValue of NetworkB exports, and Etl depends on NetworkB', () => {
    const { app, etl, storeNet } = crossStack(false);
    const assembly = app.synth();
    const metadata = declaredMetadata(etl);
    expect(metadata.SubnetIds).toHaveLength(2);
    for (const id of [...metadata.SubnetIds, ...metadata.SecurityGroupIds]) {
      expect(id).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^NetworkB:ExportsOutput/) });
    }
    expect(etl.dependencies).toContain(storeNet.stack);
    const exportNames = Object.values<any>(assembly.getStackByName('NetworkB').template.Outputs ?? {}).map(o => o.Export.Name);
    expect(exportNames).toEqual(expect.arrayContaining([...metadata.SubnetIds, ...metadata.SecurityGroupIds].map(i => i['Fn::ImportValue'])));
  });

  test('unpeered: the engine resolves the imports to NetworkB subnets and finds them UNREACHABLE', () => {
    const plan = planOf(crossStack(false).app);
    const store = onlyStore(plan);
    expect(store).toMatchObject({ locatedBy: 'declared', verdict: 'UNREACHABLE' });
    expect(store.paths.map(p => p.destinationSubnet)).toEqual([expect.stringMatching(/^NetworkB\//), expect.stringMatching(/^NetworkB\//)]);
    expect(store.explanations.map(e => e.code)).toContain('DISCONNECTED_VPCS');
    expect(plan.findings.filter(f => f.ruleId === 'GNP-INPUT-UNRESOLVED')).toEqual([]);
    expect(plan.jobs[0].findings.map(f => f.ruleId)).toContain('GNP-STORE-UNREACHABLE');
  });

  test('peered with ingress from the Glue group: REACHABLE', () => {
    const store = onlyStore(planOf(crossStack(true).app));
    expect(store).toMatchObject({ locatedBy: 'declared', verdict: 'REACHABLE', port: 5432 });
  });

  test('NetworkB template not given: the imports cannot be resolved, reported, and the store is UNKNOWN, not REACHABLE', () => {
    const assembly = crossStack(true).app.synth();
    const inputs = ['NetworkA', 'Etl'].map(name => ({ stackName: name, template: assembly.getStackByName(name).template }));
    const plan = buildPlan(buildModel(inputs), { failover: false });
    const store = onlyStore(plan);
    expect(store).toMatchObject({ locatedBy: 'declared', verdict: 'UNKNOWN' });
    const unresolved = plan.findings.filter(f => f.ruleId === 'GNP-INPUT-UNRESOLVED').map(f => f.message);
    expect(unresolved).toEqual(expect.arrayContaining([
      expect.stringMatching(/data-store\.SubnetIds\[0\]: .*Fn::ImportValue NetworkB:/),
      expect.stringMatching(/data-store\.SecurityGroupIds\[0\]: .*Fn::ImportValue NetworkB:/),
    ]));
  });
});

describe('errors', () => {
  const valid = (net: Network): GlueDataStoreProps => ({ subnets: net.vpc.isolatedSubnets, port: 5432 });

  test('a construct that is not a Glue connection names its path and what to pass', () => {
    const { stack, net } = oneStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(() => GlueDataStore.declare(bucket, valid(net)))
      .toThrow(/^Etl\/Bucket: GlueDataStore\.declare\(\) needs the glue\.Connection .*its default child is an AWS::S3::Bucket/);
    expect(() => GlueDataStore.declare(bucket.node.defaultChild!, valid(net))).toThrow(/Etl\/Bucket\/Resource: .*it is an AWS::S3::Bucket/);
    expect(() => GlueDataStore.declare(stack, valid(net))).toThrow(/^Etl: .*no default child/);
  });

  test('an imported connection points to the facts file', () => {
    const { stack, net } = oneStack();
    const imported = glue.Connection.fromConnectionName(stack, 'Imported', 'warehouse');
    expect(() => GlueDataStore.declare(imported, valid(net))).toThrow(/Etl\/Imported: .*imported connection.*facts file, dataStores\[\]/);
  });

  test.each([0, -1, 65536, 5432.5, NaN])('port %p is rejected', (port) => {
    const { connection, net } = oneStack();
    expect(() => GlueDataStore.declare(connection, { ...valid(net), port })).toThrow(/Etl\/Connection: .*not a TCP port: pass an integer from 1 to 65535/);
  });

  test('ports 1 and 65535 are accepted', () => {
    for (const port of [1, 65535]) {
      const { connection, net } = oneStack();
      expect(() => GlueDataStore.declare(connection, { ...valid(net), port })).not.toThrow();
    }
  });

  test('a port token is rejected: the rules are checked at synth time', () => {
    const { connection, net } = oneStack();
    const port = Token.asNumber({ Ref: 'DbPort' });
    expect(() => GlueDataStore.declare(connection, { ...valid(net), port })).toThrow(/port is a token.*Pass the port the store listens on as a number/);
  });

  test('no subnets: neither subnets nor vpc, an empty list, or a selection that matches nothing', () => {
    const { connection, net } = oneStack();
    expect(() => GlueDataStore.declare(connection, { port: 5432 })).toThrow(/the data store has no subnets\. Pass subnets .* or vpc/);
    expect(() => GlueDataStore.declare(connection, { subnets: [], port: 5432 })).toThrow(/subnets is empty/);
    expect(() => GlueDataStore.declare(connection, { vpc: net.vpc, vpcSubnets: { availabilityZones: ['nowhere-1z'] }, port: 5432 }))
      .toThrow(/no subnet of the data store's VPC Etl\/Vpc is selected by vpcSubnets/);
  });

  test('subnets and vpc together, or vpcSubnets without vpc', () => {
    const { connection, net } = oneStack();
    expect(() => GlueDataStore.declare(connection, { subnets: net.vpc.isolatedSubnets, vpc: net.vpc, port: 5432 }))
      .toThrow(/both subnets and vpc are given/);
    expect(() => GlueDataStore.declare(connection, { subnets: net.vpc.isolatedSubnets, vpcSubnets: { onePerAz: true }, port: 5432 }))
      .toThrow(/vpcSubnets selects subnets of vpc, but no vpc is given/);
  });

  test('declaring twice throws, whether through the L2 or its CfnConnection, and keeps the first', () => {
    const { stack, connection, net } = oneStack();
    GlueDataStore.declare(connection, { ...valid(net), port: 5432 });
    expect(() => GlueDataStore.declare(connection, { ...valid(net), port: 3306 })).toThrow(/already declared on Etl\/Connection\/Resource/);
    expect(() => GlueDataStore.declare(connection.node.defaultChild!, { ...valid(net), port: 3306 })).toThrow(/already declared/);
    expect(declaredMetadata(stack).Port).toBe(5432);
  });

  test('an invalid declaration writes nothing', () => {
    const { stack, connection } = oneStack();
    expect(() => GlueDataStore.declare(connection, { port: 5432 })).toThrow();
    expect(declaredMetadata(stack)).toBeUndefined();
  });
});
