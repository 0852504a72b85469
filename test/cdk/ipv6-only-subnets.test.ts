/**
 * An IPv6-only subnet of the templates (`AWS::EC2::Subnet` with `Ipv6Native: true`, no
 * `CidrBlock`): its traffic follows its route table's and network ACL's IPv6 routes and entries,
 * which the planner (IPv4) does not trace. Its S3 path and what its connection reaches are
 * UNKNOWN, saying it is IPv6-only, never UNREACHABLE for its table's IPv4 routes. As
 * `--from-aws`/`--facts` read such a subnet (test/cli/from-aws-ipv6-subnets.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Fn, Stack, aws_ec2 as ec2, aws_glue as glue } from 'aws-cdk-lib';
import { allDoors, expectDoorsAgree } from '../doors';

function build(app: App): void {
  const stack = new Stack(app, 'Six', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16', enableDnsSupport: true, enableDnsHostnames: true });
  new ec2.CfnVPCCidrBlock(stack, 'V6', { vpcId: vpc.ref, amazonProvidedIpv6CidrBlock: true });
  const subnet = new ec2.CfnSubnet(stack, 'Subnet', {
    vpcId: vpc.ref,
    ipv6Native: true,
    assignIpv6AddressOnCreation: true,
    ipv6CidrBlock: Fn.select(0, Fn.cidr(Fn.select(0, vpc.attrIpv6CidrBlocks), 1, '64')),
    availabilityZone: 'us-east-1a',
  });
  // A table with IPv4 routes only (here none but local): no IPv4 path to S3 would be the verdict
  // of an IPv4 subnet.
  const table = new ec2.CfnRouteTable(stack, 'Rt', { vpcId: vpc.ref });
  new ec2.CfnSubnetRouteTableAssociation(stack, 'Assoc', { subnetId: subnet.ref, routeTableId: table.ref });
  const acl = new ec2.CfnNetworkAcl(stack, 'Acl', { vpcId: vpc.ref });
  new ec2.CfnSubnetNetworkAclAssociation(stack, 'AclAssoc', { subnetId: subnet.ref, networkAclId: acl.ref });
  const group = new ec2.CfnSecurityGroup(stack, 'Sg', { vpcId: vpc.ref, groupDescription: 'glue' });
  new ec2.CfnSecurityGroupIngress(stack, 'Self', { groupId: group.attrGroupId, ipProtocol: '-1', sourceSecurityGroupId: group.attrGroupId });
  const connection = new glue.CfnConnection(stack, 'Net', {
    catalogId: stack.account,
    connectionInput: {
      name: 'warehouse',
      connectionType: 'JDBC',
      connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.9.10:5432/dw' },
      physicalConnectionRequirements: { subnetId: subnet.ref, securityGroupIdList: [group.attrGroupId], availabilityZone: 'us-east-1a' },
    },
  });
  new glue.CfnJob(stack, 'Job', {
    name: 'load',
    role: 'arn:aws:iam::111111111111:role/glue',
    command: { name: 'glueetl', scriptLocation: 's3://scripts-111111111111/load.py' },
    workerType: 'G.1X',
    numberOfWorkers: 2,
    connections: { connections: [connection.ref] },
  });
}

describe('an IPv6-only subnet of the templates (Ipv6Native: true, no CidrBlock)', () => {
  test('its S3 path and its connection are UNKNOWN, saying it is IPv6-only, not blocked by its table\'s IPv4 routes or ACL; every door agrees', () => {
    const answers = allDoors(build);
    expectDoorsAgree(answers);
    expect(answers.cli.findings.filter((f) => f.endsWith(':error'))).toEqual([]);
    expect(answers.cli.stores).toEqual(['load / warehouse: UNKNOWN']);
    expect(answers.cli.messages.join('\n')).toMatch(/IPv6-only/);
  });
});

describe('an IPv6-only subnet of the facts (ipv6CidrBlocks, no cidr) that the templates associate with a route table', () => {
  function facts(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'glue-netplan-v6-')), 'facts.json');
    writeFileSync(file, JSON.stringify({
      vpcs: [{ id: 'vpc-0a', cidrBlocks: ['10.0.0.0/16'], region: 'us-east-1', account: '111111111111', enableDnsSupport: true, enableDnsHostnames: true }],
      subnets: [{ id: 'subnet-0v6', vpcId: 'vpc-0a', ipv6CidrBlocks: ['2600:1f18:1:100::/64'], availabilityZone: 'us-east-1a' }],
      routeTables: [{ id: 'rtb-0ipv4', vpcId: 'vpc-0a', routes: [] }],
      securityGroups: [{ id: 'sg-0glue', vpcId: 'vpc-0a', ingress: [{ protocol: '-1', securityGroupId: 'sg-0glue' }], egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }] }],
    }));
    return file;
  }
  const associated = (app: App) => {
    const stack = new Stack(app, 'Assoc', { env: { account: '111111111111', region: 'us-east-1' } });
    new ec2.CfnSubnetRouteTableAssociation(stack, 'Assoc', { subnetId: 'subnet-0v6', routeTableId: 'rtb-0ipv4' });
    const connection = new glue.CfnConnection(stack, 'Net', {
      catalogId: stack.account,
      connectionInput: {
        name: 'warehouse',
        connectionType: 'JDBC',
        connectionProperties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.0.9.10:5432/dw' },
        physicalConnectionRequirements: { subnetId: 'subnet-0v6', securityGroupIdList: ['sg-0glue'], availabilityZone: 'us-east-1a' },
      },
    });
    new glue.CfnJob(stack, 'Job', {
      name: 'load',
      role: 'arn:aws:iam::111111111111:role/glue',
      command: { name: 'glueetl', scriptLocation: 's3://scripts-111111111111/load.py' },
      workerType: 'G.1X',
      numberOfWorkers: 2,
      connections: { connections: [connection.ref] },
    });
  };

  test('stays UNKNOWN (the association gives it a table whose IPv6 routes are not traced), not UNREACHABLE; every door agrees', () => {
    const answers = allDoors(associated, { factsFile: facts() });
    expectDoorsAgree(answers);
    expect(answers.cli.findings.filter((f) => f.endsWith(':error'))).toEqual([]);
    expect(answers.cli.stores).toEqual(['load / warehouse: UNKNOWN']);
    expect(answers.cli.messages.join('\n')).toMatch(/subnet-0v6 is IPv6-only/);
  });
});
