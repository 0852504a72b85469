import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isCfnResourceOfType } from './cfn-type';

/**
 * What the app itself says about Glue's S3 path from a route table: Glue selects a connection
 * only if its subnet's route table has an S3 gateway endpoint or a default route to a NAT
 * gateway (spec §2.3; an internet gateway does not count, Glue ENIs get no public address).
 */
export interface S3PathFacts {
  /** The S3 gateway endpoints associated with the route table (excluding `ignore`). */
  readonly gatewayEndpoints: ec2.CfnVPCEndpoint[];
  /** The 0.0.0.0/0 routes of the table that target a NAT gateway. */
  readonly natRoutes: ec2.CfnRoute[];
}

/**
 * Every `AWS::EC2::VPCEndpoint` and `AWS::EC2::Route` of the app, found by one walk, for the
 * S3-path questions about a batch of route tables.
 */
export class AppRoutingIndex {
  private readonly endpoints: ec2.CfnVPCEndpoint[] = [];
  private readonly routes: ec2.CfnRoute[] = [];

  constructor(root: IConstruct) {
    for (const construct of root.node.findAll()) {
      if (isCfnResourceOfType<ec2.CfnVPCEndpoint>(construct, 'AWS::EC2::VPCEndpoint')) this.endpoints.push(construct);
      else if (isCfnResourceOfType<ec2.CfnRoute>(construct, 'AWS::EC2::Route')) this.routes.push(construct);
    }
  }

  /** What gives the route table a path to S3, as far as the app describes it. */
  public s3Path(routeTableId: string, ignore: IConstruct[] = []): S3PathFacts {
    const ignored = (c: IConstruct) => ignore.some(scope => c === scope || c.node.scopes.includes(scope));
    return {
      gatewayEndpoints: this.endpoints.filter(e => !ignored(e) && isS3Gateway(e) && listIncludes(e.routeTableIds, routeTableId)),
      natRoutes: this.routes.filter(r => r.routeTableId === routeTableId && r.destinationCidrBlock === '0.0.0.0/0' && r.natGatewayId !== undefined),
    };
  }

  /** The routes of a table to exactly `destinationCidrBlock`, whatever their target. */
  public routesTo(routeTableId: string, destinationCidrBlock: string): ec2.CfnRoute[] {
    return this.routes.filter(r => r.routeTableId === routeTableId && r.destinationCidrBlock === destinationCidrBlock);
  }
}

/** A gateway endpoint (the default type) whose service name ends in `.s3`: `com.amazonaws.<region>.s3`. */
function isS3Gateway(endpoint: ec2.CfnVPCEndpoint): boolean {
  const type = endpoint.vpcEndpointType;
  return (type === undefined || type === 'Gateway') && typeof endpoint.serviceName === 'string' && endpoint.serviceName.endsWith('.s3');
}

function listIncludes(list: unknown, value: string): boolean {
  return Array.isArray(list) && list.includes(value);
}
