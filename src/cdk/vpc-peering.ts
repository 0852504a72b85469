import { createHash } from 'crypto';
import {
  Annotations,
  Stack,
  Token,
  aws_ec2 as ec2,
  aws_iam as iam,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isCfnResourceOfType } from './private/cfn-type';
import { Ipv4Block, blockContains, blocksOverlap, parseIpv4Block } from './private/ipv4-block';
import { VpcIpv4Block, discoverVpcIpv4Blocks } from './private/vpc-ipv4-blocks';

/**
 * Properties of a {@link VpcPeering}.
 */
export interface VpcPeeringProps {
  /**
   * The VPC that requests the peering. It must live in the account and Region of the
   * stack that contains the `VpcPeering`.
   */
  readonly requesterVpc: ec2.IVpc;

  /**
   * The VPC that accepts the peering. It may live in another account (set `peerOwnerId`
   * and `peerRoleArn`) or another Region (set `peerRegion`).
   */
  readonly accepterVpc: ec2.IVpc;

  /**
   * Requester subnets whose route tables get a route to the accepter CIDRs.
   *
   * @default - every private subnet (PRIVATE_WITH_EGRESS and PRIVATE_ISOLATED), or every
   * subnet when the VPC has no private subnet
   */
  readonly requesterSubnets?: ec2.SubnetSelection;

  /**
   * Accepter subnets whose route tables get a route to the requester CIDRs. Only used
   * when accepter routes are created (see `createAccepterRoutes`).
   *
   * @default - every private subnet (PRIVATE_WITH_EGRESS and PRIVATE_ISOLATED), or every
   * subnet when the VPC has no private subnet
   */
  readonly accepterSubnets?: ec2.SubnetSelection;

  /**
   * Account ID of the owner of the accepter VPC.
   *
   * @default - the accepter VPC's account when it is known and differs from this stack's,
   * otherwise this stack's account (same-account peering)
   */
  readonly peerOwnerId?: string;

  /**
   * Region of the accepter VPC. Dropped when equal to this stack's Region.
   *
   * @default - the accepter VPC's Region when it is known and differs from this stack's,
   * otherwise this stack's Region (same-Region peering)
   */
  readonly peerRegion?: string;

  /**
   * ARN of a role in the accepter account that CloudFormation assumes to accept the
   * peering. Required for cross-account peering; forbidden for same-account peering.
   *
   * @default - no role (same-account peering)
   */
  readonly peerRoleArn?: string;

  /**
   * Let each VPC resolve the other VPC's public DNS hostnames (such as a publicly
   * accessible RDS endpoint) to private IP addresses. Implemented with a custom resource,
   * because CloudFormation cannot set peering connection options.
   *
   * @default false
   */
  readonly allowDnsResolution?: boolean;

  /**
   * Requester CIDR blocks routed from the accepter side (and used by CIDR-based ingress rules).
   *
   * @default - every IPv4 block of the requester VPC, primary and secondary
   */
  readonly requesterCidrs?: string[];

  /**
   * Accepter CIDR blocks routed from the requester side (and used by CIDR-based ingress rules).
   *
   * @default - every IPv4 block of the accepter VPC, primary and secondary
   */
  readonly accepterCidrs?: string[];

  /**
   * Whether to create the routes in the accepter VPC's route tables. Only possible when
   * the accepter VPC is in this stack's account and Region.
   *
   * @default - true when the accepter VPC is in this stack's account and Region, else false
   */
  readonly createAccepterRoutes?: boolean;
}

/**
 * Options for the ingress helpers of a {@link VpcPeering}.
 */
export interface PeeredIngressOptions {
  /**
   * The peer whose security groups are allowed in. Used as security-group references
   * when the peering is within one Region; across Regions, where peered group references
   * are not possible, the peer VPC's routed CIDRs are used instead.
   *
   * @default - the peer VPC's routed CIDRs
   */
  readonly source?: ec2.IConnectable;

  /**
   * Description of the ingress rules.
   *
   * @default - names the peer side and this peering
   */
  readonly description?: string;
}

/** One routed destination: the value given to CloudFormation and a token-free id label. */
interface RoutedCidr {
  readonly cidr: string;
  readonly label: string;
}

type PeeringSide = 'Requester' | 'Accepter';

const WARNING_PREFIX = 'cdk-glue-netplan';
const DNS_METADATA_KEY = 'cdk-glue-netplan:peering-dns';

/**
 * A VPC peering connection with its routes, synth-time checks, DNS option and ingress helpers.
 *
 * Every resource (the peering, the routes on both sides, the DNS custom resource, the
 * ingress rules) is created in the stack of the `VpcPeering`'s scope. Put the peering in
 * a stack that may depend on both network stacks (or in one of them) and no dependency
 * cycle can arise: the network stacks never reference the peering.
 *
 * Checks that would otherwise fail the deployment throw when the construct is created:
 * overlapping CIDR blocks, cross-account peering without `peerRoleArn`, a needless
 * `peerRoleArn`, accepter routes requested for an accepter this stack cannot modify.
 */
export class VpcPeering extends Construct {
  /**
   * The ID of the peering connection (`pcx-...`), resolved at deploy time.
   */
  public readonly peeringConnectionId: string;

  /**
   * The underlying `AWS::EC2::VPCPeeringConnection`.
   */
  public readonly cfnPeering: ec2.CfnVPCPeeringConnection;

  /**
   * Whether the accepter VPC is in another Region than this stack.
   */
  public readonly crossRegion: boolean;

  /**
   * Whether the accepter VPC is (or may be) in another account than this stack.
   */
  public readonly crossAccount: boolean;

  /**
   * The requester CIDR blocks routed from the accepter side.
   */
  public readonly requesterCidrs: string[];

  /**
   * The accepter CIDR blocks routed from the requester side.
   */
  public readonly accepterCidrs: string[];

  private readonly requesterRouted: RoutedCidr[];
  private readonly accepterRouted: RoutedCidr[];
  private readonly peerOwnerId?: string;

  /**
   * Creates the peering connection, its routes and, if asked, the DNS option.
   *
   * @param scope the construct scope; its stack receives every resource
   * @param id the construct id
   * @param props the peering properties
   */
  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    const stack = Stack.of(this);

    assertVpcInStackEnvironment(props.requesterVpc, stack, this.node.path);

    const peerRegion = this.resolvePeerRegion(props, stack);
    const peerOwnerId = resolvePeerOwnerId(props, stack, this.node.path);
    this.peerOwnerId = peerOwnerId;
    this.crossRegion = peerRegion !== undefined;
    // A token that is not literally the stack's account may be any account: treat it as
    // another one, so the accepter role is required rather than silently omitted.
    this.crossAccount = peerOwnerId !== undefined && peerOwnerId !== stack.account;
    this.assertAccepterRole(props, peerOwnerId, stack);

    const accepterIsLocal = !this.crossAccount && !this.crossRegion;
    const createAccepterRoutes = props.createAccepterRoutes ?? accepterIsLocal;
    if (createAccepterRoutes && !accepterIsLocal) {
      throw new Error(`${this.node.path}: createAccepterRoutes is true, but the accepter VPC is in another `
        + `${this.crossAccount ? 'account' : 'Region'}: this stack cannot modify its route tables. Add the routes `
        + 'in a stack deployed to the accepter\'s account and Region, and leave createAccepterRoutes unset.');
    }

    const requesterBlocks = discoverVpcIpv4Blocks(props.requesterVpc);
    const accepterBlocks = discoverVpcIpv4Blocks(props.accepterVpc);
    this.requesterRouted = this.routedCidrs('requester', props.requesterVpc, requesterBlocks, props.requesterCidrs);
    this.accepterRouted = this.routedCidrs('accepter', props.accepterVpc, accepterBlocks, props.accepterCidrs);
    this.requesterCidrs = this.requesterRouted.map(r => r.cidr);
    this.accepterCidrs = this.accepterRouted.map(r => r.cidr);
    this.checkOverlaps(requesterBlocks, accepterBlocks);

    this.cfnPeering = new ec2.CfnVPCPeeringConnection(this, 'Resource', {
      vpcId: props.requesterVpc.vpcId,
      peerVpcId: props.accepterVpc.vpcId,
      peerOwnerId,
      peerRegion,
      peerRoleArn: props.peerRoleArn,
    });
    this.peeringConnectionId = this.cfnPeering.ref;

    this.addRoutes('Requester', props.requesterVpc, props.requesterSubnets, this.accepterRouted);
    if (createAccepterRoutes) {
      this.addRoutes('Accepter', props.accepterVpc, props.accepterSubnets, this.requesterRouted);
    } else if (!accepterIsLocal) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:peeringAccepterRoutesRequired`,
        `The accepter VPC is in another ${this.crossAccount ? 'account' : 'Region'}, so its routes are not created `
        + 'here. In the accepter VPC, add to the route table of every subnet that must reach the requester a route to '
        + `${this.requesterRouted.map(r => describeCidr(r.cidr)).join(', ')} via this peering connection `
        + `(${this.node.path}); without them the return traffic has no route.`);
    }

    if (props.allowDnsResolution) {
      this.enableDnsResolution(accepterIsLocal);
    }

    // Secondary blocks added after this construct would slip past the overlap check.
    this.node.addValidation({
      validate: () => this.lateOverlapErrors(props, requesterBlocks, accepterBlocks),
    });
  }

  /**
   * Allows traffic from the requester VPC into the accepter-side `target` on `port`.
   *
   * The rules are created in this peering's stack. Within one Region, `options.source`
   * groups are referenced; otherwise the requester's routed CIDRs are allowed. Only
   * possible when the accepter VPC is in this stack's account and Region.
   *
   * @param target accepter-side resource whose security groups get the ingress rules
   * @param port the port (range) to allow
   * @param options source and description
   */
  public allowFromRequester(target: ec2.IConnectable, port: ec2.Port, options: PeeredIngressOptions = {}): void {
    if (this.crossAccount || this.crossRegion) {
      throw new Error(`${this.node.path}: allowFromRequester() adds rules to accepter-side security groups, which `
        + `live in another ${this.crossAccount ? 'account' : 'Region'} and cannot be modified from this stack. `
        + `Add the ingress rule (from ${this.requesterCidrs.map(describeCidr).join(', ')}, ${port}) in the accepter's own stack.`);
    }
    this.addIngress('Requester', target, port, options);
  }

  /**
   * Allows traffic from the accepter VPC into the requester-side `target` on `port`.
   *
   * The rules are created in this peering's stack. Within one Region, `options.source`
   * groups are referenced (with their owner account when cross-account); across Regions
   * the accepter's routed CIDRs are allowed.
   *
   * @param target requester-side resource whose security groups get the ingress rules
   * @param port the port (range) to allow
   * @param options source and description
   */
  public allowFromAccepter(target: ec2.IConnectable, port: ec2.Port, options: PeeredIngressOptions = {}): void {
    this.addIngress('Accepter', target, port, options);
  }

  /**
   * Adds a route through this peering to a route table of either VPC, for a chosen
   * destination (for example one subnet's CIDR rather than the whole peer VPC).
   *
   * The route is created in this peering's stack. A route table in another account or
   * Region than this stack cannot be modified from here.
   *
   * @param id construct id of the route, unique within this peering
   * @param routeTableId the route table (of the requester or the accepter VPC)
   * @param destinationCidrBlock the IPv4 destination, inside the other VPC's CIDR blocks
   * @returns the route
   */
  public addRoute(id: string, routeTableId: string, destinationCidrBlock: string): ec2.CfnRoute {
    if (!Token.isUnresolved(destinationCidrBlock) && parseIpv4Block(destinationCidrBlock) === undefined) {
      throw new Error(`${this.node.path}: addRoute('${id}'): '${destinationCidrBlock}' is not an IPv4 CIDR block.`);
    }
    return new ec2.CfnRoute(this, id, {
      routeTableId,
      destinationCidrBlock,
      vpcPeeringConnectionId: this.peeringConnectionId,
    });
  }

  private resolvePeerRegion(props: VpcPeeringProps, stack: Stack): string | undefined {
    const accepterRegion = knownVpcEnvironment(props.accepterVpc, 'region');
    const given = props.peerRegion;
    if (given !== undefined && accepterRegion !== undefined && concrete(given) !== undefined && given !== accepterRegion) {
      throw new Error(`${this.node.path}: peerRegion is ${given}, but the accepter VPC ${props.accepterVpc.node.path} `
        + `is in ${accepterRegion}.`);
    }
    const peerRegion = given ?? (accepterRegion !== undefined && concrete(stack.region) !== undefined ? accepterRegion : undefined);
    // PeerRegion equal to the request's own Region is the default: drop it.
    return peerRegion === stack.region ? undefined : peerRegion;
  }

  private assertAccepterRole(props: VpcPeeringProps, peerOwnerId: string | undefined, stack: Stack): void {
    if (this.crossAccount && props.peerRoleArn === undefined) {
      throw new Error(`${this.node.path}: the accepter VPC is owned by account ${peerOwnerId}, which differs from `
        + `this stack's account ${stack.account} (or cannot be compared with it). A cross-account peering stays `
        + '"pending-acceptance" until the accepter accepts it, and its routes go nowhere until then: pass peerRoleArn, '
        + 'a role in the accepter account that this account may assume and that allows ec2:AcceptVpcPeeringConnection, '
        + 'so CloudFormation accepts the peering during deployment.');
    }
    if (!this.crossAccount && props.peerRoleArn !== undefined) {
      throw new Error(`${this.node.path}: peerRoleArn is set, but the accepter VPC is in this stack's account. `
        + 'A same-account peering needs no accepter role, and CloudFormation fails when one is given: remove peerRoleArn '
        + '(or set peerOwnerId if the accepter really is in another account).');
    }
  }

  private routedCidrs(side: string, vpc: ec2.IVpc, blocks: VpcIpv4Block[], given?: string[]): RoutedCidr[] {
    const routed: RoutedCidr[] = [];
    const seen = new Set<string>();
    const add = (cidr: string, tokenLabel: string) => {
      if (seen.has(cidr)) {
        return;
      }
      seen.add(cidr);
      routed.push({ cidr, label: Token.isUnresolved(cidr) ? tokenLabel : cidr.replace('/', '_') });
    };

    if (given !== undefined) {
      given.forEach((cidr, index) => {
        if (!Token.isUnresolved(cidr) && parseIpv4Block(cidr) === undefined) {
          throw new Error(`${this.node.path}: ${side}Cidrs contains '${cidr}', which is not an IPv4 CIDR block.`);
        }
        // Only tokens fall back to the index; literal CIDRs name their own routes.
        add(cidr, `Cidr${index}`);
      });
      this.warnCidrsOutsideVpc(side, vpc, blocks, given);
    } else {
      for (const block of blocks) {
        if (block.cidr !== undefined) {
          add(block.cidr, block.label);
        }
      }
    }
    if (routed.length === 0) {
      throw new Error(`${this.node.path}: cannot tell the IPv4 CIDR blocks of the ${side} VPC ${vpc.node.path}; `
        + `pass ${side}Cidrs (or import the VPC with vpcCidrBlock).`);
    }
    return routed;
  }

  private warnCidrsOutsideVpc(side: string, vpc: ec2.IVpc, blocks: VpcIpv4Block[], given: string[]): void {
    if (blocks.some(b => !b.known)) {
      return;
    }
    const vpcBlocks = blocks.map(b => parseIpv4Block(b.cidr!)!);
    const outside = given
      .map(parseIpv4Block)
      .filter((b): b is Ipv4Block => b !== undefined && !vpcBlocks.some(v => blockContains(v, b)));
    if (outside.length > 0) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:peeringCidrOutsideVpc`,
        `${side}Cidrs ${outside.map(b => b.text).join(', ')} lie outside every CIDR block of ${vpc.node.path} `
        + `(${vpcBlocks.map(b => b.text).join(', ')}): a peering only carries traffic between addresses of the two VPCs.`);
    }
  }

  private checkOverlaps(requesterBlocks: VpcIpv4Block[], accepterBlocks: VpcIpv4Block[]): void {
    const overlaps = findOverlaps(requesterBlocks, accepterBlocks);
    if (overlaps.length > 0) {
      // A peering between overlapping VPCs goes straight to "failed", even when only a
      // secondary block overlaps and IPv6 blocks are unique:
      // https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html
      throw new Error(`${this.node.path}: the VPCs cannot be peered because their IPv4 CIDR blocks overlap: `
        + `${overlaps.join('; ')}. Re-address one VPC or peer other VPCs.`);
    }
    const unchecked = [...requesterBlocks, ...accepterBlocks].filter(b => !b.known);
    if (unchecked.length > 0) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:peeringCidrsUnchecked`,
        'Could not check the VPCs for overlapping CIDR blocks, because these blocks are only known at deploy time: '
        + `${unchecked.map(b => b.origin).join(', ')}. If they overlap, the peering fails to deploy.`
        + (unchecked.some(b => b.cidr === undefined) ? ' Blocks with no nameable CIDR are not routed; pass requesterCidrs/accepterCidrs to route them.' : ''));
    }
  }

  private lateOverlapErrors(props: VpcPeeringProps, requesterBlocks: VpcIpv4Block[], accepterBlocks: VpcIpv4Block[]): string[] {
    const requesterNow = discoverVpcIpv4Blocks(props.requesterVpc);
    const accepterNow = discoverVpcIpv4Blocks(props.accepterVpc);
    if (requesterNow.length === requesterBlocks.length && accepterNow.length === accepterBlocks.length) {
      return [];
    }
    return findOverlaps(requesterNow, accepterNow).map(o =>
      `the VPCs cannot be peered because their IPv4 CIDR blocks overlap: ${o} (a block added after the VpcPeering was created)`);
  }

  private addRoutes(side: PeeringSide, vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, destinations: RoutedCidr[]): void {
    const subnets = selection !== undefined ? vpc.selectSubnets(selection).subnets : defaultSubnets(vpc);
    const routesScope = new Construct(this, `${side}Routes`);
    for (const table of routeTablesOf(subnets, this.node.path)) {
      const tableScope = new Construct(routesScope, table.name);
      for (const destination of destinations) {
        new ec2.CfnRoute(tableScope, `To${destination.label}`, {
          routeTableId: table.routeTableId,
          destinationCidrBlock: destination.cidr,
          vpcPeeringConnectionId: this.peeringConnectionId,
        });
      }
    }
  }

  private enableDnsResolution(accepterIsLocal: boolean): void {
    // CloudFormation has no property for peering options, hence the custom resource.
    // Each side's option is set by that side's account and Region:
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcPeeringConnectionOptions.html
    const enableDns = { AllowDnsResolutionFromRemoteVpc: true };
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'modifyVpcPeeringConnectionOptions',
      parameters: {
        VpcPeeringConnectionId: this.peeringConnectionId,
        RequesterPeeringConnectionOptions: enableDns,
        ...(accepterIsLocal ? { AccepterPeeringConnectionOptions: enableDns } : {}),
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${this.peeringConnectionId}-dns-resolution`),
    };
    const peeringArn = Stack.of(this).formatArn({
      service: 'ec2',
      resource: 'vpc-peering-connection',
      resourceName: this.peeringConnectionId,
    });
    new cr.AwsCustomResource(this, 'DnsResolution', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['ec2:ModifyVpcPeeringConnectionOptions'],
          resources: [peeringArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    this.cfnPeering.addMetadata(DNS_METADATA_KEY, { Requester: true, Accepter: accepterIsLocal });
    if (!accepterIsLocal) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:peeringAccepterDnsRequired`,
        'DNS resolution from the remote VPC is enabled on the requester side only: the accepter side must be enabled '
        + 'from the accepter\'s account and Region (ModifyVpcPeeringConnectionOptions with '
        + 'AccepterPeeringConnectionOptions.AllowDnsResolutionFromRemoteVpc).');
    }
  }

  private addIngress(from: PeeringSide, target: ec2.IConnectable, port: ec2.Port, options: PeeredIngressOptions): void {
    const targetGroups = target.connections.securityGroups;
    if (targetGroups.length === 0) {
      throw new Error(`${this.node.path}: allowFrom${from}() needs a target with at least one security group.`);
    }
    const sourceGroups = options.source?.connections.securityGroups ?? [];
    // Peered security groups can be referenced only within one Region:
    // https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
    const byGroupReference = sourceGroups.length > 0 && !this.crossRegion;
    if (sourceGroups.length > 0 && this.crossRegion) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:peeringIngressByCidr`,
        `allowFrom${from}(): security groups of a peered VPC in another Region cannot be referenced, so the `
        + `${from.toLowerCase()} CIDR blocks are allowed instead of the source's security groups.`);
    }
    const sourceCidrs = from === 'Requester' ? this.requesterRouted : this.accepterRouted;
    // The source group is in the accepter's account when the accepter is the source.
    const sourceOwner = from === 'Accepter' && this.crossAccount ? this.peerOwnerId : undefined;
    const description = options.description ?? `from the ${from.toLowerCase()} VPC via peering ${this.node.id}`;
    const rule = port.toRuleJson();
    const rulesScope = (this.node.tryFindChild(`${from}Ingress`) as Construct | undefined) ?? new Construct(this, `${from}Ingress`);

    for (const group of targetGroups) {
      const sources = byGroupReference
        ? sourceGroups.map(s => ({ key: s.node.path, props: { sourceSecurityGroupId: s.securityGroupId, sourceSecurityGroupOwnerId: sourceOwner } }))
        : sourceCidrs.map(c => ({ key: c.label, props: { cidrIp: c.cidr } }));
      for (const source of sources) {
        const ruleId = `Rule${shortHash(`${group.node.path}|${source.key}|${port.toString()}`)}`;
        if (rulesScope.node.tryFindChild(ruleId)) {
          continue;
        }
        const ingress = new ec2.CfnSecurityGroupIngress(rulesScope, ruleId, {
          groupId: group.securityGroupId,
          description,
          ...rule,
          ...source.props,
        });
        if (byGroupReference) {
          // A peer group can be referenced only once the peering is active (same page).
          ingress.node.addDependency(this.cfnPeering);
        }
      }
    }
  }
}

function concrete(value: string | undefined): string | undefined {
  return value !== undefined && !Token.isUnresolved(value) ? value : undefined;
}

/**
 * The VPC's account or Region when it is really known. An imported VPC reports its
 * importing stack's environment unless one was passed explicitly, so its value is
 * trusted only when it differs from that stack's; a VPC defined in the app is trusted.
 */
function knownVpcEnvironment(vpc: ec2.IVpc, what: 'account' | 'region'): string | undefined {
  const value = concrete(vpc.env[what]);
  if (value === undefined) {
    return undefined;
  }
  const definedInApp = isCfnResourceOfType(vpc.node.defaultChild, 'AWS::EC2::VPC');
  return definedInApp || value !== Stack.of(vpc)[what] ? value : undefined;
}

function assertVpcInStackEnvironment(vpc: ec2.IVpc, stack: Stack, path: string): void {
  for (const [what, vpcValue, stackValue] of [
    ['account', knownVpcEnvironment(vpc, 'account'), stack.account],
    ['Region', knownVpcEnvironment(vpc, 'region'), stack.region],
  ]) {
    if (concrete(vpcValue) && concrete(stackValue) && vpcValue !== stackValue) {
      throw new Error(`${path}: the requester VPC ${vpc.node.path} is in ${what} ${vpcValue}, but the peering is created `
        + `in stack ${stack.stackName} (${what} ${stackValue}). Create the VpcPeering in a stack of the requester's `
        + 'account and Region, or swap requester and accepter.');
    }
  }
}

function resolvePeerOwnerId(props: VpcPeeringProps, stack: Stack, path: string): string | undefined {
  const accepterAccount = knownVpcEnvironment(props.accepterVpc, 'account');
  const given = props.peerOwnerId;
  if (given !== undefined && accepterAccount !== undefined && concrete(given) !== undefined && given !== accepterAccount) {
    throw new Error(`${path}: peerOwnerId is ${given}, but the accepter VPC ${props.accepterVpc.node.path} `
      + `is in account ${accepterAccount}.`);
  }
  const inferred = accepterAccount !== undefined && concrete(stack.account) !== undefined ? accepterAccount : undefined;
  const owner = given ?? inferred;
  // PeerOwnerId defaults to the requesting account: leave it out when it is that account.
  return owner === stack.account ? undefined : owner;
}

function findOverlaps(requesterBlocks: VpcIpv4Block[], accepterBlocks: VpcIpv4Block[]): string[] {
  const parsed = (blocks: VpcIpv4Block[]) => blocks
    .filter(b => b.known)
    .map(b => ({ origin: b.origin, block: parseIpv4Block(b.cidr!) }))
    .filter((b): b is { origin: string; block: Ipv4Block } => b.block !== undefined);
  const overlaps: string[] = [];
  for (const r of parsed(requesterBlocks)) {
    for (const a of parsed(accepterBlocks)) {
      if (blocksOverlap(r.block, a.block)) {
        overlaps.push(`${r.block.text} (${r.origin}) overlaps ${a.block.text} (${a.origin})`);
      }
    }
  }
  return overlaps;
}

function defaultSubnets(vpc: ec2.IVpc): ec2.ISubnet[] {
  const privateSubnets = [...vpc.privateSubnets, ...vpc.isolatedSubnets];
  return privateSubnets.length > 0 ? privateSubnets : [...vpc.publicSubnets];
}

interface SelectedRouteTable {
  readonly routeTableId: string;
  readonly name: string;
}

/**
 * The distinct route tables of `subnets`, each named for construct ids by its literal
 * `rtb-` ID or, for a table created in the app (a token), by the first subnet using it.
 * A clash of names (same subnet id under different parents) is resolved with a hash of
 * the subnet's path, never with a counter that would shift when subnets are added.
 */
function routeTablesOf(subnets: ec2.ISubnet[], path: string): SelectedRouteTable[] {
  const tables = new Map<string, SelectedRouteTable>();
  const names = new Set<string>();
  for (const subnet of subnets) {
    const routeTableId = subnet.routeTable?.routeTableId;
    if (routeTableId === undefined) {
      throw new Error(`${path}: subnet ${subnet.node.path} has no route table ID, so no route can be added to it. `
        + 'Import it with routeTableId (Subnet.fromSubnetAttributes) or use Vpc.fromLookup.');
    }
    if (tables.has(routeTableId)) {
      continue;
    }
    let name = Token.isUnresolved(routeTableId) ? subnet.node.id : routeTableId;
    if (names.has(name)) {
      name = `${name}${shortHash(subnet.node.path)}`;
    }
    names.add(name);
    tables.set(routeTableId, { routeTableId, name });
  }
  return [...tables.values()];
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

function describeCidr(cidr: string): string {
  return Token.isUnresolved(cidr) ? '(a CIDR resolved at deploy time)' : cidr;
}
