/**
 * How a connection's store is read, as a user meets it: hand-written CloudFormation templates
 * through the CLI. A port that is not a TCP port, a Redshift Serverless workgroup, and a SaaS
 * connection type (Salesforce, Snowflake) reached over the internet.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { getAtt, glueConnection, glueJob, ref, Resource, twoSubnetGlueVpc } from '../ingest/builders';

function planOf(resources: Record<string, Resource>) {
  const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-stores-'));
  const file = join(dir, 'app.json');
  writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
  let stdout = '';
  let stderr = '';
  const code = runCli([file, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: process.cwd() });
  if (!stdout) throw new Error(stderr);
  const plan = JSON.parse(stdout);
  const findings = [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)];
  return { code, job: plan.jobs[0], findings };
}

const r = (Type: string, Properties: Record<string, unknown>): Resource => ({ Type, Properties });
const store = (job: any, name: string) => job.dataStores.find((d: any) => d.connection.name === name);
const glueSg = () => [getAtt('GlueSg', 'GroupId')];

describe('a port that is not a TCP port (outside 1-65535) in a store address', () => {
  test.each([
    ['above 65535, a host nothing locates', 'jdbc:postgresql://db.example.com:99999/app', '99999'],
    ['port 0, a host nothing locates', 'jdbc:postgresql://db.example.com:0/app', '0'],
    ['above 65535, an IP literal in a described subnet', 'jdbc:mysql://10.0.2.40:70000/app', '70000'],
  ])('%s: UNKNOWN naming the URL and the port, never a trace on it, and an input warning', (_, url, port) => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: url }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN' });
    expect(store(job, 'orders').port ?? null).toBeNull();
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNREACHABLE');
    const verdict = findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN');
    expect(verdict.message).toContain(url);
    expect(verdict.message).toContain(`port "${port}", which is not a TCP port (1-65535)`);
    expect(verdict.message).not.toMatch(new RegExp(`TCP ${port}\\b`));
    const input = findings.find((f: any) => f.ruleId === 'GNP-INPUT-UNRESOLVED');
    expect(input.message).toContain(url);
    expect(input.message).toContain(`port "${port}"`);
    expect(input.fix).toMatch(/port \(1-65535\)/);
  });

  test('the endpoint of an RDS instance of the app with a port above 65535: not its own port either', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      DbSubnets: r('AWS::RDS::DBSubnetGroup', { DBSubnetGroupDescription: 'db', SubnetIds: [ref('SubnetB')] }),
      Rds: r('AWS::RDS::DBInstance', { Engine: 'postgres', DBInstanceClass: 'db.t3.micro', DBSubnetGroupName: ref('DbSubnets'), VPCSecurityGroups: glueSg() }),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:postgresql://', getAtt('Rds', 'Endpoint.Address'), ':99999/app']] },
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'rds-instance' });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/port "99999", which is not a TCP port/);
  });

  test('a port in range (65535) is read as before, with no input warning', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      Db: glueConnection('orders', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: 'jdbc:mysql://10.0.2.40:65535/app' }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'orders')).toMatchObject({ port: 65535 });
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-INPUT-UNRESOLVED');
  });
});
