import { Token, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isCfnResourceOfType } from './cfn-type';

/** One IPv4 CIDR block of a VPC, as far as it can be known at synth time. */
export interface VpcIpv4Block {
  /**
   * Value usable as a route destination: a literal CIDR, or a token resolved at deploy
   * time. `undefined` when the block exists but nothing can name it (IPAM allocation).
   */
  readonly cidr?: string;
  /** Whether `cidr` is a literal that can be checked for overlaps. */
  readonly known: boolean;
  /** Stable, token-free label used in construct ids when `cidr` is a token. */
  readonly label: string;
  /** What the block is, in the user's terms, for messages. */
  readonly origin: string;
}

/**
 * The IPv4 blocks of a VPC: the primary block, then every `AWS::EC2::VPCCidrBlock`
 * in the app that targets this VPC (children of an L2 `Vpc`, or siblings that pass
 * `vpc.vpcId`). IPv6 associations are skipped: VpcPeering routes IPv4 only.
 *
 * An L2 `Vpc` exposes `vpcCidrBlock` as `Fn::GetAtt`, but its `CfnVPC` keeps the literal
 * `CidrBlock` when `IpAddresses.cidr()` was used, so read that first.
 */
export function discoverVpcIpv4Blocks(vpc: ec2.IVpc): VpcIpv4Block[] {
  const blocks: VpcIpv4Block[] = [primaryBlock(vpc)];
  const vpcPathPrefix = `${vpc.node.path}/`;
  const root = vpc.node.root;
  const candidates = index?.root === root ? (index.blocks ??= findCidrBlocks(root)) : findCidrBlocks(root);
  for (const construct of candidates) {
    const targetsThisVpc = construct.node.path.startsWith(vpcPathPrefix) || construct.vpcId === vpc.vpcId;
    const isIpv4 = construct.cidrBlock !== undefined || construct.ipv4IpamPoolId !== undefined;
    if (!targetsThisVpc || !isIpv4) {
      continue;
    }
    const cidr = construct.cidrBlock;
    blocks.push({
      cidr,
      known: cidr !== undefined && !Token.isUnresolved(cidr),
      label: `Secondary${construct.node.id}`,
      origin: `secondary block ${construct.node.path}`,
    });
  }
  return blocks;
}

/** Every AWS::EC2::VPCCidrBlock of the app, in tree order: a walk of the whole tree. */
function findCidrBlocks(root: IConstruct): ec2.CfnVPCCidrBlock[] {
  return root.node.findAll().filter((c): c is ec2.CfnVPCCidrBlock => isCfnResourceOfType(c, 'AWS::EC2::VPCCidrBlock'));
}

/** The blocks of one app, found once for a batch of calls (see withIpv4BlockIndex). */
let index: { readonly root: IConstruct; blocks?: ec2.CfnVPCCidrBlock[] } | undefined;

/**
 * Runs `work` with the AWS::EC2::VPCCidrBlock constructs of the app found once, instead of by a
 * walk of the whole tree at each discoverVpcIpv4Blocks call (each VpcPeering makes two): adding
 * many peerings was quadratic in the size of the app. Only for work that adds no VPCCidrBlock
 * (auto-peer adds peerings, routes and security-group rules), or the index would be stale.
 */
export function withIpv4BlockIndex<T>(root: IConstruct, work: () => T): T {
  if (index) return work();
  index = { root };
  try {
    return work();
  } finally {
    index = undefined;
  }
}

function primaryBlock(vpc: ec2.IVpc): VpcIpv4Block {
  const origin = `primary block of ${vpc.node.path}`;
  const cfnVpc = vpc.node.defaultChild;
  if (isCfnResourceOfType<ec2.CfnVPC>(cfnVpc, 'AWS::EC2::VPC') && cfnVpc.cidrBlock !== undefined && !Token.isUnresolved(cfnVpc.cidrBlock)) {
    return { cidr: cfnVpc.cidrBlock, known: true, label: 'VpcCidr', origin };
  }
  let cidr: string | undefined;
  try {
    cidr = vpc.vpcCidrBlock;
  } catch {
    // Imported VPCs throw when `vpcCidrBlock` was not supplied: the block is unnameable.
    cidr = undefined;
  }
  return { cidr, known: cidr !== undefined && !Token.isUnresolved(cidr), label: 'VpcCidr', origin };
}
