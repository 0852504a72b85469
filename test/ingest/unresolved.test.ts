/**
 * What the reader cannot resolve stays in the model, marked unknown, and every verdict that
 * depends on it is UNKNOWN: never dropped (a false UNREACHABLE), never defaulted to open (a false
 * REACHABLE). Each case starts from one hand-written template of a Glue job in VPC A and a
 * PostgreSQL database in VPC B, peered, and changes one value the way real templates do: a Ref
 * to a parameter given no value, a garbage value, a `Condition`.
 */
import { App, CfnParameter, CfnResource, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { anyResource, association, egress, getAtt, ingress, ref, route, routeTable, securityGroup, subnet, vpc } from './builders';
import { buildPlan, planRemedy, Verdict } from '../../src/engine';
import { buildModel, TemplateInput } from '../../src/ingest';
import { NetworkModel } from '../../src/model';
import { withoutCdkTemplateCheck } from '../cdk/quiet-cdk';

/** A Ref to a parameter that has no default and is given no value. */
const UNRESOLVED = { Ref: 'NotGiven' };

/** The peered app: every value resolvable, the database REACHABLE. */
function peeredApp(): any {
  return {
    Parameters: { NotGiven: { Type: 'String' } },
    Resources: {
      VpcA: vpc('10.1.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
      SubA: subnet(ref('VpcA'), '10.1.1.0/24', 'us-east-1a'),
      RtA: routeTable(ref('VpcA')),
      AssocA: association(ref('SubA'), ref('RtA')),
      S3A: anyResource('AWS::EC2::VPCEndpoint', { VpcId: ref('VpcA'), ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [ref('RtA')] }),
      VpcB: vpc('10.2.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
      SubB: subnet(ref('VpcB'), '10.2.1.0/24', 'us-east-1b'),
      RtB: routeTable(ref('VpcB')),
      AssocB: association(ref('SubB'), ref('RtB')),
      Pcx: anyResource('AWS::EC2::VPCPeeringConnection', { VpcId: ref('VpcA'), PeerVpcId: ref('VpcB') }),
      RouteAB: route(ref('RtA'), '10.2.0.0/16', { VpcPeeringConnectionId: ref('Pcx') }),
      RouteBA: route(ref('RtB'), '10.1.0.0/16', { VpcPeeringConnectionId: ref('Pcx') }),
      GlueSg: securityGroup(ref('VpcA')),
      GlueSelf: ingress(getAtt('GlueSg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') }),
      DbSg: securityGroup(ref('VpcB')),
      DbIngress: ingress(getAtt('DbSg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '10.1.1.0/24' }),
      NaclB: anyResource('AWS::EC2::NetworkAcl', { VpcId: ref('VpcB') }),
      NaclBIn: anyResource('AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('NaclB'), RuleNumber: 100, Protocol: 6, RuleAction: 'allow', Egress: false, CidrBlock: '10.1.1.0/24', PortRange: { From: 5432, To: 5432 },
      }),
      NaclBOut: anyResource('AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('NaclB'), RuleNumber: 100, Protocol: 6, RuleAction: 'allow', Egress: true, CidrBlock: '10.1.1.0/24', PortRange: { From: 1024, To: 65535 },
      }),
      NaclBAssoc: anyResource('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('SubB'), NetworkAclId: ref('NaclB') }),
      DbSubnets: anyResource('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubB')] }),
      Db: anyResource('AWS::RDS::DBInstance', {
        Engine: 'postgres', DBInstanceClass: 'db.t3.micro', Port: 5432, DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: [getAtt('DbSg', 'GroupId')],
      }),
      GlueConn: anyResource('AWS::Glue::Connection', {
        CatalogId: '111111111111',
        ConnectionInput: {
          Name: 'glue-net',
          ConnectionType: 'NETWORK',
          PhysicalConnectionRequirements: { SubnetId: ref('SubA'), SecurityGroupIdList: [getAtt('GlueSg', 'GroupId')], AvailabilityZone: 'us-east-1a' },
        },
      }),
      DbConn: anyResource('AWS::Glue::Connection', {
        CatalogId: '111111111111',
        ConnectionInput: {
          Name: 'orders-db',
          ConnectionType: 'JDBC',
          ConnectionProperties: { JDBC_CONNECTION_URL: { 'Fn::Sub': 'jdbc:postgresql://${Db.Endpoint.Address}:${Db.Endpoint.Port}/orders' } },
        },
      }),
      Job: anyResource('AWS::Glue::Job', {
        Name: 'etl',
        Role: 'arn:aws:iam::111111111111:role/glue',
        Command: { Name: 'glueetl', ScriptLocation: 's3://bucket/etl.py' },
        Connections: { Connections: [ref('GlueConn'), ref('DbConn')] },
        WorkerType: 'G.1X',
        NumberOfWorkers: 2,
      }),
    },
  };
}

/** The app with one change made to it. */
function changed(change: (resources: Record<string, any>, template: any) => void): any {
  const template = peeredApp();
  change(template.Resources, template);
  return template;
}

function modelOfTemplate(template: any, env: Partial<TemplateInput> = { region: 'us-east-1', account: '111111111111' }): NetworkModel {
  return buildModel([{ stackName: 'App', template, ...env }]);
}

/** The database's verdict and the findings' rule IDs. */
function planOf(template: any, env?: Partial<TemplateInput>): { verdict: Verdict; ruleIds: string[]; messages: string[] } {
  const plan = buildPlan(modelOfTemplate(template, env), { failover: false });
  const store = plan.jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn');
  const findings = [...plan.findings, ...plan.jobs[0].findings];
  return { verdict: store?.verdict ?? 'UNKNOWN', ruleIds: findings.map((f) => f.ruleId), messages: findings.map((f) => f.message) };
}

const verdictOf = (template: any, env?: Partial<TemplateInput>) => planOf(template, env).verdict;

test('the peered app is REACHABLE (the baseline every case changes)', () => {
  expect(planOf(peeredApp())).toMatchObject({ verdict: 'REACHABLE', ruleIds: [] });
});

describe('an unresolvable value in what makes the path work is UNKNOWN, not UNREACHABLE', () => {
  test.each<[string, (r: Record<string, any>) => void]>([
    ['the route table of the Glue subnet\'s association', (r) => { r.AssocA.Properties.RouteTableId = UNRESOLVED; }],
    ['the subnet of the Glue subnet\'s association', (r) => { r.AssocA.Properties.SubnetId = UNRESOLVED; }],
    ['the route table of the route to the store\'s VPC', (r) => { r.RouteAB.Properties.RouteTableId = UNRESOLVED; }],
    ['the route table of the route back', (r) => { r.RouteBA.Properties.RouteTableId = UNRESOLVED; }],
    ['the protocol of the store group\'s ingress rule', (r) => { r.DbIngress.Properties.IpProtocol = UNRESOLVED; }],
    ['the group of the store group\'s ingress rule', (r) => { r.DbIngress.Properties.GroupId = UNRESOLVED; }],
    ['the accepter VPC of the peering', (r) => { r.Pcx.Properties.PeerVpcId = UNRESOLVED; }],
    ['the requester VPC of the peering', (r) => { r.Pcx.Properties.VpcId = UNRESOLVED; }],
    ['the owner of the peering', (r) => { r.Pcx.Properties.PeerOwnerId = UNRESOLVED; }],
    ['the protocol of the store subnet\'s inbound NACL entry', (r) => { r.NaclBIn.Properties.Protocol = UNRESOLVED; }],
    ['the action of the store subnet\'s inbound NACL entry', (r) => { r.NaclBIn.Properties.RuleAction = UNRESOLVED; }],
    ['the rule number of the store subnet\'s inbound NACL entry', (r) => { r.NaclBIn.Properties.RuleNumber = UNRESOLVED; }],
    ['the direction of the store subnet\'s inbound NACL entry', (r) => { r.NaclBIn.Properties.Egress = UNRESOLVED; }],
    ['the ACL of the store subnet\'s inbound NACL entry', (r) => { r.NaclBIn.Properties.NetworkAclId = UNRESOLVED; }],
    ['the port range of the store subnet\'s inbound NACL entry', (r) => { r.NaclBIn.Properties.PortRange = UNRESOLVED; }],
    ['a route table of the S3 endpoint', (r) => { r.S3A.Properties.RouteTableIds = [UNRESOLVED]; }],
    ['the whole route table list of the S3 endpoint', (r) => { r.S3A.Properties.RouteTableIds = UNRESOLVED; }],
    ['the type of the S3 endpoint', (r) => { r.S3A.Properties.VpcEndpointType = UNRESOLVED; }],
    ['a security group of the Glue connection', (r) => { r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements.SecurityGroupIdList = [UNRESOLVED]; }],
    ['the physical requirements of the Glue connection', (r) => { r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements = UNRESOLVED; }],
    ['the database port', (r) => { r.Db.Properties.Port = UNRESOLVED; }],
    ['the zone of the Glue connection', (r) => { r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone = UNRESOLVED; }],
    ['the VPC of a secondary CIDR block', (r) => { r.Extra = anyResource('AWS::EC2::VPCCidrBlock', { VpcId: UNRESOLVED, CidrBlock: '10.3.0.0/16' }); }],
  ])('%s', (_what, change) => {
    expect(verdictOf(changed(change))).toBe('UNKNOWN');
  });

  test.each<[string, (db: Record<string, any>) => void]>([
    ['resolve to nothing', (db) => { db.VPCSecurityGroups = [UNRESOLVED]; }],
    ['are not given (the VPC\'s default group)', (db) => { delete db.VPCSecurityGroups; }],
  ])("the store's security groups %s, and the Glue group sends the store's port only to the store's group", (_what, change) => {
    const template = changed((r) => {
      // Outbound restricted, as hardened apps write it: itself, HTTPS to S3, the database's group.
      r.GlueSg.Properties.SecurityGroupEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, DestinationPrefixListId: 'pl-63a5400a' }];
      r.GlueSelfOut = egress(getAtt('GlueSg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, DestinationSecurityGroupId: getAtt('GlueSg', 'GroupId') });
      r.GlueToDb = egress(getAtt('GlueSg', 'GroupId'), { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: getAtt('DbSg', 'GroupId') });
    });
    expect(verdictOf(template)).toBe('REACHABLE');
    change(template.Resources.Db.Properties);
    // The store may wear the group the rule names: not UNREACHABLE.
    const { verdict, messages } = planOf(template);
    expect(verdict).toBe('UNKNOWN');
    expect(messages.join('\n')).toMatch(/allow TCP 5432 to 10\.2\.1\.0\/24 only through rules that name security groups, and the store's groups are unknown/);
  });

  test('the value is named once in a GNP-INPUT-UNRESOLVED warning', () => {
    const { ruleIds, messages } = planOf(changed((r) => { r.AssocA.Properties.RouteTableId = UNRESOLVED; }));
    expect(ruleIds).toContain('GNP-INPUT-UNRESOLVED');
    expect(messages).toContainEqual(expect.stringMatching(/App\/AssocA.*RouteTableId.*parameter NotGiven has no default/));
  });

  test('a route whose table is unknown stays in the model, uncertain, in every table', () => {
    const model = modelOfTemplate(changed((r) => { r.RouteAB.Properties.RouteTableId = UNRESOLVED; }));
    const rtB = model.routeTables.get('App/RtB')!;
    expect(rtB.routes.map((x) => x.uncertain ?? 'certain')).toEqual(expect.arrayContaining(['certain', expect.stringContaining('RouteTableId cannot be resolved')]));
  });

  test('a known route to another target no longer hides a route whose destination is unknown', () => {
    const template = changed((r) => {
      r.Default = route(ref('RtA'), '0.0.0.0/0', { GatewayId: 'igw-0123' });
      r.RouteAB.Properties.DestinationCidrBlock = UNRESOLVED;
    });
    expect(verdictOf(template)).toBe('UNKNOWN');
  });

  test('an environment-agnostic stack peering to a named owner: whether that is another account is unknown', () => {
    const template = changed((r) => { r.Pcx.Properties.PeerOwnerId = '222222222222'; });
    expect(verdictOf(template, {})).toBe('UNKNOWN');
    expect(verdictOf(changed((r) => { r.Pcx.Properties.PeerOwnerId = { Ref: 'AWS::AccountId' }; }), {})).toBe('REACHABLE');
  });
});

describe('an unresolvable or garbage value in what blocks the path is UNKNOWN, not REACHABLE', () => {
  /** The app with the store's group admitting port 3306 only: UNREACHABLE. */
  const wrongPort = () => changed((r) => { r.DbIngress.Properties.FromPort = 3306; r.DbIngress.Properties.ToPort = 3306; });

  test('the baseline: the store\'s group admits another port', () => {
    expect(verdictOf(wrongPort())).toBe('UNREACHABLE');
  });

  test.each<[string, unknown]>([['unresolvable', UNRESOLVED], ['text', 'postgres'], ['out of range', 70000]])('an %s port is not "all ports"', (_what, port) => {
    const template = wrongPort();
    template.Resources.DbIngress.Properties.ToPort = port;
    const { verdict, ruleIds } = planOf(template);
    expect(verdict).toBe('UNKNOWN');
    expect(ruleIds).toContain('GNP-INPUT-UNRESOLVED');
  });

  test('an unresolvable port range of a NACL entry is not "all ports"', () => {
    const template = changed((r) => { r.NaclBIn.Properties.PortRange = { From: 3306, To: 3306 }; });
    expect(verdictOf(template)).toBe('UNREACHABLE');
    template.Resources.NaclBIn.Properties.PortRange = { From: UNRESOLVED, To: 3306 };
    expect(verdictOf(template)).toBe('UNKNOWN');
  });

  test('an unresolvable NACL association does not fall back to the default NACL', () => {
    const template = changed((r) => { r.NaclBIn.Properties.RuleAction = 'deny'; });
    expect(verdictOf(template)).toBe('UNREACHABLE');
    template.Resources.NaclBAssoc.Properties.NetworkAclId = UNRESOLVED;
    expect(verdictOf(template)).toBe('UNKNOWN');
  });

  test('an unresolvable inline egress list is not the default allow-all egress', () => {
    const template = changed((r) => { r.GlueSg.Properties.SecurityGroupEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }]; });
    expect(verdictOf(template)).toBe('UNREACHABLE');
    template.Resources.GlueSg.Properties.SecurityGroupEgress = UNRESOLVED;
    expect(verdictOf(template)).toBe('UNKNOWN');
  });

  test('a NAT gateway of unknown connectivity is not a public path to S3', () => {
    const template = changed((r) => {
      r.S3A.Properties.RouteTableIds = [];
      r.Nat = anyResource('AWS::EC2::NatGateway', { SubnetId: ref('SubA'), ConnectivityType: 'private' });
      r.ToNat = route(ref('RtA'), '0.0.0.0/0', { NatGatewayId: ref('Nat') });
    });
    expect(verdictOf(template)).toBe('UNREACHABLE');
    template.Resources.Nat.Properties.ConnectivityType = UNRESOLVED;
    expect(verdictOf(template)).toBe('UNKNOWN');
  });
});

describe('Condition: a resource whose condition is false does not exist', () => {
  const conditions = (template: any, value: unknown) => {
    template.Parameters.Peered = { Type: 'String', AllowedValues: ['yes', 'no'], ...(value === undefined ? {} : { Default: value }) };
    template.Conditions = { IsPeered: { 'Fn::And': [{ 'Fn::Equals': [{ Ref: 'Peered' }, 'yes'] }, { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-3'] }] }] } };
  };
  const conditionalRoute = (value: unknown) => changed((r, template) => {
    conditions(template, value);
    r.RouteAB.Condition = 'IsPeered';
  });

  test.each<[string, unknown, Verdict]>([
    ['true (parameter default)', 'yes', 'REACHABLE'],
    ['false (parameter default)', 'no', 'UNREACHABLE'],
    ['undecidable (no default, no value)', undefined, 'UNKNOWN'],
  ])('a route whose condition is %s', (_what, value, verdict) => {
    expect(verdictOf(conditionalRoute(value))).toBe(verdict);
  });

  test('the parameters given decide the condition', () => {
    const template = conditionalRoute(undefined);
    expect(buildPlan(buildModel([{ stackName: 'App', template, region: 'us-east-1', parameters: { Peered: 'no' } }]), { failover: false })
      .jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn')?.verdict).toBe('UNREACHABLE');
  });

  test('a condition named through another condition (Condition inside Fn::Or)', () => {
    const template = changed((t, tpl) => {
      conditions(tpl, 'no');
      tpl.Conditions.Always = { 'Fn::Or': [{ Condition: 'IsPeered' }, { 'Fn::Equals': ['a', 'a'] }] };
      t.RouteAB.Condition = 'Always';
    });
    expect(verdictOf(template)).toBe('REACHABLE');
  });

  test.each<[string, Verdict]>([['no', 'UNREACHABLE'], ['yes', 'REACHABLE']])('an ingress rule that exists only if Peered=%s', (value, verdict) => {
    const template = changed((r, tpl) => {
      conditions(tpl, value);
      r.DbIngress.Condition = 'IsPeered';
    });
    expect(verdictOf(template)).toBe(verdict);
  });

  test.each<[string, Verdict]>([['no', 'REACHABLE'], ['yes', 'UNREACHABLE']])('a NACL deny entry that exists only if Peered=%s', (value, verdict) => {
    const template = changed((r, tpl) => {
      conditions(tpl, value);
      r.Deny = anyResource('AWS::EC2::NetworkAclEntry', {
        NetworkAclId: ref('NaclB'), RuleNumber: 50, Protocol: -1, RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0',
      });
      r.Deny.Condition = 'IsPeered';
    });
    expect(verdictOf(template)).toBe(verdict);
    if (value === 'yes') {
      delete template.Parameters.Peered.Default;
      expect(verdictOf(template)).toBe('UNKNOWN');
    }
  });

  test.each(['AssocA', 'S3A', 'Pcx', 'DbIngress', 'NaclBAssoc', 'RouteBA'])('%s under an undecidable condition: UNKNOWN, never REACHABLE or UNREACHABLE', (logicalId) => {
    const template = changed((r, tpl) => {
      conditions(tpl, undefined);
      r[logicalId].Condition = 'IsPeered';
    });
    const { verdict, messages } = planOf(template);
    expect(verdict).toBe('UNKNOWN');
    expect(messages).toContainEqual(expect.stringContaining(`App/${logicalId} exists only if condition IsPeered holds`));
  });

  test.each<[string, Verdict]>([['no', 'REACHABLE'], ['yes', 'UNKNOWN']])('a custom resource given the store\'s route table, that exists only if Peered=%s', (value, verdict) => {
    const template = changed((r, tpl) => {
      conditions(tpl, value);
      r.Routes = { Type: 'Custom::PeeringRoutes', Condition: 'IsPeered', Properties: { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:routes', RouteTableId: ref('RtB') } };
    });
    expect(verdictOf(template)).toBe(verdict);
  });

  test('Fn::If in a property follows a known condition and is unknown under an undecidable one', () => {
    const template = (value: unknown) => changed((r, tpl) => {
      conditions(tpl, value);
      r.RouteAB.Properties.VpcPeeringConnectionId = { 'Fn::If': ['IsPeered', ref('Pcx'), 'pcx-0elsewhere'] };
    });
    expect(verdictOf(template('yes'))).toBe('REACHABLE');
    expect(verdictOf(template('no'))).toBe('UNKNOWN'); // an undescribed peering
    expect(verdictOf(template(undefined))).toBe('UNKNOWN');
  });
});

describe('a job whose Connections is malformed gets a finding, never "no connections"', () => {
  // A malformed value is reported at the job; an unresolved one once, at the parameter it comes from.
  test.each<[string, unknown, string]>([
    ['a bare list', [ref('GlueConn'), ref('DbConn')], 'App/Job'],
    ['a string', 'glue-net', 'App/Job'],
    ['an unresolved value', UNRESOLVED, 'Parameter NotGiven'],
    ['a list under Connections that is unresolved', { Connections: UNRESOLVED }, 'Parameter NotGiven'],
  ])('%s', (_what, connections, named) => {
    const template = changed((r) => { r.Job.Properties.Connections = connections; });
    const plan = buildPlan(modelOfTemplate(template), { failover: false });
    const job = plan.jobs[0];
    expect(job.candidates.map((c) => c.status)).toEqual(['unknown']);
    expect(plan.findings.filter((f) => f.ruleId === 'GNP-INPUT-UNRESOLVED').map((f) => f.message)).toContainEqual(expect.stringContaining(named));
    expect([...job.findings, ...plan.findings].map((f) => f.ruleId)).not.toContain('GNP-NO-VPC-CONNECTION');
  });

  test('an empty ConnectionsList is no connections (valid, nothing to report)', () => {
    const template = changed((r) => { r.Job.Properties.Connections = { Connections: [] }; });
    const plan = buildPlan(modelOfTemplate(template), { failover: false });
    expect(plan.jobs[0].candidates).toEqual([]);
    expect(plan.findings.map((f) => f.ruleId)).not.toContain('GNP-INPUT-UNRESOLVED');
  });
});

describe('transit gateways: an unresolvable value makes paths through the gateway UNKNOWN', () => {
  /** The app with the VPCs joined by a transit gateway (static routes in a custom route table) instead of a peering. */
  const tgwApp = () => changed((r) => {
    delete r.Pcx;
    r.Tgw = anyResource('AWS::EC2::TransitGateway', { DefaultRouteTableAssociation: 'disable', DefaultRouteTablePropagation: 'disable' });
    r.AttA = anyResource('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('VpcA'), SubnetIds: [ref('SubA')] });
    r.AttB = anyResource('AWS::EC2::TransitGatewayVpcAttachment', { TransitGatewayId: ref('Tgw'), VpcId: ref('VpcB'), SubnetIds: [ref('SubB')] });
    r.TgwRt = anyResource('AWS::EC2::TransitGatewayRouteTable', { TransitGatewayId: ref('Tgw') });
    r.TgwAssocA = anyResource('AWS::EC2::TransitGatewayRouteTableAssociation', { TransitGatewayRouteTableId: ref('TgwRt'), TransitGatewayAttachmentId: ref('AttA') });
    r.TgwAssocB = anyResource('AWS::EC2::TransitGatewayRouteTableAssociation', { TransitGatewayRouteTableId: ref('TgwRt'), TransitGatewayAttachmentId: ref('AttB') });
    r.TgwToA = anyResource('AWS::EC2::TransitGatewayRoute', { TransitGatewayRouteTableId: ref('TgwRt'), DestinationCidrBlock: '10.1.0.0/16', TransitGatewayAttachmentId: ref('AttA') });
    r.TgwToB = anyResource('AWS::EC2::TransitGatewayRoute', { TransitGatewayRouteTableId: ref('TgwRt'), DestinationCidrBlock: '10.2.0.0/16', TransitGatewayAttachmentId: ref('AttB') });
    r.RouteAB = route(ref('RtA'), '10.2.0.0/16', { TransitGatewayId: ref('Tgw') });
    r.RouteBA = route(ref('RtB'), '10.1.0.0/16', { TransitGatewayId: ref('Tgw') });
  });

  test('the baseline: REACHABLE through the gateway', () => {
    expect(verdictOf(tgwApp())).toBe('REACHABLE');
  });

  test.each<[string, (r: Record<string, any>) => void]>([
    ['the gateway of the store VPC\'s attachment', (r) => { r.AttB.Properties.TransitGatewayId = UNRESOLVED; }],
    ['the VPC of the store VPC\'s attachment', (r) => { r.AttB.Properties.VpcId = UNRESOLVED; }],
    ['a subnet of the Glue VPC\'s attachment', (r) => { r.AttA.Properties.SubnetIds = [UNRESOLVED]; }],
    ['the gateway of the route table', (r) => { r.TgwRt.Properties.TransitGatewayId = UNRESOLVED; }],
    ['the route table of an association', (r) => { r.TgwAssocA.Properties.TransitGatewayRouteTableId = UNRESOLVED; }],
    ['the attachment of an association', (r) => { r.TgwAssocA.Properties.TransitGatewayAttachmentId = UNRESOLVED; }],
    ['the route table of a route', (r) => { r.TgwToB.Properties.TransitGatewayRouteTableId = UNRESOLVED; }],
    ['the destination of a route', (r) => { r.TgwToB.Properties.DestinationCidrBlock = UNRESOLVED; }],
    ['the attachment of a route', (r) => { r.TgwToB.Properties.TransitGatewayAttachmentId = UNRESOLVED; }],
    ['the default association option', (r) => { r.Tgw.Properties.DefaultRouteTableAssociation = UNRESOLVED; }],
  ])('%s', (_what, change) => {
    const template = tgwApp();
    change(template.Resources);
    expect(verdictOf(template)).toBe('UNKNOWN');
  });

  test('a blackhole route under an undecidable condition, or with an unresolvable Blackhole', () => {
    const template = tgwApp();
    template.Resources.Hole = anyResource('AWS::EC2::TransitGatewayRoute', { TransitGatewayRouteTableId: ref('TgwRt'), DestinationCidrBlock: '10.2.1.0/24', Blackhole: true });
    expect(verdictOf(template)).toBe('UNREACHABLE');
    template.Resources.Hole.Properties.Blackhole = UNRESOLVED;
    expect(verdictOf(template)).toBe('UNKNOWN');
    template.Resources.Hole.Properties.Blackhole = true;
    template.Conditions = { Undecided: { 'Fn::Equals': [UNRESOLVED, 'yes'] } };
    template.Resources.Hole.Condition = 'Undecided';
    expect(verdictOf(template)).toBe('UNKNOWN');
  });
});

/**
 * Dynamic references (`{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`): CloudFormation
 * replaces them with the parameter's or secret's value at deploy time
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html). Read
 * as literal text they were a zone named "{{resolve:ssm:/net/az}}" (a definite mismatch), a host
 * "{{resolve" on port "ssm".
 */
describe('dynamic references are values known only at deploy time, never their text', () => {
  const ssmReference = (name: string) => `{{resolve:ssm:${name}}}`;

  test.each([
    ['the connection\'s AvailabilityZone', (r: Record<string, any>) => { r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone = ssmReference('/net/az'); }],
    ['the subnet\'s AvailabilityZone', (r: Record<string, any>) => { r.SubA.Properties.AvailabilityZone = ssmReference('/net/az'); }],
  ])('%s from SSM: GNP-CONNECTION-AZ-UNKNOWN and UNKNOWN (was GNP-CONNECTION-AZ-MISMATCH, the connection skipped, UNREACHABLE)', (_, change) => {
    const plan = planOf(changed(change));
    expect(plan.ruleIds).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(plan.ruleIds).toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).toMatch(/the dynamic reference resolve:ssm:\/net\/az, which CloudFormation resolves at deploy time/);
  });

  test('a JDBC URL whose host is an SSM parameter: UNKNOWN naming the reference (was: host "{{resolve" on port "ssm", not a TCP port)', () => {
    const plan = planOf(changed((r) => { r.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL = { 'Fn::Sub': `jdbc:postgresql://${ssmReference('/db/host')}:\${Db.Endpoint.Port}/orders` }; }));
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).not.toMatch(/port "ssm"/);
    expect(plan.messages.join('\n')).toMatch(/<known only at deploy time: the dynamic reference resolve:ssm:\/db\/host, which CloudFormation resolves at deploy time>/);
  });

  test('a secret in a literal URL is the same (secretsmanager)', () => {
    const plan = planOf(changed((r) => { r.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL = 'jdbc:postgresql://{{resolve:secretsmanager:db:SecretString:host}}:5432/orders'; }));
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).toMatch(/the dynamic reference resolve:secretsmanager:db:SecretString:host, which CloudFormation resolves at deploy time/);
  });

  test('the group a rule admits, from SSM: UNKNOWN saying so (was: "is not a resource id")', () => {
    const plan = planOf(changed((r) => {
      r.DbIngress.Properties = { GroupId: getAtt('DbSg', 'GroupId'), IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: ssmReference('/net/glue-sg') };
    }));
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).toMatch(/SourceSecurityGroupId is the dynamic reference resolve:ssm:\/net\/glue-sg, which CloudFormation resolves at deploy time/);
    expect(plan.messages.join('\n')).not.toMatch(/is not a resource id/);
  });
});

test('a Kafka connection whose bootstrap servers are imported from outside the app: UNKNOWN naming the import (was: "no port in the address ... and no default for its type")', () => {
  const plan = planOf(changed((r) => {
    r.DbConn.Properties.ConnectionInput = {
      Name: 'orders-db',
      ConnectionType: 'KAFKA',
      ConnectionProperties: { KAFKA_BOOTSTRAP_SERVERS: { 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::ImportValue': 'Msk-Brokers' }] }] } },
      PhysicalConnectionRequirements: { SubnetId: ref('SubB'), SecurityGroupIdList: [getAtt('DbSg', 'GroupId')], AvailabilityZone: 'us-east-1b' },
    };
  }));
  expect(plan.verdict).toBe('UNKNOWN');
  const message = plan.messages.find((m) => m.includes('orders-db is UNKNOWN'));
  expect(message).toMatch(/the address of App\/DbConn is not known, nor its port: stack App: Fn::ImportValue Msk-Brokers: no loaded stack of its account and Region \(111111111111, us-east-1\) exports it/);
  expect(message).not.toMatch(/no default for its type/);
});

describe('regressions found by the property test (test/property/unresolved-values.test.ts)', () => {
  test('the VPC of a secondary block unresolvable: a route more specific than the VPC\'s block no longer loses to a subnet-sized local route', () => {
    // RtA routes 10.1.0.0/20 (inside VPC A's own 10.1.0.0/16) to the peering: the store side is
    // A itself here, so the packet leaves through the peering and never comes back.
    const template = changed((r) => {
      r.SubA2 = subnet(ref('VpcA'), '10.1.4.0/24', 'us-east-1a');
      r.Wrong = route(ref('RtA'), '10.1.0.0/20', { VpcPeeringConnectionId: ref('Pcx') });
      r.DbSubnets.Properties.SubnetIds = [ref('SubA2')];
      r.DbIngress.Properties.CidrIp = '10.1.0.0/16';
    });
    expect(verdictOf(template)).toBe('UNREACHABLE');
    template.Resources.Extra = anyResource('AWS::EC2::VPCCidrBlock', { VpcId: UNRESOLVED, CidrBlock: '172.16.0.0/16' });
    expect(verdictOf(template)).toBe('UNKNOWN');
  });
});

describe('from a CDK app (L1 resources and a CfnParameter without default)', () => {
  // The fixtures' literal zones, ports and unencrypted RDS draw CDK's template warnings: not checked here.
  withoutCdkTemplateCheck();

  function cdkTemplate(build: (stack: Stack) => void): any {
    const app = new App();
    const stack = new Stack(app, 'App', { env: { region: 'us-east-1', account: '111111111111' } });
    build(stack);
    return app.synth().getStackByName('App').template;
  }

  test('a route table association whose table is a parameter: UNKNOWN, not the main table\'s UNREACHABLE', () => {
    const base = peeredApp().Resources;
    const template = cdkTemplate((stack) => {
      const table = new CfnParameter(stack, 'GlueRouteTable', { type: 'String' });
      for (const [logicalId, resource] of Object.entries<any>(base)) {
        if (logicalId === 'AssocA') continue;
        new CfnResource(stack, logicalId, { type: resource.Type, properties: resource.Properties }).overrideLogicalId(logicalId);
      }
      new ec2.CfnSubnetRouteTableAssociation(stack, 'AssocA', { subnetId: 'placeholder', routeTableId: table.valueAsString })
        .addPropertyOverride('SubnetId', { Ref: 'SubA' });
    });
    expect(template.Resources.AssocA.Properties.RouteTableId).toEqual({ Ref: 'GlueRouteTable' });
    expect(verdictOf(template)).toBe('UNKNOWN');
  });

  test('ssm.StringParameter.valueForStringParameter with a version in the JDBC URL, SecretValue.secretsManager as the password: the host is that dynamic reference, the port 5432 (was: host "{{resolve", port "ssm")', () => {
    const base = peeredApp().Resources;
    const template = cdkTemplate((stack) => {
      for (const [logicalId, resource] of Object.entries<any>(base)) {
        if (logicalId === 'DbConn') continue;
        new CfnResource(stack, logicalId, { type: resource.Type, properties: resource.Properties }).overrideLogicalId(logicalId);
      }
      const host = ssm.StringParameter.valueForStringParameter(stack, '/db/host', 3);
      new glue.CfnConnection(stack, 'DbConn', {
        catalogId: '111111111111',
        connectionInput: {
          name: 'orders-db',
          connectionType: 'JDBC',
          connectionProperties: { JDBC_CONNECTION_URL: `jdbc:postgresql://${host}:5432/orders`, PASSWORD: SecretValue.secretsManager('db', { jsonField: 'password' }).unsafeUnwrap() },
        },
      }).overrideLogicalId('DbConn');
    });
    expect(template.Resources.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL).toBe('jdbc:postgresql://{{resolve:ssm:/db/host:3}}:5432/orders');
    const plan = planOf(template);
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).toMatch(/the dynamic reference resolve:ssm:\/db\/host:3, which CloudFormation resolves at deploy time/);
    expect(plan.messages.join('\n')).not.toMatch(/port "ssm"/);
  });
});

/**
 * A dynamic reference built by Fn::Sub or Fn::Join: its text is whole only once the function is
 * evaluated (`{{resolve:ssm:/${Env}/db/host}}`, or CDK's `secret.secretValueFromJson('host')`:
 * Fn::Join of '{{resolve:secretsmanager:', the secret's Ref, ':SecretString:host::}}'). Was: the
 * joined text read as a literal value (host "{{resolve" on port "ssm", a password of that text).
 */
describe('a dynamic reference Fn::Sub or Fn::Join builds is a value known only at deploy time', () => {
  const jdbcUrlOf = (template: any) => template.Resources.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL;

  test.each([
    ['Fn::Sub with a variable inside the reference', { 'Fn::Sub': 'jdbc:postgresql://{{resolve:ssm:/${AWS::Region}/db/host}}:5432/orders' }, /the dynamic reference resolve:ssm:\/us-east-1\/db\/host, which CloudFormation resolves at deploy time/],
    ['Fn::Sub with an unresolved parameter inside the reference', { 'Fn::Sub': 'jdbc:postgresql://{{resolve:ssm:/${NotGiven}/db/host}}:5432/orders' }, /the dynamic reference resolve:ssm:\/<known only at deploy time: [^>]*NotGiven/],
    ['Fn::Join of the pieces of the reference', { 'Fn::Join': ['', ['jdbc:postgresql://{{resolve:ssm:/', { Ref: 'AWS::Region' }, '/db/host}}:5432/orders']] }, /the dynamic reference resolve:ssm:\/us-east-1\/db\/host, which CloudFormation resolves at deploy time/],
  ])('%s: UNKNOWN naming the reference (was: host "{{resolve", port "ssm")', (_, url, message) => {
    const plan = planOf(changed((r) => { r.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL = url; }));
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).not.toMatch(/\{\{resolve|port "ssm"|host "\{\{/);
    expect(plan.messages.join('\n')).toMatch(message);
  });

  test("the connection's AvailabilityZone from Fn::Sub '{{resolve:ssm:/${AWS::Region}/glue-az}}': GNP-CONNECTION-AZ-UNKNOWN and UNKNOWN (was: a zone named by that text, GNP-CONNECTION-AZ-MISMATCH, the connection skipped, UNREACHABLE)", () => {
    const plan = planOf(changed((r) => {
      r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone = { 'Fn::Sub': '{{resolve:ssm:/${AWS::Region}/glue-az}}' };
    }));
    expect(plan.ruleIds).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(plan.ruleIds).toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(plan.verdict).toBe('UNKNOWN');
  });

  test.each([
    ["the store group's rule ports", (r: Record<string, any>) => { r.DbIngress.Properties.FromPort = '{{resolve:ssm:/db/port}}'; r.DbIngress.Properties.ToPort = '{{resolve:ssm:/db/port}}'; },
      /FromPort\/ToPort: port cannot be resolved \(the dynamic reference resolve:ssm:\/db\/port, which CloudFormation resolves at deploy time\)/, /is not a port range/],
    ["the database's Port", (r: Record<string, any>) => { r.Db.Properties.Port = '{{resolve:ssm:/db/port}}'; },
      /Port: the dynamic reference resolve:ssm:\/db\/port, which CloudFormation resolves at deploy time/, /is not a number/],
    ["the store group's rule CIDR", (r: Record<string, any>) => { r.DbIngress.Properties.CidrIp = '{{resolve:ssm:/net/glue-cidr}}'; },
      /CidrIp: the dynamic reference resolve:ssm:\/net\/glue-cidr, which CloudFormation resolves at deploy time/, /" is known only at deploy time/],
  ])('%s from SSM: UNKNOWN, the warning saying it is that reference (was: "is not a port range", "is not a number", the marker quoted "is known only at deploy time")', (_, change, said, notSaid) => {
    const plan = planOf(changed(change));
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.ruleIds).toContain('GNP-INPUT-UNRESOLVED');
    expect(plan.messages.join('\n')).toMatch(said);
    expect(plan.messages.join('\n')).not.toMatch(notSaid);
  });

  test.each([
    ["the connection's AvailabilityZone", (r: Record<string, any>) => {
      r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone = { 'Fn::Select': [1, { 'Fn::Split': [',', '{{resolve:ssm:/net/glue-azs}}'] }] };
    }],
    ["the connection's SubnetId", (r: Record<string, any>) => {
      r.GlueConn.Properties.ConnectionInput.PhysicalConnectionRequirements.SubnetId = { 'Fn::Select': [1, { 'Fn::Split': [',', '{{resolve:ssm:/net/glue-subnets}}'] }] };
    }],
  ])('%s from Fn::Select of Fn::Split of a dynamic reference (an SSM StringList): UNKNOWN (was: a piece of the marker\'s words, " which CloudFormation resolves at deploy time}}", as the value: GNP-CONNECTION-AZ-MISMATCH, UNREACHABLE)', (_, change) => {
    const plan = planOf(changed(change));
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.ruleIds).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(plan.messages.join('\n')).not.toMatch(/\}\}/);
    expect(plan.messages.join('\n')).toMatch(/Fn::Split of a text with a value known only at deploy time \(<known only at deploy time: the dynamic reference resolve:ssm:\/net\/glue-(azs|subnets)/);
  });

  test("CDK's secret.secretValueFromJson('host') in the JDBC URL (Fn::Join with the secret's Ref): UNKNOWN naming the secret's reference", () => {
    const base = peeredApp().Resources;
    const app = new App();
    const stack = new Stack(app, 'App', { env: { region: 'us-east-1', account: '111111111111' } });
    for (const [logicalId, resource] of Object.entries<any>(base)) {
      if (logicalId === 'DbConn') continue;
      new CfnResource(stack, logicalId, { type: resource.Type, properties: resource.Properties }).overrideLogicalId(logicalId);
    }
    const secret = new secretsmanager.Secret(stack, 'DbSecret');
    new glue.CfnConnection(stack, 'DbConn', {
      catalogId: '111111111111',
      connectionInput: {
        name: 'orders-db',
        connectionType: 'JDBC',
        connectionProperties: { JDBC_CONNECTION_URL: `jdbc:postgresql://${secret.secretValueFromJson('host').unsafeUnwrap()}:5432/orders` },
      },
    }).overrideLogicalId('DbConn');
    const template = app.synth().getStackByName('App').template;
    expect(JSON.stringify(jdbcUrlOf(template))).toMatch(/Fn::Join.*\{\{resolve:secretsmanager:".*"Ref".*:SecretString:host::\}\}:5432\/orders/);
    const plan = planOf(template);
    expect(plan.verdict).toBe('UNKNOWN');
    expect(plan.messages.join('\n')).not.toMatch(/\{\{resolve|host "\{\{/);
    expect(plan.messages.join('\n')).toMatch(/the dynamic reference resolve:secretsmanager:<deploy-time value of App\/DbSecret[^>]*>:SecretString:host::, which CloudFormation resolves at deploy time/);
  });
});

describe('PubliclyAccessible that cannot be resolved', () => {
  test('stays unknown on the store (not false), with one finding at the parameter', () => {
    const model = modelOfTemplate(changed((r) => { r.Db.Properties.PubliclyAccessible = UNRESOLVED; }));
    const db = model.dataStores.get('App/Db')!;
    expect(db.publiclyAccessibleUnknown).toMatch(/NotGiven/);
    expect(db.publiclyAccessible).toBe(false);
  });

  test('a literal value is known', () => {
    const model = modelOfTemplate(changed((r) => { r.Db.Properties.PubliclyAccessible = true; }));
    expect(model.dataStores.get('App/Db')).toMatchObject({ publiclyAccessible: true });
    expect(model.dataStores.get('App/Db')!.publiclyAccessibleUnknown).toBeUndefined();
  });
});

describe('a job whose kind or size cannot be resolved: what depends on it is UNKNOWN, never glueetl by default', () => {
  /** The app with the job given these properties (and the Glue subnet this CIDR). */
  const withJob = (job: Record<string, unknown>, glueCidr?: string) => changed((r) => {
    Object.assign(r.Job.Properties, job);
    for (const [key, value] of Object.entries(job)) if (value === undefined) delete r.Job.Properties[key];
    if (glueCidr) r.SubA.Properties.CidrBlock = glueCidr;
  });
  const command = (name: unknown) => ({ Name: name, ScriptLocation: 's3://bucket/etl.py' });

  describe('Command.Name decides whether the job runs in a VPC (a Ray job does not)', () => {
    test.each<[string, unknown, Verdict]>([
      ['glueetl', 'glueetl', 'REACHABLE'],
      ['gluestreaming', 'gluestreaming', 'REACHABLE'],
      ['pythonshell', 'pythonshell', 'REACHABLE'],
      ['glueray', 'glueray', 'UNREACHABLE'],
      ['a parameter given no value', UNRESOLVED, 'UNKNOWN'],
    ])('Command.Name %s', (_what, name, verdict) => {
      expect(verdictOf(withJob({ Command: command(name) }))).toBe(verdict);
    });

    test('the unknown kind is named in a GNP-JOB-KIND-UNKNOWN warning that says how to give it, and the parameter once', () => {
      const { ruleIds, messages } = planOf(withJob({ Command: command(UNRESOLVED) }));
      expect(ruleIds).toContain('GNP-JOB-KIND-UNKNOWN');
      expect(ruleIds).not.toContain('GNP-RAY-VPC');
      expect(messages.find((m) => m.startsWith('The kind of job etl is unknown'))).toMatch(/parameter NotGiven has no default.*Ray job \(glueray\) does not run in your VPCs/);
      expect(messages.filter((m) => m.includes('Parameter NotGiven'))).toHaveLength(1);
      const plan = buildPlan(modelOfTemplate(withJob({ Command: command(UNRESOLVED) })), { failover: false });
      const store = plan.jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn')!;
      expect(store.explanations.map((e) => e.code)).toContain('JOB_KIND_UNKNOWN');
      expect(plan.findings.concat(plan.jobs[0].findings).find((f) => f.ruleId === 'GNP-JOB-KIND-UNKNOWN')?.fix).toMatch(/glueetl, gluestreaming, pythonshell, glueray.*--parameters Key=Value/);
    });

    test.each<[string, Record<string, unknown>]>([
      ['no Command', { Command: undefined }],
      ['a Command without Name (AWS documents no default)', { Command: { ScriptLocation: 's3://bucket/etl.py' } }],
      ['a Command.Name that is no job kind', { Command: command('spark') }],
      ['a Command that is not an object', { Command: 'glueetl' }],
    ])('%s: UNKNOWN, with the value named', (_what, job) => {
      const { verdict, ruleIds, messages } = planOf(withJob(job));
      expect(verdict).toBe('UNKNOWN');
      expect(ruleIds).toEqual(expect.arrayContaining(['GNP-JOB-KIND-UNKNOWN', 'GNP-INPUT-UNRESOLVED']));
      expect(messages).toContainEqual(expect.stringMatching(/App\/Job \(AWS::Glue::Job\): Command\.Name: /));
    });

    test('a Ray job stays UNREACHABLE whatever else is unknown: unknown kind does not turn UNREACHABLE into REACHABLE', () => {
      const blocked = withJob({ Command: command(UNRESOLVED) });
      blocked.Resources.DbIngress.Properties.FromPort = 3306;
      blocked.Resources.DbIngress.Properties.ToPort = 3306;
      expect(verdictOf(blocked)).toBe('UNREACHABLE');
    });
  });

  describe('the kind and the workers decide how many ENIs a run needs (/28: 11 free addresses)', () => {
    const workers = (count: unknown, type: unknown = 'G.1X') => ({ WorkerType: type, NumberOfWorkers: count });

    test.each<[string, Record<string, unknown>, Verdict, string | undefined]>([
      ['a Spark job of 9 G.1X workers (11 ENIs) fits', { Command: command('glueetl'), ...workers(9) }, 'REACHABLE', undefined],
      ['a Spark job of 20 G.1X workers (22 ENIs) does not', { Command: command('glueetl'), ...workers(20) }, 'UNREACHABLE', 'GNP-SUBNET-TOO-SMALL'],
      ['a Python shell job uses 1 ENI', { Command: command('pythonshell'), WorkerType: undefined, NumberOfWorkers: undefined, MaxCapacity: 0.0625 }, 'REACHABLE', undefined],
      ['an unknown kind with 20 workers: 1 ENI (Python shell) to 22', { Command: command(UNRESOLVED), ...workers(20) }, 'UNKNOWN', 'GNP-SUBNET-CAPACITY-UNKNOWN'],
      ['an unresolved number of workers is not Glue\'s default 10 DPUs', { Command: command('glueetl'), ...workers(UNRESOLVED) }, 'UNKNOWN', 'GNP-SUBNET-CAPACITY-UNKNOWN'],
      ['an unresolved worker type with 10 workers: 11 (Standard) or 12 ENIs', { Command: command('glueetl'), ...workers(10, UNRESOLVED) }, 'UNKNOWN', 'GNP-SUBNET-CAPACITY-UNKNOWN'],
      ['an unresolved worker type with 9 workers: 10 or 11 ENIs, both fit', { Command: command('glueetl'), ...workers(9, UNRESOLVED) }, 'REACHABLE', undefined],
      ['an unresolved MaxCapacity', { Command: command('glueetl'), WorkerType: undefined, NumberOfWorkers: undefined, MaxCapacity: UNRESOLVED }, 'UNKNOWN', 'GNP-SUBNET-CAPACITY-UNKNOWN'],
    ])('%s', (_what, job, verdict, ruleId) => {
      const { verdict: got, ruleIds } = planOf(withJob(job, '10.1.1.0/28'));
      expect(got).toBe(verdict);
      if (ruleId) expect(ruleIds).toContain(ruleId);
      if (verdict !== 'UNREACHABLE') expect(ruleIds).not.toContain('GNP-SUBNET-TOO-SMALL');
    });

    test('the capacity warning says what a run may need and where', () => {
      const { messages } = planOf(withJob({ Command: command('glueetl'), ...workers(UNRESOLVED) }, '10.1.1.0/28'));
      expect(messages).toContainEqual(expect.stringMatching(/^Job etl: Glue selects connection glue-net, where App\/SubA \(10\.1\.1\.0\/28\) has 11 free addresses, and one run needs 1 or more ENIs \(NumberOfWorkers is unknown: stack App: parameter NotGiven/));
    });
  });

  describe('from a CDK app', () => {
    withoutCdkTemplateCheck();
    test('a CfnJob whose command name is a CfnParameter: UNKNOWN until the parameter is given', () => {
      const app = new App();
      const stack = new Stack(app, 'App', { env: { region: 'us-east-1', account: '111111111111' } });
      const kind = new CfnParameter(stack, 'JobKind', { type: 'String', allowedValues: ['glueetl', 'glueray'] });
      for (const [logicalId, resource] of Object.entries<any>(peeredApp().Resources)) {
        if (logicalId === 'Job') continue;
        new CfnResource(stack, logicalId, { type: resource.Type, properties: resource.Properties }).overrideLogicalId(logicalId);
      }
      new glue.CfnJob(stack, 'Job', {
        name: 'etl',
        role: 'arn:aws:iam::111111111111:role/glue',
        command: { name: kind.valueAsString, scriptLocation: 's3://bucket/etl.py' },
        connections: { connections: [{ Ref: 'GlueConn' } as any, { Ref: 'DbConn' } as any] },
        workerType: 'G.1X',
        numberOfWorkers: 2,
      }).overrideLogicalId('Job');
      const template = app.synth().getStackByName('App').template;
      expect(verdictOf(template)).toBe('UNKNOWN');
      const given = (value: string) => buildPlan(buildModel([{ stackName: 'App', template, region: 'us-east-1', account: '111111111111', givenParameters: { JobKind: value } }]), { failover: false })
        .jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn')?.verdict;
      expect(given('glueetl')).toBe('REACHABLE');
      expect(given('glueray')).toBe('UNREACHABLE');
    });
  });
});

describe("Secrets Manager's interface endpoint: one the templates do not fully resolve is UNKNOWN, never the error nor a pass", () => {
  /** The peered app whose database connection reads its credentials from Secrets Manager, through an endpoint in VPC A. */
  const withSecretsEndpoint = (change: (endpoint: Record<string, any>, template: any) => void = () => {}) => changed((r, template) => {
    r.DbConn.Properties.ConnectionInput.ConnectionProperties.SECRET_ID = 'orders-db-credentials';
    r.EndpointSg = securityGroup(ref('VpcA'), { SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.1.0.0/16' }] });
    r.SecretsEndpoint = anyResource('AWS::EC2::VPCEndpoint', {
      VpcId: ref('VpcA'),
      ServiceName: 'com.amazonaws.us-east-1.secretsmanager',
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: [ref('SubA')],
      SecurityGroupIds: [getAtt('EndpointSg', 'GroupId')],
    });
    change(r.SecretsEndpoint, template);
  });
  const secretsFindings = (template: any) => planOf(template).ruleIds.filter((id) => /SECRETS-PATH|SERVICE-PATH/.test(id));

  test('the baseline: the endpoint serves the Glue subnet, no finding', () => {
    expect(secretsFindings(withSecretsEndpoint())).toEqual([]);
  });

  test.each<[string, (endpoint: Record<string, any>, template: any) => void]>([
    ['its VpcId is unresolved', (e) => { e.Properties.VpcId = UNRESOLVED; }],
    ['its VpcId is imported from a stack not read', (e) => { e.Properties.VpcId = { 'Fn::ImportValue': 'network-VpcA' }; }],
    ['its VpcEndpointType is unresolved', (e) => { e.Properties.VpcEndpointType = UNRESOLVED; }],
    ['its Condition cannot be decided', (e, template) => { template.Conditions = { Shared: { 'Fn::Equals': [UNRESOLVED, 'yes'] } }; e.Condition = 'Shared'; }],
  ])('%s: GNP-CONNECTION-SERVICE-PATH-UNKNOWN (a warning naming the endpoint)', (_what, change) => {
    const template = withSecretsEndpoint(change);
    expect(secretsFindings(template)).toEqual(['GNP-CONNECTION-SERVICE-PATH-UNKNOWN']);
    expect(planOf(template).messages.join('\n')).toMatch(/App\/SecretsEndpoint may be an interface endpoint for Secrets Manager/);
  });

  test('an endpoint of unresolved VPC with private DNS off cannot be the path: still the error', () => {
    const template = withSecretsEndpoint((e) => { e.Properties.VpcId = UNRESOLVED; e.Properties.PrivateDnsEnabled = false; });
    expect(secretsFindings(template)).toEqual(['GNP-CONNECTION-NO-SECRETS-PATH']);
  });
});

describe("the S3 path through the Glue subnet's network ACL: an entry that cannot be resolved is UNKNOWN, not GNP-CONNECTION-S3-ACL", () => {
  /** The peered app with an ACL on the Glue subnet admitting all traffic both ways (as the default ACL does). */
  const withGlueAcl = (change: (outbound: Record<string, any>) => void = () => {}) => changed((r) => {
    r.NaclA = anyResource('AWS::EC2::NetworkAcl', { VpcId: ref('VpcA') });
    r.NaclAAssoc = anyResource('AWS::EC2::SubnetNetworkAclAssociation', { SubnetId: ref('SubA'), NetworkAclId: ref('NaclA') });
    for (const [id, egressEntry] of [['NaclAIn', false], ['NaclAOut', true]] as const) {
      r[id] = anyResource('AWS::EC2::NetworkAclEntry', { NetworkAclId: ref('NaclA'), RuleNumber: 100, Protocol: -1, RuleAction: 'allow', Egress: egressEntry, CidrBlock: '0.0.0.0/0' });
    }
    change(r.NaclAOut.Properties);
  });
  const s3Findings = (template: any) => planOf(template).ruleIds.filter((id) => /S3-ACL|SERVICE-PATH/.test(id));

  test('the baseline: no finding', () => {
    expect(s3Findings(withGlueAcl())).toEqual([]);
  });

  test.each<[string, (outbound: Record<string, any>) => void]>([
    ['action', (e) => { e.RuleAction = UNRESOLVED; }],
    ['protocol', (e) => { e.Protocol = UNRESOLVED; }],
    ['rule number', (e) => { e.RuleNumber = UNRESOLVED; }],
  ])('the outbound entry\'s %s unresolved: GNP-CONNECTION-SERVICE-PATH-UNKNOWN naming the entry', (_what, change) => {
    const template = withGlueAcl(change);
    expect(s3Findings(template)).toEqual(['GNP-CONNECTION-SERVICE-PATH-UNKNOWN']);
    expect(planOf(template).messages.join('\n')).toMatch(/rule \d+ of App\/NaclA may match \(App\/NaclAOut/);
  });

  test('the baseline with the outbound entry denying: still the error', () => {
    expect(s3Findings(withGlueAcl((e) => { e.RuleAction = 'deny'; }))).toEqual(['GNP-CONNECTION-S3-ACL']);
  });
});

describe("Glue's own security group checks: a rule whose group cannot be resolved never hides a missing self-reference or egress", () => {
  /** A rule of a group imported from a stack not read (the database team's): it may belong to any group, the Glue group too. */
  const onImportedGroup = (type: 'Ingress' | 'Egress', rule: Record<string, unknown>) =>
    anyResource(`AWS::EC2::SecurityGroup${type}`, { GroupId: { 'Fn::ImportValue': 'shared-db-sg' }, ...rule });
  const glueFindings = (template: any) => planOf(template).ruleIds.filter((id) => /^GNP-SG-/.test(id));

  test('no self-referencing rule, and TCP 5432 from the Glue group on the imported group: still GNP-SG-NO-SELF-REFERENCE', () => {
    const template = changed((r) => {
      delete r.GlueSelf;
      r.GlueToSharedDb = onImportedGroup('Ingress', { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') });
    });
    expect(glueFindings(template)).toEqual(['GNP-SG-NO-SELF-REFERENCE']);
  });

  test('all TCP from the Glue group on the imported group may be the self-reference (if the import is the Glue group): no error', () => {
    const template = changed((r) => {
      delete r.GlueSelf;
      r.GlueToSharedDb = onImportedGroup('Ingress', { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') });
    });
    expect(glueFindings(template)).toEqual([]);
  });

  test('all traffic from the VPC instead of the self-reference, its protocol unresolved: undecided, not GNP-SG-NO-SELF-REFERENCE', () => {
    const template = changed((r) => {
      delete r.GlueSelf;
      r.GlueFromVpc = ingress(getAtt('GlueSg', 'GroupId'), { IpProtocol: '-1', CidrIp: '10.1.0.0/16' });
    });
    expect(glueFindings(template)).toEqual(['GNP-SG-SELF-REFERENCE-CIDR']);
    template.Resources.GlueFromVpc.Properties.IpProtocol = UNRESOLVED;
    expect(glueFindings(template)).toEqual([]);
  });

  test('egress only HTTPS, and TCP 5432 out of the imported group: still GNP-SG-EGRESS', () => {
    const template = changed((r) => {
      r.GlueSg.Properties.SecurityGroupEgress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }];
      r.SharedDbOut = onImportedGroup('Egress', { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: getAtt('DbSg', 'GroupId') });
    });
    expect(glueFindings(template)).toEqual(['GNP-SG-EGRESS']);
  });
});

describe("the DNS settings of the Glue ENIs' VPC: unresolved, a store named by DNS is UNKNOWN, never a pass", () => {
  const dbFindings = (template: any) => {
    const plan = buildPlan(modelOfTemplate(template), { failover: false });
    const store = plan.jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn')!;
    return { store, findings: [...plan.findings, ...plan.jobs[0].findings] };
  };

  test.each([
    ['EnableDnsHostnames from a parameter without value', (r: any) => { r.VpcA.Properties.EnableDnsHostnames = UNRESOLVED; }, 'EnableDnsHostnames'],
    ['EnableDnsSupport from a parameter without value', (r: any) => { r.VpcA.Properties.EnableDnsSupport = UNRESOLVED; }, 'EnableDnsSupport'],
    ['EnableDnsHostnames under an undecidable condition', (r: any, t: any) => {
      t.Conditions = { Dns: { 'Fn::Equals': [UNRESOLVED, 'on'] } };
      r.VpcA.Properties.EnableDnsHostnames = { 'Fn::If': ['Dns', true, false] };
    }, 'EnableDnsHostnames'],
    ['EnableDnsSupport from an SSM parameter', (r: any, t: any) => {
      t.Parameters.DnsFromSsm = { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/net/dns' };
      r.VpcA.Properties.EnableDnsSupport = ref('DnsFromSsm');
    }, 'EnableDnsSupport'],
  ])('%s', (_name, change, attribute) => {
    const { store, findings } = dbFindings(changed(change));
    expect(store.verdict).toBe('UNKNOWN');
    const dns = store.explanations.find((e) => e.code === 'VPC_DNS_UNKNOWN');
    expect(dns?.message).toContain(`${attribute} of App/VpcA`);
    expect(dns?.fix).toMatch(/--parameters/);
    expect(dns?.fix).toMatch(/--facts/);
    const warning = findings.find((f) => f.ruleId === 'GNP-VPC-DNS-UNKNOWN');
    expect(warning).toMatchObject({ severity: 'warning', source: { logicalId: 'VpcA' } });
    expect(warning?.message).toContain(attribute);
  });

  test('the baseline (both literal true): REACHABLE, no DNS finding', () => {
    const { store, findings } = dbFindings(peeredApp());
    expect(store.verdict).toBe('REACHABLE');
    expect(findings.map((f) => f.ruleId).filter((id) => id.startsWith('GNP-VPC-DNS'))).toEqual([]);
  });

  test("the store's own VPC does not resolve names for Glue: its unresolved setting leaves the verdict REACHABLE", () => {
    expect(verdictOf(changed((r) => { r.VpcB.Properties.EnableDnsHostnames = UNRESOLVED; }))).toBe('REACHABLE');
  });

  test('a store named by IP address does not need DNS: the unresolved setting is a warning only', () => {
    const template = changed((r) => {
      r.VpcA.Properties.EnableDnsHostnames = UNRESOLVED;
      r.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL = 'jdbc:postgresql://10.2.1.10:5432/orders';
    });
    const { store, findings } = dbFindings(template);
    expect(store.explanations.map((e) => e.code)).not.toContain('VPC_DNS_UNKNOWN');
    expect(findings.map((f) => f.ruleId)).toContain('GNP-VPC-DNS-UNKNOWN');
  });
});

describe('MaxConcurrentRuns that cannot be resolved: concurrent-run IP pressure is undecided, never counted as 1 run', () => {
  // The job: 2 G.1X workers, 4 ENIs a run; App/SubA is a /24 (251 usable addresses).
  const withRuns = (runs: unknown) => changed((r, t) => {
    t.Conditions = { Busy: { 'Fn::Equals': [UNRESOLVED, 'busy'] } };
    r.Job.Properties.ExecutionProperty = { MaxConcurrentRuns: runs };
  });

  test.each<[string, unknown]>([
    ['a parameter without value', UNRESOLVED],
    ['an undecidable condition', { 'Fn::If': ['Busy', 100, 1] }],
  ])('from %s: GNP-SUBNET-IP-PRESSURE-UNKNOWN naming the job, its MaxConcurrentRuns and how to give it', (_what, runs) => {
    const plan = buildPlan(modelOfTemplate(withRuns(runs)), { failover: false });
    const findings = [...plan.findings, ...plan.jobs[0].findings];
    expect(findings.map((f) => f.ruleId)).not.toContain('GNP-SUBNET-IP-PRESSURE');
    const undecided = findings.filter((f) => f.ruleId === 'GNP-SUBNET-IP-PRESSURE-UNKNOWN');
    expect(undecided).toHaveLength(1);
    expect(undecided[0]).toMatchObject({ severity: 'warning', source: { logicalId: 'SubA' } });
    expect(undecided[0].message).toMatch(/App\/SubA has 251 usable addresses/);
    expect(undecided[0].message).toMatch(/MaxConcurrentRuns of job etl is not resolved \(.*NotGiven/);
    expect(undecided[0].message).toMatch(/4 ENIs a run/);
    expect(undecided[0].fix).toMatch(/ExecutionProperty\.MaxConcurrentRuns.*--parameters/);
  });

  test('the model keeps it unknown (not 1), and so is an ExecutionProperty that is itself unresolved', () => {
    expect(modelOfTemplate(withRuns(UNRESOLVED)).jobs.get('App/Job')?.maxConcurrentRuns).toEqual({ known: false, reason: expect.stringContaining('NotGiven') });
    const whole = changed((r) => { r.Job.Properties.ExecutionProperty = UNRESOLVED; });
    expect(modelOfTemplate(whole).jobs.get('App/Job')?.maxConcurrentRuns).toEqual({ known: false, reason: expect.stringContaining('NotGiven') });
    expect(planOf(whole).ruleIds).toContain('GNP-SUBNET-IP-PRESSURE-UNKNOWN');
  });

  test.each<[string, unknown, boolean]>([
    ['3 runs x 4 ENIs = 12 of 251: nothing to report', 3, false],
    ['63 runs x 4 ENIs = 252 of 251: GNP-SUBNET-IP-PRESSURE', 63, true],
  ])('a literal: %s', (_what, runs, pressure) => {
    const { ruleIds } = planOf(withRuns(runs));
    expect(ruleIds.includes('GNP-SUBNET-IP-PRESSURE')).toBe(pressure);
    expect(ruleIds).not.toContain('GNP-SUBNET-IP-PRESSURE-UNKNOWN');
  });

  test('no ExecutionProperty is the documented default of 1 run: nothing to report', () => {
    const { ruleIds } = planOf(peeredApp());
    expect(ruleIds.filter((id) => id.startsWith('GNP-SUBNET-IP-PRESSURE'))).toEqual([]);
  });
});

describe('a customer-managed prefix list defined in the app (AWS::EC2::PrefixList): its entries are read', () => {
  const prefixList = (entries: unknown, props: Record<string, unknown> = {}) =>
    anyResource('AWS::EC2::PrefixList', { PrefixListName: 'glue-subnets', AddressFamily: 'IPv4', MaxEntries: 5, Entries: entries, ...props });
  /** The database's group admits 5432 from the prefix list instead of the Glue subnet's CIDR. */
  const dbFromPrefixList = (entries: unknown, props: Record<string, unknown> = {}, peer: unknown = ref('GluePl')) => changed((r) => {
    r.GluePl = prefixList(entries, props);
    delete r.DbIngress.Properties.CidrIp;
    r.DbIngress.Properties.SourcePrefixListId = peer;
  });

  describe('from a CDK app: L1 CfnPrefixList, ec2.Peer.prefixList(pl.ref) on the store\'s group', () => {
    withoutCdkTemplateCheck();
    const cdkApp = (cidrs: string[]) => {
      const base = peeredApp().Resources;
      const app = new App();
      const stack = new Stack(app, 'App', { env: { region: 'us-east-1', account: '111111111111' } });
      new CfnParameter(stack, 'NotGiven', { type: 'String' });
      for (const [logicalId, resource] of Object.entries<any>(base)) {
        if (logicalId === 'DbIngress') continue;
        new CfnResource(stack, logicalId, { type: resource.Type, properties: resource.Properties }).overrideLogicalId(logicalId);
      }
      const pl = new ec2.CfnPrefixList(stack, 'GlueSubnets', {
        prefixListName: 'glue-subnets', addressFamily: 'IPv4', maxEntries: 5, entries: cidrs.map((cidr) => ({ cidr, description: 'Glue ENIs' })),
      });
      const dbGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbGroup', (stack.node.findChild('DbSg') as CfnResource).getAtt('GroupId').toString());
      dbGroup.addIngressRule(ec2.Peer.prefixList(pl.ref), ec2.Port.tcp(5432), 'Glue to the database');
      return app.synth().getStackByName('App').template;
    };

    test('the prefix list holds the Glue subnet: REACHABLE', () => {
      const template = cdkApp(['10.9.0.0/16', '10.1.1.0/24']);
      expect(Object.values<any>(template.Resources).filter((r) => r.Properties?.SourcePrefixListId)).toEqual([
        expect.objectContaining({ Type: 'AWS::EC2::SecurityGroupIngress', Properties: expect.objectContaining({ SourcePrefixListId: { Ref: 'GlueSubnets' } }) }),
      ]);
      expect(verdictOf(template)).toBe('REACHABLE');
    });

    test('the prefix list holds another range only: UNREACHABLE', () => {
      expect(verdictOf(cdkApp(['10.9.0.0/16']))).toBe('UNREACHABLE');
    });
  });

  describe('security group rules (hand-written templates)', () => {
    test.each<[string, any, Verdict]>([
      ['an entry covering the Glue subnet, inline Ref', dbFromPrefixList([{ Cidr: '10.1.0.0/16', Description: 'VPC A' }]), 'REACHABLE'],
      ['the same through Fn::GetAtt PrefixListId', dbFromPrefixList([{ Cidr: '10.1.0.0/16' }], {}, getAtt('GluePl', 'PrefixListId')), 'REACHABLE'],
      ['no entry covers the Glue subnet', dbFromPrefixList([{ Cidr: '10.9.0.0/16' }, { Cidr: '10.1.2.0/24' }]), 'UNREACHABLE'],
      ['no entries at all: the rule admits nothing', dbFromPrefixList(undefined), 'UNREACHABLE'],
      ['an IPv6 prefix list admits no IPv4 traffic', dbFromPrefixList([{ Cidr: '2001:db8::/32' }], { AddressFamily: 'IPv6' }), 'UNREACHABLE'],
      ['an entry from a parameter without value', dbFromPrefixList([{ Cidr: '10.9.0.0/16' }, { Cidr: UNRESOLVED }]), 'UNKNOWN'],
      ['Entries from a parameter without value', dbFromPrefixList(UNRESOLVED), 'UNKNOWN'],
      ['AddressFamily from a parameter without value', dbFromPrefixList([{ Cidr: '10.9.0.0/16' }], { AddressFamily: UNRESOLVED }), 'UNKNOWN'],
      ['an AWS-managed or imported prefix list (pl-...): contents not in the inputs', dbFromPrefixList([], {}, 'pl-0123456789abcdef0'), 'UNKNOWN'],
    ])('%s', (_what, template, verdict) => {
      expect(verdictOf(template)).toBe(verdict);
    });

    test('a known entry that covers the subnet decides, whatever the unresolved one is', () => {
      expect(verdictOf(dbFromPrefixList([{ Cidr: '10.1.1.0/24' }, { Cidr: UNRESOLVED }]))).toBe('REACHABLE');
    });

    test('an inline rule of the group reads the prefix list the same way', () => {
      const inline = (cidr: string) => changed((r) => {
        r.GluePl = prefixList([{ Cidr: cidr }]);
        delete r.DbIngress;
        r.DbSg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourcePrefixListId: ref('GluePl') }];
      });
      expect(verdictOf(inline('10.1.1.0/24'))).toBe('REACHABLE');
      expect(verdictOf(inline('10.9.1.0/24'))).toBe('UNREACHABLE');
    });

    test('the unresolved entry is named in a GNP-INPUT-UNRESOLVED warning', () => {
      const { messages } = planOf(dbFromPrefixList([{ Cidr: UNRESOLVED }]));
      expect(messages).toContainEqual(expect.stringMatching(/App\/GluePl.*Entries\[0\]\.Cidr/));
    });
  });

  describe('routes to a prefix list (DestinationPrefixListId)', () => {
    /** VPC A's route to VPC B goes to the prefix list instead of B's CIDR. */
    const routeThroughPrefixList = (entries: unknown, extra: (r: Record<string, any>) => void = () => undefined) => changed((r) => {
      r.PeersPl = prefixList(entries);
      delete r.RouteAB.Properties.DestinationCidrBlock;
      r.RouteAB.Properties.DestinationPrefixListId = ref('PeersPl');
      extra(r);
    });

    test.each<[string, any, Verdict]>([
      ['an entry covering VPC B', routeThroughPrefixList([{ Cidr: '10.3.0.0/16' }, { Cidr: '10.2.0.0/16' }]), 'REACHABLE'],
      ['no entry covers VPC B: no route', routeThroughPrefixList([{ Cidr: '10.3.0.0/16' }]), 'UNREACHABLE'],
      ['an entry from a parameter without value', routeThroughPrefixList([{ Cidr: UNRESOLVED }]), 'UNKNOWN'],
      ['a static route to the same CIDR wins over the prefix list route (VPC route priority)', routeThroughPrefixList([{ Cidr: '10.2.0.0/16' }], (r) => {
        r.RouteAB.Properties.VpcPeeringConnectionId = undefined;
        r.RouteAB.Properties.GatewayId = 'igw-0abc';
        delete r.RouteAB.Properties.VpcPeeringConnectionId;
        r.RouteAB2 = route(ref('RtA'), '10.2.0.0/16', { VpcPeeringConnectionId: ref('Pcx') });
      }), 'REACHABLE'],
      ['two prefix lists with the same CIDR to different targets: which one AWS uses is not documented', routeThroughPrefixList([{ Cidr: '10.2.0.0/16' }], (r) => {
        r.OtherPl = prefixList([{ Cidr: '10.2.0.0/16' }]);
        r.RouteOther = anyResource('AWS::EC2::Route', { RouteTableId: ref('RtA'), DestinationPrefixListId: ref('OtherPl'), GatewayId: 'igw-0abc' });
      }), 'UNKNOWN'],
    ])('%s', (_what, template, verdict) => {
      expect(verdictOf(template)).toBe(verdict);
    });

    test('a route to a pl-... list (not defined by the templates): UNKNOWN, and the fix says what is read and how to give the rest', () => {
      const template = changed((r) => {
        delete r.RouteAB.Properties.DestinationCidrBlock;
        r.RouteAB.Properties.DestinationPrefixListId = 'pl-0123456789abcdef0';
      });
      const plan = buildPlan(modelOfTemplate(template), { failover: false });
      const store = plan.jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn')!;
      expect(store.verdict).toBe('UNKNOWN');
      const unknownRoute = store.explanations.find((e) => e.code === 'UNKNOWN_ROUTE')!;
      expect(unknownRoute.message).toMatch(/destination is prefix list pl-0123456789abcdef0, whose entries the inputs do not hold/);
      expect(unknownRoute.fix).not.toMatch(/not modelled/);
      expect(unknownRoute.fix).toMatch(/A prefix list the templates define \(AWS::EC2::PrefixList\) is read entry by entry; a pl-\.\.\. id .* is not: define the list in the templates, or give the route's CIDRs in --facts/);
    });

    describe('against the routes quota, a route to a prefix list counts as its MaxEntries, not its entries', () => {
      /** VPC A's table routes to the prefix list `Pl` (one entry, `MaxEntries`) and to 10.2.0.0/16. */
      const quotaCase = (list: Record<string, unknown>, destination: unknown = ref('Pl')) => changed((r) => {
        r.Pl = prefixList([{ Cidr: '192.168.0.0/24' }], list);
        r.ToPl = anyResource('AWS::EC2::Route', { RouteTableId: ref('RtA'), DestinationPrefixListId: destination, TransitGatewayId: 'tgw-0onpremises' });
      });
      const rtA = (template: any) => {
        const m = modelOfTemplate(template);
        const plan = buildPlan(m, { failover: false, quotas: { routesPerRouteTable: 50 } });
        return plan.findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-ROUTES') && f.source.logicalId === 'RtA').map((f) => `${f.ruleId}: ${f.message}`);
      };

      test('MaxEntries 48: with the route to VPC B and the S3 endpoint it is 50, the quota; 49 is over it', () => {
        expect(rtA(quotaCase({ MaxEntries: 48 }))).toEqual([]);
        expect(rtA(quotaCase({ MaxEntries: '49' }))).toEqual([expect.stringMatching(/^GNP-QUOTA-ROUTES: App\/RtA has 51 routes \(a route to a prefix list counts as its maximum entries/)]);
      });

      test('an IPv6 list counts against the IPv6 routes quota, which is apart: not here', () => {
        expect(rtA(quotaCase({ MaxEntries: 900, AddressFamily: 'IPv6', Entries: [{ Cidr: '2001:db8::/32' }] }))).toEqual([]);
      });

      test('MaxEntries from a parameter without value, or a pl-... list: GNP-QUOTA-ROUTES-UNKNOWN, not a weight of 1', () => {
        expect(rtA(quotaCase({ MaxEntries: UNRESOLVED }))).toEqual([expect.stringMatching(/^GNP-QUOTA-ROUTES-UNKNOWN: Whether App\/RtA stays within the account's quota of 50 .*: besides 2 routes, it routes to prefix list App\/Pl \(its MaxEntries cannot be resolved/)]);
        expect(rtA(quotaCase({}, 'pl-0123456789abcdef0'))).toEqual([expect.stringMatching(/^GNP-QUOTA-ROUTES-UNKNOWN: .*prefix list pl-0123456789abcdef0 \(not defined by the templates: its maximum entries are not in the inputs\)/)]);
      });

      test('a route to a pl-... list whose RouteTableId cannot be resolved: the warning says the route may be in the table, not that it is', () => {
        const template = changed((r) => {
          r.ToPl = anyResource('AWS::EC2::Route', { RouteTableId: { 'Fn::ImportValue': 'shared-table' }, DestinationPrefixListId: 'pl-0123456789abcdef0', TransitGatewayId: 'tgw-0onpremises' });
        });
        expect(rtA(template)).toEqual([expect.stringMatching(/^GNP-QUOTA-ROUTES-UNKNOWN: .*prefix list pl-0123456789abcdef0 \(not defined by the templates: its maximum entries are not in the inputs; App\/ToPl may be in this table: its RouteTableId cannot be resolved/)]);
      });
    });
  });
});

describe("DNS support known off in the Glue ENIs' VPC: a store named by DNS is not REACHABLE beside GNP-VPC-DNS", () => {
  const dnsOff = (r: any) => { r.VpcA.Properties.EnableDnsSupport = false; };
  const storeOf = (template: any) => buildPlan(modelOfTemplate(template), { failover: false }).jobs[0].dataStores.find((s) => s.connection.id === 'App/DbConn')!;

  test('default DHCP options (AmazonProvidedDNS): UNREACHABLE (was REACHABLE), VPC_DNS_DISABLED naming the VPC and the fix', () => {
    const s = storeOf(changed(dnsOff));
    expect(s.paths.map((p) => p.verdict)).toEqual(['REACHABLE']);
    expect(s.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.code === 'VPC_DNS_DISABLED')!;
    expect(e.message).toMatch(/VPC App\/VpcA, where Glue's ENIs are, has enableDnsSupport false/);
    expect(e.message).toMatch(/its DHCP options set names AmazonProvidedDNS only: the Region's default set when the templates associate none, assuming none is associated outside them/);
    expect(e.fix).toMatch(/Set EnableDnsSupport: true on App\/VpcA/);
    expect(planOf(changed(dnsOff)).ruleIds).toContain('GNP-VPC-DNS');
  });

  test('a DHCP options set of AmazonProvidedDNS associated with the VPC: UNREACHABLE too', () => {
    const s = storeOf(changed((r) => {
      dnsOff(r);
      r.Dhcp = anyResource('AWS::EC2::DHCPOptions', { DomainNameServers: ['AmazonProvidedDNS'] });
      r.DhcpAssoc = anyResource('AWS::EC2::VPCDHCPOptionsAssociation', { VpcId: ref('VpcA'), DhcpOptionsId: ref('Dhcp') });
    }));
    expect(s.verdict).toBe('UNREACHABLE');
    // (Not "the default": the set is the app's own.)
    expect(s.explanations.find((x) => x.code === 'VPC_DNS_DISABLED')?.message).not.toMatch(/are the default/);
  });

  test('a DHCP options set of AmazonProvidedDNS and a server of its own: UNKNOWN, saying the servers are not the Amazon-provided one alone', () => {
    const s = storeOf(changed((r) => {
      dnsOff(r);
      r.Dhcp = anyResource('AWS::EC2::DHCPOptions', { DomainNameServers: ['AmazonProvidedDNS', '10.1.0.53'] });
      r.DhcpAssoc = anyResource('AWS::EC2::VPCDHCPOptionsAssociation', { VpcId: ref('VpcA'), DhcpOptionsId: ref('Dhcp') });
    }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((x) => x.code === 'VPC_DNS_DISABLED')?.message).toMatch(/DNS servers are not the Amazon-provided DNS server alone/);
  });

  test('DNS servers of its own in the VPC\'s DHCP options set: UNKNOWN (they may resolve the name), saying so', () => {
    const s = storeOf(changed((r) => {
      dnsOff(r);
      r.Dhcp = anyResource('AWS::EC2::DHCPOptions', { DomainNameServers: ['10.1.0.53'] });
      r.DhcpAssoc = anyResource('AWS::EC2::VPCDHCPOptionsAssociation', { VpcId: ref('VpcA'), DhcpOptionsId: ref('Dhcp') });
    }));
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((x) => x.code === 'VPC_DNS_DISABLED')?.message).toMatch(/DNS servers of the VPC's DHCP options set, which may be others/);
  });

  test('the store named by its IP address needs no DNS: no VPC_DNS_DISABLED', () => {
    const s = storeOf(changed((r) => {
      dnsOff(r);
      r.DbConn.Properties.ConnectionInput.ConnectionProperties.JDBC_CONNECTION_URL = 'jdbc:postgresql://10.2.1.20:5432/orders';
      r.DbConn.Properties.ConnectionInput.PhysicalConnectionRequirements = { SubnetId: ref('SubB'), SecurityGroupIdList: [getAtt('DbSg', 'GroupId')] };
    }));
    expect(s.explanations.map((x) => x.code)).not.toContain('VPC_DNS_DISABLED');
  });

  test('across VPCs not peered: auto-peer adds nothing for it (no peering makes the name resolve), and the plan\'s route fixes plan no peering for it; with DNS servers of its own it still peers', () => {
    const unpeered = (r: any) => {
      dnsOff(r);
      delete r.Pcx;
      delete r.RouteAB;
      delete r.RouteBA;
    };
    const model = modelOfTemplate(changed(unpeered));
    const s = buildPlan(model, { failover: false }).jobs[0].dataStores.find((x) => x.connection.id === 'App/DbConn')!;
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.map((e) => e.code)).toEqual(expect.arrayContaining(['DISCONNECTED_VPCS', 'VPC_DNS_DISABLED']));
    expect(s.explanations.map((e) => e.fix).join(' ')).not.toMatch(/to the new peering/);
    const remedy = planRemedy(model, { failover: false });
    expect([remedy.peerings.length, remedy.rules.length]).toEqual([0, 0]);
    // DNS servers the inputs do not show may resolve the name: the network is still repaired.
    const custom = modelOfTemplate(changed((r) => {
      unpeered(r);
      r.Dhcp = anyResource('AWS::EC2::DHCPOptions', { DomainNameServers: ['10.1.0.53'] });
      r.DhcpAssoc = anyResource('AWS::EC2::VPCDHCPOptionsAssociation', { VpcId: ref('VpcA'), DhcpOptionsId: ref('Dhcp') });
    }));
    expect(planRemedy(custom, { failover: false }).peerings.map((p) => p.key)).toEqual(['App/VpcA|App/VpcB']);
  });

  test("a publicly accessible store across a peering whose DNS option is not set: with DNS hostnames off in the store's VPC the option cannot be on, so the name resolves to the public address (was UNKNOWN)", () => {
    const s = storeOf(changed((r) => {
      r.VpcB.Properties.EnableDnsHostnames = false;
      r.Db.Properties.PubliclyAccessible = true;
    }));
    expect(s.paths[0].nameResolution).toMatchObject({ resolvesTo: 'public' });
    expect(s.paths[0].nameResolution?.why).toMatch(/cannot allow DNS resolution from the remote VPC: that needs DNS support and DNS hostnames in both VPCs, and App\/VpcB has enableDnsHostnames false/);
  });
});
