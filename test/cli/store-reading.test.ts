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

/**
 * A Redshift Serverless workgroup in SubnetB behind its own group, which admits the Glue group on
 * `port` (5439 unless given); the workgroup's `Port` when given.
 */
function workgroup(props: Record<string, unknown> = {}, admitted = 5439): Record<string, Resource> {
  return {
    WgSg: r('AWS::EC2::SecurityGroup', {
      GroupDescription: 'workgroup',
      VpcId: ref('Vpc'),
      SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: admitted, ToPort: admitted, SourceSecurityGroupId: getAtt('GlueSg', 'GroupId') }],
    }),
    Ns: r('AWS::RedshiftServerless::Namespace', { NamespaceName: 'analytics' }),
    Wg: r('AWS::RedshiftServerless::Workgroup', {
      WorkgroupName: 'analytics', NamespaceName: ref('Ns'), SubnetIds: [ref('SubnetB')], SecurityGroupIds: [getAtt('WgSg', 'GroupId')], ...props,
    }),
  };
}

const endpointUrl = (port?: string) => ({
  'Fn::Join': ['', ['jdbc:redshift://', getAtt('Wg', 'Workgroup.Endpoint.Address'), ...(port ? [':', port] : []), '/dev']],
});

describe('a Redshift Serverless workgroup (AWS::RedshiftServerless::Workgroup) is located as a store', () => {
  test('named by GetAtt Workgroup.Endpoint.Address: traced to its SubnetIds, its SecurityGroupIds, port 5439; REACHABLE, no GNP-STORE-UNKNOWN', () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      ...workgroup(),
      Db: glueConnection('warehouse', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: endpointUrl() }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'warehouse')).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'redshift-serverless-workgroup', port: 5439, assumptions: [] });
    expect(findings.map((f: any) => f.ruleId)).not.toContain('GNP-STORE-UNKNOWN');
  });

  test("its Port (8191) through GetAtt Workgroup.Endpoint.Port: a group admitting only 5439 leaves it UNREACHABLE, naming the workgroup's group", () => {
    const { job, findings } = planOf({
      ...twoSubnetGlueVpc(),
      ...workgroup({ Port: 8191 }),
      Db: glueConnection('warehouse', ref('SubnetA'), glueSg(), {
        JDBC_CONNECTION_URL: { 'Fn::Join': ['', ['jdbc:redshift://', getAtt('Wg', 'Workgroup.Endpoint.Address'), ':', getAtt('Wg', 'Workgroup.Endpoint.Port'), '/dev']] },
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(store(job, 'warehouse')).toMatchObject({ verdict: 'UNREACHABLE', locatedBy: 'redshift-serverless-workgroup', port: 8191 });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNREACHABLE').message).toMatch(/TCP 8191.*app\/WgSg|app\/WgSg.*TCP 8191/s);
  });

  test('without SubnetIds: UNKNOWN naming the missing property, never assumed to be in the connection\'s subnet', () => {
    const resources: Record<string, Resource> = { ...twoSubnetGlueVpc(), ...workgroup(), Db: glueConnection('warehouse', ref('SubnetA'), glueSg(), { JDBC_CONNECTION_URL: endpointUrl() }), Job: glueJob([ref('Db')], { Name: 'load' }) };
    delete resources.Wg.Properties!.SubnetIds;
    const { job, findings } = planOf(resources);
    expect(store(job, 'warehouse')).toMatchObject({ verdict: 'UNKNOWN', locatedBy: 'redshift-serverless-workgroup' });
    expect(findings.find((f: any) => f.ruleId === 'GNP-STORE-UNKNOWN').message).toMatch(/app\/Wg has no SubnetIds/);
  });
});
