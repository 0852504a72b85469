/**
 * Apps as users write them that reach the doors in an unusual state: a synthesis before the CDK
 * CLI's lookups ran (CDK's placeholder values), and the like. Each case: no false failure, no false
 * pass, an answer naming what is missing.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, AspectPriority, CfnOutput, Fn, Stack, Stage, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { NetworkStack, stagedJob } from './seed-app';
import { GlueNetworkGuard, GuardReporting } from '../../src/cdk/guard';
import { allDoors, expectDoorsAgree } from '../doors';

const ENV = { account: '111111111111', region: 'us-east-1' };
const ZONES_KEY = 'availability-zones:account=111111111111:region=us-east-1';

/**
 * A job in a pinned-environment stack whose VPC CDK places in the stack's zones: before the CDK CLI
 * looks them up, `Stack.availabilityZones` gives the placeholders dummy1a, dummy1b (aws-cdk-lib
 * core/lib/stack.ts). The connection's zone is written by hand (`zone`) or taken from the subnet.
 */
function pinnedVpcApp(options: { zone?: string; zones?: string[] }) {
  return (app: App) => {
    if (options.zones) app.node.setContext(ZONES_KEY, options.zones);
    const stack = new Stack(app, 'Etl', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc });
    group.connections.allowInternally(ec2.Port.allTcp());
    const db = new glue.Connection(stack, 'Db', {
      type: glue.ConnectionType.JDBC,
      network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]),
      securityGroups: [group],
      properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.0.50:5432/db' },
    });
    if (options.zone) {
      (db.node.defaultChild as glue.CfnConnection).addPropertyOverride('ConnectionInput.PhysicalConnectionRequirements.AvailabilityZone', options.zone);
    }
    new glue.PySparkEtlJob(stack, 'Load', {
      jobName: 'load',
      role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
      connections: [db],
    });
  };
}

describe('CDK\'s placeholder zones (dummy1a) before the availability-zones lookup ran', () => {
  test('a connection zone written by hand against a placeholder: UNKNOWN (a warning saying the zones are not looked up), not GNP-CONNECTION-AZ-MISMATCH; every door agrees', () => {
    const answers = allDoors(pinnedVpcApp({ zone: 'us-east-1a' }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-AZ-MISMATCH:error');
    expect(answers.cli.findings).toContain('GNP-CONNECTION-AZ-UNKNOWN:warning');
    expect(answers.cli.findings.filter((f) => f.endsWith(':error'))).toEqual([]);
    expect(answers.cli.stores).toEqual(['load / Db5D02A0A9: UNKNOWN']);
    const message = answers.guard.messages.find((m) => /GNP-CONNECTION-AZ-UNKNOWN/.test(m));
    expect(message).toMatch(/dummy1a \(CDK's placeholder for zone 1 of the stack's zones, not looked up yet\)/);
    expect(message).toMatch(/Let the CDK CLI look up the stack's zones/);
  });

  test('the connection\'s zone taken from the subnet (the same placeholder): REACHABLE, as before', () => {
    const answers = allDoors(pinnedVpcApp({}));
    expectDoorsAgree(answers);
    expect(answers.cli.stores).toEqual(['load / Db5D02A0A9: REACHABLE']);
  });

  test('once the zones are looked up, a zone written by hand that is not the subnet\'s is still a definite GNP-CONNECTION-AZ-MISMATCH', () => {
    const answers = allDoors(pinnedVpcApp({ zone: 'us-east-1b', zones: ['us-east-1a', 'us-east-1b'] }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-AZ-MISMATCH:error');
  });
});

/**
 * One app, two stages deploying to two accounts, each creating Glue connections named `net` (in
 * VPC A) and `db`: Dev's `db` is a store in VPC A, Prod's a store in VPC B, which Prod's VPC A is
 * not peered with. A job of one stage lists both by name (`Connection.fromConnectionName`).
 */
function twoAccountsApp(options: { jobIn: 'Dev' | 'Prod'; prodFirst: boolean }) {
  return (app: App) => {
    const envs = { Dev: { account: '111111111111', region: 'us-east-1' }, Prod: { account: '222222222222', region: 'us-east-1' } };
    for (const env of Object.values(envs)) app.node.setContext(`availability-zones:account=${env.account}:region=${env.region}`, ['us-east-1a', 'us-east-1b']);
    const stages: Record<string, Stage> = {};
    for (const name of (options.prodFirst ? ['Prod', 'Dev'] : ['Dev', 'Prod']) as ('Dev' | 'Prod')[]) {
      const stage = stages[name] = new Stage(app, name, { env: envs[name] });
      const a = new NetworkStack(stage, 'NetA', '10.1.0.0/16');
      const b = new NetworkStack(stage, 'NetB', '10.2.0.0/16');
      const store = name === 'Dev' ? a : b;
      const connections = new Stack(stage, 'Connections');
      new glue.Connection(connections, 'Net', { connectionName: 'net', type: glue.ConnectionType.NETWORK, network: glue.ConnectionNetwork.subnet(a.vpc.isolatedSubnets[0]), securityGroups: [a.glueGroup] });
      new glue.Connection(connections, 'Db', {
        connectionName: 'db',
        type: glue.ConnectionType.JDBC,
        network: glue.ConnectionNetwork.subnet(store.vpc.isolatedSubnets[0]),
        securityGroups: [store.glueGroup],
        properties: { JDBC_CONNECTION_URL: `jdbc:postgresql://${name === 'Dev' ? '10.1.0.50' : '10.2.0.50'}:5432/db` },
      });
    }
    const etl = new Stack(stages[options.jobIn], 'Etl');
    new glue.PythonShellJob(etl, 'Load', {
      jobName: 'load',
      role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'load.py'),
      connections: [glue.Connection.fromConnectionName(etl, 'NetByName', 'net'), glue.Connection.fromConnectionName(etl, 'DbByName', 'db')],
    });
  };
}

describe('a connection name designates the connection of the job\'s own account and Region (stages in two accounts)', () => {
  test('the Prod job\'s db is Prod\'s, unreachable: GNP-STORE-UNREACHABLE, not Dev\'s reachable db (a false pass); every door agrees', () => {
    const answers = allDoors(twoAccountsApp({ jobIn: 'Prod', prodFirst: false }));
    expectDoorsAgree(answers);
    expect(answers.cli.stores).toEqual(['load / db: UNREACHABLE']);
    expect(answers.cli.findings).toContain('GNP-STORE-UNREACHABLE:error');
  });

  test('the Dev job\'s db is Dev\'s, reachable, whichever stage is declared first; the same name in another account is no duplicate', () => {
    for (const prodFirst of [true, false]) {
      const answers = allDoors(twoAccountsApp({ jobIn: 'Dev', prodFirst }));
      expectDoorsAgree(answers);
      expect(answers.cli.stores).toEqual(['load / db: REACHABLE']);
      expect(answers.cli.messages.join('\n')).not.toMatch(/is defined by both/);
    }
  });
});

/**
 * The same export name in two accounts: each stage exports its network subnet as `net-subnet`
 * (Dev the subnet in us-east-1a, Prod the one in us-east-1b) and its job's NETWORK connection
 * imports it, saying AvailabilityZone us-east-1a: right in Dev, wrong in Prod.
 */
function sharedExportApp(jobIn: 'Dev' | 'Prod', order: ('Dev' | 'Prod')[]) {
  return (app: App) => {
    const envs = { Dev: { account: '111111111111', region: 'us-east-1' }, Prod: { account: '222222222222', region: 'us-east-1' } };
    for (const env of Object.values(envs)) app.node.setContext(`availability-zones:account=${env.account}:region=${env.region}`, ['us-east-1a', 'us-east-1b']);
    for (const name of order) {
      const stage = new Stage(app, name, { env: envs[name] });
      const net = new NetworkStack(stage, 'Net', '10.1.0.0/16');
      new CfnOutput(net, 'SubnetExport', { value: net.vpc.isolatedSubnets[name === 'Dev' ? 0 : 1].subnetId, exportName: 'net-subnet' });
      new CfnOutput(net, 'GroupExport', { value: net.glueGroup.securityGroupId, exportName: 'net-group' });
      if (name !== jobIn) continue;
      const etl = new Stack(stage, 'Etl');
      const connection = new glue.CfnConnection(etl, 'Network', {
        catalogId: etl.account,
        connectionInput: {
          name: 'net',
          connectionType: 'NETWORK',
          physicalConnectionRequirements: { subnetId: Fn.importValue('net-subnet'), securityGroupIdList: [Fn.importValue('net-group')], availabilityZone: 'us-east-1a' },
        },
      });
      new glue.CfnJob(etl, 'Load', { name: 'load', role: 'arn:aws:iam::111111111111:role/load', command: { name: 'pythonshell', scriptLocation: 's3://scripts/load.py' }, connections: { connections: [connection.ref] } });
    }
  };
}

describe('Fn::ImportValue reads the export of the importing stack\'s own account and Region (stages in two accounts)', () => {
  test('Dev imports Dev\'s subnet (us-east-1a): no GNP-CONNECTION-AZ-MISMATCH, though Prod exports the name too, declared last; every door agrees', () => {
    const answers = allDoors(sharedExportApp('Dev', ['Dev', 'Prod']));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain('GNP-CONNECTION-AZ-MISMATCH:error');
  });

  test('Prod imports Prod\'s subnet (us-east-1b): GNP-CONNECTION-AZ-MISMATCH, though Dev exports the name too, declared last; every door agrees', () => {
    const answers = allDoors(sharedExportApp('Prod', ['Prod', 'Dev']));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-CONNECTION-AZ-MISMATCH:error');
  });
});

describe('the guard reporting as annotations, on an app whose stacks are all in a Stage', () => {
  test('facts it cannot read: the GNP-INPUT-UNREADABLE error is in the stage\'s assembly (the CDK CLI fails on it), not lost', () => {
    process.env.CDK_VALIDATION = 'false';
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-hostile-')) });
    stagedJob(new Stage(app, 'Staged'));
    Aspects.of(app).add(new GlueNetworkGuard({ reporting: GuardReporting.ANNOTATIONS, factsFile: join(tmpdir(), 'no-such-dir', 'facts.json') }), { priority: AspectPriority.READONLY });
    const stage = app.synth().nestedAssemblies[0].nestedAssembly;
    const errors = stage.stacks.flatMap((s) => s.messages).filter((m) => m.level === 'error').map((m) => String(m.entry.data));
    expect(errors).toEqual([expect.stringMatching(/^\[GNP-INPUT-UNREADABLE\] cdk-glue-netplan cannot read its facts: .*facts\.json: cannot read file \(ENOENT\)\. Nothing was checked\./)]);
  });
});

describe('stages that name their stacks alike, in two accounts (stackName: etl in Dev and in Prod)', () => {
  test('every door reads both (the CLI no longer refuses the cloud assembly as two stacks of one name); they agree', () => {
    const answers = allDoors((app: App) => {
      const envs = { Dev: { account: '111111111111', region: 'us-east-1' }, Prod: { account: '222222222222', region: 'us-east-1' } };
      for (const env of Object.values(envs)) app.node.setContext(`availability-zones:account=${env.account}:region=${env.region}`, ['us-east-1a', 'us-east-1b']);
      for (const [name, env] of Object.entries(envs)) {
        const stage = new Stage(app, name, { env });
        const net = new NetworkStack(stage, 'Net', '10.1.0.0/16', { stackName: 'network' });
        const etl = new Stack(stage, 'Etl', { stackName: 'etl' });
        const db = new glue.Connection(etl, 'Db', {
          type: glue.ConnectionType.JDBC,
          network: glue.ConnectionNetwork.subnet(net.vpc.isolatedSubnets[0]),
          securityGroups: [net.glueGroup],
          properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.1.0.50:5432/db' },
        });
        new glue.PythonShellJob(etl, 'Load', {
          jobName: `load-${name.toLowerCase()}`,
          role: new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
          script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'load.py'),
          connections: [db],
        });
      }
    });
    expectDoorsAgree(answers);
    expect(answers.cli.stores).toHaveLength(2);
  });
});
