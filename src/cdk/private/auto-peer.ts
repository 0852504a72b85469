import { CfnElement, CfnResource, Names, Reference, Stack, Stage, Token, Tokenization } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { isCfnResourceOfType } from './cfn-type';
import { logicalIdOf as elementLogicalId } from './logical-id';
import { outputsForReference, TreeSnapshot } from './tree-reader';
import { withIpv4BlockIndex } from './vpc-ipv4-blocks';
import { Finding, PathRefusal, planRemedy, Remedy, RemedyOptions, RemedyPeering, RemedyRule, ROUTING_KEPT, RULES } from '../../engine';
import { NetworkModel, SourceRef } from '../../model';
import { VpcPeering } from '../vpc-peering';

const VPC = 'AWS::EC2::VPC';
const PEERING = 'AWS::EC2::VPCPeeringConnection';
const ROUTE_TABLE = 'AWS::EC2::RouteTable';
const SECURITY_GROUP = 'AWS::EC2::SecurityGroup';

/** One thing auto-peer added, for the summary of a synthesis. */
export interface AddedResource {
  readonly stack: Stack;
  /** What it is, naming constructs by their paths. */
  readonly what: string;
  /** Why: the jobs (and stores) that need it. */
  readonly why: string;
  /**
   * The key of its placement in the pins context (`AUTO_PEER_PLACEMENTS_CONTEXT`): a peering and
   * its routes by the two VPCs, a rule by its group, port and peer. Undefined for a line that
   * shares its peering's key.
   */
  readonly pin?: string;
  /** A peering's: the blocked paths it serves (`pathKey`). */
  readonly pathKeys?: readonly string[];
}

/** What auto-peer placed in the app. */
export interface PlacedRemedy {
  /** How many constructs were added (0 on a second synthesis). */
  readonly added: number;
  /** What could not be placed, as error findings. */
  readonly unfixable: Finding[];
  /** The stacks something was placed in. */
  readonly stacks: Stack[];
  /** Everything the remedy calls for, in placement order (also what an earlier synthesis added). */
  readonly resources: AddedResource[];
}

/** Construct id of the container auto-peer adds its resources under, in the stack it picks. */
export const AUTO_PEER_ID = 'GlueNetplanAutoPeer';

/**
 * The CDK context key that pins where auto-peer places each addition: an object from a placement
 * key (`peering <requester vpc path> <accepter vpc path>`, an order the pin keeps, `<ingress|egress> <group path> tcp/<port> <from|to>
 * <peer>`, construct paths as the report names them; where construct paths with spaces make two
 * additions' keys alike, each path quoted as a JSON string, see `PinKeys`) to the construct path
 * of the stack that holds it. Every auto-peer report prints the object for its additions, to copy into cdk.json.
 * Without a pin, the stack follows the jobs (the first job's stack that may hold it), so adding a
 * job in an earlier stack moves it: CloudFormation would create the moved peering before deleting
 * the old one, which EC2 refuses (a second peering between the same VPCs), and a moved rule is a
 * duplicate EC2 refuses too. A pin that cannot be honoured is an error, never a silent move.
 */
export const AUTO_PEER_PLACEMENTS_CONTEXT = '@cdk-glue-netplan/auto-peer:placements';

/**
 * Plans the remedy and places it, all or none per path: a path whose peering, routes or rules
 * cannot be placed (a group that is not a security group of the app, a stack without room, a pin
 * that cannot be honoured) is planned again without them, so that nothing is added for it alone;
 * what other paths need stays. Placement is first tried without adding constructs.
 */
export function planAndPlaceRemedy(model: NetworkModel, givenOptions: RemedyOptions, snapshot: TreeSnapshot): { remedy: Remedy; placed: PlacedRemedy } {
  const refused = new Map<string, PathRefusal>();
  // Upgrade safety: see refusalsAcknowledged.
  const keepRouting = refusalsAcknowledged(snapshot);
  const options: RemedyOptions = { ...givenOptions, keepRoutingOfRefusedRules: keepRouting, keepRulesOfUncountedGroups: keepRouting };
  let remedy = planRemedy(model, options);
  // Every reference between stacks, read before the dry run copies the dependencies.
  if (remedy.peerings.length || remedy.rules.length) snapshot.allReferences();
  // Each round refuses more paths, and what is refused is planned no more: this ends (bounded for safety).
  for (let round = 0; round < 8; round++) {
    const dry = placeRemedy(remedy, { ...snapshot, dependencies: new Map([...snapshot.dependencies].map(([k, v]) => [k, new Set(v)])) }, true);
    let more = false;
    for (const { finding, pathKeys, kind } of dry.refusals) {
      // Acknowledged, a rule that cannot be placed leaves its path's peering and routes in place.
      if (keepRouting && kind === 'rule') continue;
      for (const key of pathKeys) {
        if (refused.has(key)) continue;
        refused.set(key, { source: finding.source, why: finding.message.replace(/^Auto-peer /, 'auto-peer ').replace(/\.+$/, ''), fix: finding.fix });
        more = true;
      }
    }
    if (!more) break;
    remedy = planRemedy(model, options, refused);
  }
  return { remedy, placed: materializeRemedy(remedy, snapshot, keepRouting) };
}

/**
 * Whether the app acknowledges GNP-AUTOPEER-UNFIXABLE (`Validations.of(scope).acknowledge`, on
 * any construct). aws-cdk-lib 2.270's validation report suppresses a plugin's rule app-wide;
 * newer ones (2.276) only on resources under the acknowledging construct, and a refusal outside
 * it stays an error (the synthesis fails, nothing deployed changes). Read app-wide, so a refusal
 * CDK suppresses never loses the peering; read narrower, 2.270 would deploy one without it. Versions before
 * the all-or-none repair added the peering and routes of a path whose rule they refused; a user
 * could deploy that only by acknowledging the refusal, typically having added the rule by hand
 * (outside the app, so auto-peer still plans it). Planning such a path without its routing would
 * make the next deployment remove the peering and cut the path: with the acknowledgement, its
 * peering and routes are kept, and the refusal says so. Likewise a rule refused only because its
 * group's rules cannot be counted (`keepRulesOfUncountedGroups`): a version that counted the
 * group (one `Stack.exportValue` exports without a name, before adb1f17) added it, and dropping it
 * would remove it on the next deployment. Read from the metadata `acknowledge`
 * records (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`), in any id form (the plugin's
 * `cdk-glue-netplan::GNP-AUTOPEER-UNFIXABLE`, or bare).
 */
function refusalsAcknowledged(snapshot: TreeSnapshot): boolean {
  const root = snapshot.stacks.values().next().value?.node.root;
  if (!root) return false;
  const id = RULES.autoPeerUnfixable.id;
  return root.node.findAll().some((construct) => construct.node.metadata.some((entry) => entry.type === ACKNOWLEDGED_RULES_METADATA
    && typeof entry.data === 'object' && entry.data !== null && Object.keys(entry.data).some((key) => key === id || key.endsWith(`::${id}`))));
}

/** `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` (a literal: an app built with another copy of aws-cdk-lib records the same). */
const ACKNOWLEDGED_RULES_METADATA = 'aws:cdk:acknowledged-rules';

/**
 * Turns a remedy into constructs: a `VpcPeering` per VPC pair (or routes on an existing
 * peering), routes for the needed CIDRs only, and port-only security-group rules. Everything
 * goes into a stack that may depend on every stack it references without a cycle (the job's
 * stack first), under deterministic ids, and nothing that already exists is added again.
 *
 * @returns what could not be placed, as error findings
 */
export function materializeRemedy(remedy: Remedy, snapshot: TreeSnapshot, routingKept = false): PlacedRemedy {
  // Each VpcPeering looks for the VPCs' secondary CIDR blocks: find them once for all peerings.
  const root = snapshot.stacks.values().next().value?.node.root;
  const place = () => {
    const { refusals, ...placed } = placeRemedy(remedy, snapshot, false);
    if (!routingKept) return { ...placed, unfixable: refusals.map((r) => r.finding) };
    // Kept for an acknowledged refusal of the path's rule: the summary says so, as the refusal does.
    const kept = new Set([...remedy.routedWithoutRules, ...refusals.filter((r) => r.kind === 'rule').flatMap((r) => r.pathKeys)]);
    return {
      ...placed,
      resources: placed.resources.map((r) => (r.pathKeys?.some((k) => kept.has(k))
        ? { ...r, why: `${r.why}; kept for a path whose repair auto-peer refused, as GNP-AUTOPEER-UNFIXABLE is acknowledged (see that refusal: a rule to add yourself, or why the path may not become REACHABLE)` } : r)),
      unfixable: refusals.map((r) => (r.kind === 'rule' && r.pathKeys.length
        ? { ...r.finding, message: `${r.finding.message.replace(/\.+$/, '')}; ${ROUTING_KEPT}.` } : r.finding)),
    };
  };
  return root ? withIpv4BlockIndex(root, place) : place();
}

/** A refusal of placement, and the blocked paths of what it refuses. */
interface PlacementRefusal {
  readonly finding: Finding;
  readonly pathKeys: readonly string[];
  /** What was refused: a peering (with its routes), or a rule. */
  readonly kind: 'peering' | 'rule';
}

/**
 * One pass: peerings and their routes first, then the rules, each rule that references a group
 * across a peering placed where it may depend on that peering, and made to wait for it.
 */
function placeRemedy(remedy: Remedy, snapshot: TreeSnapshot, dryRun: boolean): Omit<PlacedRemedy, 'unfixable'> & { refusals: PlacementRefusal[] } {
  const pins = readPins(snapshot);
  if (typeof pins === 'string') {
    // Placing without the pins would move what they keep in place: nothing is added.
    const jobId = remedy.peerings[0]?.jobIds[0] ?? remedy.rules[0]?.jobIds[0];
    if (!jobId) return { added: 0, refusals: [], stacks: [], resources: [] };
    const finding = refuse(sourceOf(snapshot, jobId), `Auto-peer adds nothing: the context ${AUTO_PEER_PLACEMENTS_CONTEXT} ${pins}, and placing without the pins could move a peering or rule an earlier deployment placed (EC2 refuses a second peering between the same two VPCs, and a duplicate rule).`,
      `Give ${AUTO_PEER_PLACEMENTS_CONTEXT} as a JSON object from placement key to stack path, as the GNP-AUTOPEER-ADDED report prints it (in cdk.json's "context"), or remove it.`);
    return { added: 0, stacks: [], resources: [], refusals: [{ pathKeys: [], finding, kind: 'peering' }] };
  }
  const keys = new PinKeys(pins, [
    ...remedy.peerings.flatMap((p) => [peeringKeyParts(snapshot, p.requesterVpcId, p.accepterVpcId), peeringKeyParts(snapshot, p.accepterVpcId, p.requesterVpcId)]),
    ...remedy.rules.map((r) => ruleKeyParts(snapshot, r)),
  ]);
  const placement: Placement = { snapshot, placer: new Placer(snapshot, pins), keys, peerings: new Map(), resources: [], dryRun };
  const refusals: PlacementRefusal[] = [];
  let added = 0;
  for (const peering of remedy.peerings) {
    const result = placePeering(peering, placement);
    if (typeof result === 'number') added += result;
    else refusals.push({ finding: result, pathKeys: peering.pathKeys, kind: 'peering' });
  }
  for (const rule of remedy.rules) {
    const result = placeRule(rule, placement);
    if (typeof result === 'number') added += result;
    else refusals.push({ finding: result, pathKeys: rule.pathKeys, kind: 'rule' });
  }
  return { added, refusals, stacks: [...placement.placer.used], resources: placement.resources };
}

interface Placement {
  readonly snapshot: TreeSnapshot;
  readonly placer: Placer;
  /** The placement keys, each in the form the pins use (see `PinKeys`). */
  readonly keys: PinKeys;
  /**
   * The peering resource of each VPC pair the remedy uses, by the pair's key (in a dry run, the
   * stack it would go in).
   */
  readonly peerings: Map<string, CfnResource | Stack>;
  readonly resources: AddedResource[];
  /** Decide where everything goes and what is refused, adding no construct. */
  readonly dryRun: boolean;
}

function refuse(source: SourceRef, message: string, fix: string): Finding {
  return { ruleId: RULES.autoPeerUnfixable.id, severity: RULES.autoPeerUnfixable.severity, source, message, fix };
}

function placePeering(planned: RemedyPeering, placement: Placement): number | Finding {
  const { snapshot, placer } = placement;
  const { peering, pin, ambiguous } = pinnedOrder(snapshot, planned, placer, placement.keys);
  const requester = snapshot.elements.get(peering.requesterVpcId);
  const accepter = snapshot.elements.get(peering.accepterVpcId);
  const jobSource = sourceOf(snapshot, peering.jobIds[0]);
  if (ambiguous) {
    return refuse(jobSource, `Auto-peer cannot place the peering of ${nameOf(snapshot, peering.requesterVpcId)} and ${nameOf(snapshot, peering.accepterVpcId)}: ${ambiguous.why}.`, ambiguous.fix);
  }
  if (!isCfnResourceOfType<ec2.CfnVPC>(requester, VPC) || !isCfnResourceOfType<ec2.CfnVPC>(accepter, VPC)) {
    const missing = !isCfnResourceOfType(requester, VPC) ? peering.requesterVpcId : peering.accepterVpcId;
    return refuse(jobSource, `Auto-peer cannot peer ${nameOf(snapshot, peering.requesterVpcId)} and ${nameOf(snapshot, peering.accepterVpcId)}: ${nameOf(snapshot, missing)} is not an AWS::EC2::VPC of this app.`,
      'Peer the VPCs yourself (VpcPeering) or define the VPC in the app.');
  }
  const existing = peering.existingPeeringId ? snapshot.elements.get(peering.existingPeeringId) : undefined;
  if (peering.existingPeeringId && !isCfnResourceOfType<ec2.CfnVPCPeeringConnection>(existing, PEERING)) {
    return refuse(jobSource, `Auto-peer cannot add routes to peering ${nameOf(snapshot, peering.existingPeeringId)}: it is not an AWS::EC2::VPCPeeringConnection of this app.`, 'Add the routes yourself.');
  }
  const routes = [...peering.requesterRoutes, ...peering.accepterRoutes];
  const tables = new Map<string, ec2.CfnRouteTable>();
  for (const route of routes) {
    const table = snapshot.elements.get(route.routeTableId);
    if (!isCfnResourceOfType<ec2.CfnRouteTable>(table, ROUTE_TABLE)) {
      return refuse(jobSource, `Auto-peer cannot add a route to ${route.destination} in ${nameOf(snapshot, route.routeTableId)} (subnet ${nameOf(snapshot, route.subnetId)}): the route table is not an AWS::EC2::RouteTable of this app.`, 'Add the route yourself.');
    }
    tables.set(route.routeTableId, table);
  }
  // The constructs render a Ref of each (the VPCs' ids, the tables' ids, an existing peering's id).
  const referenced = [requester, accepter, ...tables.values(), ...(existing ? [existing] : [])].map((e) => valueOf(e, 'Ref'));
  // What it adds to the stack's template, at most: the peering, its routes, and for DNS resolution
  // the AwsCustomResource (its resource, its policy, and the provider function and role it shares).
  const adds = (existing ? 0 : 1 + (peering.allowDnsResolution ? 4 : 0)) + routes.length;
  const stack = placer.place(peering.jobIds, referenced, adds, pin);
  if (typeof stack === 'string') {
    const what = existing ? `the routes over peering ${nameOf(snapshot, peering.existingPeeringId!)}` : `the peering of ${nameOf(snapshot, peering.requesterVpcId)} and ${nameOf(snapshot, peering.accepterVpcId)}`;
    const fix = placer.outputsFullIn ? outputsFix(placer.outputsFullIn, pin)
      : placer.pinned(pin) ? pinnedFix(pin) : 'Peer the VPCs yourself (VpcPeering) in a stack that may depend on both network stacks.';
    return refuse(jobSource, `Auto-peer cannot place ${what}: ${stack}.`, fix);
  }
  if (placement.dryRun) {
    placement.peerings.set(peering.key, isCfnResourceOfType<ec2.CfnVPCPeeringConnection>(existing, PEERING) ? existing : stack);
    return 0;
  }
  const container = containerIn(stack);
  const why = whyOf(snapshot, peering.jobIds, peering.stores);
  let added = 0;
  let scope: Construct;
  let peeringId: string;
  if (isCfnResourceOfType<ec2.CfnVPCPeeringConnection>(existing, PEERING)) {
    scope = child(container, `Routes-${slug(peering.existingPeeringId!)}`, () => new Construct(container, `Routes-${slug(peering.existingPeeringId!)}`));
    peeringId = existing.ref;
    placement.peerings.set(peering.key, existing);
  } else {
    const id = `Peering-${slug(peering.requesterVpcId)}-${slug(peering.accepterVpcId)}`;
    const existingConstruct = container.node.tryFindChild(id) as VpcPeering | undefined;
    const vpcPeering = existingConstruct ?? new VpcPeering(container, id, {
      requesterVpc: vpcOf(requester, container, 'Requester', id),
      accepterVpc: vpcOf(accepter, container, 'Accepter', id),
      // Routes are added one by one below, for the subnets that need them only.
      requesterSubnets: { subnets: [] },
      accepterSubnets: { subnets: [] },
      allowDnsResolution: peering.allowDnsResolution,
    });
    if (!existingConstruct) added++;
    scope = vpcPeering;
    peeringId = vpcPeering.peeringConnectionId;
    placement.peerings.set(peering.key, vpcPeering.cfnPeering);
    placement.resources.push({
      stack,
      what: `peering ${vpcPeering.node.path} between ${nameOf(snapshot, peering.requesterVpcId)} and ${nameOf(snapshot, peering.accepterVpcId)}${peering.allowDnsResolution
        ? ', with DNS resolution from the remote VPC on both sides (a publicly accessible store is named by DNS)' : ''}`,
      why,
      pin,
      pathKeys: peering.pathKeys,
    });
  }
  // One line per route table: the destinations its subnets need.
  const byTable = new Map<string, string[]>();
  for (const route of routes) {
    const id = `Route-${slug(route.routeTableId)}-${route.destination.replace(/[./]/g, '_')}`;
    byTable.set(route.routeTableId, [...(byTable.get(route.routeTableId) ?? []), route.destination]);
    if (scope.node.tryFindChild(id)) continue;
    const table = tables.get(route.routeTableId)!;
    if (scope instanceof VpcPeering) {
      scope.addRoute(id, table.ref, route.destination);
    } else {
      new ec2.CfnRoute(scope, id, { routeTableId: table.ref, destinationCidrBlock: route.destination, vpcPeeringConnectionId: peeringId });
    }
    added++;
  }
  let first = true;
  for (const [tableId, destinations] of byTable) {
    // Routes on a peering of the app share one pin, given on the first of them.
    const routesPin = !(scope instanceof VpcPeering) && first ? { pin } : {};
    first = false;
    placement.resources.push({ stack, what: `routes in ${nameOf(snapshot, tableId)} to ${destinations.join(', ')} through ${scope instanceof VpcPeering ? 'it' : nameOf(snapshot, peering.existingPeeringId!)}`, why: scope instanceof VpcPeering ? '' : why, ...routesPin });
  }
  return added;
}

function placeRule(rule: RemedyRule, placement: Placement): number | Finding {
  const { snapshot, placer } = placement;
  const jobSource = sourceOf(snapshot, rule.jobIds[0]);
  const group = groupIdOf(snapshot, rule.groupId);
  const peer = rule.peerGroupId ? groupIdOf(snapshot, rule.peerGroupId) : undefined;
  const peerText = rule.peerGroupId ? nameOf(snapshot, rule.peerGroupId) : rule.peerCidr;
  if (!group || (rule.peerGroupId && !peer)) {
    const missing = !group ? rule.groupId : rule.peerGroupId!;
    return refuse(jobSource, `Auto-peer cannot add the ${rule.direction} rule for TCP ${rule.port} on ${nameOf(snapshot, rule.groupId)}: security group ${nameOf(snapshot, missing)} is not an AWS::EC2::SecurityGroup of this app.`,
      `Add the rule yourself: ${rule.direction} TCP ${rule.port} on ${nameOf(snapshot, rule.groupId)} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peerText}.`);
  }
  // A reference to a group across a peering can only be created once the peering is active.
  const travelled = rule.peeringKey ? placement.peerings.get(rule.peeringKey) ?? peeringElement(snapshot, rule.existingPeeringId) : undefined;
  const travelledStack = travelled === undefined ? undefined : Stack.isStack(travelled) ? travelled : travelled.stack;
  if (rule.peeringKey && !rule.existingPeeringId && !placement.peerings.has(rule.peeringKey)) {
    // The peering the reference travels over is one auto-peer adds, and it could not be placed
    // (said above): a rule referencing a group of an unpeered VPC fails to create, rolling the
    // deployment back.
    return refuse(jobSource, `Auto-peer does not add the ${rule.direction} rule for TCP ${rule.port} on ${nameOf(snapshot, rule.groupId)} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peerText}: it references a group across the peering auto-peer could not add, and a reference to a group of an unpeered VPC fails to create.`,
      'Add the peering yourself (VpcPeering) or make room for it (see the refusal of the peering), then synthesize again.');
  }
  const { pin, ambiguous } = placement.keys.key(ruleKeyParts(snapshot, rule));
  if (ambiguous) return refuse(jobSource, `Auto-peer cannot place the ${rule.direction} rule on ${nameOf(snapshot, rule.groupId)}: ${ambiguous.why}.`, ambiguous.fix);
  // The rule renders the groups' ids; it only waits for the peering (a dependency, no value).
  const referenced = [valueOf(group.element, group.attribute), ...(peer ? [valueOf(peer.element, peer.attribute)] : []), ...(travelledStack ? [{ stack: travelledStack }] : [])];
  const stack = placer.place(rule.jobIds, referenced, 1, pin);
  if (typeof stack === 'string') {
    return refuse(jobSource, `Auto-peer cannot place the ${rule.direction} rule on ${nameOf(snapshot, rule.groupId)}: ${stack}.`, placer.outputsFullIn ? outputsFix(placer.outputsFullIn, pin) : placer.pinned(pin) ? pinnedFix(pin) : 'Add the rule yourself.');
  }
  if (placement.dryRun || Stack.isStack(travelled)) return 0;
  const container = containerIn(stack);
  const rules = child(container, 'Rules', () => new Construct(container, 'Rules'));
  const id = `${rule.direction === 'ingress' ? 'Ingress' : 'Egress'}-${slug(rule.groupId)}-${rule.port}-${slug(rule.peerGroupId ?? rule.peerCidr!)}`;
  placement.resources.push({
    stack,
    what: `${rule.direction} TCP ${rule.port} on ${nameOf(snapshot, rule.groupId)} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peerText}${travelled ? `, after ${displayPath(travelled)}` : ''}`,
    why: rule.reason,
    pin,
  });
  if (rules.node.tryFindChild(id)) return 0;
  const common = { groupId: group.value, ipProtocol: 'tcp', fromPort: rule.port, toPort: rule.port, description: rule.description.slice(0, 255) };
  const resource = rule.direction === 'ingress'
    ? new ec2.CfnSecurityGroupIngress(rules, id, { ...common, ...(peer ? { sourceSecurityGroupId: peer.value } : { cidrIp: rule.peerCidr }) })
    : new ec2.CfnSecurityGroupEgress(rules, id, { ...common, ...(peer ? { destinationSecurityGroupId: peer.value } : { cidrIp: rule.peerCidr }) });
  // In the same stack a DependsOn; in another, a stack dependency (the placer allowed for it).
  if (travelled) resource.node.addDependency(travelled);
  return 1;
}

/** The app's element of an existing peering, if it is one. */
function peeringElement(snapshot: TreeSnapshot, modelId: string | undefined): CfnResource | undefined {
  const element = modelId ? snapshot.elements.get(modelId) : undefined;
  return isCfnResourceOfType(element, PEERING) ? element : undefined;
}

/** A security group's id token: the group's, or a VPC's default group (`${vpc}#default-sg`), and the attribute it is. */
function groupIdOf(snapshot: TreeSnapshot, modelId: string): { element: CfnElement; value: string; attribute: string } | undefined {
  const element = snapshot.elements.get(modelId);
  if (isCfnResourceOfType<ec2.CfnSecurityGroup>(element, SECURITY_GROUP)) return { element, value: element.attrGroupId, attribute: 'GroupId' };
  if (modelId.endsWith('#default-sg')) {
    const vpc = snapshot.elements.get(modelId.slice(0, -'#default-sg'.length));
    if (isCfnResourceOfType<ec2.CfnVPC>(vpc, VPC)) return { element: vpc, value: vpc.attrDefaultSecurityGroup, attribute: 'DefaultSecurityGroup' };
  }
  return undefined;
}

/** What an addition references in a stack: a value it renders (an output CDK exports if the stack is another), or only a dependency. */
interface Referenced {
  readonly stack: Stack;
  /** `${logicalId}|${attribute}` (`Ref` for a Ref), as `TreeSnapshot.allReferences` names it. */
  readonly value?: string;
}

function valueOf(element: CfnElement, attribute: string): Referenced {
  return { stack: element.stack, value: `${elementLogicalId(element)}|${attribute}` };
}

/** The L2 VPC of a CfnVPC (whichever copy of aws-cdk-lib built it), or an import of it (raw L1 VPCs). */
function vpcOf(cfn: ec2.CfnVPC, container: Construct, side: string, peeringId: string): ec2.IVpc {
  const parent = cfn.node.scope as (IConstruct & Partial<ec2.IVpc>) | undefined;
  if (parent && parent.node.defaultChild === cfn && typeof parent.vpcId === 'string' && typeof parent.selectSubnets === 'function') return parent as ec2.IVpc;
  return ec2.Vpc.fromVpcAttributes(container, `${peeringId}-${side}Vpc`, {
    vpcId: cfn.ref,
    availabilityZones: [],
    ...(typeof cfn.cidrBlock === 'string' ? { vpcCidrBlock: cfn.cidrBlock } : {}),
  });
}

/** A construct's path as a user wrote it: an L1 that is its parent's default child is named by the parent (`Net/Vpc`). */
function displayPath(element: IConstruct): string {
  const parent = element.node.scope;
  return parent && parent.node.defaultChild === element ? parent.node.path : element.node.path;
}

/** A model id as the user knows it: the construct path of its element (`Net/Vpc`), else the id. */
function nameOf(snapshot: TreeSnapshot, modelId: string): string {
  const element = snapshot.elements.get(modelId) ?? snapshot.elements.get(modelId.split('#')[0]);
  if (!element) return modelId;
  const suffix = modelId.includes('#') && !snapshot.elements.has(modelId) ? ` (${modelId.slice(modelId.indexOf('#') + 1)})` : '';
  return `${displayPath(element)}${suffix}`;
}

/** Why a peering is there: its jobs (by construct path) and the stores they reach over it. */
function whyOf(snapshot: TreeSnapshot, jobIds: readonly string[], stores: readonly string[]): string {
  return `job${jobIds.length > 1 ? 's' : ''} ${jobIds.map((j) => nameOf(snapshot, j)).join(', ')} reach${jobIds.length > 1 ? '' : 'es'} ${stores.length > 1 ? 'the data stores of' : 'the data store of'} ${stores.join(', ')}`;
}

/**
 * A peering's placement key, `peering <requester path> <accepter path>`, and the peering in the
 * order its pin gives. The requester and accepter are in the peering's construct id (its logical
 * ID), and the remedy takes the requester from the first path that needs the peering: a job added
 * whose path runs the other way would swap them, and a new logical ID is a second peering of the
 * same two VPCs, which EC2 refuses ("You cannot have more than one VPC peering connection between
 * the same two VPCs at the same time", https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html).
 * A pin names them as they were placed, and keeps that order.
 */
function pinnedOrder(snapshot: TreeSnapshot, peering: RemedyPeering, placer: Placer, keys: PinKeys): { peering: RemedyPeering; pin: string; ambiguous?: AmbiguousPin } {
  const forwardKey = keys.key(peeringKeyParts(snapshot, peering.requesterVpcId, peering.accepterVpcId));
  const backwardKey = keys.key(peeringKeyParts(snapshot, peering.accepterVpcId, peering.requesterVpcId));
  const ambiguous = forwardKey.ambiguous ?? backwardKey.ambiguous;
  if (ambiguous) return { peering, pin: forwardKey.pin, ambiguous };
  const [forward, backward] = [forwardKey.pin, backwardKey.pin];
  if (placer.pinned(forward) || !placer.pinned(backward)) return { peering, pin: forward };
  // Routes over a peering of the app: its sides are its own, the pin names it either way.
  if (peering.existingPeeringId) return { peering, pin: backward };
  return {
    peering: {
      ...peering,
      requesterVpcId: peering.accepterVpcId,
      accepterVpcId: peering.requesterVpcId,
      requesterRoutes: peering.accepterRoutes,
      accepterRoutes: peering.requesterRoutes,
    },
    pin: backward,
  };
}

/** A placement key's words: plain text, or a construct path (which may hold spaces). */
type KeyPart = string | { readonly path: string };

function peeringKeyParts(snapshot: TreeSnapshot, requesterVpcId: string, accepterVpcId: string): KeyPart[] {
  return ['peering', { path: nameOf(snapshot, requesterVpcId) }, { path: nameOf(snapshot, accepterVpcId) }];
}

function ruleKeyParts(snapshot: TreeSnapshot, rule: RemedyRule): KeyPart[] {
  const peer: KeyPart = rule.peerGroupId ? { path: nameOf(snapshot, rule.peerGroupId) } : rule.peerCidr!;
  return [rule.direction, { path: nameOf(snapshot, rule.groupId) }, `tcp/${rule.port}`, rule.direction === 'ingress' ? 'from' : 'to', peer];
}

/** Why a pin cannot be read, and what to write instead. */
interface AmbiguousPin {
  readonly why: string;
  readonly fix: string;
}

/**
 * The placement keys of one synthesis, in the form the pins use. A key joins its words with
 * spaces (`peering <requester vpc path> <accepter vpc path>`), the form every earlier version
 * printed, and it stays the key of every addition: pins in cdk.json keep working. A construct
 * path may hold spaces, though, and then two additions may share that text (`peering A/Vpc x/Vpc
 * B/Vpc` is both A/Vpc x/Vpc with B/Vpc and A/Vpc with x/Vpc B/Vpc): such a key is printed with
 * each path quoted as a JSON string (`peering "A/Vpc x/Vpc" "B/Vpc"`), which names one addition
 * only; the quoted form is read for any addition, and a pin under an ambiguous plain key is
 * refused (it may be either addition's), never applied to both or guessed.
 */
class PinKeys {
  /** Each plain key, with the quoted keys of the additions that share it. */
  private readonly quotedByPlain = new Map<string, Set<string>>();

  constructor(private readonly pins: ReadonlyMap<string, string>, all: readonly KeyPart[][]) {
    for (const parts of all) {
      const plain = plainKey(parts);
      let quoted = this.quotedByPlain.get(plain);
      if (!quoted) this.quotedByPlain.set(plain, quoted = new Set());
      quoted.add(quotedKey(parts));
    }
  }

  /** The key an addition is pinned (and printed) under, or why its pin cannot be read. */
  key(parts: readonly KeyPart[]): { pin: string; ambiguous?: AmbiguousPin } {
    const plain = plainKey(parts);
    const quoted = quotedKey(parts);
    if (this.pins.has(quoted)) return { pin: quoted };
    const sharing = [...this.quotedByPlain.get(plain) ?? []];
    if (sharing.length < 2) return { pin: plain };
    if (!this.pins.has(plain)) return { pin: quoted };
    return {
      pin: quoted,
      ambiguous: {
        why: `the pin "${plain}" in ${AUTO_PEER_PLACEMENTS_CONTEXT} is ambiguous: construct paths with spaces make it the key of ${sharing.map((k) => `'${k}'`).join(' and ')}, so which addition it pins cannot be told, and a pin is never guessed`,
        fix: `Key the pin by the quoted form, which names one addition (each construct path as a JSON string): ${sharing.map((k) => JSON.stringify(k)).join(' or ')}; the GNP-AUTOPEER-ADDED report prints it.`,
      },
    };
  }
}

function plainKey(parts: readonly KeyPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p.path)).join(' ');
}

function quotedKey(parts: readonly KeyPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p.path))).join(' ');
}

/** The fix for an addition refused because a producer's template would pass 200 outputs: adding it by hand elsewhere adds the same exports. */
function outputsFix(producer: Stack, pin: string): string {
  return `Make room in ${producer.node.path}'s outputs (remove outputs it does not need; CDK exports from it every value of it that another stack references, and adding this yourself in another stack would add the same exports), or pin "${pin}" in ${AUTO_PEER_PLACEMENTS_CONTEXT} to ${producer.node.path} itself if it may hold it (a stack's own values need no export); then synthesize again.`;
}

function pinnedFix(pin: string): string {
  return `Point the pin "${pin}" in ${AUTO_PEER_PLACEMENTS_CONTEXT} at a stack that may hold it (same Stage and environment as what it references, no stack it references depending on it, room in its template), or remove the pin to let auto-peer choose. A pin is never moved silently: a peering or rule moved to another stack is created before the old one is deleted, which EC2 refuses (a second peering between the same two VPCs, a duplicate rule); to move one, deploy with the addition removed first.`;
}

/**
 * The pins from the context: placement key to stack construct path. A string (as `cdk -c`
 * gives) is read as JSON. Returns why the value is not usable, as a string.
 */
function readPins(snapshot: TreeSnapshot): Map<string, string> | string {
  const root = snapshot.stacks.values().next().value?.node.root;
  let value: unknown = root?.node.tryGetContext(AUTO_PEER_PLACEMENTS_CONTEXT);
  if (value === undefined) return new Map();
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return 'is a string that is not JSON';
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not an object from placement key to stack path`;
  const pins = new Map<string, string>();
  for (const [key, stackPath] of Object.entries(value)) {
    if (typeof stackPath !== 'string' || stackPath === '') return `pins "${key}" to ${JSON.stringify(stackPath)}, not a stack's construct path`;
    pins.set(key, stackPath);
  }
  return pins;
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
 * CloudFormation's "maximum number of resources that you can declare in your CloudFormation
 * template": 500, not adjustable (nested stacks are the way round)
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
 * CDK fails synthesis past its own check of it, `@aws-cdk/core:stackResourceLimit` (500 unless
 * set; 0 turns the check off). Auto-peer keeps to the same limit as CDK's check: a value the app
 * sets is the app's own statement of what its templates may hold (a benchmark, or a check it
 * does elsewhere), and auto-peer then makes synthesis fail no more than CDK does.
 */
const TEMPLATE_RESOURCES_MAX = 500;
/** CloudFormation's "maximum number of outputs that you can declare in your CloudFormation template" (same page). */
const TEMPLATE_OUTPUTS_MAX = 200;
/** CDK's context for the strength of cross-stack references (`strong`, `weak` or `both`). */
const CROSS_STACK_REFERENCES_CONTEXT = '@aws-cdk/core:defaultCrossStackReferences';


/** The stacks CDK adds an output to for the values `consumer` references, each with the value's key there (`outputsForReference`). */
function outputsOf(consumer: Stack, referenced: readonly Referenced[]): [Stack, string][] {
  return referenced.flatMap(({ stack: producer, value }) => value === undefined ? [] : outputsForReference(consumer, producer, value));
}

/** Whether a construct is a CfnOutput (of whichever copy of aws-cdk-lib: by its class's name). */
function isCfnOutput(construct: IConstruct): boolean {
  if (!CfnElement.isCfnElement(construct) || CfnResource.isCfnResource(construct)) return false;
  for (let proto = Object.getPrototypeOf(construct); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'CfnOutput') return true;
  }
  return false;
}

/**
 * The value an output of `producer` that CDK made for a reference from another stack stands for,
 * keyed as `outputsForReference` keys it: an output under CDK's `Exports` or `Publish` scope
 * (`exportValue`, or an earlier synthesis), or, in a nested producer, the output CDK adds directly
 * under it for a value a stack outside it references (its id is the target's unique id and the
 * attribute: aws-cdk-lib core, refs.ts createNestedStackOutput). Undefined for any other output.
 */
function exportedValueOf(output: IConstruct, producer: Stack, stacks: readonly Stack[]): string | undefined {
  const scope = output.node.scope;
  if (!scope) return undefined;
  const value = (output as { value?: unknown }).value;
  if (scope.node.scope === producer && (scope.node.id === 'Exports' || scope.node.id === 'Publish')) return referenceKeyOf(value, producer, stacks);
  if (scope !== producer || !producer.nested) return undefined;
  const token = Tokenization.reverse(value);
  if (!token || !Reference.isReference(token) || output.node.id !== `${Names.nodeUniqueId(token.target.node)}${token.displayName}`) return undefined;
  return referenceKeyOf(value, producer, stacks);
}

/**
 * The key of a value that is a plain reference to an element of `stack` (`${logicalId}|${attribute}`),
 * or, for an output of a stack nested in it (`Outputs.<id>` of the nested stack's resource), the
 * key of the value that output passes up, named by the stack it comes from (`${path}#${key}`), as
 * `outputsForReference` names it in the stacks above its producer.
 */
function referenceKeyOf(value: unknown, stack: Stack, stacks: readonly Stack[]): string | undefined {
  const token = Tokenization.reverse(value);
  if (!token || !Reference.isReference(token) || !CfnElement.isCfnElement(token.target) || token.target.stack !== stack) return undefined;
  const nested = token.displayName.startsWith('Outputs.') ? stacks.find((s) => s.nestedStackParent === stack && s.nestedStackResource === token.target) : undefined;
  if (!nested) return `${elementLogicalId(token.target)}|${token.displayName}`;
  // The attribute names the output by its logical ID, a token until resolved.
  const resolved: unknown = stack.resolve(token.displayName);
  const name = typeof resolved === 'string' ? resolved.slice('Outputs.'.length) : undefined;
  const output = nested.node.children.find((c) => isCfnOutput(c) && elementLogicalId(c as CfnElement) === name);
  const inner = output ? referenceKeyOf((output as { value?: unknown }).value, nested, stacks) : undefined;
  return inner === undefined ? undefined : inner.includes('#') ? inner : `${nested.node.path}#${inner}`;
}

const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/**
 * Picks the stack for resources that reference elements of other stacks: the first of the jobs'
 * stacks, then the referenced stacks themselves, that is in the same Stage and environment as
 * every referenced stack, that none of them depends on (so adding the references makes no
 * cycle), and whose template has room for them (a template past 500 resources fails synthesis in
 * CDK, and CloudFormation refuses it: auto-peer must not turn an app that synthesizes into one
 * that does not). Records the new dependencies and resources, so later placements see them.
 */
class Placer {
  /** The stacks something was placed in. */
  readonly used = new Set<Stack>();
  /** Each referenced stack's outputs and the values other stacks reference in it (see `outputsFull`). */
  private readonly exports = new Map<Stack, { readonly own: number; readonly values: Set<string> }>();
  /** Each candidate stack's resources besides auto-peer's, and the most its template may hold. */
  private readonly room = new Map<Stack, { readonly own: number; readonly limit: number; placed: number }>();

  /** The producer whose outputs the last refusal of `place` was about, if that was why. */
  outputsFullIn: Stack | undefined;

  constructor(private readonly snapshot: TreeSnapshot, private readonly pins: ReadonlyMap<string, string> = new Map()) {}

  /** Whether the context pins the placement of this key. */
  pinned(pin: string): boolean {
    return this.pins.has(pin);
  }

  place(jobIds: readonly string[], referenced: readonly Referenced[], resources: number, pin: string): Stack | string {
    this.outputsFullIn = undefined;
    const targets = [...new Set(referenced.map((r) => r.stack))];
    // Every reference between stacks, before any cycle check (a stub resource or a construct
    // dependency may make one), and the outputs count.
    this.snapshot.allReferences();
    const pinnedPath = this.pins.get(pin);
    if (pinnedPath !== undefined) return this.placePinned(pin, pinnedPath, targets, referenced, resources);
    const candidates: Stack[] = [];
    for (const jobId of jobIds) {
      const element = this.snapshot.elements.get(jobId);
      if (element && !candidates.includes(element.stack)) candidates.push(element.stack);
    }
    for (const t of targets) if (!candidates.includes(t)) candidates.push(t);
    const reasons: string[] = [];
    for (const candidate of candidates) {
      const why = this.unsuitable(candidate, targets);
      if (why) {
        reasons.push(`${candidate.node.path}: ${why}`);
        continue;
      }
      // The stack is chosen by the references alone, never by its size: a full stack refuses
      // rather than passing the additions to the next candidate, so that what auto-peer placed
      // in an earlier deployment never moves to another stack as this one grows (CloudFormation
      // would create the moved peering before deleting the old one, and EC2 refuses a second
      // peering between the same two VPCs: "VPC peering limitations",
      // https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html).
      const full = this.full(candidate, resources);
      if (full) return `${candidate.node.path}, the stack it belongs in, ${full}`;
      const outputs = this.outputsFull(candidate, referenced);
      if (outputs) return `${candidate.node.path}, the stack it belongs in, references ${outputs}`;
      return this.take(candidate, targets, referenced, resources);
    }
    return `no stack can hold it (${reasons.join('; ')})`;
  }

  /** The stack the context pins it to, or why it cannot hold it: never another stack. */
  private placePinned(pin: string, stackPath: string, targets: Stack[], referenced: readonly Referenced[], resources: number): Stack | string {
    const where = `${AUTO_PEER_PLACEMENTS_CONTEXT} pins "${pin}" to stack ${stackPath}`;
    const stack = [...this.snapshot.stacks.values()].find((s) => s.node.path === stackPath);
    if (!stack) return `${where}, which is not a stack of this app, and a pinned addition is never placed elsewhere`;
    const why = this.unsuitable(stack, targets);
    if (why) return `${where}, which cannot hold it (${why}), and a pinned addition is never placed elsewhere`;
    const full = this.full(stack, resources);
    if (full) return `${where}, and ${full}`;
    const outputs = this.outputsFull(stack, referenced);
    if (outputs) return `${where}, which references ${outputs}`;
    return this.take(stack, targets, referenced, resources);
  }

  private take(stack: Stack, targets: Stack[], referenced: readonly Referenced[], resources: number): Stack {
    for (const t of targets) this.addDependency(stack, t);
    for (const [producer, key] of outputsOf(stack, referenced)) this.exportsOf(producer).values.add(key);
    this.roomOf(stack).placed += resources;
    this.used.add(stack);
    return stack;
  }

  /**
   * Why a stack the additions in `consumer` reference would pass CloudFormation's 200 outputs per
   * template, or undefined. CDK exports each value a stack references in another stack as an
   * output of the producer (`Exports/Output...`; with weak references a `Publish/Output...`, with
   * both kinds, both), after the aspects run, and a template past 200 outputs fails to deploy
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
   * Counted: the producer's own outputs, the values other stacks already reference (every element
   * of the app read), and the new ones.
   */
  private outputsFull(consumer: Stack, referenced: readonly Referenced[]): string | undefined {
    const added = new Map<Stack, Set<string>>();
    for (const [producer, key] of outputsOf(consumer, referenced)) {
      if (this.exportsOf(producer).values.has(key)) continue;
      let values = added.get(producer);
      if (!values) added.set(producer, values = new Set());
      values.add(key);
    }
    for (const [producer, values] of added) {
      const exports = this.exportsOf(producer);
      const count = (keys: Iterable<string>) => [...keys].reduce((n, key) => n + this.outputsPerValue(producer, key, consumer), 0);
      const existing = count(exports.values);
      const these = count(values);
      const total = exports.own + existing + these;
      if (total <= TEMPLATE_OUTPUTS_MAX) continue;
      this.outputsFullIn = producer;
      const twice = existing + these > exports.values.size + values.size;
      return `${values.size === 1 ? 'a value' : `${values.size} values`} of ${producer.node.path} that CDK would export as ${values.size === 1 ? 'an output' : 'outputs'} of ${producer.node.path}, whose template would then hold ${total} outputs (${exports.own} of its own, ${existing} for the values other stacks${this.used.size ? ' and auto-peer\'s other additions' : ''} reference, ${these} for these${twice ? '; two outputs per value with both strong and weak cross-stack references' : ''}), past CloudFormation's ${TEMPLATE_OUTPUTS_MAX} outputs per template (its deployment would fail)`;
    }
    return undefined;
  }

  /**
   * The outputs CDK adds to `producer` for one value other stacks reference: two (an export and a
   * published output) when the reference strength is `both` (the referenced resource's own,
   * `applyCrossStackReferenceStrength`, else the consumer's context), else one; one in a nested
   * stack (an output, never an export).
   */
  private outputsPerValue(producer: Stack, key: string, consumer: Stack): number {
    if (producer.nested) return 1;
    const bar = key.indexOf('|');
    const element = key.includes('#') || bar < 0 ? undefined : this.snapshot.elements.get(`${this.snapshot.stackNames.get(producer)}/${key.slice(0, bar)}`);
    const own = CfnResource.isCfnResource(element) ? (element as unknown as { _crossStackReferenceStrengthOverride?: string })._crossStackReferenceStrengthOverride : undefined;
    return (own ?? consumer.node.tryGetContext(CROSS_STACK_REFERENCES_CONTEXT)) === 'both' ? 2 : 1;
  }

  /** The producer's own outputs and the values other stacks reference in it (read once, then grown by placements). */
  private exportsOf(producer: Stack): { readonly own: number; readonly values: Set<string> } {
    let exports = this.exports.get(producer);
    if (!exports) {
      let own = 0;
      const values = new Set(this.snapshot.allReferences().get(producer));
      const visit = (scope: IConstruct) => {
        for (const construct of scope.node.children) {
          if (Stack.isStack(construct)) continue; // a nested stack's outputs are in its own template
          if (isCfnOutput(construct)) {
            // An output CDK made for a referenced value (an earlier synthesis, or exportValue) is that value's.
            const exported = exportedValueOf(construct, producer, [...this.snapshot.stacks.values()]);
            if (exported !== undefined) values.add(exported);
            else own++;
          }
          visit(construct);
        }
      };
      visit(producer);
      this.exports.set(producer, exports = { own, values });
    }
    return exports;
  }

  /** Why the stack's template has no room for `resources` more, or undefined. */
  private full(candidate: Stack, resources: number): string | undefined {
    const room = this.roomOf(candidate);
    if (room.own + room.placed + resources <= room.limit) return undefined;
    return `its template holds ${room.own} resources${addsMetadataResource(candidate) ? " (with CDK's metadata resource)" : ''}${room.placed ? ` and auto-peer places ${room.placed} more there` : ''}, and ${resources} more would pass ${room.limit} resources per template (${room.limit === TEMPLATE_RESOURCES_MAX ? "CloudFormation's quota, which CDK's synthesis checks" : `the app's ${STACK_RESOURCE_LIMIT_CONTEXT}`})`;
  }

  /**
   * The stack's resources, one more for CDK's metadata resource where CDK adds it (after the
   * aspects run), and its limit. What auto-peer placed in an earlier synthesis of the same app
   * (its container, the provider of the DNS custom resources) counts as the stack's own: the
   * model read from the tree holds it, so this synthesis does not plan it again, and does not
   * count it among what it adds.
   */
  private roomOf(stack: Stack): { readonly own: number; readonly limit: number; placed: number } {
    let room = this.room.get(stack);
    if (room) return room;
    let own = addsMetadataResource(stack) ? 1 : 0;
    const visit = (scope: IConstruct) => {
      for (const construct of scope.node.children) {
        if (Stack.isStack(construct)) continue; // a nested stack's resources are in its own template
        if (scope === stack && construct.node.id === 'CDKMetadata') continue; // counted above
        if (CfnResource.isCfnResource(construct)) own++;
        visit(construct);
      }
    };
    visit(stack);
    const context = stack.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT);
    const given = context === undefined ? TEMPLATE_RESOURCES_MAX : Number.parseInt(String(context), 10);
    const limit = !Number.isInteger(given) || given < 0 ? TEMPLATE_RESOURCES_MAX : given === 0 ? Infinity : given;
    this.room.set(stack, room = { own, limit, placed: 0 });
    return room;
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

/**
 * Whether CDK adds its metadata resource (AWS::CDK::Metadata) to the stack's template when it
 * synthesizes: only with analytics (version) reporting on (the stack's `analyticsReporting`, else
 * the context the CDK CLI sets, `aws:cdk:version-reporting`; off with `--no-version-reporting`),
 * never in a nested stack, and only where the Region is not known or supports the resource
 * (aws-cdk-lib core, MetadataResource). Counting it where it is not added refused additions a
 * template of exactly 500 resources would hold.
 */
function addsMetadataResource(stack: Stack): boolean {
  if (!stack._versionReportingEnabled) return false;
  return Token.isUnresolved(stack.region) || RegionInfo.get(stack.region).cdkMetadataResourceAvailable;
}

function rootOf(stack: Stack): Stack {
  let s = stack;
  while (s.nestedStackParent) s = s.nestedStackParent;
  return s;
}
