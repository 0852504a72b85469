import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as alpha from '@aws-cdk/aws-glue-alpha';
import { App, Stack, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { NetworkStack } from './seed-app';
import { runCli } from '../../src/cli/run';
import { allDoors, expectDoorsAgree } from '../doors';

/*
 * Jobs built with the alpha Glue L2s (`@aws-cdk/aws-glue-alpha`, the last release, 2.192.0-alpha.0),
 * as apps that have not moved to aws-cdk-lib's stable Glue L2s are written. The alpha module has no
 * crawler construct (its jobs, connections, triggers, tables: crawlers are only the L1
 * `CfnCrawler`, tested in test/ingest/crawlers-sessions.test.ts); its RayJob has no stable twin.
 *
 * The app: the data VPC (two zones, S3 gateway endpoint, one self-referencing group for the Glue
 * ENIs and the store) holds the warehouse, at 10.1.0.10 in its first subnet; the job lists a
 * NETWORK connection in the second subnet, then the warehouse's JDBC connection in the first.
 */
type JobKind = 'pyspark' | 'python-shell' | 'streaming' | 'ray';

function alphaApp(kind: JobKind) {
  return (app: App) => {
    const net = new NetworkStack(app, 'Data', '10.1.0.0/16', { env: { account: '111111111111', region: 'us-east-1' } });
    const etl = new Stack(app, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
    const network = new alpha.Connection(etl, 'Network', {
      type: alpha.ConnectionType.NETWORK,
      connectionName: 'data-network',
      subnet: net.vpc.isolatedSubnets[1],
      securityGroups: [net.glueGroup],
    });
    const warehouse = new alpha.Connection(etl, 'Warehouse', {
      type: alpha.ConnectionType.JDBC,
      connectionName: 'warehouse',
      subnet: net.vpc.isolatedSubnets[0],
      securityGroups: [net.glueGroup],
      properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.1.0.10:5432/dw', USERNAME: 'etl', PASSWORD: 'not-a-secret' },
    });
    const role = new iam.Role(etl, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const script = alpha.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'load.py');
    const common = { role, script, connections: [network, warehouse], jobName: 'load' };
    switch (kind) {
      case 'pyspark':
        new alpha.PySparkEtlJob(etl, 'Load', { ...common, workerType: alpha.WorkerType.G_1X, numberOfWorkers: 2 });
        break;
      case 'streaming':
        new alpha.PySparkStreamingJob(etl, 'Load', { ...common, workerType: alpha.WorkerType.G_1X, numberOfWorkers: 2 });
        break;
      case 'python-shell':
        new alpha.PythonShellJob(etl, 'Load', common);
        break;
      case 'ray':
        new alpha.RayJob(etl, 'Load', { ...common, workerType: alpha.WorkerType.Z_2X, numberOfWorkers: 2 });
        break;
    }
  };
}

describe('alpha Glue L2 jobs are planned by their kind, from the connections they list', () => {
  test.each<[JobKind, string]>([['pyspark', 'glueetl'], ['streaming', 'gluestreaming'], ['python-shell', 'pythonshell']])(
    'a %s job (%s) in the data VPC reaches the warehouse: the three doors agree, nothing reported', (kind) => {
      const answers = allDoors(alphaApp(kind));
      expectDoorsAgree(answers);
      expect(answers.cli.stores).toEqual(['load / warehouse: REACHABLE']);
      expect(answers.cli.findings).toEqual([]);
    });

  test('a Ray job (alpha RayJob, glueray) lists a network connection: GNP-RAY-VPC, and the warehouse is UNREACHABLE', () => {
    const answers = allDoors(alphaApp('ray'));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toEqual(expect.arrayContaining(['GNP-RAY-VPC:error', 'GNP-STORE-UNREACHABLE:error']));
    expect(answers.cli.stores).toEqual(['load / warehouse: UNREACHABLE']);
    expect(answers.cli.messages).toContainEqual(expect.stringMatching(/^Ray job load lists network-bearing connections/));
  });

  test('the job is planned as a job, Glue selects the network connection, the JDBC one is passed over', () => {
    const plan = cliPlan(alphaApp('pyspark'));
    expect(plan.jobs.map((j: any) => [j.kind, j.name, j.selectedConnection?.name, j.candidates.map((c: any) => `${c.connection.name}:${c.status}`)])).toEqual([
      ['job', 'load', 'data-network', ['data-network:selected', 'warehouse:not-considered']],
    ]);
  });
});

/** The CLI's JSON plan of the app's cloud assembly. */
function cliPlan(build: (app: App) => void): any {
  process.env.CDK_VALIDATION = 'false';
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'glue-netplan-alpha-')) });
  build(app);
  let stdout = '';
  runCli([app.synth().directory, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: process.cwd() });
  return JSON.parse(stdout);
}
