import { readFileSync } from 'fs';
import { join } from 'path';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { CreateConnectionCommand, CreateJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { cliIn, onMotoServer } from './moto';
import { parseFacts } from '../../src/ingest';

/**
 * `--from-aws` and an IPv6-only subnet (EC2 `Ipv6Native`: no IPv4 CIDR block), against
 * moto_server. The subnet is read, with its IPv6 CIDR blocks, never left out: a connection in it
 * is then UNKNOWN (the planner traces IPv4 only), not UNREACHABLE for a subnet "not found".
 */
let dir: string;
const world: Record<string, string> = {};
const cli = cliIn(() => dir);

async function createWorld(): Promise<void> {
  const ec2 = new EC2Client({});
  const glue = new GlueClient({});
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!;
  world.vpc = vpc.VpcId!;
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: world.vpc, EnableDnsHostnames: { Value: true } }));
  const vpcBlock = vpc.Ipv6CidrBlockAssociationSet![0].Ipv6CidrBlock!;
  // The VPC's /56, its first /64.
  world.ipv6Block = `${vpcBlock.split('::')[0]}::/64`;
  world.ipv6Subnet = (await ec2.send(new CreateSubnetCommand({
    VpcId: world.vpc, Ipv6Native: true, Ipv6CidrBlock: world.ipv6Block, AvailabilityZone: 'us-east-1a',
  }))).Subnet!.SubnetId!;
  world.group = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: world.vpc, GroupName: 'glue', Description: 'glue' }))).GroupId!;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: world.group, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: world.group }] }] }));
  await glue.send(new CreateConnectionCommand({
    ConnectionInput: {
      Name: 'v6-warehouse',
      ConnectionType: 'JDBC',
      ConnectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.example.internal:5432/dw' },
      PhysicalConnectionRequirements: { SubnetId: world.ipv6Subnet, SecurityGroupIdList: [world.group], AvailabilityZone: 'us-east-1a' },
    },
  }));
  await glue.send(new CreateJobCommand({
    Name: 'etl',
    Role: 'arn:aws:iam::123456789012:role/glue',
    Command: { Name: 'glueetl', ScriptLocation: 's3://b/job.py' },
    Connections: { Connections: ['v6-warehouse'] },
    WorkerType: 'G.1X',
    NumberOfWorkers: 2,
  }));
  ec2.destroy();
  glue.destroy();
}

onMotoServer({ prefix: 'gnp-aws-v6-', createWorld, workdir: (d) => { dir = d; } });

describe('--from-aws: an IPv6-only subnet', () => {
  it('is read with its IPv6 CIDR blocks and no IPv4 CIDR (--write-facts), a valid facts file', async () => {
    await cli('--from-aws', '--write-facts', 'account.json', '--format', 'json', '--no-failover');
    const written = JSON.parse(readFileSync(join(dir, 'account.json'), 'utf8'));
    expect(() => parseFacts(written, 'account.json')).not.toThrow();
    const subnet = written.subnets.find((s: any) => s.id === world.ipv6Subnet);
    expect(subnet).toEqual(expect.objectContaining({ vpcId: world.vpc, ipv6CidrBlocks: [world.ipv6Block] }));
    expect(subnet.cidr).toBeUndefined();
    expect(subnet.usedAddresses).toBeUndefined();
  });

  it('a connection in it is UNKNOWN, saying the subnet has no IPv4 CIDR, never UNREACHABLE', async () => {
    const run = await cli('--from-aws', '--format', 'json', '--no-failover');
    const [job] = JSON.parse(run.stdout).jobs;
    const verdicts = job.dataStores.map((s: any) => s.verdict);
    expect(verdicts).not.toContain('UNREACHABLE');
    expect(verdicts).toContain('UNKNOWN');
    expect(run.stdout).toContain(`${world.ipv6Subnet} is IPv6-only`);
  });
});
