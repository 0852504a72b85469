/**
 * Shapes of public CDK apps that define Glue networking, each rebuilt as a small app (never
 * copied) and given to the three doors (test/doors.ts), which must agree.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Fn, Stack, aws_ec2 as ec2, aws_glue as glue, aws_rds as rds, aws_redshift as redshift } from 'aws-cdk-lib';
import { allDoors, expectDoorsAgree } from '../doors';

/** A VPC with a NAT gateway, and a Glue group that admits itself (what the Glue docs ask). */
function network(stack: Stack) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const glueGroup = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
  glueGroup.connections.allowInternally(ec2.Port.allTcp());
  return { vpc, glueGroup };
}

/** A crawler over one JDBC connection in the VPC's first private subnet. */
function crawl(stack: Stack, vpc: ec2.IVpc, groupId: string, url: string) {
  const connection = new glue.CfnConnection(stack, 'Jdbc', {
    catalogId: stack.account,
    connectionInput: {
      connectionType: 'JDBC',
      connectionProperties: { JDBC_CONNECTION_URL: url },
      physicalConnectionRequirements: {
        availabilityZone: vpc.privateSubnets[0].availabilityZone,
        subnetId: vpc.privateSubnets[0].subnetId,
        securityGroupIdList: [groupId],
      },
    },
  });
  new glue.CfnCrawler(stack, 'Crawler', { role: 'arn:aws:iam::111111111111:role/glue', targets: { jdbcTargets: [{ connectionName: connection.ref, path: 'db/%' }] } });
}

describe('the URL\'s port is the store\'s Endpoint.Port attribute, its Port property left unset', () => {
  // An L1 renders every property it has, set or not; `cdk synth` leaves the unset ones out of the
  // template. The guard read them as present with no value: port "" (UNKNOWN, with a warning),
  // where the plugin and the CLI read the engine's default port (REACHABLE).

  test('rds.DatabaseInstance with its default port (dbInstanceEndpointPort): REACHABLE at every door', () => {
    const answers = allDoors((app: App) => {
      const stack = new Stack(app, 'Mysql');
      const { vpc, glueGroup } = network(stack);
      const db = new rds.DatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }), vpc });
      db.connections.allowDefaultPortFrom(glueGroup);
      crawl(stack, vpc, glueGroup.securityGroupId, `jdbc:mysql://${db.dbInstanceEndpointAddress}:${db.dbInstanceEndpointPort}/db`);
    });
    expectDoorsAgree(answers);
    expect(answers.guard.stores).toEqual(['Crawler / Jdbc: REACHABLE']);
    expect(answers.guard.findings).not.toContain('GNP-INPUT-UNRESOLVED:warning');
  });

  test('a Redshift CfnCluster without port, the URL joined from its attributes (a public app\'s RedshiftJdbcConnection): REACHABLE on 5439', () => {
    const answers = allDoors((app: App) => {
      const stack = new Stack(app, 'Warehouse');
      const { vpc, glueGroup } = network(stack);
      const subnets = new redshift.CfnClusterSubnetGroup(stack, 'Subnets', { description: 'warehouse', subnetIds: vpc.privateSubnets.map((s) => s.subnetId) });
      const cluster = new redshift.CfnCluster(stack, 'Cluster', {
        clusterType: 'single-node',
        nodeType: 'ra3.xlplus',
        dbName: 'dev',
        masterUsername: 'admin',
        masterUserPassword: 'not-a-secret',
        clusterSubnetGroupName: subnets.ref,
        vpcSecurityGroupIds: [glueGroup.securityGroupId],
        publiclyAccessible: false,
      });
      crawl(stack, vpc, glueGroup.securityGroupId, Fn.join('', ['jdbc:redshift://', cluster.attrEndpointAddress, ':', cluster.attrEndpointPort, '/dev']));
    });
    expectDoorsAgree(answers);
    expect(answers.guard.stores).toEqual(['Crawler / Jdbc: REACHABLE']);
  });
});

describe('a connection that also wears a group the app imports by id (SecurityGroup.fromSecurityGroupId)', () => {
  // The imported group may be of another VPC (EC2 then refuses the ENIs): the inputs do not say
  // which until the facts describe it, through each door's own option.
  function app(stackName: string) {
    return (root: App) => {
      const stack = new Stack(root, stackName);
      const { vpc, glueGroup } = network(stack);
      const shared = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Shared', 'sg-0123456789abcdef0', { mutable: false });
      const db = new rds.DatabaseInstance(stack, 'Db', { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0 }), vpc });
      db.connections.allowDefaultPortFrom(glueGroup);
      const connection = new glue.CfnConnection(stack, 'Jdbc', {
        catalogId: stack.account,
        connectionInput: {
          connectionType: 'JDBC',
          connectionProperties: { JDBC_CONNECTION_URL: `jdbc:mysql://${db.dbInstanceEndpointAddress}:3306/db` },
          physicalConnectionRequirements: {
            availabilityZone: vpc.privateSubnets[0].availabilityZone,
            subnetId: vpc.privateSubnets[0].subnetId,
            securityGroupIdList: [glueGroup.securityGroupId, shared.securityGroupId],
          },
        },
      });
      new glue.CfnCrawler(stack, 'Crawler', { role: 'arn:aws:iam::111111111111:role/glue', targets: { jdbcTargets: [{ connectionName: connection.ref, path: 'db/%' }] } });
      return vpc;
    };
  }

  test('undescribed: GNP-CONNECTION-SG-VPC-UNKNOWN and the store UNKNOWN at every door, the fix naming the guard\'s and the plugin\'s facts options', () => {
    const answers = allDoors(app('Shared'));
    expectDoorsAgree(answers);
    expect(answers.guard.stores).toEqual(['Crawler / Jdbc: UNKNOWN']);
    expect(answers.guard.findings).toContain('GNP-CONNECTION-SG-VPC-UNKNOWN:warning');
    expect(answers.guard.messages.join('\n')).toMatch(/sg-0123456789abcdef0 is not described.*the guard's facts or factsFile/s);
  });

  test('described in the facts (the guard\'s and the plugin\'s factsFile, the CLI\'s --facts) as a group of the app\'s VPC: REACHABLE at every door', () => {
    // The VPC as plans name it: `<stack>/<logicalId>`, the same in every synthesis of the app.
    const vpc = app('Shared')(new App());
    const vpcId = `Shared/${Stack.of(vpc).getLogicalId(vpc.node.defaultChild as ec2.CfnVPC)}`;
    const factsFile = join(mkdtempSync(join(tmpdir(), 'glue-netplan-shared-')), 'facts.json');
    writeFileSync(factsFile, JSON.stringify({ securityGroups: [{ id: 'sg-0123456789abcdef0', vpcId, ingress: [], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }] }));
    const answers = allDoors(app('Shared'), { factsFile });
    expectDoorsAgree(answers);
    expect(answers.guard.stores).toEqual(['Crawler / Jdbc: REACHABLE']);
    expect(answers.guard.findings).not.toContain('GNP-CONNECTION-SG-VPC-UNKNOWN:warning');
  });
});
