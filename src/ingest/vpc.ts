import {
  ALL_PORTS, Cidr, Fact, known, NetworkAcl, parseCidr, PROTOCOL_ALL, RouteTable, SecurityGroup, SourceRef, SymbolicZone, unknown, Vpc,
  NetworkModel,
} from '../model';
import { asRef, describeValue, ResourceReader } from './reader';

const ANYWHERE = parseCidr('0.0.0.0/0')!;

/**
 * EC2 creates, for every VPC, a main route table (used by subnets without an association), a
 * default network ACL allowing all traffic (rule 100 both ways) and a default security group (all
 * inbound from itself, all outbound). The model makes them explicit.
 */
export function addVpcDefaults(model: NetworkModel, vpcId: string, source: SourceRef,
  options: { mainRouteTable?: boolean; defaultNetworkAcl?: boolean } = {}): void {
  if (options.mainRouteTable ?? true) {
    const main: RouteTable = { id: `${vpcId}#main`, source, vpcId: known(vpcId), routes: [], implicitMain: true };
    model.routeTables.set(main.id, main);
  }
  if (options.defaultNetworkAcl ?? true) {
    const nacl: NetworkAcl = {
      id: `${vpcId}#default-nacl`,
      source,
      vpcId: known(vpcId),
      isDefault: true,
      entries: [false, true].map((egress) => ({
        source, ruleNumber: 100, egress, allow: true, protocol: PROTOCOL_ALL, cidr: known(ANYWHERE),
      })),
    };
    model.networkAcls.set(nacl.id, nacl);
  }
  const groupId = `${vpcId}#default-sg`;
  if (!model.securityGroups.has(groupId)) {
    const group: SecurityGroup = {
      id: groupId,
      source,
      vpcId: known(vpcId),
      ingress: [{ source, protocol: PROTOCOL_ALL, ports: ALL_PORTS, peer: { kind: 'security-group', groupId } }],
      egress: [{ source, protocol: PROTOCOL_ALL, ports: ALL_PORTS, peer: { kind: 'cidr', cidr: ANYWHERE } }],
    };
    model.securityGroups.set(group.id, group);
  }
}

export function allowAllEgress(source: SourceRef) {
  return { source, protocol: PROTOCOL_ALL, ports: ALL_PORTS, peer: { kind: 'cidr' as const, cidr: ANYWHERE } };
}

/** AWS::EC2::VPC. DNS support defaults to true, DNS hostnames to false (CloudFormation reference). */
export function readVpc(r: ResourceReader): void {
  const cidrBlocks: Fact<Cidr[]> = r.has('CidrBlock')
    ? mapFact(r.cidr('CidrBlock'), (cidr) => [cidr])
    : r.unknownWithIssue('CidrBlock', r.has('Ipv4IpamPoolId')
      ? `${r.describe()} gets its CIDR from an IPAM pool at deploy time`
      : `${r.describe()} has no CidrBlock`);
  const vpc: Vpc = {
    id: r.id,
    source: r.source,
    cidrBlocks,
    region: r.input.region ? known(r.input.region) : unknown(`stack ${r.input.stackName} is environment-agnostic: its Region is unknown`),
    account: r.input.account ? known(r.input.account) : unknown(`stack ${r.input.stackName} is environment-agnostic: its account is unknown`),
    enableDnsSupport: r.booleanFact('EnableDnsSupport', true),
    enableDnsHostnames: r.booleanFact('EnableDnsHostnames', false),
    // A new VPC gets the Region's default DHCP options set (AmazonProvidedDNS) until an association says otherwise.
    amazonProvidedDnsOnly: known(true),
    mainRouteTableId: `${r.id}#main`,
    defaultNetworkAclId: `${r.id}#default-nacl`,
  };
  r.model.vpcs.set(vpc.id, vpc);
  addVpcDefaults(r.model, vpc.id, r.source);
}

/** AWS::EC2::VPCCidrBlock: a secondary IPv4 block (IPv6 blocks are not modelled). */
export function readVpcCidrBlock(r: ResourceReader): void {
  if (!r.has('CidrBlock') && !r.has('Ipv4IpamPoolId')) return; // IPv6 only
  const vpcId = r.requiredId('VpcId');
  const vpc = vpcId.known ? r.model.vpcs.get(vpcId.value) : undefined;
  if (vpcId.known && !vpc) {
    r.issue('VpcId', `VPC ${vpcId.value} is not described (add it to the facts file)`);
    return;
  }
  const block = r.has('CidrBlock')
    ? r.cidr('CidrBlock')
    : r.unknownWithIssue<never>('Ipv4IpamPoolId', `${r.describe()} gets its CIDR from an IPAM pool at deploy time`);
  // A block that may not exist, or may belong to any VPC, leaves the blocks of the VPCs it may
  // extend unknown (their subnets' CIDRs stay known to be inside).
  const doubt = r.uncertain ?? (vpcId.known ? undefined : `its VpcId cannot be resolved (${vpcId.reason})`);
  for (const target of vpc ? [vpc] : [...r.model.vpcs.values()]) {
    let cidrBlocks = target.cidrBlocks;
    if (!block.known) cidrBlocks = unknown(`secondary CIDR block ${r.describe()}: ${block.reason}`);
    else if (doubt) cidrBlocks = unknown(`secondary CIDR block ${r.describe()} (${block.value.text}) may belong to ${target.id}: ${doubt}`);
    else if (cidrBlocks.known) cidrBlocks = known([...cidrBlocks.value, block.value]);
    r.model.vpcs.set(target.id, { ...target, cidrBlocks });
  }
}

/**
 * AWS::EC2::Subnet. An `AvailabilityZoneId` (e.g. `use1-az1`) is kept as the zone: it names the
 * same physical zone in every account, which is what the AZ-failure analysis groups by.
 */
export function readSubnet(r: ResourceReader): void {
  let zone: { availabilityZone: Fact<string>; symbolicZone?: SymbolicZone };
  if (r.has('AvailabilityZone')) zone = r.zoneFact('AvailabilityZone');
  else if (r.has('AvailabilityZoneId')) zone = { availabilityZone: r.stringFact('AvailabilityZoneId') };
  else zone = { availabilityZone: unknown(`${r.describe()} sets no AvailabilityZone: EC2 picks one at creation`) };
  const { availabilityZone, symbolicZone } = zone;
  const ipv6Only = ipv6OnlySubnet(r);
  r.model.subnets.set(r.id, {
    ...(symbolicZone ? { symbolicZone } : {}),
    id: r.id,
    source: r.source,
    vpcId: r.requiredId('VpcId'),
    cidr: r.has('CidrBlock') ? r.cidr('CidrBlock')
      : r.unknownWithIssue('CidrBlock', `${r.describe()} has no IPv4 CidrBlock (IPAM pool or IPv6-only)`),
    availabilityZone,
    usedAddresses: 0,
    ...(ipv6Only ? { ipv6Only } : {}),
  });
}

/**
 * Why a subnet of the templates is, or may be, IPv6-only (EC2 `Ipv6Native`: no IPv4 CIDR; its
 * traffic follows its table's IPv6 routes, which the model does not hold); `undefined` for an
 * IPv4 or dual-stack subnet. Without `Ipv6Native`, a subnet needs an IPv4 block (`CidrBlock` or
 * `Ipv4IpamPoolId`): one with neither can only be IPv6-only ("Ipv6Native: Indicates whether this
 * is an IPv6 only subnet", AWS::EC2::Subnet,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html).
 */
function ipv6OnlySubnet(r: ResourceReader): string | undefined {
  const native = r.booleanFact('Ipv6Native', false);
  const noIpv4 = !r.has('CidrBlock') && !r.has('Ipv4IpamPoolId');
  const traced = 'the planner traces IPv4 traffic only';
  if (native.known && native.value) return `${r.describe()} is IPv6-only (Ipv6Native): it has no IPv4 CIDR, and ${traced}`;
  if (!native.known && !r.has('CidrBlock')) return `${r.describe()} may be IPv6-only (its Ipv6Native is not resolved: ${native.reason}), and ${traced}`;
  if (noIpv4) return `${r.describe()} is IPv6-only (it has no CidrBlock and no Ipv4IpamPoolId), and ${traced}`;
  return undefined;
}

function mapFact<T, U>(fact: Fact<T>, f: (value: T) => U): Fact<U> {
  return fact.known ? known(f(fact.value)) : fact;
}

/**
 * AWS::EC2::VPCDHCPOptionsAssociation: the VPC's instances use the DNS servers of that DHCP
 * options set (`AWS::EC2::DHCPOptions` `DomainNameServers`; `AmazonProvidedDNS` is the
 * Amazon-provided server, and the default when the set names none:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-dhcpoptions.html;
 * `default` names the Region's default set, which uses it: Amazon VPC User Guide, "DHCP option
 * sets", https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html).
 * Servers of the user's own, or a set the templates do not describe, leave it unknown.
 */
export function readVpcDhcpOptionsAssociation(r: ResourceReader): void {
  const vpcId = r.requiredId('VpcId');
  const options = r.value('DhcpOptionsId');
  const ref = asRef(options);
  const entry = ref ? r.context.inputs.resource(ref.modelId) : undefined;
  let amazonOnly: Fact<boolean>;
  if (options === 'default') {
    amazonOnly = known(true);
  } else if (entry?.type === 'AWS::EC2::DHCPOptions') {
    const set = new ResourceReader(r.context, entry.input, entry.logicalId, entry.resource);
    const servers = set.value('DomainNameServers');
    // (DomainNameServers defaults to AmazonProvidedDNS.)
    amazonOnly = servers === undefined ? known(true)
      : Array.isArray(servers) && servers.every((s) => typeof s === 'string')
        ? known(servers.length > 0 && servers.every((s) => s === 'AmazonProvidedDNS'))
        : unknown(`${set.describe()}: DomainNameServers ${describeValue(servers)} is not resolved`);
  } else {
    amazonOnly = unknown(`${r.describe()} associates DHCP options ${describeValue(options)}, which the templates do not describe: their DNS servers are unknown`);
  }
  if (!amazonOnly.known || !amazonOnly.value) {
    amazonOnly = unknown(amazonOnly.known ? `${r.describe()} gives the VPC a DHCP options set whose DNS servers are not the Amazon-provided DNS server alone` : amazonOnly.reason);
  }
  const doubt = r.uncertain ?? (vpcId.known ? undefined : `its VpcId cannot be resolved (${vpcId.reason})`);
  const targets = vpcId.known ? [r.model.vpcs.get(vpcId.value)].filter((v): v is Vpc => !!v) : [...r.model.vpcs.values()];
  for (const vpc of targets) {
    const fact = doubt && amazonOnly.known ? unknown(`${r.describe()} may give ${vpc.id} other DHCP options: ${doubt}`) : amazonOnly;
    r.model.vpcs.set(vpc.id, { ...vpc, amazonProvidedDnsOnly: fact });
  }
}
