/**
 * The account's Amazon VPC quotas, where they are raised above AWS's defaults. The templates do
 * not show quotas, so the checks (`GNP-QUOTA-*`) and auto-peer (which refuses a peering or a
 * route over a quota, since it would fail to create and roll the deployment back) assume the
 * defaults unless the account's values are given here. Each value is a whole number from 1 to
 * the most AWS grants.
 *
 * @see https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
 */
export interface NetworkQuotas {
  /**
   * Active VPC peering connections per VPC (AWS grants up to 125).
   *
   * @default 50
   */
  readonly peeringsPerVpc?: number;

  /**
   * Routes per route table (AWS grants up to 1,000). AWS raised the default from 50 to 500 in
   * June 2025; an account still at 50 gives it here.
   *
   * @default 500
   */
  readonly routesPerRouteTable?: number;

  /**
   * Security groups per network interface (AWS grants up to 16): how many groups a Glue
   * connection may list, since its ENIs wear them all.
   *
   * @default 5
   */
  readonly securityGroupsPerNetworkInterface?: number;

  /**
   * Inbound or outbound rules per security group (enforced apart per direction, and for IPv4
   * and IPv6 rules). This quota multiplied by `securityGroupsPerNetworkInterface` cannot exceed
   * 1,000: raising one lowers the other, so a value here above 200 also bounds the security
   * groups per network interface assumed when that one is not given.
   *
   * @default 60
   */
  readonly rulesPerSecurityGroup?: number;
}
