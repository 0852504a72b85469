import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  AssociateRouteTableCommand, AuthorizeSecurityGroupIngressCommand, CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand,
  CreateVpcEndpointCommand, EC2Client, ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateConnectionCommand, CreateJobCommand, CreateSecurityConfigurationCommand, GlueClient } from '@aws-sdk/client-glue';
import { cliIn, Moto, onMotoServer, withFaults } from './moto';

/**
 * `--from-aws` reads the settings of the security configuration each deployed job names
 * (glue:GetSecurityConfigurations), against a real emulator (moto_server). The world: one VPC, an
 * isolated subnet (an S3 gateway endpoint, no NAT gateway, no AWS KMS endpoint), three JDBC
 * connections there; job `encrypted` names `kms` (S3 encryption SSE-KMS), job `plain` names
 * `s3-only` (SSE-S3, CloudWatch Logs and job bookmarks DISABLED), job `orphan` names `gone`, a
 * configuration the account does not have.
 *
 * moto's GetConnections leaves out `ConnectionType` (AWS returns it), so the jobs read as listing
 * no JDBC connection and the KMS path finding stays the warning (AWS documents the KMS route for
 * jobs that access JDBC data stores): the error is shown through the facts `--write-facts` saves
 * with the connection type AWS would return (and through `--from-describe`,
 * test/cli/from-describe-services.test.ts). moto's GetSecurityConfigurations answers in one page
 * (it does not paginate).
 */
let moto: Moto;
let dir: string;

const cli = cliIn(() => dir);

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

async function createWorld(): Promise<void> {
  const ec2 = new EC2Client({});
  const glue = new GlueClient({});
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, EnableDnsHostnames: { Value: true } }));
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable!.RouteTableId!;
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: subnet }));
  await ec2.send(new CreateVpcEndpointCommand({ VpcId: vpc, ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [table] }));
  const group = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc, GroupName: 'glue', Description: 'glue' }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: group }] }] }));

  await glue.send(new CreateSecurityConfigurationCommand({
    Name: 'kms',
    EncryptionConfiguration: {
      S3Encryption: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: KEY }],
      CloudWatchEncryption: { CloudWatchEncryptionMode: 'DISABLED' },
      JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'DISABLED' },
    },
  }));
  await glue.send(new CreateSecurityConfigurationCommand({
    Name: 's3-only',
    EncryptionConfiguration: {
      S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }],
      CloudWatchEncryption: { CloudWatchEncryptionMode: 'DISABLED' },
      JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'DISABLED' },
    },
  }));
  for (const [job, configuration] of [['encrypted', 'kms'], ['plain', 's3-only'], ['orphan', 'gone']]) {
    await glue.send(new CreateConnectionCommand({
      ConnectionInput: {
        Name: `${job}-db`,
        ConnectionType: 'JDBC',
        ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.1.20:5432/orders' },
        PhysicalConnectionRequirements: { SubnetId: subnet, SecurityGroupIdList: [group], AvailabilityZone: 'us-east-1a' },
      },
    }));
    await glue.send(new CreateJobCommand({
      Name: job,
      Role: 'arn:aws:iam::123456789012:role/glue',
      Command: { Name: 'glueetl', ScriptLocation: 's3://b/job.py' },
      Connections: { Connections: [`${job}-db`] },
      WorkerType: 'G.1X',
      NumberOfWorkers: 2,
      GlueVersion: '4.0',
      SecurityConfiguration: configuration,
    }));
  }
  ec2.destroy();
  glue.destroy();
}

onMotoServer({ prefix: 'gnp-aws-seccfg-', createWorld, started: (m) => { moto = m; }, workdir: (d) => { dir = d; } });

/** The findings about AWS KMS, by the connection they are on. */
const kmsFindings = (stdout: string): Record<string, { ruleId: string; severity: string; message: string }[]> => {
  const plan = JSON.parse(stdout);
  const byConnection: Record<string, any[]> = {};
  for (const f of [...plan.findings, ...plan.jobs.flatMap((j: any) => j.findings)]) {
    if (!/AWS KMS/.test(f.message)) continue;
    const connection = /^Connection (\S+)/.exec(f.message)?.[1] ?? '?';
    (byConnection[connection] ??= []).push({ ruleId: f.ruleId, severity: f.severity, message: f.message });
  }
  return byConnection;
};

describe('--from-aws: the security configuration a deployed job names (glue:GetSecurityConfigurations, moto_server)', () => {
  it('SSE-KMS is read as a certain KMS use, SSE-S3 as none (no AWS KMS finding), a configuration not in the answer stays UNKNOWN', async () => {
    const run = await cli('--from-aws', '--format', 'json', '--no-failover');
    const found = kmsFindings(run.stdout);
    expect(Object.keys(found).sort()).toEqual(['encrypted-db', 'orphan-db']);
    // Was: "encrypted: may, job encrypted uses security configuration kms, whose encryption settings the facts do not give".
    expect(found['encrypted-db']).toEqual([expect.objectContaining({ ruleId: 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN' })]);
    expect(found['encrypted-db'][0].message).toContain('(encrypted: security configuration kms (S3 encryption SSE-KMS) (it lists no JDBC connection))');
    expect(found['encrypted-db'][0].message).toContain('has no path to AWS KMS');
    expect(found['orphan-db'][0].message).toContain('orphan: may, job orphan uses security configuration gone, whose encryption settings the facts do not give (glue:GetSecurityConfigurations lists no security configuration of that name)');
  });

  it('--write-facts holds what was read; with the connection type AWS returns (moto leaves it out): GNP-CONNECTION-NO-KMS-PATH for the SSE-KMS job only', async () => {
    await cli('--from-aws', '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const facts = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    const jobs = Object.fromEntries(facts.jobs.map((job: any) => [job.name, job]));
    expect(jobs.encrypted).toMatchObject({ securityConfiguration: 'kms', kmsEncryption: ['S3 encryption SSE-KMS'] });
    expect(jobs.plain).toMatchObject({ securityConfiguration: 's3-only', kmsEncryption: [] });
    expect(jobs.orphan).toMatchObject({ securityConfiguration: 'gone', kmsEncryptionUnknown: 'glue:GetSecurityConfigurations lists no security configuration of that name' });
    expect(jobs.orphan.kmsEncryption).toBeUndefined();
    expect(facts.unread.map((u: any) => u.call)).not.toContain('glue:GetSecurityConfigurations');

    expect(facts.connections.map((c: any) => c.connectionType)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN']);
    writeFileSync(join(dir, 'jdbc.json'), JSON.stringify({ ...facts, connections: facts.connections.map((c: any) => ({ ...c, connectionType: 'JDBC' })) }));
    writeFileSync(join(dir, 'empty.json'), '{"Resources": {}}');
    const run = await cli('empty.json', '--facts', 'jdbc.json', '--format', 'json', '--no-failover');
    const found = kmsFindings(run.stdout);
    expect(Object.keys(found).sort()).toEqual(['encrypted-db', 'orphan-db']);
    expect(found['encrypted-db'].map((f) => [f.ruleId, f.severity])).toEqual([['GNP-CONNECTION-NO-KMS-PATH', 'error']]);
    expect(found['encrypted-db'][0].message).toContain('(encrypted: security configuration kms (S3 encryption SSE-KMS))');
    expect(found['orphan-db'].map((f) => f.ruleId)).toEqual(['GNP-CONNECTION-SERVICE-PATH-UNKNOWN']);
  });

  it('glue:GetSecurityConfigurations refused: every job with a configuration stays UNKNOWN naming the call, which is listed as not read', async () => {
    await withFaults(moto, { GetSecurityConfigurations: { status: 400, code: 'AccessDeniedException' } }, async () => {
      const run = await cli('--from-aws', '--format', 'json', '--no-failover');
      const found = kmsFindings(run.stdout);
      expect(Object.keys(found).sort()).toEqual(['encrypted-db', 'orphan-db', 'plain-db']);
      expect(found['plain-db'].map((f) => f.ruleId)).toEqual(['GNP-CONNECTION-SERVICE-PATH-UNKNOWN']);
      expect(found['plain-db'][0].message).toContain(
        'plain: may, job plain uses security configuration s3-only, whose encryption settings the facts do not give (glue:GetSecurityConfigurations could not be read (access denied (AccessDeniedException): grant glue:GetSecurityConfigurations))');
      expect(run.stdout).toContain('glue:GetSecurityConfigurations could not be read (access denied (AccessDeniedException): grant glue:GetSecurityConfigurations): what it describes is unknown');
    });
  });

  it('one GetSecurityConfigurations call, whatever the number of jobs naming a configuration', async () => {
    await withFaults(moto, {}, async (counts) => {
      await cli('--from-aws', '--format', 'json', '--no-failover');
      expect(counts.get('GetSecurityConfigurations')).toBe(1);
      expect(counts.get('GetSecurityConfiguration')).toBeUndefined();
    });
  });
});
