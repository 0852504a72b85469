/**
 * The app's own network interfaces take addresses in the Glue subnet: an interface endpoint one in
 * each of its subnets, a transit gateway attachment one in each of its subnets. A run whose ENIs
 * do not fit in what is left fails at ENI creation (GNP-SUBNET-TOO-SMALL). Built as a user writes
 * it (ec2.Vpc with interface endpoints in the isolated subnets Glue uses), through the three doors.
 */
import { App, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { allDoors, expectDoorsAgree } from '../doors';

interface Extras {
  readonly transitGateway?: boolean;
  readonly gatewayLoadBalancerEndpoint?: boolean;
  readonly privateNatGateway?: boolean;
  readonly publicNatGateway?: boolean;
}

function app(endpoints: ec2.InterfaceVpcEndpointAwsService[], options: Extras = {}) {
  return (a: App) => {
    const stack = new Stack(a, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
    // /26 subnets: 59 addresses (64 - 5 AWS reserves); 56 G.1X workers need 58.
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 1,
      natGateways: 0,
      subnetConfiguration: [{ name: 'glue', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    endpoints.forEach((service, i) => vpc.addInterfaceEndpoint(`Endpoint${i}`, { service }));
    if (options.transitGateway) {
      const tgw = new ec2.CfnTransitGateway(stack, 'Hub', {});
      new ec2.CfnTransitGatewayAttachment(stack, 'HubAttachment', { transitGatewayId: tgw.ref, vpcId: vpc.vpcId, subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId) });
    }
    if (options.gatewayLoadBalancerEndpoint) {
      // An inspection appliance's endpoint (the service a Gateway Load Balancer of another account offers).
      new ec2.CfnVPCEndpoint(stack, 'Inspection', {
        vpcId: vpc.vpcId,
        serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        vpcEndpointType: 'GatewayLoadBalancer',
        subnetIds: [vpc.isolatedSubnets[0].subnetId],
      });
    }
    if (options.privateNatGateway) {
      // A private NAT gateway in the Glue subnet (for overlapping networks), with two secondary addresses.
      new ec2.CfnNatGateway(stack, 'PrivateNat', { subnetId: vpc.isolatedSubnets[0].subnetId, connectivityType: 'private', secondaryPrivateIpAddressCount: 2 });
    }
    if (options.publicNatGateway) {
      // A public NAT gateway in the Glue subnet with two secondary Elastic IPs: each takes a private address of the subnet.
      new ec2.CfnNatGateway(stack, 'PublicNat', { subnetId: vpc.isolatedSubnets[0].subnetId, allocationId: 'eipalloc-0aaaaaaaaaaaaaaa1', secondaryAllocationIds: ['eipalloc-0aaaaaaaaaaaaaaa2', 'eipalloc-0aaaaaaaaaaaaaaa3'] });
    }
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc, description: 'Glue ENIs' });
    group.connections.allowInternally(ec2.Port.allTcp(), 'Glue workers talk to each other');
    const network = new glue.Connection(stack, 'Network', {
      type: glue.ConnectionType.NETWORK,
      network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]),
      securityGroups: [group],
    });
    new glue.PySparkEtlJob(stack, 'Load', {
      jobName: 'load',
      role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
      script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
      connections: [network],
      workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: 56 },
    });
  };
}

const TOO_SMALL = 'GNP-SUBNET-TOO-SMALL:error';

describe("the app's interface endpoints and transit gateway attachments take addresses in the Glue subnet", () => {
  test('56 G.1X workers (58 ENIs) in a /26 (59 addresses) alone: they fit, no finding', () => {
    const answers = allDoors(app([]));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(TOO_SMALL);
  });

  test('with four interface endpoints in the same subnets (Secrets Manager, CloudWatch Logs, STS, Glue), 55 are left: GNP-SUBNET-TOO-SMALL naming them', () => {
    const answers = allDoors(app([
      ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      ec2.InterfaceVpcEndpointAwsService.STS,
      ec2.InterfaceVpcEndpointAwsService.GLUE,
    ]));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(TOO_SMALL);
    const message = answers.cli.messages.find((m) => /GNP-SUBNET-TOO-SMALL|fewer|free addresses/.test(m) && /interface endpoint/.test(m));
    expect(message).toMatch(/has 55 free addresses \(59 usable, 4 known used: interface endpoint Etl\/VpcEndpoint0/);
  });

  test('a transit gateway attachment in the subnet and one endpoint: 57 left, GNP-SUBNET-TOO-SMALL', () => {
    const answers = allDoors(app([ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER], { transitGateway: true }));
    expect(answers.cli.findings).toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/2 known used: interface endpoint .*, transit gateway attachment Etl\/HubAttachment/);
  });

  test('a Gateway Load Balancer endpoint in the subnet and one interface endpoint: 57 left, GNP-SUBNET-TOO-SMALL naming both', () => {
    const answers = allDoors(app([ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER], { gatewayLoadBalancerEndpoint: true }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/2 known used: interface endpoint Etl\/VpcEndpoint0.*, Gateway Load Balancer endpoint Etl\/Inspection/);
  });

  test('a private NAT gateway in the subnet with 2 secondary addresses takes 3: 56 left, GNP-SUBNET-TOO-SMALL naming it', () => {
    const answers = allDoors(app([], { privateNatGateway: true }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/has 56 free addresses \(59 usable, 3 known used: NAT gateway Etl\/PrivateNat \(3 addresses\)/);
  });

  test('a public NAT gateway in the subnet with 2 secondary Elastic IPs takes 3 (a private address for each EIP): 56 left, GNP-SUBNET-TOO-SMALL (was: counted 1, 58 left, no finding)', () => {
    const answers = allDoors(app([], { publicNatGateway: true }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/has 56 free addresses \(59 usable, 3 known used: NAT gateway Etl\/PublicNat \(3 addresses\)/);
  });
});
