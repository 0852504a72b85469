import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  App, AspectPriority, Aspects, CfnParameter, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { withoutCdkTemplateCheck } from './quiet-cdk';
import { NetworkStack, seedGlueJobNetworkApp } from '../../examples/seed-glue-job-network';
import { DataStoreEngine, GlueJobNetwork, GlueS3Access } from '../../src/cdk/glue-job-network';
import { GlueNetworkGuard } from '../../src/cdk/guard';
import { runCli } from '../../src/cli/run';
import { DATA_STORE_METADATA } from '../../src/ingest/glue';

// CDK's own template check warns of the fixtures' literal ids and zones: not what these tests check.
withoutCdkTemplateCheck();

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any }>;

function resources(stack: Stack, type: string): Resources {
  return Template.fromStack(stack).findResources(type) as Resources;
}

function refOf(stack: Stack, construct: { node: { defaultChild?: unknown } } | undefined): { Ref: string } {
  return { Ref: stack.resolve((construct!.node.defaultChild as ec2.CfnSecurityGroup).logicalId) };
}

/** Every finding of the guard's last plan, as `RULE-ID: message`. */
function gnpFindings(guard: GlueNetworkGuard): string[] {
  const plan = JSON.parse(guard.lastPlanJson!);
  return [...plan.jobs.flatMap((j: any) => j.findings), ...plan.findings].map((f: any) => `${f.ruleId}: ${f.message}`);
}

function secret(scope: Stack, id: string): secretsmanager.ISecret {
  return new secretsmanager.Secret(scope, id);
}

/** Two network stacks (10.1/16, 10.2/16 unless told), an ETL stack, a security group for a store in B. */
function twoVpcs(options: { cidrB?: string } = {}) {
  const app = new App();
  const a = new NetworkStack(app, 'NetA', '10.1.0.0/16');
  const b = new NetworkStack(app, 'NetB', options.cidrB ?? '10.2.0.0/16');
  const etl = new Stack(app, 'Etl');
  const storeGroup = new ec2.SecurityGroup(b, 'StoreGroup', { vpc: b.vpc, description: 'store' });
  return { app, a, b, etl, storeGroup };
}

describe('GlueJobNetwork: the seed case (Redshift in A, MySQL in B, PostgreSQL in C)', () => {
  const built = seedGlueJobNetworkApp(new App(), { guard: false });
  const { etl, a, b, c } = built;
  const template = Template.fromStack(etl);

  test('one Glue security group: all TCP from itself, all outbound, nothing else', () => {
    const groups = resources(etl, 'AWS::EC2::SecurityGroup');
    expect(Object.keys(groups)).toHaveLength(1);
    const [[logicalId, group]] = Object.entries(groups);
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]);
    const selfRules = Object.values(resources(etl, 'AWS::EC2::SecurityGroupIngress'))
      .filter((r) => r.Properties.GroupId?.['Fn::GetAtt']?.[0] === logicalId);
    expect(selfRules.map((r) => [r.Properties.IpProtocol, r.Properties.FromPort, r.Properties.ToPort, r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]]))
      .toEqual([['tcp', 0, 65535, logicalId]]);
  });

  test('the job lists one NETWORK connection per AZ first, then one connection per store in the order added', () => {
    const connections = resources(etl, 'AWS::Glue::Connection');
    const jobs = Object.values(resources(etl, 'AWS::Glue::Job'));
    const listed: string[] = jobs[0].Properties.Connections.Connections.map((n: { Ref: string }) => n.Ref);
    expect(listed.map((id) => connections[id].Properties.ConnectionInput.ConnectionType)).toEqual(['NETWORK', 'NETWORK', 'JDBC', 'JDBC', 'JDBC']);
    expect(listed.map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['NetworkAz1', 'NetworkAz2', 'NetworkWarehouse', 'NetworkMysql', 'NetworkPostgres']);
    const zones = listed.slice(0, 2).map((id) => JSON.stringify(connections[id].Properties.ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
    expect(built.network.connectionNames).toHaveLength(5);
  });

  test('store connections: JDBC URL of the engine, credentials by SECRET_ID only, pinned to the first Glue subnet with the Glue group', () => {
    const connections = Object.values(resources(etl, 'AWS::Glue::Connection')).filter((conn) => conn.Properties.ConnectionInput.ConnectionType === 'JDBC');
    const az1 = Object.values(resources(etl, 'AWS::Glue::Connection')).find((conn) => conn.Properties.ConnectionInput.ConnectionType === 'NETWORK')!;
    for (const connection of connections) {
      const input = connection.Properties.ConnectionInput;
      expect(Object.keys(input.ConnectionProperties).sort()).toEqual(['JDBC_CONNECTION_URL', 'SECRET_ID']);
      expect(input.PhysicalConnectionRequirements).toEqual(az1.Properties.ConnectionInput.PhysicalConnectionRequirements);
    }
    const urls = connections.map((conn) => JSON.stringify(etl.resolve(conn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL)));
    expect(urls[0]).toMatch(/jdbc:redshift:\/\/.*:5439\/dev/);
    expect(urls[1]).toMatch(/jdbc:mysql:\/\/.*:3306\/app/);
    expect(urls[2]).toMatch(/jdbc:postgresql:\/\/.*:5432\/app/);
  });

  test('every store connection declares where its store lives (subnets, groups, port) for the guard', () => {
    const declared = Object.values(resources(etl, 'AWS::Glue::Connection')).map((conn) => conn.Metadata?.[DATA_STORE_METADATA]).filter((d) => d);
    expect(declared.map((d) => [d.Port, d.SubnetIds.length, d.SecurityGroupIds.length])).toEqual([[5439, 2, 1], [3306, 2, 1], [5432, 2, 1]]);
  });

  test('one peering from A to each of B and C, routes both ways for the subnets that need them (/24 only)', () => {
    const peerings = Object.values(resources(etl, 'AWS::EC2::VPCPeeringConnection'));
    expect(peerings).toHaveLength(2);
    const vpcStack = (ref: unknown) => JSON.stringify(ref).match(/NetA|NetworkA|NetworkB|NetworkC/)?.[0];
    expect(peerings.map((p) => [vpcStack(p.Properties.VpcId), vpcStack(p.Properties.PeerVpcId)])).toEqual([['NetworkA', 'NetworkB'], ['NetworkA', 'NetworkC']]);
    const routes = Object.values(resources(etl, 'AWS::EC2::Route'));
    // 2 Glue route tables x 2 store subnets, and 2 store route tables x 2 Glue subnets, per store VPC.
    expect(routes).toHaveLength(16);
    expect(new Set(routes.map((r) => r.Properties.DestinationCidrBlock))).toEqual(new Set(['10.1.0.0/24', '10.1.1.0/24', '10.2.0.0/24', '10.2.1.0/24', '10.3.0.0/24', '10.3.1.0/24']));
    expect(routes.every((r) => r.Properties.VpcPeeringConnectionId !== undefined)).toBe(true);
  });

  test("least privilege: each store's group admits only the store's port, only from the Glue group", () => {
    const glueGroup = refOf(etl, built.network.securityGroup as unknown as ec2.SecurityGroup);
    // (HTTPS into the Secrets Manager endpoint is the endpoint's rule, tested with the stores.)
    const storeRules = Object.values(resources(etl, 'AWS::EC2::SecurityGroupIngress'))
      .filter((r) => r.Properties.FromPort !== 0 && !/Secrets Manager endpoint/.test(r.Properties.Description));
    expect(storeRules.map((r) => [r.Properties.IpProtocol, r.Properties.FromPort, r.Properties.ToPort]).sort())
      .toEqual([['tcp', 3306, 3306], ['tcp', 5432, 5432], ['tcp', 5439, 5439]]);
    for (const rule of storeRules) {
      expect(rule.Properties.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [glueGroup.Ref, 'GroupId'] });
      expect(rule.Properties.CidrIp).toBeUndefined();
    }
    // Nothing is written into the network stacks: they never reference the ETL stack.
    for (const net of [a, b, c]) expect(JSON.stringify(Template.fromStack(net).toJSON())).not.toMatch(/Etl/);
  });

  test('no S3 endpoint is added where the VPC already has one; the job role may read the three secrets', () => {
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(built.network.s3Endpoint).toBeUndefined();
    const policies = JSON.stringify(Object.values(resources(etl, 'AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument));
    expect(policies.match(/secretsmanager:GetSecretValue/g)).toHaveLength(3);
  });
});

describe('GlueJobNetwork: the seed example passes the guard and the CLI', () => {
  test('the guard in FAIL mode finds nothing, every store is reachable, also after each single-AZ failure; the CLI exits 0', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'glue-job-network-'));
    const built = seedGlueJobNetworkApp(new App({ outdir }));
    const assembly = built.app.synth();
    expect(gnpFindings(built.guard!)).toEqual([]);
    const plan = JSON.parse(fs.readFileSync(path.join(outdir, 'glue-netplan.plan.json'), 'utf8'));
    expect(plan.summary).toEqual({ jobs: 1, errors: 0, warnings: 0, infos: 0 });
    const [job] = plan.jobs;
    expect(job.dataStores.map((d: any) => [d.verdict, d.locatedBy, d.port])).toEqual([['REACHABLE', 'declared', 5439], ['REACHABLE', 'declared', 3306], ['REACHABLE', 'declared', 5432]]);
    expect(job.failover.map((f: any) => [f.azDown, f.allReachable])).toEqual([['current-region-az1', true], ['current-region-az2', true]]);

    const cli = (...args: string[]) => {
      let out = '';
      const code = runCli([assembly.directory, ...args], { stdout: (t) => { out += t; }, stderr: (t) => { out += t; }, cwd: '/' });
      return { code, out };
    };
    const main = cli();
    expect(main.code).toBe(0);
    expect(main.out).toMatch(/current-region-az1 down -> NetworkAz2\w+ .*: every store reachable/);
    expect(main.out).toMatch(/current-region-az2 down -> NetworkAz1\w+ .*: every store reachable/);
    // With a zone already down, the other one is selected and every store is still reachable.
    for (const az of ['current-region-az1', 'current-region-az2']) {
      const down = cli('--az-down', az, '--format', 'json');
      expect(down.code).toBe(0);
      expect(JSON.parse(down.out).jobs[0].dataStores.map((d: any) => d.verdict)).toEqual(['REACHABLE', 'REACHABLE', 'REACHABLE']);
    }
  });
});

describe('GlueJobNetwork: subnets and S3', () => {
  test('one subnet per AZ, in selection order, as many as asked; too few AZs is an error that says what to do', () => {
    const { a, etl } = twoVpcs();
    const one = new GlueJobNetwork(etl, 'One', { vpc: a.vpc, availabilityZoneCount: 1 });
    expect(one.subnets).toEqual([a.vpc.isolatedSubnets[0]]);
    expect(() => new GlueJobNetwork(etl, 'Three', { vpc: a.vpc, availabilityZoneCount: 3 }))
      .toThrow(/availabilityZoneCount is 3, but the selected subnets of NetA\/Vpc span 2 Availability Zones\. Select subnets in more zones/);
    expect(() => new GlueJobNetwork(etl, 'Zero', { vpc: a.vpc, availabilityZoneCount: 0 })).toThrow(/at least 1/);
  });

  test('an owned VPC without S3 path gets an S3 gateway endpoint on the chosen route tables only, in the VPC stack', () => {
    const app = new App();
    const net = new Stack(app, 'Net');
    const vpc = new ec2.Vpc(net, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const etl = new Stack(app, 'Etl');
    const network = new GlueJobNetwork(etl, 'Network', { vpc });
    expect(network.s3Endpoint).toBeDefined();
    const endpoints = Object.values(resources(net, 'AWS::EC2::VPCEndpoint'));
    expect(endpoints).toHaveLength(1);
    expect(endpoints[0].Properties.RouteTableIds).toHaveLength(2);
    expect(JSON.stringify(endpoints[0].Properties.ServiceName)).toMatch(/\.s3/);
    Template.fromStack(etl).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('subnets with a NAT route already reach S3: nothing is added', () => {
    const app = new App();
    const net = new Stack(app, 'Net');
    const vpc = new ec2.Vpc(net, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const network = new GlueJobNetwork(net, 'Network', { vpc });
    expect(network.s3Endpoint).toBeUndefined();
    expect(network.subnets).toEqual(vpc.privateSubnets);
    Template.fromStack(net).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('an endpoint added to the same route tables after the construct is a synth error', () => {
    const app = new App();
    const net = new Stack(app, 'Net');
    const vpc = new ec2.Vpc(net, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new GlueJobNetwork(net, 'Network', { vpc });
    vpc.addGatewayEndpoint('LateS3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    expect(() => app.synth()).toThrow(/a route table takes one S3 gateway endpoint\. Create the VPC's endpoints before the GlueJobNetwork/);
  });

  describe('imported VPC', () => {
    const imported = (stack: Stack, routeTables = true) => ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0aaa',
      vpcCidrBlock: '10.9.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      isolatedSubnetIds: ['subnet-01', 'subnet-02'],
      isolatedSubnetIpv4CidrBlocks: ['10.9.0.0/24', '10.9.1.0/24'],
      ...(routeTables ? { isolatedSubnetRouteTableIds: ['rtb-01', 'rtb-02'] } : {}),
    });

    test('by default, a clear error: the app cannot tell whether the subnets reach S3', () => {
      const stack = new Stack(new App(), 'Etl');
      expect(() => new GlueJobNetwork(stack, 'Network', { vpc: imported(stack) }))
        .toThrow(/is imported, so this app cannot tell whether its subnets reach Amazon S3.*Set s3Access: GlueS3Access\.EXISTING.*ADD_GATEWAY_ENDPOINT/);
    });

    test('EXISTING adds nothing; ADD_GATEWAY_ENDPOINT adds one endpoint on the chosen tables', () => {
      const stack = new Stack(new App(), 'Etl');
      new GlueJobNetwork(stack, 'Existing', { vpc: imported(stack), s3Access: GlueS3Access.EXISTING });
      Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
      const other = new Stack(new App(), 'Etl');
      new GlueJobNetwork(other, 'Added', { vpc: imported(other), s3Access: GlueS3Access.ADD_GATEWAY_ENDPOINT });
      Template.fromStack(other).hasResourceProperties('AWS::EC2::VPCEndpoint', { RouteTableIds: ['rtb-01', 'rtb-02'], VpcId: 'vpc-0aaa' });
    });

    test('no route table IDs: the endpoint cannot be added, and the error says how to import them', () => {
      const stack = new Stack(new App(), 'Etl');
      expect(() => new GlueJobNetwork(stack, 'Network', { vpc: imported(stack, false), s3Access: GlueS3Access.ADD_GATEWAY_ENDPOINT }))
        .toThrow(/have no known route table, so no S3 gateway endpoint can be associated with them.*SubnetRouteTableIds/);
    });
  });
});

describe('GlueJobNetwork: stores', () => {
  test('a store with a secret: one Secrets Manager interface endpoint with private DNS in the Glue VPC (isolated subnets have no NAT), HTTPS from the Glue group only; a second network on the VPC reuses it', () => {
    const { a, b, etl, storeGroup } = twoVpcs();
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    expect(network.secretsManagerEndpoint).toBeUndefined();
    network.addDataStore('Db', { engine: DataStoreEngine.MYSQL, host: 'db.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: storeGroup, vpc: b.vpc });
    expect(network.secretsManagerEndpoint).toBeDefined();
    const again = new GlueJobNetwork(etl, 'Again', { vpc: a.vpc });
    again.addDataStore('Db', { engine: DataStoreEngine.MYSQL, host: 'db2.internal', databaseName: 'x', secret: secret(etl, 'S2'), connections: storeGroup, vpc: b.vpc });
    expect(again.secretsManagerEndpoint).toBeUndefined();
    const vpcTemplate = Template.fromStack(a);
    vpcTemplate.resourceCountIs('AWS::EC2::VPCEndpoint', 2); // S3 (the VPC's own) and Secrets Manager
    vpcTemplate.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true, ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] } });
    // No CIDR rule on the endpoint's group: the rule lives in the ETL stack, from the Glue group.
    expect(JSON.stringify(vpcTemplate.findResources('AWS::EC2::SecurityGroup'))).not.toMatch(/SecurityGroupIngress/);
    vpcTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    Template.fromStack(etl).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [etl.getLogicalId(network.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] } });
    // The second network's Glue group is admitted to the endpoint it reuses, or its runs could not read their secrets.
    Template.fromStack(etl).hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [etl.getLogicalId(again.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] } });
  });

  test('subnets that route to a NAT gateway reach Secrets Manager already: no endpoint', () => {
    const app = new App();
    const net = new Stack(app, 'Net');
    const vpc = new ec2.Vpc(net, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const storeGroup = new ec2.SecurityGroup(net, 'StoreGroup', { vpc, description: 'store' });
    const network = new GlueJobNetwork(net, 'Network', { vpc });
    network.addDataStore('Db', { engine: DataStoreEngine.POSTGRESQL, host: '10.0.200.10', databaseName: 'x', secret: secret(net, 'S'), connections: storeGroup, vpc });
    expect(network.secretsManagerEndpoint).toBeUndefined();
    Template.fromStack(net).resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
  });

  test('a store in the Glue VPC and stack: no peering, the rule is the group\'s own (allowFrom)', () => {
    const app = new App();
    const net = new NetworkStack(app, 'Net', '10.1.0.0/16');
    const storeGroup = new ec2.SecurityGroup(net, 'StoreGroup', { vpc: net.vpc, description: 'store' });
    const network = new GlueJobNetwork(net, 'Network', { vpc: net.vpc });
    network.addDataStore('Db', { engine: DataStoreEngine.POSTGRESQL, host: '10.1.0.10', databaseName: 'x', secret: secret(net, 'S'), connections: storeGroup, vpc: net.vpc });
    const template = Template.fromStack(net);
    template.resourceCountIs('AWS::EC2::VPCPeeringConnection', 0);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [net.getLogicalId(storeGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [net.getLogicalId(network.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
    });
  });

  test('two stores in one VPC share one peering; a second GlueJobNetwork between the same VPCs reuses it and adds no route twice', () => {
    const { a, b, etl, storeGroup } = twoVpcs();
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    const s = secret(etl, 'S');
    network.addDataStore('One', { engine: DataStoreEngine.MYSQL, host: 'one.internal', databaseName: 'x', secret: s, connections: storeGroup, vpc: b.vpc });
    network.addDataStore('Two', { engine: DataStoreEngine.POSTGRESQL, host: 'two.internal', databaseName: 'x', secret: s, connections: storeGroup, vpc: b.vpc });
    const again = new GlueJobNetwork(etl, 'Again', { vpc: a.vpc });
    again.addDataStore('Three', { engine: DataStoreEngine.MYSQL, host: 'three.internal', databaseName: 'x', secret: s, connections: storeGroup, vpc: b.vpc });
    expect(network.peerings).toHaveLength(1);
    expect(again.peerings).toEqual(network.peerings);
    const template = Template.fromStack(etl);
    template.resourceCountIs('AWS::EC2::VPCPeeringConnection', 1);
    template.resourceCountIs('AWS::EC2::Route', 8);
    // One rule per (group, port) and source group: 3306 and 5432 from Network, 3306 from Again.
    const storeRules = Object.values(resources(etl, 'AWS::EC2::SecurityGroupIngress')).filter((r) => r.Properties.FromPort !== 0 && r.Properties.FromPort !== 443);
    expect(storeRules.map((r) => r.Properties.FromPort).sort()).toEqual([3306, 3306, 5432]);
  });

  test('Kafka and MongoDB stores get their connection types and properties', () => {
    const { a, b, etl, storeGroup } = twoVpcs();
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    const kafka = network.addDataStore('Stream', { engine: DataStoreEngine.KAFKA, host: 'b-1.msk.internal:9096,b-2.msk.internal:9096', port: 9096, secret: secret(etl, 'Scram'), connections: storeGroup, vpc: b.vpc });
    network.addDataStore('Docs', { engine: DataStoreEngine.MONGODB, host: 'docs.internal', databaseName: 'db', secret: secret(etl, 'Docs'), connections: storeGroup, vpc: b.vpc });
    const template = Template.fromStack(etl);
    template.hasResourceProperties('AWS::Glue::Connection', {
      ConnectionInput: Match.objectLike({
        ConnectionType: 'KAFKA',
        ConnectionProperties: Match.objectLike({ KAFKA_BOOTSTRAP_SERVERS: 'b-1.msk.internal:9096,b-2.msk.internal:9096', KAFKA_SSL_ENABLED: 'true', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' }),
      }),
    });
    template.hasResourceProperties('AWS::Glue::Connection', {
      ConnectionInput: Match.objectLike({ ConnectionType: 'MONGODB', ConnectionProperties: Match.objectLike({ CONNECTION_URL: 'mongodb://docs.internal:27017/db' }) }),
    });
    expect(kafka.node.defaultChild).toBeDefined();
  });

  test('an RDS cluster: its engine, port, subnet group and secret are read from the construct', () => {
    const { a, b, etl } = twoVpcs();
    const cluster = new rds.DatabaseCluster(b, 'Aurora', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('Writer'),
      vpc: b.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    const connection = network.addDatabaseCluster('Aurora', cluster, { databaseName: 'app' });
    const cfn = connection.node.defaultChild as glue.CfnConnection;
    expect(JSON.stringify(etl.resolve((cfn.connectionInput as any).connectionProperties))).toMatch(/jdbc:postgresql:\/\/.*:5432\/app.*SECRET_ID/);
    expect(cfn.getMetadata(DATA_STORE_METADATA)).toMatchObject({ Port: 5432 });
  });

  describe('unsafe requests fail at synth with what to do', () => {
    test('a store VPC whose CIDR overlaps the Glue VPC', () => {
      const { a, b, etl, storeGroup } = twoVpcs({ cidrB: '10.1.0.0/16' });
      const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
      expect(() => network.addDataStore('Db', { engine: DataStoreEngine.MYSQL, host: 'db.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: storeGroup, vpc: b.vpc }))
        .toThrow(/data store Db is in NetB\/Vpc, whose CIDR block 10\.1\.0\.0\/16 overlaps 10\.1\.0\.0\/16 of the Glue VPC NetA\/Vpc\. Overlapping VPCs cannot be peered.*Place the Glue ENIs in NetB\/Vpc/);
    });

    test('two store VPCs that overlap each other', () => {
      const { app, a, b, etl, storeGroup } = twoVpcs();
      const c = new NetworkStack(app, 'NetC', '10.2.0.0/16');
      const cGroup = new ec2.SecurityGroup(c, 'G', { vpc: c.vpc });
      const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
      network.addDataStore('InB', { engine: DataStoreEngine.MYSQL, host: 'b.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: storeGroup, vpc: b.vpc });
      expect(() => network.addDataStore('InC', { engine: DataStoreEngine.MYSQL, host: 'c.internal', databaseName: 'x', secret: secret(etl, 'T'), connections: cGroup, vpc: c.vpc }))
        .toThrow(/overlaps 10\.2\.0\.0\/16 of NetB\/Vpc, the VPC of another store: the Glue subnets' routes to the two VPCs would collide/);
    });

    test('a store in another account without an accepter role; with one, a warning says what its owner must add', () => {
      const app = new App();
      const env = { account: '111111111111', region: 'us-east-1' };
      const a = new NetworkStack(app, 'NetA', '10.1.0.0/16', { env });
      const b = new NetworkStack(app, 'NetB', '10.2.0.0/16', { env: { ...env, account: '222222222222' } });
      const etl = new Stack(app, 'Etl', { env });
      const storeGroup = ec2.SecurityGroup.fromSecurityGroupId(etl, 'StoreGroup', 'sg-0123');
      const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
      const store = { engine: DataStoreEngine.MYSQL, host: 'db.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: storeGroup, vpc: b.vpc };
      expect(() => network.addDataStore('Db', store))
        .toThrow(/owned by account 222222222222, not this stack's account 111111111111.*pass peerRoleArn/);
      network.addDataStore('Db2', { ...store, peerRoleArn: 'arn:aws:iam::222222222222:role/accept' });
      Template.fromStack(etl).hasResourceProperties('AWS::EC2::VPCPeeringConnection', { PeerOwnerId: '222222222222', PeerRoleArn: 'arn:aws:iam::222222222222:role/accept' });
      const warnings = Annotations.fromStack(etl).findWarning('/Etl/Network', Match.stringLikeRegexp('glueJobNetworkRemoteStore'));
      expect(String(warnings[0].entry.data)).toMatch(/is in account 222222222222.*route to 10\.1\.0\.0\/24, 10\.1\.1\.0\/24.*allow TCP 3306/);
      // Nothing is written into the other account's route tables or groups.
      expect(Object.values(resources(etl, 'AWS::EC2::SecurityGroupIngress')).filter((r) => r.Properties.FromPort === 3306)).toEqual([]);
    });

    test('plaintext credentials, or a JDBC store without a secret', () => {
      const { a, b, etl, storeGroup } = twoVpcs();
      const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
      const base = { engine: DataStoreEngine.MYSQL, host: 'db.internal', databaseName: 'x', connections: storeGroup, vpc: b.vpc };
      expect(() => network.addDataStore('NoSecret', base)).toThrow(/no credentials\. Pass secret, a Secrets Manager secret with username and password keys/);
      expect(() => network.addDataStore('Plain', { ...base, secret: secret(etl, 'S'), properties: { PASSWORD: 'hunter2' } }))
        .toThrow(/properties contains PASSWORD: credentials in connection properties are stored in plain text/);
    });

    test('an imported database whose VPC is unknown', () => {
      const { a, etl } = twoVpcs();
      const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
      const imported = rds.DatabaseInstance.fromDatabaseInstanceAttributes(etl, 'Imported', {
        instanceIdentifier: 'db',
        instanceEndpointAddress: 'db.internal',
        port: 3306,
        securityGroups: [],
        engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
      });
      expect(() => network.addDatabaseInstance('Db', imported, { databaseName: 'x', secret: secret(etl, 'S') }))
        .toThrow(/cannot tell the VPC of RDS instance Etl\/Imported.*Pass vpc and vpcSubnets/);
    });
  });
});

describe('GlueJobNetwork: attaching to jobs', () => {
  test('attachTo puts the network\'s connections first, keeps the job\'s own after them, includes stores added later, grants the secrets', () => {
    const { a, b, etl, storeGroup } = twoVpcs();
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    const role = new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const job = new glue.PythonShellJob(etl, 'Job', {
      role,
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
      connections: [glue.Connection.fromConnectionName(etl, 'Own', 'own-connection')],
    });
    network.attachTo(job);
    network.addDataStore('Late', { engine: DataStoreEngine.MYSQL, host: 'db.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: storeGroup, vpc: b.vpc });
    const listed = Object.values(resources(etl, 'AWS::Glue::Job'))[0].Properties.Connections.Connections;
    expect(listed.map((n: any) => n.Ref ?? n)).toEqual([
      etl.getLogicalId(network.networkConnections[0].node.defaultChild as glue.CfnConnection),
      etl.getLogicalId(network.networkConnections[1].node.defaultChild as glue.CfnConnection),
      etl.getLogicalId(network.dataStoreConnections[0].node.defaultChild as glue.CfnConnection),
      'own-connection',
    ]);
    Template.fromStack(etl).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]) },
    });
  });

  test('a job given network.connections and attached too lists each connection once', () => {
    const { a, etl } = twoVpcs();
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    const job = new glue.PythonShellJob(etl, 'Job', {
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py'),
      connections: network.connections,
    });
    network.attachTo(job);
    const listed = Object.values(resources(etl, 'AWS::Glue::Job'))[0].Properties.Connections.Connections;
    expect(listed).toEqual(network.connectionNames.map((n) => etl.resolve(n)));
  });

  test('a raw CfnJob: connections by name, first; an unknown construct is refused', () => {
    const { a, etl } = twoVpcs();
    const network = new GlueJobNetwork(etl, 'Network', { vpc: a.vpc });
    const job = new glue.CfnJob(etl, 'Raw', { role: 'arn:aws:iam::1:role/r', command: { name: 'glueetl', scriptLocation: 's3://b/a.py' }, connections: { connections: ['legacy'] } });
    network.attachTo(job);
    network.attachTo(job);
    const listed = Object.values(resources(etl, 'AWS::Glue::Job'))[0].Properties.Connections.Connections;
    expect(listed).toEqual([...network.connectionNames.map((n) => etl.resolve(n)), 'legacy']);
    expect(() => network.attachTo(a.vpc)).toThrow(/neither a glue\.CfnJob nor a Glue job construct/);
    // A job runs in one subnet: a second network on the same job is refused.
    const other = new GlueJobNetwork(etl, 'Other', { vpc: a.vpc });
    expect(() => other.attachTo(job)).toThrow(/Etl\/Raw is already attached to Etl\/Network\. A job runs in one subnet, so one network/);
  });

  test('with the guard: two networks on one VPC share its Secrets Manager endpoint, and both jobs read their secrets (zero findings)', () => {
    const { app, a, b, etl, storeGroup } = twoVpcs();
    const jobOf = (id: string, network: GlueJobNetwork) => {
      network.addDataStore('Db', { engine: DataStoreEngine.MYSQL, host: `${id.toLowerCase()}.internal`, databaseName: 'x', secret: secret(etl, `${id}Secret`), connections: storeGroup, vpc: b.vpc });
      network.attachTo(new glue.PySparkEtlJob(etl, `${id}Job`, { role: new iam.Role(etl, `${id}Role`, { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }), script: glue.Code.fromBucket(new s3.Bucket(etl, `${id}Scripts`), 'a.py') }));
    };
    jobOf('First', new GlueJobNetwork(etl, 'First', { vpc: a.vpc }));
    jobOf('Second', new GlueJobNetwork(etl, 'Second', { vpc: a.vpc }));
    const guard = new GlueNetworkGuard();
    Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    app.synth();
    expect(gnpFindings(guard)).toEqual([]);
  });

  test('with the guard: a job attached to a network across three zones passes with zero findings', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'eu-west-1' };
    app.node.setContext(`availability-zones:account=${env.account}:region=${env.region}`, ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    const net = new Stack(app, 'Net', { env });
    const vpc = new ec2.Vpc(net, 'Vpc', { maxAzs: 3, natGateways: 0, ipAddresses: ec2.IpAddresses.cidr('10.7.0.0/16'), subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }] });
    const storeGroup = new ec2.SecurityGroup(net, 'Store', { vpc });
    const etl = new Stack(app, 'Etl', { env });
    const network = new GlueJobNetwork(etl, 'Network', { vpc, availabilityZoneCount: 3 });
    network.addDataStore('Db', { engine: DataStoreEngine.ORACLE, host: 'db.internal', databaseName: 'ORCL', secret: secret(etl, 'S'), connections: storeGroup, vpc });
    const job = new glue.PySparkEtlJob(etl, 'Job', { role: new iam.Role(etl, 'R', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }), script: glue.Code.fromBucket(new s3.Bucket(etl, 'B'), 'a.py') });
    network.attachTo(job);
    const guard = new GlueNetworkGuard();
    Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    app.synth();
    expect(gnpFindings(guard)).toEqual([]);
    const plan = JSON.parse(guard.lastPlanJson!);
    expect(plan.jobs[0].failover.map((f: any) => [f.azDown, f.allReachable])).toEqual([['eu-west-1a', true], ['eu-west-1b', true], ['eu-west-1c', true]]);
    expect(JSON.stringify(Template.fromStack(etl).toJSON())).toMatch(/jdbc:oracle:thin:\/\/@db\.internal:1521\/ORCL/);
  });
});

describe('GlueJobNetwork: jobs that install Python modules from PyPI need the internet from the chosen subnets', () => {
  function pypiApp(options: { nat: boolean; modules: (stack: Stack) => string; vpn?: boolean }) {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const net = new Stack(app, 'Net', { env });
    const vpc = new ec2.Vpc(net, 'Vpc', {
      maxAzs: 2,
      natGateways: options.nat ? 1 : 0,
      ipAddresses: ec2.IpAddresses.cidr('10.8.0.0/16'),
      subnetConfiguration: options.nat
        ? [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }, { name: 'glue', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }]
        : [{ name: 'glue', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      ...options.vpn ? { vpnGateway: true, vpnRoutePropagation: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] } : {},
    });
    const etl = new Stack(app, 'Etl', { env });
    const network = new GlueJobNetwork(etl, 'Network', { vpc });
    network.attachTo(new glue.PySparkEtlJob(etl, 'Load', {
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'a.py'),
      defaultArguments: { '--additional-python-modules': options.modules(etl) },
    }));
    const guard = new GlueNetworkGuard();
    Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    return { app, guard };
  }

  test('isolated subnets (no NAT) and a job installing pandas from PyPI: synth fails with what to choose (was: the network synthesized and failed the guard with GNP-CONNECTION-NO-PYPI-PATH)', () => {
    const { app } = pypiApp({ nat: false, modules: () => 'pandas==2.2.2' });
    expect(() => app.synth()).toThrow(/Etl\/Load\/Resource is attached to this network and pip installs pandas==2\.2\.2 from the Python Package Index.*no default route \(no NAT gateway\).*PRIVATE_WITH_EGRESS.*s3:\/\/ paths/s);
  });

  test('subnets with a NAT gateway route: no error, and the guard finds nothing about PyPI', () => {
    const { app, guard } = pypiApp({ nat: true, modules: () => 'pandas==2.2.2' });
    app.synth();
    expect(gnpFindings(guard).filter((f) => /PYPI|SERVICE-PATH/.test(f))).toEqual([]);
  });

  test('isolated subnets whose tables a virtual private gateway propagates routes into (a default route may come from the VPN): no error from the construct', () => {
    const { app } = pypiApp({ nat: false, modules: () => 'pandas==2.2.2', vpn: true });
    let message = '';
    try { app.synth(); } catch (e) { message = String(e); }
    expect(message).not.toMatch(/is attached to this network and pip installs/);
  });

  test('isolated subnets and wheels in S3, or modules known only at deploy time: no error (the guard decides, UNKNOWN where it cannot)', () => {
    expect(() => pypiApp({ nat: false, modules: () => 's3://wheels/etl_lib-1.0-py3-none-any.whl' }).app.synth()).not.toThrow();
    expect(() => pypiApp({ nat: false, modules: (stack) => new CfnParameter(stack, 'Modules').valueAsString }).app.synth()).not.toThrow();
  });
});


/** Stack Net (us-east-1) with a two-zone VPC, 10.9/16: isolated subnets, or private ones behind a NAT gateway; a store group in it; stack Etl. */
function isolatedOrNatApp(nat?: boolean) {
  const app = new App();
  const env = { account: '111111111111', region: 'us-east-1' };
  const net = new Stack(app, 'Net', { env });
  const vpc = new ec2.Vpc(net, 'Vpc', {
    maxAzs: 2,
    natGateways: nat ? 1 : 0,
    ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'),
    subnetConfiguration: nat
      ? [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }, { name: 'glue', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }]
      : [{ name: 'glue', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const storeGroup = new ec2.SecurityGroup(net, 'Store', { vpc });
  const etl = new Stack(app, 'Etl', { env });
  return { app, net, vpc, storeGroup, etl };
}

describe('GlueJobNetwork: jobs whose security configuration encrypts with AWS KMS keys need a path to AWS KMS', () => {
  /** A job with a store (a JDBC connection) in isolated subnets, attached with or without a security configuration. */
  function kmsApp(options: { encryption?: (scope: Stack) => glue.SecurityConfigurationProps; nat?: boolean; setLate?: boolean; jobs?: number } = {}) {
    const { app, net, vpc, storeGroup, etl } = isolatedOrNatApp(options.nat);
    const networks: GlueJobNetwork[] = [];
    for (let i = 0; i < (options.jobs ?? 1); i++) {
      const network = new GlueJobNetwork(etl, `Network${i}`, { vpc });
      network.addDataStore('Db', { engine: DataStoreEngine.POSTGRESQL, host: `db${i}.internal`, databaseName: 'x', secret: secret(etl, `S${i}`), connections: storeGroup, vpc });
      const configuration = options.encryption ? new glue.SecurityConfiguration(etl, `Encryption${i}`, options.encryption(etl)) : undefined;
      const job = new glue.PySparkEtlJob(etl, `Job${i}`, {
        role: new iam.Role(etl, `Role${i}`, { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
        script: glue.Code.fromBucket(new s3.Bucket(etl, `Scripts${i}`), 'a.py'),
        ...configuration && !options.setLate ? { securityConfiguration: configuration } : {},
      });
      network.attachTo(job);
      if (configuration && options.setLate) (job.node.defaultChild as glue.CfnJob).securityConfiguration = configuration.securityConfigurationName;
      networks.push(network);
    }
    const guard = new GlueNetworkGuard();
    Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    return { app, net, etl, networks, guard };
  }
  const kmsS3 = (): glue.SecurityConfigurationProps => ({ s3Encryption: glue.S3Encryption.kms() });
  const kmsEndpoints = (stack: Stack) => Object.values(resources(stack, 'AWS::EC2::VPCEndpoint'))
    .filter((e) => /\.kms"/.test(JSON.stringify(e.Properties.ServiceName)));

  test('isolated subnets and S3 encryption with an AWS KMS key: one AWS KMS interface endpoint with private DNS in the VPC, HTTPS from the Glue group only, and the guard finds nothing', () => {
    const { app, net, etl, networks: [network], guard } = kmsApp({ encryption: kmsS3 });
    expect(network.kmsEndpoint).toBeDefined();
    app.synth();
    expect(gnpFindings(guard)).toEqual([]);
    const [endpoint] = kmsEndpoints(net);
    expect(kmsEndpoints(net)).toHaveLength(1);
    expect(endpoint.Properties).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    const endpointGroup = endpoint.Properties.SecurityGroupIds[0]['Fn::GetAtt'][0];
    // The endpoint's group admits no CIDR range; the rule from the Glue group is in the ETL stack.
    expect(JSON.stringify(resources(net, 'AWS::EC2::SecurityGroup')[endpointGroup].Properties)).not.toMatch(/SecurityGroupIngress/);
    Template.fromStack(etl).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      GroupId: { 'Fn::ImportValue': Match.stringLikeRegexp(endpointGroup) },
      SourceSecurityGroupId: { 'Fn::GetAtt': [etl.getLogicalId(network.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      Description: Match.stringLikeRegexp('AWS KMS endpoint'),
    });
  });

  test('without the endpoint the same job fails the guard with GNP-CONNECTION-NO-KMS-PATH (what the endpoint is for)', () => {
    const { app, net } = kmsApp({ encryption: kmsS3 });
    // Take the endpoint and its rule away again: the engine must then see no path to AWS KMS.
    for (const c of net.node.findAll()) if (c instanceof ec2.CfnVPCEndpoint && /\.kms"/.test(JSON.stringify(net.resolve(c.serviceName)))) c.addOverride('Properties.PrivateDnsEnabled', false);
    expect(() => app.synth()).toThrow(/Connection Network0Az1\w+ is selected by jobs whose security configuration encrypts with AWS KMS keys.*has no path to AWS KMS.*Acknowledge with 'cdk-glue-netplan::GNP-CONNECTION-NO-KMS-PATH'/s);
  });

  test('CloudWatch Logs or job bookmarks encryption with AWS KMS keys too; S3-managed keys only, or no security configuration: no endpoint', () => {
    expect(kmsApp({ encryption: () => ({ cloudWatchEncryption: glue.CloudWatchEncryption.kms() }) }).networks[0].kmsEndpoint).toBeDefined();
    expect(kmsApp({ encryption: () => ({ jobBookmarksEncryption: glue.JobBookmarksEncryption.clientSideKms() }) }).networks[0].kmsEndpoint).toBeDefined();
    const s3Managed = kmsApp({ encryption: () => ({ s3Encryption: glue.S3Encryption.s3Managed() }) });
    expect(s3Managed.networks[0].kmsEndpoint).toBeUndefined();
    expect(kmsEndpoints(s3Managed.net)).toHaveLength(0);
    expect(kmsEndpoints(kmsApp().net)).toHaveLength(0);
  });

  test('subnets that route to a NAT gateway reach AWS KMS already: no endpoint', () => {
    const { net, networks: [network] } = kmsApp({ encryption: kmsS3, nat: true });
    expect(network.kmsEndpoint).toBeUndefined();
    expect(kmsEndpoints(net)).toHaveLength(0);
  });

  test('a second network on the VPC reuses the endpoint and admits its own Glue group', () => {
    const { app, net, etl, networks, guard } = kmsApp({ encryption: kmsS3, jobs: 2 });
    expect(networks[0].kmsEndpoint).toBeDefined();
    expect(networks[1].kmsEndpoint).toBeUndefined();
    expect(kmsEndpoints(net)).toHaveLength(1);
    for (const network of networks) {
      Template.fromStack(etl).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 443,
        Description: Match.stringLikeRegexp('AWS KMS endpoint'),
        SourceSecurityGroupId: { 'Fn::GetAtt': [etl.getLogicalId(network.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      });
    }
    app.synth();
    expect(gnpFindings(guard)).toEqual([]);
  });

  test('a security configuration set on the job after attachTo: synth fails saying so (the path is added at attachTo)', () => {
    const { app } = kmsApp({ encryption: kmsS3, setLate: true });
    expect(() => app.synth()).toThrow(/Etl\/Job0\/Resource uses security configuration Etl\/Encryption0\/Resource \(S3 encryption SSE-KMS\), which Etl\/Network0 did not see when attachTo\(\) attached the job.*before attachTo\(\)/s);
  });
});

describe('GlueJobNetwork: service endpoints and security configurations as the guard reads them', () => {
  const env = { account: '111111111111', region: 'us-east-1' };
  /** Isolated subnets (or NAT), a JDBC store with a secret, a CfnJob with the security configuration `configure` gives, attached; the guard in fail mode. */
  function l1App(configure: (ctx: { net: Stack; etl: Stack }) => string | undefined, options: { nat?: boolean; command?: string } = {}) {
    const { app, net, vpc, storeGroup, etl } = isolatedOrNatApp(options.nat);
    const network = new GlueJobNetwork(etl, 'Network', { vpc });
    network.addDataStore('Db', { engine: DataStoreEngine.POSTGRESQL, host: 'db.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: storeGroup, vpc });
    const role = new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const job = new glue.CfnJob(etl, 'Job', { role: role.roleArn, command: { name: options.command ?? 'glueetl', scriptLocation: 's3://b/a.py' }, glueVersion: '4.0', securityConfiguration: configure({ net, etl }) });
    network.attachTo(job);
    const guard = new GlueNetworkGuard();
    Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
    return { app, net, etl, vpc, network, job, guard };
  }
  const sseKms = (mode: string = 'SSE-KMS'): glue.CfnSecurityConfigurationProps => ({ name: 'cfg', encryptionConfiguration: { s3Encryptions: [{ s3EncryptionMode: mode }] } });

  test('a configuration of another stack the job reads through Stack.exportValue: the endpoint, and the guard finds nothing', () => {
    const { app, network, guard } = l1App(({ net }) => net.exportValue(new glue.CfnSecurityConfiguration(net, 'Cfg', sseKms()).ref));
    expect(network.kmsEndpoint).toBeDefined();
    app.synth();
    expect(gnpFindings(guard)).toEqual([]);
  });

  test('a mode the template gives by a parameter\'s default, or by a property override: read as the guard reads it', () => {
    const byParameter = l1App(({ etl }) => new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms(new CfnParameter(etl, 'Mode', { default: 'SSE-KMS' }).valueAsString)).ref);
    expect(byParameter.network.kmsEndpoint).toBeDefined();
    byParameter.app.synth();
    expect(gnpFindings(byParameter.guard)).toEqual([]);
    const byOverride = l1App(({ etl }) => {
      const configuration = new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms('DISABLED'));
      configuration.addPropertyOverride('EncryptionConfiguration.S3Encryptions.0.S3EncryptionMode', 'SSE-KMS');
      return configuration.ref;
    });
    expect(byOverride.network.kmsEndpoint).toBeDefined();
    byOverride.app.synth();
    expect(gnpFindings(byOverride.guard)).toEqual([]);
    // And the other way: an override that turns the key use off adds nothing.
    const overriddenOff = l1App(({ etl }) => {
      const configuration = new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms());
      configuration.addPropertyOverride('EncryptionConfiguration.S3Encryptions.0.S3EncryptionMode', 'SSE-S3');
      return configuration.ref;
    });
    expect(overriddenOff.network.kmsEndpoint).toBeUndefined();
  });

  test('a Ray job (it does not run in the VPC: the guard says so, and checks no path to AWS KMS for it): no endpoint, no error about AWS KMS', () => {
    const ray = l1App(({ etl }) => new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms()).ref, { command: 'glueray' });
    expect(ray.network.kmsEndpoint).toBeUndefined();
    expect(() => ray.app.synth()).toThrow(/AWS Glue for Ray does not run in a VPC/);
    expect(() => ray.app.synth()).not.toThrow(/AWS KMS/);
  });

  test('an imported VPC, whose NAT routes and endpoints the app cannot see: no AWS KMS endpoint (a deployed job there reaches AWS KMS already: a second endpoint with private DNS fails to deploy, one beside a NAT gateway is paid for nothing), a warning saying what to check', () => {
    const app = new App();
    const etl = new Stack(app, 'Etl', { env });
    const vpc = ec2.Vpc.fromVpcAttributes(etl, 'Imported', {
      vpcId: 'vpc-1',
      vpcCidrBlock: '10.5.0.0/16',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      isolatedSubnetIds: ['subnet-a', 'subnet-b'],
      isolatedSubnetRouteTableIds: ['rtb-a', 'rtb-b'],
      isolatedSubnetIpv4CidrBlocks: ['10.5.0.0/24', '10.5.1.0/24'],
    });
    const network = new GlueJobNetwork(etl, 'Network', { vpc, s3Access: GlueS3Access.EXISTING });
    network.addDataStore('Db', { engine: DataStoreEngine.MYSQL, host: 'db.internal', databaseName: 'x', secret: secret(etl, 'S'), connections: ec2.SecurityGroup.fromSecurityGroupId(etl, 'StoreGroup', 'sg-1'), vpc });
    const role = new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const configuration = new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms());
    network.attachTo(new glue.CfnJob(etl, 'Job', { role: role.roleArn, command: { name: 'glueetl', scriptLocation: 's3://b/a.py' }, securityConfiguration: configuration.ref }));
    expect(network.kmsEndpoint).toBeUndefined();
    const endpoints = Object.values(resources(etl, 'AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(endpoints.filter((name) => /\.kms"/.test(name))).toEqual([]);
    expect(endpoints.filter((name) => /secretsmanager/.test(name))).toHaveLength(1); // (unchanged)
    Annotations.fromStack(etl).hasWarning('/Etl/Network', Match.stringLikeRegexp(
      'Etl/Job uses security configuration Etl/Cfg \\(S3 encryption SSE-KMS\\).*the VPC Etl/Imported is imported.*added no AWS KMS endpoint.*ec2.InterfaceVpcEndpointAwsService.KMS.*Etl/Network/SecurityGroup'));
  });

  test('an AWS KMS endpoint with private DNS the app adds to the VPC after attachTo (same stack or a later one): synth fails saying so, not a second endpoint that fails to deploy', () => {
    const later = l1App(({ etl }) => new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms()).ref);
    later.vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
    expect(() => later.app.synth()).toThrow(/Etl\/Network added Net\/Vpc\/GlueKms\w+, an interface endpoint for AWS KMS with private DNS in Net\/Vpc, and the app also adds Net\/Vpc\/Kms.*Create that endpoint before attachTo/s);
    const laterStack = l1App(({ etl }) => new glue.CfnSecurityConfiguration(etl, 'Cfg', sseKms()).ref);
    new ec2.InterfaceVpcEndpoint(new Stack(laterStack.app, 'Endpoints', { env }), 'Kms', { vpc: laterStack.vpc, service: ec2.InterfaceVpcEndpointAwsService.KMS });
    expect(() => laterStack.app.synth()).toThrow(/and the app also adds Endpoints\/Kms/);
  });

  test('a Secrets Manager endpoint with private DNS the app adds after the store: the same error', () => {
    const later = l1App(() => undefined);
    later.vpc.addInterfaceEndpoint('Secrets', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    expect(() => later.app.synth()).toThrow(/an interface endpoint for Secrets Manager with private DNS in Net\/Vpc, and the app also adds Net\/Vpc\/Secrets.*before the first data store with a secret/s);
  });

  test('a security configuration set after attachTo where the subnets already reach AWS KMS (a NAT gateway, the app\'s own endpoint): no error', () => {
    const nat = l1App(() => undefined, { nat: true });
    nat.job.securityConfiguration = new glue.CfnSecurityConfiguration(nat.etl, 'Cfg', sseKms()).ref;
    expect(() => nat.app.synth()).not.toThrow();
    const ownEndpoint = l1App(() => undefined);
    ownEndpoint.vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
    ownEndpoint.job.securityConfiguration = new glue.CfnSecurityConfiguration(ownEndpoint.etl, 'Cfg', sseKms()).ref;
    // (The app's endpoint admits the VPC's CIDR on 443 by default: the guard finds the path.)
    expect(() => ownEndpoint.app.synth()).not.toThrow();
  });

  test('late configuration: the error says the job got it, or its key use, after attachTo, and both ways out', () => {
    const late = l1App(() => undefined);
    late.job.securityConfiguration = new glue.CfnSecurityConfiguration(late.etl, 'Cfg', sseKms()).ref;
    expect(() => late.app.synth()).toThrow(/Etl\/Job uses security configuration Etl\/Cfg \(S3 encryption SSE-KMS\), which Etl\/Network did not see when attachTo\(\) attached the job.*Give the job its security configuration, with its encryption settings, before attachTo\(\).*or give the subnets a path to AWS KMS yourself/s);
  });
});
