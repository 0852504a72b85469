/**
 * Issue 12: where real apps leave the happy path, the plan says what AWS would do, or UNKNOWN.
 * Each case is built as a user writes it (a CDK app, or a hand-written template for the CLI), and
 * the guard, the validation plugin and the CLI must give the same answer (test/doors.ts).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aws, CfnCondition, CfnParameter, Fn, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds, aws_s3 as s3, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { runCli } from '../../src/cli/run';
import { allDoors, DoorAnswers, expectDoorsAgree } from '../doors';

/** An environment-agnostic network: a VPC with isolated subnets in two zones, an S3 endpoint, a Glue group. */
function network(stack: Stack, cidrMask = 24) {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  const glueGroup = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc, description: 'Glue ENIs' });
  glueGroup.connections.allowInternally(ec2.Port.allTcp(), 'Glue workers talk to each other');
  return { vpc, glueGroup };
}

function role(stack: Stack) {
  return new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
}

function sparkJob(stack: Stack, connections: glue.IConnection[], workers = 2) {
  return new glue.PySparkEtlJob(stack, 'Load', {
    jobName: 'load',
    role: role(stack),
    script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
    connections,
    workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: workers },
  });
}

const errors = (a: DoorAnswers) => a.cli.findings.filter((f) => f.endsWith(':error'));

describe('1. a literal AvailabilityZone against a subnet zone from Fn::GetAZs (environment-agnostic ec2.Vpc)', () => {
  const build = (app: App) => {
    const stack = new Stack(app, 'Agnostic');
    const { vpc, glueGroup } = network(stack);
    const connection = new glue.CfnConnection(stack, 'Net', {
      catalogId: stack.account,
      connectionInput: {
        name: 'net',
        connectionType: 'NETWORK',
        physicalConnectionRequirements: {
          subnetId: vpc.isolatedSubnets[0].subnetId,
          securityGroupIdList: [glueGroup.securityGroupId],
          availabilityZone: 'us-east-1a',
        },
      },
    });
    sparkJob(stack, [glue.Connection.fromConnectionName(stack, 'NetRef', connection.ref)]);
  };

  test('not GNP-CONNECTION-AZ-MISMATCH: a GNP-CONNECTION-AZ-UNKNOWN warning saying how to make it definite; every door agrees', () => {
    const answers = allDoors(build);
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-AZ-UNKNOWN:warning');
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-AZ-MISMATCH:error');
    expect(errors(answers)).toEqual([]);
    const message = answers.cli.messages.find((m) => /us-east-1a/.test(m) && /current-region-az1/.test(m));
    expect(message).toMatch(/known only at deploy time/);
    expect(message).not.toMatch(/\{\{/);
  });

  test('the fix is in the message: pin the environment, or name the zone in --facts', () => {
    const { guard } = allDoors(build);
    expect(guard.messages.join('\n')).toMatch(/pin the stack's environment.*availabilityZones/s);
  });
});

describe('1. the same case as a hand-written template, made definite with --facts', () => {
  const template = {
    Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16', EnableDnsSupport: true, EnableDnsHostnames: true } },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.1.0/24', AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } } },
      Rt: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: { Ref: 'Vpc' } } },
      Assoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: { Ref: 'Subnet' }, RouteTableId: { Ref: 'Rt' } } },
      S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: { Ref: 'Vpc' }, ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [{ Ref: 'Rt' }] } },
      Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'glue', VpcId: { Ref: 'Vpc' } } },
      Self: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: { 'Fn::GetAtt': ['Sg', 'GroupId'] } } },
      Net: {
        Type: 'AWS::Glue::Connection',
        Properties: {
          CatalogId: { Ref: 'AWS::AccountId' },
          ConnectionInput: { Name: 'net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: { Ref: 'Subnet' }, SecurityGroupIdList: [{ 'Fn::GetAtt': ['Sg', 'GroupId'] }], AvailabilityZone: 'us-east-1a' } },
        },
      },
      Job: { Type: 'AWS::Glue::Job', Properties: { Name: 'load', Role: 'arn:aws:iam::111111111111:role/glue', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: [{ Ref: 'Net' }] } } },
    },
  };

  function cli(facts?: object) {
    const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-az-'));
    writeFileSync(join(dir, 'app.template.json'), JSON.stringify(template));
    const args = [join(dir, 'app.template.json'), '--format', 'json', '--no-failover'];
    if (facts) { writeFileSync(join(dir, 'facts.json'), JSON.stringify(facts)); args.push('--facts', join(dir, 'facts.json')); }
    let stdout = '';
    const code = runCli(args, { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: dir });
    const plan = JSON.parse(stdout);
    return { code, ids: [...plan.jobs.flatMap((j: any) => j.findings), ...plan.findings].map((f: any) => f.ruleId), plan };
  }

  test('without facts: a warning, exit 0, the connection UNKNOWN (not skipped)', () => {
    const { code, ids, plan } = cli();
    expect(code).toBe(0);
    expect(ids).toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(ids).not.toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(plan.jobs[0].candidates[0]).toMatchObject({ status: 'unknown', reasons: [{ code: 'AZ_MATCH_UNKNOWN' }] });
  });

  test('facts name current-region-az1 us-east-1a: the match is definite, the connection selected, no warning about it', () => {
    const { ids, plan } = cli({ availabilityZones: [{ symbol: 'current-region-az1', name: 'us-east-1a' }] });
    expect(ids).not.toContain('GNP-CONNECTION-AZ-UNKNOWN');
    expect(plan.jobs[0].selectedConnection.name).toBe('net');
  });

  test('facts name it us-east-1b: a definite mismatch (GNP-CONNECTION-AZ-MISMATCH), exit 1', () => {
    const { code, ids } = cli({ availabilityZones: [{ symbol: 'current-region-az1', name: 'us-east-1b' }] });
    expect(ids).toContain('GNP-CONNECTION-AZ-MISMATCH');
    expect(code).toBe(1);
  });
});

describe('2. network ACL replies on the Linux ephemeral range (hardened ACL as in AWS\'s example)', () => {
  /** Glue in the first subnet, MySQL (RDS) in the second; the Glue subnet's ACL admits replies on `replies` only. */
  const build = (replies: ec2.AclTraffic) => (app: App) => {
    const stack = new Stack(app, 'Hardened');
    const { vpc, glueGroup } = network(stack);
    const [glueSubnet, dbSubnet] = vpc.isolatedSubnets;
    const dbGroup = new ec2.SecurityGroup(stack, 'DbGroup', { vpc, description: 'MySQL' });
    dbGroup.addIngressRule(ec2.Peer.ipv4(glueSubnet.ipv4CidrBlock), ec2.Port.tcp(3306));
    const mysql = new rds.DatabaseInstance(stack, 'Mysql', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 }),
      vpc,
      vpcSubnets: { subnets: [dbSubnet] },
      securityGroups: [dbGroup],
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    });
    const acl = new ec2.NetworkAcl(stack, 'GlueAcl', { vpc, subnetSelection: { subnets: [glueSubnet] } });
    acl.addEntry('ToDb', { ruleNumber: 100, cidr: ec2.AclCidr.ipv4(dbSubnet.ipv4CidrBlock), traffic: ec2.AclTraffic.tcpPort(3306), direction: ec2.TrafficDirection.EGRESS });
    acl.addEntry('Https', { ruleNumber: 110, cidr: ec2.AclCidr.anyIpv4(), traffic: ec2.AclTraffic.tcpPort(443), direction: ec2.TrafficDirection.EGRESS });
    acl.addEntry('Self', { ruleNumber: 120, cidr: ec2.AclCidr.ipv4(glueSubnet.ipv4CidrBlock), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.EGRESS });
    acl.addEntry('Replies', { ruleNumber: 100, cidr: ec2.AclCidr.anyIpv4(), traffic: replies, direction: ec2.TrafficDirection.INGRESS });
    acl.addEntry('SelfIn', { ruleNumber: 120, cidr: ec2.AclCidr.ipv4(glueSubnet.ipv4CidrBlock), traffic: ec2.AclTraffic.allTraffic(), direction: ec2.TrafficDirection.INGRESS });
    const connection = new glue.Connection(stack, 'MysqlConnection', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(glueSubnet),
      securityGroups: [glueGroup],
      properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${mysql.dbInstanceEndpointAddress}:3306/app` },
    });
    sparkJob(stack, [connection]);
  };

  test('replies admitted on 32768-65535: REACHABLE, the Linux assumption in the verdict; every door agrees', () => {
    const answers = allDoors(build(ec2.AclTraffic.tcpPortRange(32768, 65535)));
    expectDoorsAgree(answers);
    expect(answers.cli.stores.length).toBeGreaterThan(0);
    expect(answers.cli.assumptions).toContainEqual(expect.stringMatching(/Linux.*32768-60999.*\[assumption/));
    expect(answers.cli.stores.every((s) => s.endsWith(': REACHABLE'))).toBe(true);
    expect(errors(answers)).toEqual([]);
    expect(answers.cli.findings).not.toContain('GNP-STORE-UNKNOWN:warning');
  });

  test('replies admitted on 49152-65535 only (part of the Linux range): UNKNOWN, a warning, not an error', () => {
    const answers = allDoors(build(ec2.AclTraffic.tcpPortRange(49152, 65535)));
    expectDoorsAgree(answers);
    expect(answers.cli.stores.some((s) => s.endsWith(': UNKNOWN'))).toBe(true);
    expect(answers.cli.findings).toContain('GNP-STORE-UNKNOWN:warning');
    expect(errors(answers)).toEqual([]);
  });
});

describe('6. an all-TCP rule from the VPC CIDR instead of the self-reference', () => {
  const build = (app: App) => {
    const stack = new Stack(app, 'CidrSelf');
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc, description: 'Glue ENIs' });
    group.addIngressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.allTcp(), 'the whole VPC');
    const connection = new glue.Connection(stack, 'Net', { type: glue.ConnectionType.NETWORK, network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]), securityGroups: [group] });
    sparkJob(stack, [connection]);
  };

  test('no GNP-SG-NO-SELF-REFERENCE: an info finding naming the documented form; every door agrees', () => {
    const answers = allDoors(build);
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-SG-SELF-REFERENCE-CIDR:info');
    expect(answers.cli.findings).not.toContain('GNP-SG-NO-SELF-REFERENCE:error');
    expect(answers.cli.messages.find((m) => /SELF|documented form/.test(m))).toMatch(/documented form is a self-referencing rule/);
  });
});

describe('12. a security group of another VPC on the connection', () => {
  const build = (app: App) => {
    const stack = new Stack(app, 'Foreign');
    const { vpc } = network(stack);
    const other = new ec2.Vpc(stack, 'Other', { ipAddresses: ec2.IpAddresses.cidr('10.9.0.0/16'), maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'x', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }] });
    const foreignGroup = new ec2.SecurityGroup(stack, 'OtherGroup', { vpc: other, description: 'of the other VPC' });
    foreignGroup.connections.allowInternally(ec2.Port.allTcp());
    const connection = new glue.Connection(stack, 'Net', { type: glue.ConnectionType.NETWORK, network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]), securityGroups: [foreignGroup] });
    sparkJob(stack, [connection]);
  };

  test('GNP-CONNECTION-SG-OTHER-VPC (error) naming the model as unverified; every door agrees', () => {
    const answers = allDoors(build);
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-SG-OTHER-VPC:error');
    expect(answers.cli.messages.find((m) => /belongs to/.test(m))).toMatch(/unverified/);
  });

  test('the group associated with the subnet\'s VPC (CfnSecurityGroupVpcAssociation): no error; every door agrees', () => {
    const answers = allDoors((app) => {
      build(app);
      const stack = app.node.findChild('Foreign') as Stack;
      const group = stack.node.findChild('OtherGroup') as ec2.SecurityGroup;
      const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
      new ec2.CfnSecurityGroupVpcAssociation(stack, 'OtherGroupInVpc', { groupId: group.securityGroupId, vpcId: vpc.vpcId });
    });
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-SG-OTHER-VPC:error');
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-SG-VPC-UNKNOWN:warning');
  });
});

describe('13. a subnet with some free addresses, fewer than one run needs, listed first', () => {
  /** Two /28 subnets (11 usable each): the first connection's, and a second connection in the other. */
  const build = (app: App) => {
    const stack = new Stack(app, 'Small');
    const { vpc, glueGroup } = network(stack, 28);
    const connections = vpc.isolatedSubnets.map((subnet, i) => new glue.Connection(stack, `Net${i}`, { type: glue.ConnectionType.NETWORK, network: glue.ConnectionNetwork.subnet(subnet), securityGroups: [glueGroup] }));
    sparkJob(stack, connections, 20); // 20 G.1X workers: 22 ENIs
  };

  test('Glue selects it and every run fails there: GNP-SUBNET-TOO-SMALL (error), the next connection not used; every door agrees', () => {
    const answers = allDoors(build);
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-SUBNET-TOO-SMALL:error');
    const message = answers.cli.messages.find((m) => /one run needs 22 ENIs/.test(m));
    expect(message).toMatch(/20 G\.1X workers \+ 2/);
    expect(message).toMatch(/does not fall back to the next connection/);
  });
});

describe('14. a connection whose credentials the templates do not show (AuthenticationConfiguration behind a deploy-time condition), in subnets without a path to Secrets Manager', () => {
  const build = (app: App, withSecret?: 'always' | 'secret-id-behind-condition') => {
    const stack = new Stack(app, 'Creds');
    const { vpc, glueGroup } = network(stack);
    const secret = new secretsmanager.Secret(stack, 'DbCredentials');
    const useSecret = new CfnParameter(stack, 'UseSecret', { type: 'String', default: undefined });
    const condition = new CfnCondition(stack, 'WithSecret', { expression: Fn.conditionEquals(useSecret.valueAsString, 'yes') });
    const authentication = { authenticationType: 'BASIC', secretArn: secret.secretArn };
    const secretId = withSecret === 'secret-id-behind-condition' ? { SECRET_ID: Fn.conditionIf(condition.logicalId, secret.secretName, Aws.NO_VALUE) } : {};
    const connection = new glue.CfnConnection(stack, 'Db', {
      catalogId: stack.account,
      connectionInput: {
        name: 'db',
        connectionType: 'JDBC',
        connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.0.50:5432/app', ...secretId },
        authenticationConfiguration: withSecret === 'always' ? authentication : withSecret ? undefined : Fn.conditionIf(condition.logicalId, authentication, Aws.NO_VALUE),
        physicalConnectionRequirements: { subnetId: vpc.isolatedSubnets[0].subnetId, securityGroupIdList: [glueGroup.securityGroupId], availabilityZone: vpc.isolatedSubnets[0].availabilityZone },
      },
    });
    sparkJob(stack, [glue.Connection.fromConnectionName(stack, 'DbRef', connection.ref)]);
  };

  test('not a pass: GNP-CONNECTION-SERVICE-PATH-UNKNOWN saying the templates do not show whether it reads a secret, and how to settle it; every door agrees', () => {
    const answers = allDoors((app) => build(app));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN:warning');
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH:error');
    for (const door of [answers.guard, answers.plugin, answers.cli]) {
      const message = door.messages.find((m) => /may keep credentials in AWS Secrets Manager/.test(m));
      expect(message).toMatch(/AuthenticationConfiguration cannot be resolved/);
      expect(message).toMatch(/has no path to Secrets Manager/);
    }
  });

  test('SECRET_ID itself behind the condition (Fn::If with AWS::NoValue): it may be absent, so GNP-CONNECTION-SERVICE-PATH-UNKNOWN, not GNP-CONNECTION-NO-SECRETS-PATH; every door agrees', () => {
    const answers = allDoors((app) => build(app, 'secret-id-behind-condition'));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN:warning');
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-NO-SECRETS-PATH:error');
    for (const door of [answers.guard, answers.plugin, answers.cli]) {
      expect(door.messages.find((m) => /may keep credentials in AWS Secrets Manager/.test(m))).toMatch(/ConnectionProperties\.SECRET_ID may be absent/);
    }
  });

  test('the same connection with its secret written out: GNP-CONNECTION-NO-SECRETS-PATH (error); every door agrees', () => {
    const answers = allDoors((app) => build(app, 'always'));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-NO-SECRETS-PATH:error');
  });
});

describe('15. a job with a security configuration that encrypts with AWS KMS keys, in subnets without a path to AWS KMS', () => {
  const build = (app: App, opts: { s3Managed?: boolean; kmsEndpoint?: boolean } = {}) => {
    const stack = new Stack(app, 'Encrypted');
    const { vpc, glueGroup } = network(stack);
    if (opts.kmsEndpoint) vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS });
    const connection = new glue.Connection(stack, 'Db', {
      type: glue.ConnectionType.JDBC,
      properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.0.50:5432/app', USERNAME: 'etl', PASSWORD: 'not-a-secret' },
      network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]),
      securityGroups: [glueGroup],
    });
    const securityConfiguration = new glue.SecurityConfiguration(stack, 'Encryption', {
      s3Encryption: opts.s3Managed ? glue.S3Encryption.s3Managed() : glue.S3Encryption.kms(),
    });
    new glue.PySparkEtlJob(stack, 'Load', {
      jobName: 'load',
      role: role(stack),
      script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
      connections: [connection],
      securityConfiguration,
    });
  };
  const kmsMessages = (a: DoorAnswers) => a.cli.messages.filter((m) => /AWS KMS/.test(m));

  test('S3 encryption SSE-KMS: GNP-CONNECTION-NO-KMS-PATH (error) citing AWS Glue\'s route to AWS KMS; every door agrees', () => {
    const answers = allDoors((app) => build(app));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-NO-KMS-PATH:error');
    expect(kmsMessages(answers).join('\n')).toMatch(/security configuration Encrypted\/Encryption\w* \(S3 encryption SSE-KMS\)/);
  });

  test('with an AWS KMS interface endpoint (private DNS), or with SSE-S3 only: no KMS finding; every door agrees', () => {
    for (const opts of [{ kmsEndpoint: true }, { s3Managed: true }]) {
      const answers = allDoors((app) => build(app, opts));
      expectDoorsAgree(answers);
      expect(answers.cli.findings).not.toContain('GNP-CONNECTION-NO-KMS-PATH:error');
      expect(kmsMessages(answers)).toEqual([]);
    }
  });
});
