/**
 * The network the examples start from, as a network team would own it: a VPC with isolated
 * subnets in two Availability Zones and an S3 gateway endpoint (Glue's S3 path), and the security
 * group Glue requires. The examples and the library's tests build their VPCs with it.
 */
import { Stack, StackProps, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** A VPC with isolated subnets in two AZs and an S3 gateway endpoint. */
export function seedVpc(scope: Construct, cidr: string): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
}

export interface SeedNetwork {
  readonly vpc: ec2.Vpc;
  /** On Glue's ENIs and on the data store: self-referencing all TCP, as Glue requires. */
  readonly glueGroup: ec2.SecurityGroup;
}

/** `seedVpc` and the Glue group, in `scope`. */
export function seedNetwork(scope: Construct, cidr: string): SeedNetwork {
  const vpc = seedVpc(scope, cidr);
  const glueGroup = new ec2.SecurityGroup(scope, 'GlueGroup', { vpc, description: 'Glue ENIs and the data store' });
  glueGroup.connections.allowInternally(ec2.Port.allTcp(), 'Glue workers talk to each other');
  return { vpc, glueGroup };
}

/** `seedNetwork` in a stack of its own. */
export class NetworkStack extends Stack implements SeedNetwork {
  readonly vpc: ec2.Vpc;
  readonly glueGroup: ec2.SecurityGroup;
  constructor(scope: Construct, id: string, cidr: string, props?: StackProps) {
    super(scope, id, props);
    ({ vpc: this.vpc, glueGroup: this.glueGroup } = seedNetwork(this, cidr));
  }
}
