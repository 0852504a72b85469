import { CfnElement, Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { Finding, Remedy, RemedyPeering, RemedyRule, RULES } from '../../engine';
import { SourceRef } from '../../model';
import { VpcPeering } from '../vpc-peering';
import { TreeSnapshot } from './tree-reader';
import { withIpv4BlockIndex } from './vpc-ipv4-blocks';

/** Construct id of the container auto-peer adds its resources under, in the stack it picks. */
export const AUTO_PEER_ID = 'GlueNetplanAutoPeer';

/**
 * Turns a remedy into constructs: a `VpcPeering` per VPC pair (or routes on an existing
 * peering), routes for the needed CIDRs only, and port-only security-group rules. Everything
 * goes into a stack that may depend on every stack it references without a cycle (the job's
 * stack first), under deterministic ids, and nothing that already exists is added again.
 *
 * @returns what could not be placed, as error findings
 */
export function materializeRemedy(remedy: Remedy, snapshot: TreeSnapshot): { added: number; unfixable: Finding[]; stacks: Stack[] } {
  // Each VpcPeering looks for the VPCs' secondary CIDR blocks: find them once for all peerings.
  const root = snapshot.stacks.values().next().value?.node.root;
  return root ? withIpv4BlockIndex(root, () => placeRemedy(remedy, snapshot)) : placeRemedy(remedy, snapshot);
}

function placeRemedy(remedy: Remedy, snapshot: TreeSnapshot): { added: number; unfixable: Finding[]; stacks: Stack[] } {
  const placer = new Placer(snapshot);
  const unfixable: Finding[] = [];
  let added = 0;
  for (const peering of remedy.peerings) {
    const result = placePeering(peering, snapshot, placer);
    if (typeof result === 'number') added += result;
    else unfixable.push(result);
  }
  for (const rule of remedy.rules) {
    const result = placeRule(rule, snapshot, placer);
    if (typeof result === 'number') added += result;
    else unfixable.push(result);
  }
  return { added, unfixable, stacks: [...placer.used] };
}

function refuse(source: SourceRef, message: string, fix: string): Finding {
  return { ruleId: RULES.autoPeerUnfixable.id, severity: 'error', source, message, fix };
}

function placePeering(peering: RemedyPeering, snapshot: TreeSnapshot, placer: Placer): number | Finding {
  const requester = snapshot.elements.get(peering.requesterVpcId);
  const accepter = snapshot.elements.get(peering.accepterVpcId);
  const jobSource = sourceOf(snapshot, peering.jobIds[0]);
  if (!(requester instanceof ec2.CfnVPC) || !(accepter instanceof ec2.CfnVPC)) {
    return refuse(jobSource, `Auto-peer cannot peer ${peering.requesterVpcId} and ${peering.accepterVpcId}: ${!(requester instanceof ec2.CfnVPC) ? peering.requesterVpcId : peering.accepterVpcId} is not an AWS::EC2::VPC of this app.`,
      'Peer the VPCs yourself (VpcPeering) or define the VPC in the app.');
  }
  const existing = peering.existingPeeringId ? snapshot.elements.get(peering.existingPeeringId) : undefined;
  if (peering.existingPeeringId && !(existing instanceof ec2.CfnVPCPeeringConnection)) {
    return refuse(jobSource, `Auto-peer cannot add routes to peering ${peering.existingPeeringId}: it is not an AWS::EC2::VPCPeeringConnection of this app.`, 'Add the routes yourself.');
  }
  const routes = [...peering.requesterRoutes, ...peering.accepterRoutes];
  const tables = new Map<string, CfnElement>();
  for (const route of routes) {
    const table = snapshot.elements.get(route.routeTableId);
    if (!(table instanceof ec2.CfnRouteTable)) {
      return refuse(jobSource, `Auto-peer cannot add a route to ${route.destination} in ${route.routeTableId} (subnet ${route.subnetId}): the route table is not an AWS::EC2::RouteTable of this app.`, 'Add the route yourself.');
    }
    tables.set(route.routeTableId, table);
  }
  const referenced = [requester, accepter, ...tables.values(), ...(existing ? [existing] : [])];
  const stack = placer.place(peering.jobIds, referenced);
  if (typeof stack === 'string') {
    return refuse(jobSource, `Auto-peer cannot place the peering of ${peering.requesterVpcId} and ${peering.accepterVpcId}: ${stack}.`, 'Peer the VPCs yourself (VpcPeering) in a stack that may depend on both network stacks.');
  }
  const container = containerIn(stack);
  let added = 0;
  let scope: Construct;
  let peeringId: string;
  if (existing instanceof ec2.CfnVPCPeeringConnection) {
    scope = child(container, `Routes-${slug(peering.existingPeeringId!)}`, () => new Construct(container, `Routes-${slug(peering.existingPeeringId!)}`));
    peeringId = existing.ref;
  } else {
    const id = `Peering-${slug(peering.requesterVpcId)}-${slug(peering.accepterVpcId)}`;
    const existingConstruct = container.node.tryFindChild(id);
    const vpcPeering = existingConstruct instanceof VpcPeering ? existingConstruct : new VpcPeering(container, id, {
      requesterVpc: vpcOf(requester, container, 'Requester', id),
      accepterVpc: vpcOf(accepter, container, 'Accepter', id),
      // Routes are added one by one below, for the subnets that need them only.
      requesterSubnets: { subnets: [] },
      accepterSubnets: { subnets: [] },
    });
    if (!existingConstruct) added++;
    scope = vpcPeering;
    peeringId = vpcPeering.peeringConnectionId;
  }
  for (const route of routes) {
    const id = `Route-${slug(route.routeTableId)}-${route.destination.replace(/[./]/g, '_')}`;
    if (scope.node.tryFindChild(id)) continue;
    const table = tables.get(route.routeTableId) as ec2.CfnRouteTable;
    if (scope instanceof VpcPeering) {
      scope.addRoute(id, table.ref, route.destination);
    } else {
      new ec2.CfnRoute(scope, id, { routeTableId: table.ref, destinationCidrBlock: route.destination, vpcPeeringConnectionId: peeringId });
    }
    added++;
  }
  return added;
}

function placeRule(rule: RemedyRule, snapshot: TreeSnapshot, placer: Placer): number | Finding {
  const jobSource = sourceOf(snapshot, rule.jobIds[0]);
  const group = groupIdOf(snapshot, rule.groupId);
  const peer = rule.peerGroupId ? groupIdOf(snapshot, rule.peerGroupId) : undefined;
  if (!group || (rule.peerGroupId && !peer)) {
    const missing = !group ? rule.groupId : rule.peerGroupId;
    return refuse(jobSource, `Auto-peer cannot add the ${rule.direction} rule for TCP ${rule.port} on ${rule.groupId}: security group ${missing} is not an AWS::EC2::SecurityGroup of this app.`,
      `Add the rule yourself: ${rule.direction} TCP ${rule.port} on ${rule.groupId} ${rule.direction === 'ingress' ? 'from' : 'to'} ${rule.peerGroupId ?? rule.peerCidr}.`);
  }
  const stack = placer.place(rule.jobIds, [group.element, ...(peer ? [peer.element] : [])]);
  if (typeof stack === 'string') {
    return refuse(jobSource, `Auto-peer cannot place the ${rule.direction} rule on ${rule.groupId}: ${stack}.`, 'Add the rule yourself.');
  }
  const container = containerIn(stack);
  const rules = child(container, 'Rules', () => new Construct(container, 'Rules'));
  const id = `${rule.direction === 'ingress' ? 'Ingress' : 'Egress'}-${slug(rule.groupId)}-${rule.port}-${slug(rule.peerGroupId ?? rule.peerCidr!)}`;
  if (rules.node.tryFindChild(id)) return 0;
  const common = { groupId: group.value, ipProtocol: 'tcp', fromPort: rule.port, toPort: rule.port, description: rule.description.slice(0, 255) };
  if (rule.direction === 'ingress') {
    new ec2.CfnSecurityGroupIngress(rules, id, { ...common, ...(peer ? { sourceSecurityGroupId: peer.value } : { cidrIp: rule.peerCidr }) });
  } else {
    new ec2.CfnSecurityGroupEgress(rules, id, { ...common, ...(peer ? { destinationSecurityGroupId: peer.value } : { cidrIp: rule.peerCidr }) });
  }
  return 1;
}

/** A security group's id token: the group's, or a VPC's default group (`${vpc}#default-sg`). */
function groupIdOf(snapshot: TreeSnapshot, modelId: string): { element: CfnElement; value: string } | undefined {
  const element = snapshot.elements.get(modelId);
  if (element instanceof ec2.CfnSecurityGroup) return { element, value: element.attrGroupId };
  if (modelId.endsWith('#default-sg')) {
    const vpc = snapshot.elements.get(modelId.slice(0, -'#default-sg'.length));
    if (vpc instanceof ec2.CfnVPC) return { element: vpc, value: vpc.attrDefaultSecurityGroup };
  }
  return undefined;
}

/** The L2 `ec2.Vpc` of a CfnVPC, or an import of it (raw L1 VPCs). */
function vpcOf(cfn: ec2.CfnVPC, container: Construct, side: string, peeringId: string): ec2.IVpc {
  const parent = cfn.node.scope;
  if (parent instanceof ec2.Vpc && parent.node.defaultChild === cfn) return parent;
  return ec2.Vpc.fromVpcAttributes(container, `${peeringId}-${side}Vpc`, {
    vpcId: cfn.ref,
    availabilityZones: [],
    ...(typeof cfn.cidrBlock === 'string' ? { vpcCidrBlock: cfn.cidrBlock } : {}),
  });
}

function containerIn(stack: Stack): Construct {
  return child(stack, AUTO_PEER_ID, () => new Construct(stack, AUTO_PEER_ID));
}

function child<T extends IConstruct>(scope: IConstruct, id: string, create: () => T): T {
  return (scope.node.tryFindChild(id) as T | undefined) ?? create();
}

function sourceOf(snapshot: TreeSnapshot, modelId: string | undefined): SourceRef {
  const element = modelId ? snapshot.elements.get(modelId) : undefined;
  const stackName = modelId ? modelId.slice(0, modelId.lastIndexOf('/')) : '';
  return element
    ? { stack: stackName, logicalId: modelId!.slice(modelId!.lastIndexOf('/') + 1), constructPath: element.node.path }
    : { stack: stackName, logicalId: modelId ?? '(app)' };
}

/** A construct-id-safe rendering of a model id (`Stack/Logical` becomes `Stack_Logical`). */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Picks the stack for resources that reference elements of other stacks: the first of the jobs'
 * stacks, then the referenced stacks themselves, that is in the same Stage and environment as
 * every referenced stack and that none of them depends on (so adding the references makes no
 * cycle). Records the new dependencies, so later placements see them.
 */
class Placer {
  /** The stacks something was placed in. */
  readonly used = new Set<Stack>();

  constructor(private readonly snapshot: TreeSnapshot) {}

  place(jobIds: readonly string[], referenced: CfnElement[]): Stack | string {
    const targets = [...new Set(referenced.map((e) => e.stack))];
    const candidates: Stack[] = [];
    for (const jobId of jobIds) {
      const element = this.snapshot.elements.get(jobId);
      if (element && !candidates.includes(element.stack)) candidates.push(element.stack);
    }
    for (const t of targets) if (!candidates.includes(t)) candidates.push(t);
    const reasons: string[] = [];
    for (const candidate of candidates) {
      const why = this.unsuitable(candidate, targets);
      if (!why) {
        for (const t of targets) this.addDependency(candidate, t);
        this.used.add(candidate);
        return candidate;
      }
      reasons.push(`${candidate.node.path}: ${why}`);
    }
    return `no stack can hold it (${reasons.join('; ')})`;
  }

  private unsuitable(candidate: Stack, targets: Stack[]): string | undefined {
    for (const target of targets) {
      if (target === candidate) continue;
      if (Stage.of(target) !== Stage.of(candidate)) return `${target.node.path} is in another Stage`;
      if (rootOf(target).environment !== rootOf(candidate).environment) return `${target.node.path} deploys to another environment (${rootOf(target).environment})`;
      if (this.dependsOn(target, candidate)) return `${target.node.path} already depends on it, so a reference back would be a cycle`;
    }
    return undefined;
  }

  private dependsOn(from: Stack, to: Stack): boolean {
    const seen = new Set<Stack>();
    const stack = [from];
    while (stack.length) {
      const next = stack.pop()!;
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.snapshot.dependencies.get(next) ?? []));
    }
    return false;
  }

  private addDependency(consumer: Stack, producer: Stack): void {
    if (consumer === producer) return;
    let set = this.snapshot.dependencies.get(consumer);
    if (!set) this.snapshot.dependencies.set(consumer, set = new Set());
    set.add(producer);
  }
}

function rootOf(stack: Stack): Stack {
  let s = stack;
  while (s.nestedStackParent) s = s.nestedStackParent;
  return s;
}
