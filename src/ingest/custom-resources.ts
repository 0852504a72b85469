import { isUnresolved } from './intrinsics';
import { addOpening, openableKindOf, OpenableKind } from './openings';
import { asRef, ResourceReader } from './reader';
import { describeSource } from '../engine/open-ended';
import { Cidr, Fact, known, OpenEnded, parseCidr, unknown } from '../model';
import { isObject } from './template';

/**
 * Custom resources that change network elements the templates define: `AwsCustomResource`
 * (`Custom::AWS`, whose `Create`/`Update` properties are JSON strings naming an SDK call) and any
 * other `Custom::*` / `AWS::CloudFormation::CustomResource`, whose Lambda may do anything with
 * what it is given. The elements they name become open-ended (`OpenEnded`).
 */

export function isCustomResourceType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** An SDK call of an AwsCustomResource: `{service, action, parameters}`. */
interface SdkCall {
  readonly service: string;
  readonly action: string;
  readonly parameters: Record<string, unknown>;
}

const AWS_CUSTOM_RESOURCE_CALLS = ['Create', 'Update'];

export function readCustomResource(r: ResourceReader): void {
  if (r.type === 'Custom::VpcRestrictDefaultSG') {
    restrictDefaultSecurityGroup(r);
    return;
  }
  const calls = AWS_CUSTOM_RESOURCE_CALLS.flatMap((property) => sdkCall(r.value(property)) ?? []);
  if (calls.length) {
    for (const call of calls) applyCall(r, call);
    return;
  }
  if (r.type === 'Custom::AWS' && AWS_CUSTOM_RESOURCE_CALLS.some((p) => r.has(p))) {
    // An AwsCustomResource whose call could not be read: it may change whatever it names.
    const names = AWS_CUSTOM_RESOURCE_CALLS.map((p) => r.value(p)).filter((v) => typeof v === 'string').join(' ');
    for (const id of refsInText(names)) open(r, id, { action: undefined, effect: 'change' });
    return;
  }
  // Any other custom resource: its handler is code the templates do not show.
  for (const [key, value] of Object.entries(evaluatedProperties(r))) {
    if (key === 'ServiceToken') continue;
    for (const id of elementIds(value)) open(r, id, { action: undefined, effect: 'change', key });
  }
}

function evaluatedProperties(r: ResourceReader): Record<string, unknown> {
  const properties = r.evaluate(r.resource.Properties);
  return isObject(properties) ? properties : {};
}

/** The call an AwsCustomResource property describes (a JSON string once evaluated). */
function sdkCall(value: unknown): SdkCall | undefined {
  if (typeof value !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!isObject(json) || typeof json.action !== 'string' || typeof json.service !== 'string') return undefined;
  return { service: json.service, action: json.action, parameters: isObject(json.parameters) ? json.parameters : {} };
}

/** Model ids in a JSON string whose values could not be parsed: every `{{ref:...}}` marker. */
function refsInText(text: string): string[] {
  return [...text.matchAll(/\{\{ref:([^{}]+?):[^:{}]*\}\}/g)].map((m) => m[1]);
}

/** The ids a parameter value names: a reference, a literal id, or a list of them. */
function elementIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => elementIds(item));
  if (isUnresolved(value)) return [];
  const ref = asRef(value);
  if (ref) return ref.attribute === undefined || /Id$/.test(ref.attribute) ? [ref.modelId] : [];
  return typeof value === 'string' && /^(sg|rtb|acl|tgw-rtb)-[0-9a-f]+$/.test(value) ? [value] : [];
}

/** `AuthorizeSecurityGroupIngressCommand`, `authorizeSecurityGroupIngress` -> `authorizesecuritygroupingress`. */
function normalizedAction(action: string): string {
  return action.replace(/Command$/, '').toLowerCase();
}

/** EC2 calls that only read. */
function readsOnly(action: string): boolean {
  return /^(describe|get|list|search|export)/.test(action);
}

function applyCall(r: ResourceReader, call: SdkCall): void {
  if (!/ec2/i.test(call.service)) return;
  const action = normalizedAction(call.action);
  if (readsOnly(action)) return;
  const params = call.parameters;
  if (action === 'modifyvpcpeeringconnectionoptions') {
    peeringDnsOptions(r, params);
    return;
  }
  // AssociateRouteTable / ReplaceRouteTableAssociation move a subnet to another table: the
  // subnet's current table no longer decides its routes.
  if (/routetable/.test(action) && /associat/.test(action) && params.SubnetId !== undefined) {
    for (const subnetId of idsOf(params.SubnetId)) {
      const subnet = r.model.subnets.get(subnetId);
      const vpc = subnet?.vpcId.known ? r.model.vpcs.get(subnet.vpcId.value) : undefined;
      const tableId = subnet?.routeTableId ?? vpc?.mainRouteTableId;
      if (tableId) open(r, tableId, { action: call.action, effect: 'change', note: `, which may associate ${subnetId} with another route table` });
    }
    return;
  }
  const effect = effectOf(action, params);
  const direction = /ingress/.test(action) ? 'ingress' as const : /egress/.test(action) ? 'egress' as const
    : typeof params.Egress === 'boolean' ? (params.Egress ? 'egress' as const : 'ingress' as const) : undefined;
  const destination = typeof params.DestinationCidrBlock === 'string' ? parseCidr(params.DestinationCidrBlock) : undefined;
  for (const [key, value] of Object.entries(params)) {
    // A group named as the peer of a rule is not changed by it.
    if (/^(Source|Destination)SecurityGroup/.test(key)) continue;
    for (const id of elementIds(value)) {
      open(r, id, { action: call.action, effect, key, ...(direction ? { direction } : {}), ...(destination ? { destinations: [destination] } : {}) });
    }
  }
}

/** The id a value names: a reference or a literal. */
function idsOf(value: unknown): string[] {
  const ref = asRef(value);
  if (ref) return [ref.modelId];
  return typeof value === 'string' ? [value] : [];
}

/**
 * `add`: the call only adds what allows traffic (an allow rule, a route, an association, a
 * propagation). Anything else may remove, replace or deny: `change`.
 */
function effectOf(action: string, params: Record<string, unknown>): OpenEnded['effect'] {
  if (action === 'createnetworkaclentry') return params.RuleAction === 'allow' ? 'add' : 'change';
  return /^(authorize|create|enable|associate|accept)/.test(action) ? 'add' : 'change';
}

interface Opening {
  readonly action: string | undefined;
  readonly effect: OpenEnded['effect'];
  readonly key?: string;
  readonly direction?: 'ingress' | 'egress';
  readonly destinations?: Cidr[];
  readonly note?: string;
}

const WHAT: Record<OpenableKind, string> = {
  securityGroups: 'rules',
  routeTables: 'routes',
  networkAcls: 'entries',
  transitGatewayRouteTables: 'routes, associations and propagations',
};

function open(r: ResourceReader, id: string, opening: Opening): void {
  const kind = openableKindOf(r.model, id);
  if (!kind) return;
  const who = `custom resource ${describeSource(r.source)}`;
  const cause = opening.action
    ? `${who} calls EC2 ${opening.action} on ${id}${opening.note ?? ''}`
    : `${who} (${r.type}) is given ${id}${opening.key ? ` as ${opening.key}` : ''}, and its handler may change its ${WHAT[kind]}`;
  addOpening(r.model, kind, id, {
    cause,
    source: r.source,
    kind: 'custom-resource',
    effect: opening.effect,
    ...(opening.direction && kind !== 'routeTables' && kind !== 'transitGatewayRouteTables' ? { direction: opening.direction } : {}),
    ...(opening.destinations && kind === 'routeTables' ? { destinations: opening.destinations } : {}),
  });
}

/**
 * `ec2.Vpc`'s `restrictDefaultSecurityGroup` (on by default in new CDK apps): its custom resource
 * removes every inbound and outbound rule of the VPC's default security group (aws-cdk-lib
 * `VpcProps.restrictDefaultSecurityGroup`). Known, so modelled as done.
 */
function restrictDefaultSecurityGroup(r: ResourceReader): void {
  const groupId = idsOf(r.value('DefaultSecurityGroupId'))[0];
  const group = groupId ? r.model.securityGroups.get(groupId) : undefined;
  if (!group) {
    r.issue('DefaultSecurityGroupId', 'the default security group it restricts is not described: its rules are unknown');
    return;
  }
  r.model.securityGroups.set(group.id, { ...group, ingress: [], egress: [], ruleWeights: [] });
}

/**
 * ModifyVpcPeeringConnectionOptions: what CloudFormation cannot set on a peering, the DNS
 * resolution each side allows from the remote VPC (EC2 API reference,
 * ModifyVpcPeeringConnectionOptions). Literal options are facts; others stay unknown, naming
 * the custom resource.
 */
function peeringDnsOptions(r: ResourceReader, params: Record<string, unknown>): void {
  const peeringId = idsOf(params.VpcPeeringConnectionId)[0];
  const peering = peeringId ? r.model.peerings.get(peeringId) : undefined;
  if (!peering) return;
  const option = (side: 'Requester' | 'Accepter', current: Fact<boolean>): Fact<boolean> => {
    const options = params[`${side}PeeringConnectionOptions`];
    if (!isObject(options) || options.AllowDnsResolutionFromRemoteVpc === undefined) return current;
    const value = options.AllowDnsResolutionFromRemoteVpc;
    return typeof value === 'boolean' ? known(value)
      : unknown(`custom resource ${describeSource(r.source)} sets the ${side.toLowerCase()} side's DNS resolution of ${peering.id} to a value known at deploy time`);
  };
  r.model.peerings.set(peering.id, {
    ...peering,
    allowDnsResolutionFromRequester: option('Requester', peering.allowDnsResolutionFromRequester),
    allowDnsResolutionFromAccepter: option('Accepter', peering.allowDnsResolutionFromAccepter),
  });
}
