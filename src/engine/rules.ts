import { Severity } from './plan';

/** One rule of the catalogue. RULES.md documents each with its AWS source. */
export interface RuleDefinition {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
}

function rule(id: string, severity: Severity, title: string): RuleDefinition {
  return { id, severity, title };
}

/** Every rule the engine can report, by stable id. */
export const RULES = {
  storeUnreachable: rule('GNP-STORE-UNREACHABLE', 'error', 'A data store is unreachable from the connection Glue selects'),
  storeUnknown: rule('GNP-STORE-UNKNOWN', 'warning', 'Reachability of a data store cannot be decided from the templates'),
  failoverUnreachable: rule('GNP-FAILOVER-UNREACHABLE', 'warning', 'After a single-AZ failure the connection Glue falls over to cannot reach every data store'),
  failoverNoConnection: rule('GNP-FAILOVER-NO-CONNECTION', 'warning', 'A single-AZ failure leaves the job without a suitable connection'),
  noSuitableConnection: rule('GNP-NO-SUITABLE-CONNECTION', 'error', 'No connection of the job is suitable: runs fail at submission'),
  selectionUnknown: rule('GNP-SELECTION-UNKNOWN', 'warning', 'Which connection Glue selects depends on facts the templates do not give'),
  noVpcConnection: rule('GNP-NO-VPC-CONNECTION', 'warning', 'The job reaches private data stores but none of its connections carries a network configuration'),
  rayJobVpc: rule('GNP-RAY-VPC', 'error', 'Ray jobs cannot run in a VPC'),
  azUnknown: rule('GNP-CONNECTION-AZ-UNKNOWN', 'warning', "Whether a connection's AvailabilityZone is its subnet's zone is known only at deploy time"),
  azMismatch: rule('GNP-CONNECTION-AZ-MISMATCH', 'error', "A connection's AvailabilityZone differs from its subnet's"),
  azMissing: rule('GNP-CONNECTION-AZ-MISSING', 'error', 'A connection written with a subnet has no AvailabilityZone: job runs through it fail'),
  noS3Path: rule('GNP-CONNECTION-NO-S3-PATH', 'warning', "A connection's subnet has no S3 gateway endpoint and no NAT route, so Glue never selects it"),
  unknownSubnet: rule('GNP-CONNECTION-UNKNOWN-SUBNET', 'warning', "A connection's subnet is not described by the templates or facts"),
  networkWithoutSubnet: rule('GNP-NETWORK-CONNECTION-NO-SUBNET', 'error', 'A NETWORK connection has no subnet'),
  connectionUnresolved: rule('GNP-CONNECTION-UNRESOLVED', 'warning', 'A job lists a connection name that no template or facts file defines'),
  subnetTooSmall: rule('GNP-SUBNET-TOO-SMALL', 'error', 'The subnet Glue selects has fewer free addresses than one job run needs: runs fail there'),
  sgOtherVpc: rule('GNP-CONNECTION-SG-OTHER-VPC', 'error', "A connection's security group belongs to another VPC than its subnet: EC2 refuses the ENIs"),
  sgVpcUnknown: rule('GNP-CONNECTION-SG-VPC-UNKNOWN', 'warning', "Whether a connection's security group of another VPC is associated with its subnet's VPC cannot be told from the inputs"),
  subnetCapacityUnknown: rule('GNP-SUBNET-CAPACITY-UNKNOWN', 'warning', 'Whether one job run fits in the subnet Glue selects depends on job settings the inputs do not resolve'),
  jobCommandUnknown: rule('GNP-JOB-KIND-UNKNOWN', 'warning', "A job's kind (Command.Name) is unknown, and whether it runs in a VPC and how many ENIs it needs depend on it"),
  glueVersionEndOfLife: rule('GNP-GLUE-VERSION-END-OF-LIFE', 'warning', "A job's GlueVersion has reached end of life: its runs cannot start, and the plan is checked for the version as written"),
  subnetIpPressure: rule('GNP-SUBNET-IP-PRESSURE', 'warning', 'Concurrent runs of the jobs that can land in a subnet may exhaust its addresses'),
  subnetIpPressureUnknown: rule('GNP-SUBNET-IP-PRESSURE-UNKNOWN', 'warning', "Whether concurrent runs of the jobs that can land in a subnet exhaust its addresses depends on a job's MaxConcurrentRuns the inputs do not resolve"),
  sgNoSelfReference: rule('GNP-SG-NO-SELF-REFERENCE', 'error', 'No security group of the connection admits all TCP from itself'),
  sgSelfReferenceCidr: rule('GNP-SG-SELF-REFERENCE-CIDR', 'info', "A connection's group admits all TCP from a CIDR covering the whole ENI subnet instead of referencing itself"),
  sgRequirementsUnknown: rule('GNP-SG-REQUIREMENTS-UNKNOWN', 'warning', "Whether the connection's security groups meet Glue's requirements depends on rules the templates do not list"),
  sgEgress: rule('GNP-SG-EGRESS', 'error', "The connection's security groups do not allow the outbound traffic Glue needs"),
  vpcDns: rule('GNP-VPC-DNS', 'error', 'The VPC of a connection has DNS support or DNS hostnames disabled'),
  vpcDnsUnknown: rule('GNP-VPC-DNS-UNKNOWN', 'warning', 'Whether the VPC of a connection has DNS support and DNS hostnames enabled is not resolved by the inputs'),
  peeringOverlap: rule('GNP-PEERING-CIDR-OVERLAP', 'error', 'A VPC peering connects VPCs whose CIDR blocks overlap'),
  peeringNoRole: rule('GNP-PEERING-NO-ACCEPTER-ROLE', 'error', 'A cross-account VPC peering has no accepter role and stays pending'),
  peeringDns: rule('GNP-PEERING-DNS', 'warning', 'A publicly accessible store is reached by name over a peering without remote DNS resolution'),
  quotaPeerings: rule('GNP-QUOTA-PEERINGS', 'warning', "A VPC has more active peerings than the quota (the default, or the account's when given)"),
  quotaRoutes: rule('GNP-QUOTA-ROUTES', 'warning', "A route table has more routes than the quota (the default, or the account's when given)"),
  quotaRoutesUnknown: rule('GNP-QUOTA-ROUTES-UNKNOWN', 'warning', 'Whether a route table stays within the routes quota depends on the maximum entries of a prefix list it routes to, which the inputs do not give'),
  quotaSgRules: rule('GNP-QUOTA-SG-RULES', 'warning', "A security group has more inbound or outbound rules than the quota (the default, or the account's when given)"),
  quotaSgRulesUnknown: rule('GNP-QUOTA-SG-RULES-UNKNOWN', 'warning', 'Whether a security group stays within the rules quota depends on the maximum entries of a prefix list its rules reference, or on rules the inputs do not resolve'),
  quotaSecurityGroups: rule('GNP-QUOTA-SECURITY-GROUPS', 'error', 'A connection has more security groups than an ENI accepts'),
  quotaJobConnections: rule('GNP-QUOTA-JOB-CONNECTIONS', 'error', 'A job lists more connections than Glue accepts'),
  autoPeerUnfixable: rule('GNP-AUTOPEER-UNFIXABLE', 'error', 'Auto-peer cannot make a data store reachable safely'),
  autoPeerFailoverNotOpened: rule('GNP-AUTOPEER-FAILOVER-NOT-OPENED', 'warning', "Auto-peer does not open a data store to a fallback connection's Glue group that a data store also wears"),
  autoPeerAdded: rule('GNP-AUTOPEER-ADDED', 'info', 'What auto-peer added to this synthesis, per stack, and why'),
  inputUnresolved: rule('GNP-INPUT-UNRESOLVED', 'warning', 'A template value could not be resolved'),
  s3PathAcl: rule('GNP-CONNECTION-S3-ACL', 'error', 'The network ACL of a connection Glue can select blocks its S3 traffic: Glue still selects it and the runs fail'),
  natWithoutInternet: rule('GNP-CONNECTION-NAT-NO-INTERNET', 'error', 'A connection Glue can select reaches S3 only through a NAT gateway whose subnet has no route to the internet: Glue still selects it and the runs fail'),
  noSecretsPath: rule('GNP-CONNECTION-NO-SECRETS-PATH', 'error', 'A connection Glue can select has no path to Secrets Manager, and the job reads a secret'),
  noKmsPath: rule('GNP-CONNECTION-NO-KMS-PATH', 'error', "A connection Glue can select has no path to AWS KMS, and the job's security configuration encrypts with AWS KMS keys"),
  noPackageIndexPath: rule('GNP-CONNECTION-NO-PYPI-PATH', 'error', 'A connection Glue can select has no path to the internet, and the job installs Python modules from PyPI when a run starts'),
  servicePathUnknown: rule('GNP-CONNECTION-SERVICE-PATH-UNKNOWN', 'warning', 'Whether a connection Glue can select reaches S3, Secrets Manager or the Python Package Index depends on facts the inputs do not give'),
  inputUnreadable: rule('GNP-INPUT-UNREADABLE', 'error', 'The input (a template or the facts) could not be read, or checking it failed: no Glue job was checked'),
  inputNotRead: rule('GNP-INPUT-NOT-READ', 'warning', 'Part of the input was not read, so what it defines is not checked'),
} as const;

export const ALL_RULES: RuleDefinition[] = Object.values(RULES);
