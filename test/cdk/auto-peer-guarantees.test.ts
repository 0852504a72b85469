/*
 * What auto-peer guarantees (issue 14), each on a CDK app as a user would write it, with the guard
 * reporting as annotations (the validation-report path shares the remedy and placement):
 * deploy order, no shadowed route, the right source group, failover without opening stores to each
 * other, the final app after mutating aspects, two copies of aws-cdk-lib, facts, DNS for public stores.
 */
import {
  App, AspectPriority, Aspects, CfnOutput, CfnParameter, CfnResource, IAspect, NestedStack, ReferenceStrength, Stack, Stage, Validations,
  aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct, IConstruct } from 'constructs';
import { withoutCdkTemplateCheck } from './quiet-cdk';
import { NetworkStack, seedApp } from './seed-app';
import { seedNetwork } from '../../examples/seed-network';
import { FailoverRepair, GlueNetworkGuard, GlueNetworkGuardProps, GuardMode, GuardReporting } from '../../src/cdk/guard';
import { VpcPeering } from '../../src/cdk/vpc-peering';

// The fixtures' RDS instances are unencrypted (W9008): not what these tests check.
withoutCdkTemplateCheck();

function autoPeer(app: App, props: GlueNetworkGuardProps = {}, priority: number = AspectPriority.READONLY): GlueNetworkGuard {
  const guard = new GlueNetworkGuard({ mode: GuardMode.AUTO_PEER, reporting: GuardReporting.ANNOTATIONS, ...props });
  Aspects.of(app).add(guard, { priority });
  return guard;
}

function messages(level: 'error' | 'warning' | 'info', ...stacks: Stack[]): string[] {
  return stacks.flatMap((s) => {
    const a = Annotations.fromStack(s);
    const found = level === 'error' ? a.findError('*', Match.anyValue()) : level === 'warning' ? a.findWarning('*', Match.anyValue()) : a.findInfo('*', Match.anyValue());
    return found.map((m) => String(m.entry.data));
  });
}

function postgres(net: NetworkStack, id = 'Db', publiclyAccessible = false): rds.DatabaseInstance {
  return new rds.DatabaseInstance(net, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc: net.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [net.glueGroup],
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    publiclyAccessible,
  });
}

function jdbc(etl: Stack, id: string, subnet: ec2.ISubnet, groups: ec2.ISecurityGroup[], db: rds.DatabaseInstance): glue.Connection {
  return new glue.Connection(etl, id, {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(subnet),
    securityGroups: groups,
    properties: { JDBC_CONNECTION_URL: `jdbc:postgresql://${db.dbInstanceEndpointAddress}:5432/app` },
  });
}

function job(etl: Stack, connections: glue.IConnection[]): glue.PythonShellJob {
  return new glue.PythonShellJob(etl, 'Job', {
    jobName: 'nightly',
    role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'job.py'),
    connections,
  });
}

function resources(stack: Stack, type: string): { id: string; r: any }[] {
  return Object.entries(Template.fromStack(stack).findResources(type)).map(([id, r]) => ({ id, r }));
}

describe('deploy order: a rule naming a group across a peering waits for that peering', () => {
  test("the seed's app: every added ingress from the other VPC's group DependsOn the peering it travels over", () => {
    const s = seedApp();
    autoPeer(s.app);
    const peerings = resources(s.etl, 'AWS::EC2::VPCPeeringConnection');
    expect(peerings).toHaveLength(2);
    const ingress = resources(s.etl, 'AWS::EC2::SecurityGroupIngress');
    expect(ingress).toHaveLength(2);
    for (const { id, r } of ingress) {
      expect({ id, group: r.Properties.SourceSecurityGroupId }).toEqual({ id, group: { 'Fn::ImportValue': expect.stringMatching(/^NetworkA:.*GlueGroup/) } });
      const dependsOn: string[] = r.DependsOn ?? [];
      expect({ id, waits: dependsOn.filter((d) => peerings.some((p) => p.id === d)).length }).toEqual({ id, waits: 1 });
    }
  });

  test('a peering of the app in another stack: the rule goes where it may depend on that stack, without a cycle', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const peeringStack = new Stack(app, 'Peering');
    // Peered and routed by hand; only the store's ingress is missing.
    new VpcPeering(peeringStack, 'AB', { requesterVpc: a.vpc, accepterVpc: b.vpc });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(b))]);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    const ingress = resources(etl, 'AWS::EC2::SecurityGroupIngress');
    expect(ingress).toHaveLength(1);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(assembly.getStackByName('Etl').dependencies.map((d) => d.id)).toContain('Peering');
    expect(assembly.getStackByName('Peering').dependencies.map((d) => d.id)).not.toContain('Etl');
    expect(messages('error', a, b, peeringStack, etl)).toEqual([]);
  });
});

describe('no dependency cycle from references the model does not read', () => {
  test.each([
    ['a resource of a type the model does not read (an SSM parameter naming a route table of NetC)', (a: NetworkStack, c: NetworkStack) => {
      new CfnResource(a, 'TableName', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: c.vpc.isolatedSubnets[0].routeTable.routeTableId } });
    }],
    ['a construct dependency (node.addDependency)', (a: NetworkStack, c: NetworkStack) => a.node.addDependency(c)],
  ])('NetA depends on NetC through %s, and the peering is pinned to NetC: a clear refusal (was: DependencyCycle at synth, the dependency unseen)', (_what, link) => {
    const app = new App({ context: { '@cdk-glue-netplan/auto-peer:placements': { 'peering NetA/Vpc NetC/Vpc': 'NetC' } } });
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    link(a, c);
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([
      expect.stringMatching(/pins "peering NetA\/Vpc NetC\/Vpc" to stack NetC, which cannot hold it \(NetA already depends on it, so a reference back would be a cycle\)/),
    ]);
    for (const stack of [a, c, etl]) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });
});

describe('no dependency cycle through a stack nested in the job stack', () => {
  test.each([
    ['a construct dependency (node.addDependency) on it', (c: NetworkStack, inner: NestedStack) => c.node.addDependency(inner)],
    ['a reference to one of its values', (c: NetworkStack, inner: NestedStack) => {
      const param = new CfnResource(inner, 'Param', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: 'x' } });
      new CfnResource(c, 'UsesInner', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: param.ref } });
    }],
  ])("NetC depends on Etl through %s: the peering does not go in Etl, and the app synthesizes (was: placed in Etl, CDK's DependencyCycle at synth)", (_what, link) => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    link(c, new NestedStack(etl, 'Inner'));
    // A store addressed by IP, its groups unknown: acknowledged, auto-peer still places its peering.
    const conn = new glue.Connection(etl, 'Conn', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]),
      securityGroups: [a.glueGroup],
      properties: { JDBC_CONNECTION_URL: 'jdbc:mysql://10.2.0.10:3306/x' },
    });
    job(etl, [conn]);
    Validations.of(app).acknowledge({ id: 'cdk-glue-netplan::GNP-AUTOPEER-UNFIXABLE', reason: 'the store admits NetA by hand' });
    autoPeer(app, { failover: false });
    expect(() => app.synth()).not.toThrow();
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect([a, c].flatMap((s) => resources(s, 'AWS::EC2::VPCPeeringConnection'))).toHaveLength(1);
  });
});

describe('never cut existing traffic: no route that overlaps a route to another target', () => {
  test('A routes 10.2.0.0/16 to its peering with B; the store sits in C, which reuses 10.2.0.0/16: refused, naming the route; nothing added', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    new VpcPeering(a, 'ToB', { requesterVpc: a.vpc, accepterVpc: b.vpc });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    const errors = messages('error', a, b, c, etl);
    const refusal = errors.filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal.length).toBeGreaterThan(0);
    expect(refusal[0]).toMatch(/route table NetA\/Vpc\/dataSubnet1\/RouteTable routes 10\.2\.0\.0\/16 to .*\(NetA\/ToB\/RequesterRoutes\/dataSubnet1\/To10\.2\.0\.0_16\): a route to 10\.2\.0\.0\/24 through a peering would take that part of its traffic/);
    expect(refusal[0]).toMatch(/Fix: Auto-peer does not change where existing traffic goes/);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(resources(etl, 'AWS::EC2::Route')).toHaveLength(0);
  });
});

describe('the routes quota: a route to a prefix list counts as its maximum entries', () => {
  /**
   * A routes its on-premises networks to a transit gateway through a customer-managed prefix list
   * of 2 entries and `maxEntries` maximum entries; the store sits in C, unpeered.
   */
  const onPremisesApp = (maxEntries: (stack: Stack) => number) => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const onPremises = new ec2.CfnPrefixList(a, 'OnPremises', {
      prefixListName: 'on-premises',
      addressFamily: 'IPv4',
      maxEntries: maxEntries(a),
      entries: [{ cidr: '192.168.0.0/24' }, { cidr: '192.168.1.0/24' }],
    });
    new ec2.CfnRoute(a, 'ToOnPremises', {
      routeTableId: a.vpc.isolatedSubnets[0].routeTable.routeTableId, destinationPrefixListId: onPremises.ref, transitGatewayId: 'tgw-0onpremises',
    });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    return { app, a, c, etl };
  };

  test('a list of 2 entries but 60 maximum entries fills a table whose quota is 50: no peering, no route, the refusal says why', () => {
    const { app, a, c, etl } = onPremisesApp(() => 60);
    autoPeer(app, { failover: false, quotas: { routesPerRouteTable: 50 } });
    const refusal = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal.length).toBeGreaterThan(0);
    expect(refusal).toContainEqual(expect.stringMatching(
      /route table NetA\/Vpc\/dataSubnet1\/RouteTable has 61 routes \(a route to a prefix list counts as its maximum entries\): a route to 10\.2\.\d+\.0\/24 would exceed the account's quota of 50 routes per route table/));
    expect(messages('warning', a).filter((w) => /GNP-QUOTA-ROUTES/.test(w))).toEqual([expect.stringMatching(/has 61 routes .*the account's quota is 50/)]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(resources(etl, 'AWS::EC2::Route')).toHaveLength(0);
  });

  test('the same list with 10 maximum entries leaves room: the peering and its routes are added', () => {
    const { app, a, c, etl } = onPremisesApp(() => 10);
    autoPeer(app, { failover: false, quotas: { routesPerRouteTable: 50 } });
    expect(messages('error', a, c, etl)).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
  });

  test('maxEntries from a parameter given no value: the count cannot be bounded, so nothing is added, and the table gets GNP-QUOTA-ROUTES-UNKNOWN', () => {
    const { app, a, c, etl } = onPremisesApp((stack) => new CfnParameter(stack, 'OnPremisesSize', { type: 'Number' }).valueAsNumber);
    autoPeer(app, { failover: false });
    const refusal = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal.length).toBeGreaterThan(0);
    expect(refusal).toContainEqual(expect.stringMatching(/routes to prefix list NetA\/OnPremises \(its MaxEntries cannot be resolved .*\): .*so whether a route to 10\.2\.\d+\.0\/24 fits within the default quota of 500 routes per route table cannot be told/));
    expect(messages('warning', a).filter((w) => /GNP-QUOTA-ROUTES-UNKNOWN/.test(w))).toHaveLength(1);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });
});

describe('the rules quota: auto-peer never adds a rule past a security group\'s inbound rules quota (60 by default)', () => {
  /** The store's group in C has its self-referencing rule (a rule resource of its own) and `n` inline rules. */
  const fullGroupApp = (n: number) => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    for (let i = 0; i < n; i++) c.glueGroup.addIngressRule(ec2.Peer.ipv4(`172.16.${i}.0/24`), ec2.Port.tcp(443), `partner ${i}`);
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    return { app, a, c, etl };
  };

  test('a store group with 60 inbound rules: no ingress rule is added (it would fail to create and roll the deploy back); the refusal names the group, its count, the rule and the quota', () => {
    const { app, a, c, etl } = fullGroupApp(59);
    autoPeer(app, { failover: false });
    const refusal = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal).toContainEqual(expect.stringMatching(
      /security group NetC\/GlueGroup has 60 inbound IPv4 rules: one more \(ingress TCP 5432 from security group NetA\/GlueGroup\) would exceed the default quota of 60 inbound rules per security group, and a rule over the quota fails to create, rolling the deployment back/));
    expect(resources(etl, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(0);
    // 60 is within the quota: no quota warning on the group itself.
    expect(messages('warning', c).filter((w) => /GNP-QUOTA-SG-RULES/.test(w))).toEqual([]);
  });

  test('59 inbound rules leave room: the ingress rule is added', () => {
    const { app, a, c, etl } = fullGroupApp(58);
    autoPeer(app, { failover: false });
    expect(messages('error', a, c, etl)).toEqual([]);
    expect(resources(etl, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(1);
  });

  test("a store group with a rule to a pl-... prefix list: its weight is not in the inputs, so no rule is added to it; the facts' prefixLists give it, and the rule is added", () => {
    const build = () => {
      const app = new App();
      const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
      const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
      c.glueGroup.addIngressRule(ec2.Peer.prefixList('pl-0partners'), ec2.Port.tcp(443), 'partners');
      const etl = new Stack(app, 'Etl');
      job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
      return { app, a, c, etl };
    };
    const unknownWeight = build();
    autoPeer(unknownWeight.app, { failover: false });
    expect(messages('error', unknownWeight.a, unknownWeight.c, unknownWeight.etl)).toContainEqual(expect.stringMatching(
      /security group NetC\/GlueGroup has a rule to prefix list pl-0partners .*: whether one more inbound rule \(ingress TCP 5432 from security group NetA\/GlueGroup\) fits within the default quota of 60 inbound rules per security group cannot be told/));
    expect(messages('warning', unknownWeight.c)).toContainEqual(expect.stringMatching(/GNP-QUOTA-SG-RULES-UNKNOWN/));
    expect(resources(unknownWeight.etl, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(0);
    const given = build();
    autoPeer(given.app, { failover: false, facts: { prefixLists: [{ id: 'pl-0partners', maxEntries: 10 }] } });
    expect(messages('error', given.a, given.c, given.etl)).toEqual([]);
    expect(messages('warning', given.c).filter((w) => /GNP-QUOTA-SG-RULES/.test(w))).toEqual([]);
    expect(resources(given.etl, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(1);
  });

  test('a store group whose id is exported by name: stacks not read may add rules to it, so its count is UNKNOWN (GNP-QUOTA-SG-RULES-UNKNOWN) and auto-peer adds nothing for the path (was: counted 1 rule, and the ingress, peering and routes were added)', () => {
    const { app, a, c, etl } = fullGroupApp(0);
    new CfnOutput(c, 'GlueGroupId', { value: c.glueGroup.securityGroupId, exportName: 'NetC-GlueGroup' });
    autoPeer(app, { failover: false });
    const warnings = messages('warning', c).filter((w) => /GNP-QUOTA-SG-RULES-UNKNOWN/.test(w));
    expect(warnings).toEqual([
      expect.stringMatching(/Whether NetC\/GlueGroup\w* stays within the default quota of 60 inbound rules per security group is UNKNOWN: besides the 1 IPv4 rules the inputs list, its id is exported as NetC-GlueGroup \(output NetC\/GlueGroupId\), so stacks the inputs do not include may add rules to it/),
      expect.stringMatching(/outbound rules per security group is UNKNOWN/),
    ]);
    const refusal = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal).toEqual([expect.stringMatching(/security group NetC\/GlueGroup: it may have rules the inputs do not list: its id is exported as NetC-GlueGroup .*: whether one more inbound rule \(ingress TCP 5432 from security group NetA\/GlueGroup\) fits within the default quota of 60 inbound rules per security group cannot be told/)]);
    for (const stack of [a, c, etl]) {
      expect(resources(stack, 'AWS::EC2::SecurityGroupIngress').filter(({ r }) => r.Properties.FromPort === 5432)).toHaveLength(0);
      expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    }
  });

  test("a group exported by name through stack.exportValue (an ExportsOutput... output, as CDK's own): stacks not read may import it too, so its count is UNKNOWN and nothing is added", () => {
    const { app, a, c, etl } = fullGroupApp(0);
    c.exportValue(c.glueGroup.securityGroupId, { name: 'NetC-GlueGroup' });
    autoPeer(app, { failover: false });
    app.synth();
    expect(messages('warning', c).filter((w) => /GNP-QUOTA-SG-RULES-UNKNOWN/.test(w))).toEqual([
      expect.stringMatching(/its id is exported as NetC-GlueGroup/),
      expect.stringMatching(/outbound rules per security group is UNKNOWN/),
    ]);
    for (const stack of [a, c, etl]) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test("a group exported by stack.exportValue without a name (CDK names the export, for stacks outside the app to import): its count is UNKNOWN and nothing is added (was: taken for CDK's own reference export, counted 1 rule, peered and ruled)", () => {
    const { app, a, c, etl } = fullGroupApp(0);
    c.exportValue(c.glueGroup.securityGroupId);
    autoPeer(app, { failover: false });
    app.synth();
    expect(messages('warning', c).filter((w) => /GNP-QUOTA-SG-RULES-UNKNOWN/.test(w))).toEqual([
      expect.stringMatching(/its id is exported as NetC:ExportsOutputFnGetAttGlueGroup\w+GroupId\w+ \(output NetC\/ExportsOutputFnGetAttGlueGroup/),
      expect.stringMatching(/outbound rules per security group is UNKNOWN/),
    ]);
    for (const stack of [a, c, etl]) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test("CDK's own exports for references between the app's stacks do not make a group's count open-ended", () => {
    const { app, a, c, etl } = fullGroupApp(0);
    autoPeer(app, { failover: false });
    app.synth();
    expect(messages('warning', a, c).filter((w) => /GNP-QUOTA-SG-RULES-UNKNOWN/.test(w))).toEqual([]);
    expect(resources(etl, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(1);
  });

  test("the account's raised quota (rulesPerSecurityGroup) leaves room for it", () => {
    const { app, a, c, etl } = fullGroupApp(59);
    autoPeer(app, { failover: false, quotas: { rulesPerSecurityGroup: 100 } });
    expect(messages('error', a, c, etl)).toEqual([]);
    expect(resources(etl, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(1);
  });
});

describe("CloudFormation's 500 resources per template: auto-peer never pushes a stack past it", () => {
  /** The job's stack filled with `fill` placeholder resources besides the job's own; the store in C, unpeered. */
  const crowdedApp = (fill: (etl: Stack) => number, context?: Record<string, unknown>) => {
    const app = new App(context ? { context } : {});
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    const n = fill(etl);
    for (let i = 0; i < n; i++) new CfnResource(etl, `Filler${i}`, { type: 'AWS::CloudFormation::WaitConditionHandle' });
    return { app, a, c, etl };
  };
  /** The resources of the job's stack before the fillers and auto-peer (the job, its role, policy, bucket, connection). */
  const ownResources = (etl: Stack) => etl.node.findAll().filter((x) => CfnResource.isCfnResource(x)).length;

  test('a job stack with room for 2 resources: the peering (5 resources) is refused, naming the stack and its count, and so is the path\'s rule (it would fit, but opens nothing without the peering); the app still synthesizes (was: TooManyResourcesInStack at synth)', () => {
    const { app, a, c, etl } = crowdedApp((stack) => 500 - ownResources(stack) - 2);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    const refusals = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusals).toEqual([expect.stringMatching(/auto-peer cannot place the peering of NetA\/Vpc and NetC\/Vpc: Etl, the stack it belongs in, its template holds 498 resources, and 5 more would pass 500 resources per template .*, so auto-peer adds nothing for this path: no peering, route or rule/)]);
    expect(Object.keys(assembly.getStackByName('Etl').template.Resources).length).toBeLessThanOrEqual(500);
    for (const stack of [a, c, etl]) {
      expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
      expect(resources(stack, 'AWS::EC2::SecurityGroupIngress').filter(({ r }) => r.Properties.FromPort === 5432)).toHaveLength(0);
    }
  });

  test('an app that raises CDK\'s @aws-cdk/core:stackResourceLimit (as the benchmark does): auto-peer keeps to the same limit as CDK\'s check', () => {
    const raised = crowdedApp((stack) => 500 - 1 - ownResources(stack) - 2, { '@aws-cdk/core:stackResourceLimit': 5000 });
    autoPeer(raised.app, { failover: false });
    raised.app.synth();
    expect(messages('error', raised.a, raised.c, raised.etl)).toEqual([]);
    expect(resources(raised.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
  });

  test('room for the peering, its routes and the rule (6): all are added to the job stack, up to 500', () => {
    const { app, a, c, etl } = crowdedApp((stack) => 500 - 1 - ownResources(stack) - 6);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl)).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    // 499, and CDK's metadata resource (which analytics reporting adds outside tests) would make 500.
    expect(Object.keys(assembly.getStackByName('Etl').template.Resources)).toHaveLength(499);
  });

  test("CDK's metadata resource counts only where CDK adds it: without analytics reporting (as in tests, or --no-version-reporting), room for exactly the 6 fills the template to 500 (was: refused, one counted for a metadata resource that is not there)", () => {
    const { app, a, c, etl } = crowdedApp((stack) => 500 - ownResources(stack) - 6);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl)).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(Object.keys(assembly.getStackByName('Etl').template.Resources)).toHaveLength(500);
  });

  test('a second synthesis (Template.fromStack, Annotations.fromStack, synth({ force: true })) counts what the first one placed: room for exactly the 6 fills the template to 500 once, and the second adds nothing (was: placed the second time, past 500, TooManyResourcesInStack)', () => {
    const { app, a, c, etl } = crowdedApp((stack) => 500 - ownResources(stack) - 6);
    autoPeer(app, { failover: false });
    expect(Object.keys(app.synth().getStackByName('Etl').template.Resources)).toHaveLength(500);
    const again = app.synth({ force: true });
    expect(Object.keys(again.getStackByName('Etl').template.Resources)).toHaveLength(500);
    expect(messages('error', a, c, etl)).toEqual([]);
  });

  test('room for 5 only (the peering and its routes, not the rule): nothing is added, in this synthesis or the next, since the peering opens nothing without the rule (was: the peering and routes were added, the rule refused)', () => {
    const { app, a, c, etl } = crowdedApp((stack) => 500 - ownResources(stack) - 5);
    autoPeer(app, { failover: false });
    expect(Object.keys(app.synth().getStackByName('Etl').template.Resources)).toHaveLength(495);
    expect(Object.keys(app.synth({ force: true }).getStackByName('Etl').template.Resources)).toHaveLength(495);
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([
      expect.stringMatching(/auto-peer cannot place the ingress rule on NetC\/GlueGroup: Etl, the stack it belongs in, its template holds 495 resources and auto-peer places 5 more there, and 1 more would pass 500 .*, so auto-peer adds nothing for this path: no peering, route or rule/),
    ]);
  });

  test('with analytics reporting on (what the CDK CLI sets), the same stack has room for 5 only: the rule is refused, and with it the peering and routes; the template is 495 with CDKMetadata', () => {
    const { app, a, c, etl } = crowdedApp((stack) => 500 - ownResources(stack) - 6, { 'aws:cdk:version-reporting': true });
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    // (Read from this synthesis' assembly: Annotations.fromStack would synthesize again.)
    const errors = [a, c, etl].flatMap((s) => assembly.getStackByName(s.stackName).messages.filter((m) => m.level === 'error').map((m) => String(m.entry.data)));
    expect(errors).toContainEqual(expect.stringMatching(/auto-peer cannot place the ingress rule on NetC\/GlueGroup: Etl, the stack it belongs in, its template holds 495 resources \(with CDK's metadata resource\) and auto-peer places 5 more there, and 1 more would pass 500.*so auto-peer adds nothing for this path/));
    const template = assembly.getStackByName('Etl').template.Resources;
    expect(template.CDKMetadata).toBeDefined();
    expect(Object.keys(template)).toHaveLength(495);
  });
});

describe("CloudFormation's 200 outputs per template: the references auto-peer adds never push a stack past it", () => {
  /** The store's stack NetC with `n` outputs of its own; the job in Etl already references the store's address (one export). */
  const manyOutputs = (n: number, context?: Record<string, unknown>) => {
    const app = new App(context ? { context } : {});
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    for (let i = 0; i < n; i++) new CfnOutput(c, `Out${i}`, { value: `v${i}` });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    return { app, a, c, etl };
  };
  const outputsOf = (assembly: ReturnType<App['synth']>, name: string) => Object.keys(assembly.getStackByName(name).template.Outputs ?? {}).length;

  test('NetC holds 195 outputs and the export of the store\'s address: the 4 exports auto-peer\'s references add (the VPC, two route tables, the group) make 200, and are added', () => {
    const { app, a, c, etl } = manyOutputs(195);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(outputsOf(assembly, 'NetC')).toBe(200);
  });

  test('one more output of its own: the peering would pass 200 outputs in NetC, so nothing is added for the path, and the refusal names NetC and its count (was: added, and NetC\'s deployment failed with 201 outputs)', () => {
    const { app, a, c, etl } = manyOutputs(196);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    const refusals = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    // The peering and routes fit (200); the rule's group would be the 201st: the path gets nothing.
    expect(refusals).toEqual([expect.stringMatching(/auto-peer cannot place the ingress rule on NetC\/GlueGroup: Etl, the stack it belongs in, references a value of NetC that CDK would export as an output of NetC, whose template would then hold 201 outputs \(196 of its own, 4 for the values other stacks and auto-peer's other additions reference, 1 for these\), past CloudFormation's 200 outputs per template .*so auto-peer adds nothing for this path/)]);
    // The fix is about NetC's outputs (was: 'Add the rule yourself.', which adds the same export).
    expect(refusals[0]).toMatch(/Fix: Make room in NetC's outputs .*or pin "ingress NetC\/GlueGroup tcp\/5432 from NetA\/GlueGroup" in @cdk-glue-netplan\/auto-peer:placements to NetC itself/);
    expect(outputsOf(assembly, 'NetC')).toBeLessThanOrEqual(200);
    for (const stack of [a, c, etl]) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test('with both strong and weak cross-stack references, CDK adds two outputs per value: counted so (190 own and 5 values make 200; 191 own, refused)', () => {
    const fits = manyOutputs(190, { '@aws-cdk/core:defaultCrossStackReferences': 'both' });
    autoPeer(fits.app, { failover: false });
    expect(outputsOf(fits.app.synth(), 'NetC')).toBe(200);
    expect(resources(fits.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    const over = manyOutputs(191, { '@aws-cdk/core:defaultCrossStackReferences': 'both' });
    autoPeer(over.app, { failover: false });
    const assembly = over.app.synth();
    expect(messages('error', over.a, over.c, over.etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([expect.stringMatching(/two outputs per value/)]);
    expect(outputsOf(assembly, 'NetC')).toBeLessThanOrEqual(200);
  });

  test("a resource's own reference strength counts, not the app's: with both strengths but NetC's VPC and route tables kept strong (applyCrossStackReferenceStrength), 191 own outputs and 5 values make 198 (was: refused, counted 201)", () => {
    const { app, a, c, etl } = manyOutputs(191, { '@aws-cdk/core:defaultCrossStackReferences': 'both' });
    for (const cfn of [c.vpc.node.defaultChild, ...c.vpc.isolatedSubnets.map((s) => s.node.findChild('RouteTable'))]) (cfn as CfnResource).applyCrossStackReferenceStrength(ReferenceStrength.STRONG);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(outputsOf(assembly, 'NetC')).toBe(198);
  });

  test("and the other way: strong references, but NetC's VPC made both: 195 own outputs and 5 values are 201, refused (was: counted 200, added, NetC's deployment failed)", () => {
    const { app, a, c, etl } = manyOutputs(195);
    (c.vpc.node.defaultChild as CfnResource).applyCrossStackReferenceStrength(ReferenceStrength.BOTH);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([expect.stringMatching(/whose template would then hold 201 outputs .*two outputs per value/)]);
    expect(outputsOf(assembly, 'NetC')).toBeLessThanOrEqual(200);
  });

  test("values of NetC that a stack in another Region references (crossRegionReferences, strong) are written by CDK's export writer, not outputs: not counted (was: 195 own outputs and 2 such values refused the path, counted 201, though NetC's template holds 200)", () => {
    const env = { account: '111111111111', region: 'us-east-1' };
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16', { env });
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16', { env });
    for (let i = 0; i < 195; i++) new CfnOutput(c, `Out${i}`, { value: `v${i}` });
    const far = new Stack(app, 'Far', { env: { ...env, region: 'eu-west-1' }, crossRegionReferences: true });
    for (const [id, value] of [['Cidr', c.vpc.vpcCidrBlock], ['Subnet', c.vpc.isolatedSubnets[0].subnetId]]) {
      new CfnResource(far, id, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: value } });
    }
    const etl = new Stack(app, 'Etl', { env });
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(outputsOf(assembly, 'NetC')).toBe(200);
  });

  test("values of NetC that a stack nested in NetC references are passed as parameters, not outputs: not counted (was: 195 own outputs and 3 such values refused the path, 'would then hold 202 outputs', though NetC's template holds 200)", () => {
    const { app, a, c, etl } = manyOutputs(195);
    const inner = new NestedStack(c, 'Inner');
    for (const [id, value] of [['Cidr', c.vpc.vpcCidrBlock], ['DefaultGroup', c.vpc.vpcDefaultSecurityGroup], ['Subnet', c.vpc.isolatedSubnets[0].subnetId]]) {
      new CfnResource(inner, id, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: value } });
    }
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(outputsOf(assembly, 'NetC')).toBe(200);
  });

  test('a VPC in a stack nested in NetC: each value Etl references there is an output of the nested stack and an export of NetC, so NetC with 196 outputs of its own has no room (was: only the nested stack counted, and NetC got 201 outputs)', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new Stack(app, 'NetC');
    for (let i = 0; i < 196; i++) new CfnOutput(c, `Out${i}`, { value: `v${i}` });
    const nested = new NestedStack(c, 'Inner');
    const inner = Object.assign(nested, seedNetwork(nested, '10.2.0.0/16'));
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(inner as unknown as NetworkStack))]);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([
      expect.stringMatching(/export as (an output|outputs) of NetC, whose template would then hold 20\d outputs .*so auto-peer adds nothing for this path/),
    ]);
    expect(outputsOf(assembly, 'NetC')).toBeLessThanOrEqual(200);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test('the same with 195 outputs of its own: the 5 exports fit (200), the peering is added, and a second synthesis counts the same (no refusal)', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new Stack(app, 'NetC');
    for (let i = 0; i < 195; i++) new CfnOutput(c, `Out${i}`, { value: `v${i}` });
    const nested = new NestedStack(c, 'Inner');
    const inner = Object.assign(nested, seedNetwork(nested, '10.2.0.0/16'));
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(inner as unknown as NetworkStack))]);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(outputsOf(assembly, 'NetC')).toBe(200);
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([]);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
  });
});

describe('never cut existing traffic on the store side either', () => {
  test("the store's VPC C routes 10.1.0.0/16 to its peering with D, and A (the Glue side) reuses 10.1.0.0/16: refused, naming C's route; nothing added", () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.3.0.0/16');
    const d = new NetworkStack(app, 'NetD', '10.1.0.0/16');
    // C's replies to A's Glue subnet would be taken from C's traffic to D by a 10.1.0.0/24 route.
    new VpcPeering(c, 'ToD', { requesterVpc: c.vpc, accepterVpc: d.vpc });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    const refusal = messages('error', a, c, d, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal.length).toBeGreaterThan(0);
    expect(refusal[0]).toMatch(/route table NetC\/Vpc\/dataSubnet\d\/RouteTable routes 10\.1\.0\.0\/16 to .*\(NetC\/ToD\/RequesterRoutes\/dataSubnet\d\/To10\.1\.0\.0_16\): a route to 10\.1\.0\.0\/24 through a peering would take that part of its traffic/);
    // Both sides or neither: not even the Glue side's route is added.
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(resources(etl, 'AWS::EC2::Route')).toHaveLength(0);
  });
});

describe('the right source group: the connection\'s Glue group', () => {
  test('listed second, the self-referencing group is admitted on the store, and the summary says why', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const audit = new ec2.SecurityGroup(a, 'Audit', { vpc: a.vpc, description: 'listed first, not the Glue group' });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [audit, a.glueGroup], postgres(b))]);
    autoPeer(app, { failover: false });
    const ingress = resources(etl, 'AWS::EC2::SecurityGroupIngress');
    expect(ingress.map(({ r }) => r.Properties.SourceSecurityGroupId)).toEqual([{ 'Fn::ImportValue': expect.stringMatching(/^NetA:.*GlueGroup/) }]);
    const info = messages('info', etl).filter((m) => /GNP-AUTOPEER-ADDED/.test(m));
    expect(info).toHaveLength(1);
    expect(info[0]).toMatch(/admits TCP 5432 from NetA\/GlueGroup, the connection's Glue group \(the one with the self-referencing all-TCP rule\)/);
  });
});

describe('failover without opening databases to each other', () => {
  /** The main connection has a Glue group of its own; the fallback's Glue group is also worn by a database in A. */
  function failoverApp(props: GlueNetworkGuardProps) {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    postgres(a, 'ReportsDb');
    const glueOnly = new ec2.SecurityGroup(a, 'GlueOnly', { vpc: a.vpc });
    glueOnly.connections.allowInternally(ec2.Port.allTcp());
    const etl = new Stack(app, 'Etl');
    const fallback = new glue.Connection(etl, 'Fallback', {
      type: glue.ConnectionType.NETWORK,
      network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[1]),
      securityGroups: [a.glueGroup],
    });
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [glueOnly], postgres(b)), fallback]);
    autoPeer(app, props);
    return { a, b, etl };
  }

  test('by default the fallback group that a database wears is not admitted: a warning says why and what to do', () => {
    const { a, b, etl } = failoverApp({});
    const sources = resources(etl, 'AWS::EC2::SecurityGroupIngress').map(({ r }) => JSON.stringify(r.Properties.SourceSecurityGroupId));
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatch(/GlueOnly/);
    const warnings = messages('warning', a, b, etl).filter((w) => /GNP-AUTOPEER-/.test(w));
    expect(warnings).toEqual([expect.stringMatching(/GNP-AUTOPEER-FAILOVER-NOT-OPENED.*the fallback connection Etl\/Fallback's Glue group NetA\/GlueGroup is also a data store's security group.*Fix: .*FailoverRepair\.ALLOW_STORE_GROUPS/)]);
    expect(messages('error', a, b, etl).filter((e) => /GNP-AUTOPEER/.test(e))).toEqual([]);
  });

  test('FailoverRepair.ALLOW_STORE_GROUPS admits it', () => {
    const { etl } = failoverApp({ failoverRepair: FailoverRepair.ALLOW_STORE_GROUPS });
    const sources = resources(etl, 'AWS::EC2::SecurityGroupIngress').map(({ r }) => JSON.stringify(r.Properties.SourceSecurityGroupId));
    expect(sources).toHaveLength(2);
    expect(sources.some((t) => /NetA:.*GlueGroup/.test(t) && !/GlueOnly/.test(t))).toBe(true);
  });
});

describe('auto-peer sees the final app: mutating aspects, whatever their priority', () => {
  /** Prepends a NETWORK connection in A to every job's connections, as a platform library might. */
  class PrependConnection implements IAspect {
    constructor(private readonly connection: glue.Connection) {}
    visit(node: IConstruct): void {
      if (!(node instanceof glue.CfnJob)) return;
      const listed = (node.connections as glue.CfnJob.ConnectionsListProperty | undefined)?.connections ?? [];
      if (listed.includes(this.connection.connectionName)) return;
      node.connections = { connections: [this.connection.connectionName, ...listed] };
    }
  }

  test.each([
    ['before the guard (MUTATING)', AspectPriority.MUTATING],
    ['after the guard (priority 1500)', 1500],
  ])('an aspect %s prepends a connection in A: auto-peer peers A with the store\'s VPC', (_, priority) => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    // As written, the job's only connection sits in the store's VPC: nothing to peer.
    job(etl, [jdbc(etl, 'Conn', b.vpc.isolatedSubnets[0], [b.glueGroup], postgres(b))]);
    const platform = new glue.Connection(etl, 'Platform', { type: glue.ConnectionType.NETWORK, network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]), securityGroups: [a.glueGroup] });
    autoPeer(app, { failover: false });
    Aspects.of(app).add(new PrependConnection(platform), { priority });
    const connections = Object.values(Template.fromStack(etl).findResources('AWS::Glue::Job'))[0].Properties.Connections.Connections;
    expect(connections).toHaveLength(2);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(messages('error', a, b, etl)).toEqual([]);
  });
});

describe('robust to two copies of aws-cdk-lib', () => {
  test('an app built with another copy (a library installed from a local path): no false errors, told once with the fix', () => {
    let built: any;
    let cdk2: any;
    jest.isolateModules(() => {
      // A fresh module registry: this aws-cdk-lib is a second copy, as a linked library would load.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cdk2 = require('aws-cdk-lib');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      built = require('./seed-app').seedApp();
    });
    expect(built.app instanceof App).toBe(false);
    const guard = new GlueNetworkGuard({ mode: GuardMode.AUTO_PEER, reporting: GuardReporting.ANNOTATIONS, failover: false });
    cdk2.Aspects.of(built.app).add(guard, { priority: AspectPriority.READONLY });
    const assembly = built.app.synth();
    const etl = assembly.getStackByName('Etl');
    expect(Object.values<any>(etl.template.Resources).filter((r) => r.Type === 'AWS::EC2::VPCPeeringConnection')).toHaveLength(2);
    const all = assembly.stacks.flatMap((s: any) => s.messages).map((m: any) => ({ level: m.level, text: String(m.entry.data) }));
    expect(all.filter((m: any) => m.level === 'error')).toEqual([]);
    expect(all.filter((m: any) => /another copy of aws-cdk-lib/.test(m.text))).toEqual([
      { level: 'warning', text: expect.stringMatching(/Fix: install one copy: `npm dedupe`, or make aws-cdk-lib and constructs peer dependencies/) },
    ]);
  });
});

describe('the guard takes facts', () => {
  test('an invalid facts document is a clear error, and auto-peer adds nothing', () => {
    const s = seedApp();
    autoPeer(s.app, { facts: { vpcs: 'not a list' } });
    expect(messages('error', s.a, s.b, s.c, s.etl).filter((e) => /cannot read its facts/.test(e))).toEqual([expect.stringMatching(/GNP-INPUT-UNREADABLE.*cannot read its facts: .*vpcs.*Nothing was checked or added/)]);
    expect(resources(s.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test('a facts document describing the store\'s network: the verdict uses it', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const etl = new Stack(app, 'Etl');
    new glue.PythonShellJob(etl, 'Job', {
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'job.py'),
      connections: [new glue.Connection(etl, 'Conn', {
        type: glue.ConnectionType.JDBC,
        network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]),
        securityGroups: [a.glueGroup],
        properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.50.1.5:5432/dw' },
      })],
    });
    const without = new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS, failover: false });
    const withFacts = new GlueNetworkGuard({
      reporting: GuardReporting.ANNOTATIONS,
      failover: false,
      facts: {
        vpcs: [{ id: 'vpc-0data', cidrBlocks: ['10.50.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
        subnets: [{ id: 'subnet-0data', vpcId: 'vpc-0data', cidr: '10.50.1.0/24', availabilityZone: 'us-east-1a' }],
      },
    });
    Aspects.of(app).add(without, { priority: AspectPriority.READONLY });
    Aspects.of(app).add(withFacts, { priority: AspectPriority.READONLY });
    app.synth();
    const verdict = (g: GlueNetworkGuard) => JSON.parse(g.lastPlanJson!).jobs[0].dataStores[0];
    expect(verdict(without).paths.map((p: any) => p.destinationSubnet)).not.toContain('subnet-0data');
    expect(verdict(withFacts).paths.map((p: any) => p.destinationSubnet)).toEqual(['subnet-0data']);
    expect(verdict(withFacts).verdict).toBe('UNREACHABLE');
  });
});

describe('DNS for a publicly accessible store reached over an added peering', () => {
  test('the peering auto-peer adds turns on DNS resolution from the remote VPC (custom resource)', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const b = new NetworkStack(app, 'NetB', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(b, 'PublicDb', true))]);
    autoPeer(app, { failover: false });
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    const dns = resources(etl, 'Custom::AWS').map(({ r }) => JSON.stringify(r.Properties.Create));
    expect(dns).toEqual([expect.stringMatching(/modifyVpcPeeringConnectionOptions.*AllowDnsResolutionFromRemoteVpc/)]);
    expect(messages('warning', a, b, etl).filter((w) => /GNP-PEERING-DNS/.test(w))).toEqual([]);
  });
});

describe('placements pinned through CDK context: a peering or rule stays in its stack when jobs change', () => {
  const PINS = '@cdk-glue-netplan/auto-peer:placements';
  /** NetA (Glue side) and NetC (store); the job in Etl; with `early`, a second job needing the same peering in a stack that comes first. */
  const jobsApp = (options: { early?: boolean; context?: Record<string, unknown> } = {}) => {
    const app = new App(options.context ? { context: options.context } : {});
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const db = postgres(c);
    const early = options.early ? new Stack(app, 'Early') : undefined;
    if (early) {
      new glue.PythonShellJob(early, 'Job', {
        jobName: 'hourly',
        role: new iam.Role(early, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
        script: glue.Code.fromBucket(new s3.Bucket(early, 'Scripts'), 'job.py'),
        connections: [jdbc(early, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], db)],
      });
    }
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], db)]);
    autoPeer(app, { failover: false });
    app.synth();
    return { app, a, c, etl, early, stacks: [a, c, etl, ...(early ? [early] : [])] };
  };
  /** The pins object the GNP-AUTOPEER-ADDED report prints. */
  const printedPins = (stacks: Stack[]): Record<string, string> => {
    const added = messages('info', ...stacks).filter((m) => /GNP-AUTOPEER-ADDED/.test(m));
    expect(added).toHaveLength(1);
    const json = /"context": (\{.*?\}\})\./.exec(added[0]);
    expect(json).not.toBeNull();
    return JSON.parse(json![1])[PINS];
  };

  test('the report names the pin of every addition, keyed by the VPCs or by the rule, with the stack it is in', () => {
    const first = jobsApp();
    expect(printedPins(first.stacks)).toEqual({
      'peering NetA/Vpc NetC/Vpc': 'Etl',
      'ingress NetC/GlueGroup tcp/5432 from NetA/GlueGroup': 'Etl',
    });
  });

  test('unpinned, a job added in a stack that comes first moves the peering and the rule there (today\'s default, kept); pinned as the report said, they stay in Etl', () => {
    const pins = printedPins(jobsApp().stacks);
    const moved = jobsApp({ early: true });
    expect(resources(moved.early!, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(resources(moved.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);

    const pinned = jobsApp({ early: true, context: { [PINS]: pins } });
    expect(messages('error', ...pinned.stacks)).toEqual([]);
    expect(resources(pinned.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(resources(pinned.etl, 'AWS::EC2::SecurityGroupIngress').filter(({ r }) => r.Properties.FromPort === 5432)).toHaveLength(1);
    expect(resources(pinned.early!, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(resources(pinned.early!, 'AWS::EC2::SecurityGroupIngress')).toHaveLength(0);
    // The same logical IDs as the first deployment: CloudFormation changes nothing.
    expect(resources(pinned.etl, 'AWS::EC2::VPCPeeringConnection').map(({ id }) => id)).toEqual(resources(jobsApp().etl, 'AWS::EC2::VPCPeeringConnection').map(({ id }) => id));
    expect(printedPins(pinned.stacks)).toEqual(pins);
  });

  test('two Stages with the same stacks: the pins name each Stage\'s VPCs and stacks, and a pin of one Stage does not move the other\'s', () => {
    const build = (context?: Record<string, unknown>) => {
      const app = new App(context ? { context } : {});
      const stacks: Record<string, { a: NetworkStack; c: NetworkStack; etl: Stack }> = {};
      for (const name of ['Prod', 'Dev']) {
        const stage = new Stage(app, name);
        const a = new NetworkStack(stage, 'NetA', '10.1.0.0/16');
        const c = new NetworkStack(stage, 'NetC', '10.2.0.0/16');
        const etl = new Stack(stage, 'Etl');
        job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
        stacks[name] = { a, c, etl };
      }
      autoPeer(app, { failover: false });
      app.synth();
      return stacks;
    };
    const all = (stacks: ReturnType<typeof build>) => Object.values(stacks).flatMap(({ a, c, etl }) => [a, c, etl]);
    const unpinned = build();
    const printed = messages('info', ...all(unpinned)).filter((m) => /GNP-AUTOPEER-ADDED/.test(m))
      .map((m) => JSON.parse(/"context": (\{.*?\}\})\./.exec(m)![1])[PINS]);
    expect(Object.assign({}, ...printed)).toEqual({
      'peering Prod/NetA/Vpc Prod/NetC/Vpc': 'Prod/Etl',
      'ingress Prod/NetC/GlueGroup tcp/5432 from Prod/NetA/GlueGroup': 'Prod/Etl',
      'peering Dev/NetA/Vpc Dev/NetC/Vpc': 'Dev/Etl',
      'ingress Dev/NetC/GlueGroup tcp/5432 from Dev/NetA/GlueGroup': 'Dev/Etl',
    });
    const pinned = build({ [PINS]: { 'peering Dev/NetA/Vpc Dev/NetC/Vpc': 'Dev/NetC' } });
    expect(messages('error', ...all(pinned))).toEqual([]);
    expect(resources(pinned.Dev.c, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(resources(pinned.Dev.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(resources(pinned.Prod.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(resources(pinned.Prod.c, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test('pinned, a job added first whose path runs the other way (NetC to a store in NetA) keeps the peering\'s logical ID (was: its requester became NetC, a new logical ID, a second peering of the same VPCs, which EC2 refuses); unpinned, the ID changes, as before', () => {
    const build = (reverse: boolean, context?: Record<string, unknown>) => {
      const app = new App(context ? { context } : {});
      const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
      const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
      const dbC = postgres(c);
      if (reverse) {
        const early = new Stack(app, 'Early');
        new glue.PythonShellJob(early, 'Job', {
          jobName: 'hourly',
          role: new iam.Role(early, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
          script: glue.Code.fromBucket(new s3.Bucket(early, 'Scripts'), 'job.py'),
          connections: [jdbc(early, 'Conn', c.vpc.isolatedSubnets[0], [c.glueGroup], postgres(a, 'DbA'))],
        });
      }
      const etl = new Stack(app, 'Etl');
      job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], dbC)]);
      autoPeer(app, { failover: false });
      app.synth();
      return etl;
    };
    const first = build(false);
    const pins = printedPins([first]);
    const peerings = (etl: Stack) => resources(etl, 'AWS::EC2::VPCPeeringConnection').map(({ id }) => id);
    const later = build(true, { [PINS]: pins });
    expect(peerings(later)).toEqual(peerings(first));
    expect(peerings(build(true))).not.toEqual(peerings(first));
  });

  test('the pins given as a JSON string (cdk -c) are read the same', () => {
    const pins = printedPins(jobsApp().stacks);
    const pinned = jobsApp({ early: true, context: { [PINS]: JSON.stringify(pins) } });
    expect(resources(pinned.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
  });

  test('a pin to a stack the app no longer has is an error; the peering is not placed anywhere else, nor the rule that waits for it', () => {
    const gone = jobsApp({ early: true, context: { [PINS]: { 'peering NetA/Vpc NetC/Vpc': 'Removed' } } });
    const errors = messages('error', ...gone.stacks).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(errors).toContainEqual(expect.stringMatching(/auto-peer cannot place the peering of NetA\/Vpc and NetC\/Vpc: @cdk-glue-netplan\/auto-peer:placements pins "peering NetA\/Vpc NetC\/Vpc" to stack Removed, which is not a stack of this app, and a pinned addition is never placed elsewhere.*Fix: Point the pin/));
    for (const stack of gone.stacks) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test('a pin to a stack that would make a cycle is an error, never a move', () => {
    // NetC cannot hold a reference to NetA's VPC when NetA depends on NetC.
    const pinnedToC = new App({ context: { [PINS]: { 'peering NetA/Vpc NetC/Vpc': 'NetC' } } });
    const a2 = new NetworkStack(pinnedToC, 'NetA', '10.1.0.0/16');
    const c2 = new NetworkStack(pinnedToC, 'NetC', '10.2.0.0/16');
    a2.addStackDependency(c2);
    const etl = new Stack(pinnedToC, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a2.vpc.isolatedSubnets[0], [a2.glueGroup], postgres(c2))]);
    autoPeer(pinnedToC, { failover: false });
    pinnedToC.synth();
    const errors = messages('error', a2, c2, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(errors).toContainEqual(expect.stringMatching(/pins "peering NetA\/Vpc NetC\/Vpc" to stack NetC, which cannot hold it \(NetA already depends on it, so a reference back would be a cycle\), and a pinned addition is never placed elsewhere/));
    for (const stack of [a2, c2, etl]) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });

  test('a pin to another suitable stack (a stack of its own for peerings) is honoured', () => {
    const app = new App({ context: { [PINS]: { 'peering NetA/Vpc NetC/Vpc': 'Peerings' } } });
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const peerings = new Stack(app, 'Peerings');
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    expect(messages('error', a, c, peerings, etl)).toEqual([]);
    expect(resources(peerings, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(resources(etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    // The rule that references NetA's group across the peering waits for it: Etl deploys after Peerings.
    expect(assembly.getStackByName('Etl').dependencies.map((d) => d.id)).toContain('Peerings');
  });

  test("construct paths with spaces that make two peerings' keys alike ('peering A/Vpc x/Vpc B/Vpc' is both A/Vpc x/Vpc with B/Vpc and A/Vpc with x/Vpc B/Vpc): the report quotes each path, a pin under the shared key is refused, never applied to both, and the quoted keys pin each (was: one key printed for both, and a pin moved both)", () => {
    const build = (context?: Record<string, unknown>) => {
      const app = new App(context ? { context } : {});
      const stackA = new Stack(app, 'A');
      const a = seedNetwork(stackA, '10.1.0.0/16');
      const aX = seedNetwork(new Construct(stackA, 'Vpc x'), '10.3.0.0/16');
      const b = seedNetwork(new Stack(app, 'B'), '10.2.0.0/16');
      const xB = seedNetwork(new Construct(new Stack(app, 'x'), 'Vpc B'), '10.4.0.0/16');
      const db = (net: typeof a, id: string) => new rds.DatabaseInstance(Stack.of(net.vpc), id, {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
        vpc: net.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        securityGroups: [net.glueGroup],
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      });
      const etl = new Stack(app, 'Etl');
      const jobs = [['First', aX, db(b, 'DbB')], ['Second', a, db(xB, 'DbXB')]] as const;
      for (const [id, glueSide, store] of jobs) {
        new glue.PythonShellJob(etl, id, {
          jobName: id.toLowerCase(),
          role: new iam.Role(etl, `${id}Role`, { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
          script: glue.Code.fromBucket(new s3.Bucket(etl, `${id}Scripts`), 'job.py'),
          connections: [jdbc(etl, `${id}Conn`, glueSide.vpc.isolatedSubnets[0], [glueSide.glueGroup], store)],
        });
      }
      autoPeer(app, { failover: false });
      app.synth();
      return { stacks: app.node.children.filter((c): c is Stack => Stack.isStack(c)), etl, app };
    };
    const unpinned = build();
    const peeringPins = Object.keys(printedPins(unpinned.stacks)).filter((k) => k.startsWith('peering'));
    expect(peeringPins.sort()).toEqual(['peering "A/Vpc x/Vpc" "B/Vpc"', 'peering "A/Vpc" "x/Vpc B/Vpc"']);
    expect(resources(unpinned.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(2);

    const shared = build({ [PINS]: { 'peering A/Vpc x/Vpc B/Vpc': 'Peerings' } });
    const errors = messages('error', ...shared.stacks).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(errors).toContainEqual(expect.stringMatching(/the pin "peering A\/Vpc x\/Vpc B\/Vpc" in @cdk-glue-netplan\/auto-peer:placements is ambiguous: construct paths with spaces make it the key of .*so which addition it pins cannot be told, and a pin is never guessed.*Fix: Key the pin by the quoted form/));
    expect(resources(shared.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);

    const quoted = build({ [PINS]: { 'peering "A/Vpc x/Vpc" "B/Vpc"': 'B' } });
    expect(messages('error', ...quoted.stacks)).toEqual([]);
    const stack = (path: string) => quoted.stacks.find((s) => s.node.path === path)!;
    expect(resources(stack('B'), 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(resources(quoted.etl, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
  });

  test('a path with a space that makes no two keys alike keeps its plain key, as earlier versions printed it (existing pins keep working)', () => {
    const app = new App({ context: { [PINS]: { 'peering Net A/Vpc NetC/Vpc': 'NetC' } } });
    const a = new NetworkStack(app, 'Net A', '10.1.0.0/16', { stackName: 'NetA' });
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    app.synth();
    expect(messages('error', a, c, etl)).toEqual([]);
    expect(resources(c, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(Object.keys(printedPins([a, c, etl]))).toContain('peering Net A/Vpc NetC/Vpc');
  });

  test('a pins context that is not an object of stack paths is an error, and nothing is added', () => {
    const bad = jobsApp({ context: { [PINS]: ['Etl'] } });
    expect(messages('error', ...bad.stacks).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([
      expect.stringMatching(/Auto-peer adds nothing: the context @cdk-glue-netplan\/auto-peer:placements is an array, not an object from placement key to stack path/),
    ]);
    for (const stack of bad.stacks) expect(resources(stack, 'AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
  });
});

describe("a path's remedy is all or none: no peering or route for a path whose rule is refused, unless another path needs them", () => {
  const everyStack = (...stacks: Stack[]) => (type: string) => stacks.flatMap((s) => resources(s, type));

  test('the store group is at its rules quota: the ingress is refused, and so are the peering and routes that only that path needed; the refusal says so', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    for (let i = 0; i < 59; i++) c.glueGroup.addIngressRule(ec2.Peer.ipv4(`172.16.${i}.0/24`), ec2.Port.tcp(443), `partner ${i}`);
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    autoPeer(app, { failover: false });
    const all = everyStack(a, c, etl);
    expect(all('AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(all('AWS::EC2::Route').filter(({ r }) => r.Properties.VpcPeeringConnectionId)).toHaveLength(0);
    expect(all('AWS::EC2::SecurityGroupIngress').filter(({ r }) => r.Properties.FromPort === 5432)).toHaveLength(0);
    const refusal = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal).toEqual([expect.stringMatching(/would exceed the default quota of 60 inbound rules per security group, .*so auto-peer adds nothing for this path: no peering, route or rule \(one without the others opens nothing\)/)]);
    expect(messages('info', a, c, etl).filter((m) => /GNP-AUTOPEER-ADDED/.test(m))).toEqual([]);
  });

  test("the store's group is imported by id (described by facts, not a group of the app): its rule cannot be placed, and neither the peering nor the routes are added", () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const imported = ec2.SecurityGroup.fromSecurityGroupId(c, 'Imported', 'sg-0imported', { allowAllOutbound: false });
    const db = new rds.DatabaseInstance(c, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc: c.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [imported],
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], db)]);
    autoPeer(app, { failover: false, facts: { securityGroups: [{ id: 'sg-0imported', vpcId: 'vpc-0elsewhere', ingress: [], egress: [] }] } as any });
    const errors = messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(errors).toContainEqual(expect.stringMatching(/sg-0imported is not an AWS::EC2::SecurityGroup of this app.*so auto-peer adds nothing for this path: no peering, route or rule/));
    const all = everyStack(a, c, etl);
    expect(all('AWS::EC2::VPCPeeringConnection')).toHaveLength(0);
    expect(all('AWS::EC2::Route').filter(({ r }) => r.Properties.VpcPeeringConnectionId)).toHaveLength(0);
  });

  test.each([['second', false], ['first', true]])('another path needs the same peering (the refused store listed %s): it is still added for that path, which gets its rule; the refused path gets none', (_order, fullFirst) => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const full = new ec2.SecurityGroup(c, 'Full', { vpc: c.vpc, description: 'at its quota' });
    for (let i = 0; i < 60; i++) full.addIngressRule(ec2.Peer.ipv4(`172.16.${i}.0/24`), ec2.Port.tcp(443), `partner ${i}`);
    const dbFull = new rds.DatabaseInstance(c, 'DbFull', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc: c.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [full],
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    });
    const etl = new Stack(app, 'Etl');
    const connections = [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c)), jdbc(etl, 'ConnFull', a.vpc.isolatedSubnets[0], [a.glueGroup], dbFull)];
    job(etl, fullFirst ? connections.reverse() : connections);
    autoPeer(app, { failover: false });
    const all = everyStack(a, c, etl);
    expect(all('AWS::EC2::VPCPeeringConnection')).toHaveLength(1);
    expect(all('AWS::EC2::SecurityGroupIngress').filter(({ r }) => r.Properties.FromPort === 5432)).toHaveLength(1);
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toContainEqual(expect.stringMatching(/NetC\/Full has 60 inbound IPv4 rules/));
  });
});

describe('upgrading never removes a peering an earlier version added for a path whose rule was refused and acknowledged', () => {
  /** The store group in NetC holds `rules` rules; with `acknowledged`, the app acknowledges GNP-AUTOPEER-UNFIXABLE (as a user who added the refused rule by hand did). */
  const build = (rules: number, acknowledged: boolean) => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    for (let i = 0; i < rules - 1; i++) c.glueGroup.addIngressRule(ec2.Peer.ipv4(`172.16.${i}.0/24`), ec2.Port.tcp(443), `partner ${i}`);
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    if (acknowledged) Validations.of(app).acknowledge({ id: 'cdk-glue-netplan::GNP-AUTOPEER-UNFIXABLE', reason: 'ingress added by hand in the console' });
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    // What the synthesis said (Annotations.fromStack synthesizes again, with the peering then in the tree).
    const said = (level: string) => [a, c, etl].flatMap((s) => assembly.getStackArtifact(s.artifactId).messages).filter((m) => m.level === level).map((m) => String(m.entry.data));
    return { a, c, etl, stacks: [a, c, etl], said };
  };
  const peerings = (etl: Stack) => resources(etl, 'AWS::EC2::VPCPeeringConnection').map(({ id }) => id);
  const peeringRoutes = (...stacks: Stack[]) => stacks.flatMap((s) => resources(s, 'AWS::EC2::Route').filter(({ r }) => r.Properties.VpcPeeringConnectionId));

  test('the group at its rules quota, the refusal acknowledged: the peering keeps the logical ID earlier versions gave it, and its routes stay; the rule is still refused, and the refusal and the summary say why (was: no peering, so the deployment removed it and cut the path)', () => {
    // What earlier versions (and this one, with room for the rule) place for the path.
    const earlier = build(59, false);
    expect(peerings(earlier.etl)).toHaveLength(1);
    const upgraded = build(60, true);
    expect(peerings(upgraded.etl)).toEqual(peerings(earlier.etl));
    expect(peeringRoutes(...upgraded.stacks)).toHaveLength(peeringRoutes(...earlier.stacks).length);
    expect(upgraded.stacks.flatMap((s) => resources(s, 'AWS::EC2::SecurityGroupIngress')).filter(({ r }) => r.Properties.FromPort === 5432)).toHaveLength(0);
    const refusal = upgraded.said('error').filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal).toEqual([expect.stringMatching(/would exceed the default quota of 60 inbound rules per security group, .*; GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds the peering and routes this path needs/)]);
    expect(refusal[0]).not.toMatch(/adds nothing for this path/);
    expect(upgraded.said('info').filter((m) => /GNP-AUTOPEER-ADDED/.test(m))).toEqual([
      expect.stringMatching(/peering Etl\/GlueNetplanAutoPeer\/Peering-\S+ between NetA\/Vpc and NetC\/Vpc \(job Etl\/Job reaches the data store of \S+; kept for a path whose repair auto-peer refused, as GNP-AUTOPEER-UNFIXABLE is acknowledged \(see that refusal: a rule to add yourself/),
    ]);
  });

  test('not acknowledged: all or none, nothing is added (the refusal fails the synthesis, so nothing deployed is removed)', () => {
    const fresh = build(60, false);
    expect(peerings(fresh.etl)).toEqual([]);
    expect(messages('error', ...fresh.stacks).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toEqual([expect.stringMatching(/so auto-peer adds nothing for this path/)]);
  });

  test('a store group exported by stack.exportValue without a name (now uncountable, adb1f17), acknowledged: the ingress an earlier version added is kept, in the same stack under the same logical ID, and the refusal and the summary say why (was: the peering kept but the rule dropped, so the next deployment removed it and cut the path)', () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], postgres(c))]);
    c.exportValue(c.glueGroup.securityGroupId);
    Validations.of(app).acknowledge({ id: 'cdk-glue-netplan::GNP-AUTOPEER-UNFIXABLE', reason: 'the group is shared with another app' });
    autoPeer(app, { failover: false });
    const assembly = app.synth();
    const said = (level: string) => [a, c, etl].flatMap((s) => assembly.getStackArtifact(s.artifactId).messages).filter((m) => m.level === level).map((m) => String(m.entry.data));
    // The logical ID the version before the all-or-none repair (c4de81a^, which counted this group
    // as 1 rule and added the ingress without a refusal) gives this app: built there, in a scratch
    // worktree, with the same app (Etl holds the peering, its routes and this rule).
    const earlierId = 'GlueNetplanAutoPeerRulesIngressNetCGlueGroup180ACAA05432NetAGlueGroup180ACAA02BE2AC43';
    expect(resources(etl, 'AWS::EC2::SecurityGroupIngress').filter(({ r }) => r.Properties.FromPort === 5432).map(({ id }) => id)).toEqual([earlierId]);
    expect(peerings(etl)).toEqual(['GlueNetplanAutoPeerPeeringNetAVpc8378EB38NetCVpc8378EB3892593859']);
    expect(peeringRoutes(a, c, etl)).toHaveLength(4);
    const refusal = said('error').filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e));
    expect(refusal).toEqual([expect.stringMatching(/cannot check the rules quota of a rule it adds .*its id is exported as NetC:ExportsOutput.*cannot be told.*; GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds the rule, kept while acknowledged: the group's rules cannot be counted, so the quota is not checked for it/)]);
    expect(refusal[0]).toMatch(/Nothing to add by hand: auto-peer adds the rule/);
    expect(said('info').filter((m) => /GNP-AUTOPEER-ADDED/.test(m))).toEqual([
      expect.stringMatching(/ingress TCP 5432 on NetC\/GlueGroup from NetA\/GlueGroup, .*; kept while acknowledged: the group's rules cannot be counted, so the quota is not checked for it/),
    ]);
  });

  test("a rule that cannot be placed (the store's group imported by id), acknowledged: the peering and routes are still added", () => {
    const app = new App();
    const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
    const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
    const imported = ec2.SecurityGroup.fromSecurityGroupId(c, 'Imported', 'sg-0imported', { allowAllOutbound: false });
    const db = new rds.DatabaseInstance(c, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc: c.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [imported],
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    });
    const etl = new Stack(app, 'Etl');
    job(etl, [jdbc(etl, 'Conn', a.vpc.isolatedSubnets[0], [a.glueGroup], db)]);
    Validations.of(etl).acknowledge({ id: 'cdk-glue-netplan::GNP-AUTOPEER-UNFIXABLE', reason: 'the database team adds the rule' });
    autoPeer(app, { failover: false, facts: { securityGroups: [{ id: 'sg-0imported', vpcId: 'vpc-0elsewhere', ingress: [], egress: [] }] } as any });
    app.synth();
    expect(peerings(etl)).toHaveLength(1);
    expect(peeringRoutes(a, c, etl).length).toBeGreaterThan(0);
    expect(messages('error', a, c, etl).filter((e) => /GNP-AUTOPEER-UNFIXABLE/.test(e))).toContainEqual(
      expect.stringMatching(/sg-0imported is not an AWS::EC2::SecurityGroup of this app.*GNP-AUTOPEER-UNFIXABLE is acknowledged in this app, so auto-peer still adds the peering and routes/));
  });
});
