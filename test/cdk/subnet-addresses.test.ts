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
  /** A VPC Lattice endpoint (VpcEndpointType Resource or ServiceNetwork) in the Glue subnet. */
  readonly latticeEndpoint?: 'Resource' | 'ServiceNetwork';
  /** G.1X workers (56 by default: 58 ENIs). */
  readonly workers?: number;
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
    if (options.latticeEndpoint) {
      new ec2.CfnVPCEndpoint(stack, 'Lattice', {
        vpcId: vpc.vpcId,
        vpcEndpointType: options.latticeEndpoint,
        ...options.latticeEndpoint === 'Resource'
          ? { resourceConfigurationArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:resourceconfiguration/rcfg-0123456789abcdef0' }
          : { serviceNetworkArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:servicenetwork/sn-0123456789abcdef0' },
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
      workerConfiguration: { workerType: glue.WorkerType.G_1X, numberOfWorkers: options.workers ?? 56 },
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

describe('VPC Lattice endpoints (VpcEndpointType Resource, ServiceNetwork) are endpoints, and take addresses in their subnets', () => {
  const unresolved = (messages: string[]) => messages.filter((m) => /VpcEndpointType|not an endpoint type/.test(m));

  test('a service-network endpoint takes a /28 block (16 addresses) at first: 43 left, 58 ENIs do not fit, GNP-SUBNET-TOO-SMALL naming it; no "not an endpoint type"', () => {
    const answers = allDoors(app([], { latticeEndpoint: 'ServiceNetwork' }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/has 43 free addresses \(59 usable, 16 known used: service-network endpoint Etl\/Lattice \(16 addresses, its first \/28 block\)/);
    expect(unresolved(answers.cli.messages)).toEqual([]);
  });

  test('a service-network endpoint and 30 workers (32 ENIs) in the 43 left: not a pass, GNP-SUBNET-CAPACITY-UNKNOWN (its further /28 blocks depend on the service network)', () => {
    const answers = allDoors(app([], { latticeEndpoint: 'ServiceNetwork', workers: 30 }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-SUBNET-CAPACITY-UNKNOWN:warning');
    expect(answers.cli.findings).not.toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/has at most 43 free addresses .*another \/28 block of 16 addresses when its service network holds resource configurations/);
  });

  test('a resource endpoint: one address counted, how many it takes is not documented: 58 ENIs in the 58 left is UNKNOWN (GNP-SUBNET-CAPACITY-UNKNOWN), not a pass; no "not an endpoint type"', () => {
    const answers = allDoors(app([], { latticeEndpoint: 'Resource' }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain('GNP-SUBNET-CAPACITY-UNKNOWN:warning');
    expect(answers.cli.findings).not.toContain(TOO_SMALL);
    expect(answers.cli.messages.join('\n')).toMatch(/at most 58 free addresses .*resource endpoint Etl\/Lattice's network interfaces take addresses in it, and AWS does not document how many/);
    expect(unresolved(answers.cli.messages)).toEqual([]);
  });
});
