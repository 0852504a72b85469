import { readCustomResource, isCustomResourceType } from './custom-resources';
import { isResourceRef, isUnresolved, NESTED_STACK, REFERENCED_IN_APP, ResourceEntry, STACK_REF } from './intrinsics';
import { addOpening, OpenableKind, openableKindOf } from './openings';
import { asRef, BuildContext, ResourceReader } from './reader';
import { isObject } from './template';
import { SECRETS_MANAGER_TRANSFORM, UnexpandedResources } from './transforms';
import { TemplateInput } from './types';
import { finishVpn, readVpnConnection, readVpnConnectionRoute, readVpnGatewayAttachment, readVpnRoutePropagation, VpnState } from './vpn';
import { describeSource } from '../engine/open-ended';
import { NetworkModel, OpenEnded, SourceRef } from '../model';

/**
 * Elements the templates do not fully describe: what custom resources, VPNs and other stacks may
 * add to them (`OpenEnded`). Read after every other resource, so the elements they name exist.
 */

const VPN_READERS: Record<string, (r: ResourceReader, vpn: VpnState) => void> = {
  'AWS::EC2::VPCGatewayAttachment': readVpnGatewayAttachment,
  'AWS::EC2::VPNGatewayRoutePropagation': readVpnRoutePropagation,
  'AWS::EC2::VPNConnection': readVpnConnection,
  'AWS::EC2::VPNConnectionRoute': readVpnConnectionRoute,
};

/** Resource types read by `readOpenEndedSources` (custom resources are recognised by prefix). */
export const OPEN_ENDED_SOURCE_TYPES: readonly string[] = Object.keys(VPN_READERS);

/** The VPN reader of a type: its own entry only (a resource of type `toString` or `__proto__` has none). */
function vpnReaderOf(type: string): ((r: ResourceReader, vpn: VpnState) => void) | undefined {
  return Object.prototype.hasOwnProperty.call(VPN_READERS, type) ? VPN_READERS[type] : undefined;
}

export function isOpenEndedSourceType(type: unknown): boolean {
  return typeof type === 'string' && (vpnReaderOf(type) !== undefined || isCustomResourceType(type));
}

/** A resource to read once everything else is read. */
export interface LateResource {
  readonly input: TemplateInput;
  readonly logicalId: string;
  readonly resource: any;
}

/**
 * Reads the custom resources and VPN resources, then marks the transit gateway route tables
 * (and route tables) that other stacks can change. Before the facts file's additions, which
 * describe what the templates leave open.
 */
export function readOpenEndedSources(context: BuildContext, late: readonly LateResource[]): void {
  const vpn: VpnState = { gatewaysByVpc: new Map(), propagations: [], connections: new Map(), routes: [] };
  for (const { input, logicalId, resource } of late) {
    const r = new ResourceReader(context, input, logicalId, resource);
    if (r.exists() === false) continue; // its Condition is false: it does not exist
    const vpnReader = vpnReaderOf(r.type);
    if (vpnReader) vpnReader(r, vpn);
    else readCustomResource(r);
  }
  finishVpn(context.model, vpn);
  markExported(context);
  markUnattachedTransitGatewayRouteTables(context.model);
}

/**
 * Route tables and transit gateway route tables whose id a stack exports by name (an Output with
 * Export): other stacks import it to add routes, associations and propagations; security groups
 * likewise, whose rules other stacks add count against the group's rules quota (only the count is
 * open-ended: `SecurityGroup.rulesAddedElsewhere`). CDK's own exports for references between the
 * app's stacks (`ExportsOutput...`) are not counted when a loaded stack imports them (by the
 * export's name, or, read from the construct tree, by a reference to the same value): the
 * reference is why they exist; the tree reader marks those it sees referenced, `REFERENCED_IN_APP`,
 * as a reference from an element it does not render is not in the template). One no loaded stack imports is counted: `Stack.exportValue(x)`
 * without a name makes the same output, for stacks outside the inputs (another app, a stack not
 * given) to import (aws-cdk-lib core, stack.ts exportValue), and so does a reference from a stack
 * that is not read.
 */
function markExported(context: BuildContext): void {
  const { model, inputs } = context;
  let imported: { readonly names: Set<string>; readonly values: Set<string> } | undefined;
  for (const input of inputs.inputs) {
    const outputs = input.template.Outputs;
    if (!isObject(outputs)) continue;
    const evaluator = inputs.evaluator(input.stackName);
    for (const [logicalId, output] of Object.entries<any>(outputs)) {
      if (!isObject(output) || !isObject(output.Export)) continue;
      const value = evaluator.evaluate(output.Value);
      if (!isResourceRef(value)) continue;
      const name = evaluator.evaluate(output.Export.Name);
      if (logicalId.startsWith('ExportsOutput')) {
        imported ??= importsOf(inputs.inputs);
        const referenced = referenceKeyOf(input.stackName, output.Value);
        if (output[REFERENCED_IN_APP] === true || (typeof name === 'string' && imported.names.has(name)) || (referenced !== undefined && imported.values.has(referenced))) continue;
      }
      const source: SourceRef = { stack: input.stackName, logicalId, ...(input.file ? { file: input.file } : {}) };
      // CDK's output: Stack.exportValue, or a reference from a stack the inputs do not include
      // (the CLI given some of an app's stacks), which only giving that stack tells apart.
      const cdkExport = logicalId.startsWith('ExportsOutput')
        ? ': an export CDK makes for Stack.exportValue, or for a reference from another stack of the app; if a stack of the app imports it, give that stack to the check too, and it is not counted' : '';
      const exportedAs = `its id is exported${typeof name === 'string' && !name.includes('{{') ? ` as ${name}` : ''} (output ${describeSource(source)}${cdkExport})`;
      const groupId = value.attribute === 'DefaultSecurityGroup' ? `${value.modelId}#default-sg`
        : value.attribute === undefined || value.attribute === 'GroupId' ? value.modelId : undefined;
      const group = groupId !== undefined ? model.securityGroups.get(groupId) : undefined;
      if (group) {
        // Stacks the inputs do not include may import it and add rules (AWS::EC2::SecurityGroupIngress
        // with its GroupId): they count against its rules quota.
        const cause = `${exportedAs}, so stacks the inputs do not include may add rules to it`;
        if (!group.rulesAddedElsewhere?.some((o) => o.cause === cause)) {
          model.securityGroups.set(group.id, { ...group, rulesAddedElsewhere: [...group.rulesAddedElsewhere ?? [], { cause, source, kind: 'outside', effect: 'add' }] });
        }
        continue;
      }
      const id = value.attribute === 'AssociationDefaultRouteTableId' || value.attribute === 'PropagationDefaultRouteTableId'
        ? `${value.modelId}#default-rt` : value.attribute === undefined ? value.modelId : undefined;
      const kind = id ? openableKindOf(model, id) : undefined;
      if (!id || (kind !== 'routeTables' && kind !== 'transitGatewayRouteTables')) continue;
      addOpening(model, kind, id, {
        cause: `${exportedAs}, so other stacks may add ${kind === 'routeTables' ? 'routes' : 'routes, associations and propagations'} the templates do not list`,
        source,
        kind: 'outside',
        effect: 'add',
      });
    }
  }
}

/** `${stack}/${logicalId}|${attribute or Ref}` of an output's value that is a plain Ref or Fn::GetAtt, as `Fn::NetplanStackRef` names it. */
function referenceKeyOf(stackName: string, value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return `${stackName}/${value.Ref}|Ref`;
  const getAtt = value['Fn::GetAtt'];
  const [logicalId, attribute] = typeof getAtt === 'string' ? [getAtt.slice(0, getAtt.indexOf('.')), getAtt.slice(getAtt.indexOf('.') + 1)] : Array.isArray(getAtt) ? getAtt : [];
  return typeof logicalId === 'string' && typeof attribute === 'string' && logicalId !== '' ? `${stackName}/${logicalId}|${attribute}` : undefined;
}

/**
 * What the loaded stacks import: the literal names of their `Fn::ImportValue`s, and the values
 * their references to other stacks of the app name (`${modelId}|${attribute or Ref}`, as the
 * construct tree renders them, `Fn::NetplanStackRef`).
 */
function importsOf(inputs: readonly TemplateInput[]): { names: Set<string>; values: Set<string> } {
  const names = new Set<string>();
  const values = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, arg] of Object.entries(node)) {
      if (key === 'Fn::ImportValue' && typeof arg === 'string') names.add(arg);
      else if (key === STACK_REF && Array.isArray(arg) && arg.length === 3 && arg.every((a) => typeof a === 'string')) values.add(`${arg[0]}/${arg[1]}|${arg[2]}`);
      visit(arg);
    }
  };
  for (const input of inputs) visit(input.template);
  return { names, values };
}

/**
 * A transit gateway route table of the templates that no attachment of the templates is
 * associated with or propagates into is configured outside them: it may get associations and
 * propagations (and so routes) from attachments the templates do not show.
 */
function markUnattachedTransitGatewayRouteTables(model: NetworkModel): void {
  for (const table of model.transitGatewayRouteTables.values()) {
    if (table.id.endsWith('#default-rt') || table.associatedAttachmentIds.length || table.propagatingAttachmentIds.length) continue;
    addOpening(model, 'transitGatewayRouteTables', table.id, {
      cause: `no attachment of the templates is associated with ${table.id} or propagates into it, so it is configured outside them and may get associations, propagations and routes they do not list`,
      source: table.source,
      kind: 'outside',
      effect: 'add',
    });
  }
}

/**
 * What the reader does not expand (a loop over a collection it cannot resolve, a macro, an
 * `AWS::Include` snippet) may generate routes, rules and entries: the elements those would go to
 * are open-ended, so that no verdict rests on their absence (UNKNOWN, naming what was not
 * expanded). A generated resource whose target element is resolved (outside the loop's
 * identifiers) opens that element; otherwise every element of its kind. Loops and snippets only
 * add resources: routes and allow rules are additions (a route the loop adds is assumed no more
 * specific than the one matched where its destination is unknown, as for a custom resource's),
 * ACL entries and associations a change (an entry may deny, an association moves a subnet). A
 * macro may rewrite the template's own resources: a change to every element.
 */
export function openUnexpanded(context: BuildContext, unexpanded: readonly UnexpandedResources[]): void {
  const { model } = context;
  for (const u of unexpanded) {
    const open = (kind: OpenableKind, ids: readonly string[] | 'all', effect: OpenEnded['effect'], direction?: 'ingress' | 'egress') => {
      const what = kind === 'securityGroups' ? 'rules' : kind === 'networkAcls' ? 'entries' : kind === 'routeTables' ? 'routes or subnet associations' : 'routes, associations and propagations';
      const cause = `${u.what} in stack ${u.input.stackName} is not expanded, and may ${effect === 'add' ? 'add' : 'add or change'} ${what} the templates do not list`;
      for (const id of ids === 'all' ? [...(model[kind] as Map<string, unknown>).keys()] : ids) {
        addOpening(model, kind, id, { cause, source: u.source, kind: 'outside', effect, ...(direction ? { direction } : {}) });
      }
    };
    if (!u.resources) {
      for (const kind of ['routeTables', 'securityGroups', 'networkAcls', 'transitGatewayRouteTables'] as const) open(kind, 'all', u.effect);
      continue;
    }
    const evaluator = context.inputs.evaluator(u.input.stackName);
    // The element ids a property names: one when it resolves outside the loop's identifiers, else all.
    const target = (kind: OpenableKind, value: unknown, identifiers: readonly string[]): string[] | 'all' => {
      const text = JSON.stringify(value) ?? '';
      if (value === undefined || identifiers.some((id) => text.includes(`\${${id}}`) || text.includes(`&{${id}}`) || text.includes(`"Ref":${JSON.stringify(id)}`))) return 'all';
      let evaluated: unknown;
      try {
        evaluated = evaluator.evaluate(value);
      } catch {
        return 'all';
      }
      const ref = asRef(evaluated);
      const id = ref ? ref.modelId : typeof evaluated === 'string' ? evaluated : undefined;
      return id !== undefined && (model[kind] as Map<string, unknown>).has(id) ? [id] : 'all';
    };
    for (const { type, properties, identifiers, includedInto } of u.resources) {
      const props: Record<string, unknown> = isObject(properties) ? properties : {};
      if (includedInto !== undefined) {
        // A snippet merged into the properties of one of the template's resources: a group's
        // inline rules (SecurityGroupEgress replaces the default allow-all egress: a change), an
        // endpoint's RouteTableIds; routes, rules and entries of their own resources below.
        const own = asRef(evaluator.evaluate({ Ref: includedInto }))?.modelId;
        if (type === 'AWS::EC2::SecurityGroup' && own !== undefined && model.securityGroups.has(own)) open('securityGroups', [own], 'change');
        if (type === 'AWS::EC2::VPCEndpoint' && props.RouteTableIds === undefined) {
          // Its route tables are its VPC's (when the listed VpcId resolves).
          const vpc = props.VpcId === undefined ? undefined : asRef(evaluator.evaluate(props.VpcId))?.modelId;
          const tables = vpc === undefined || !model.vpcs.has(vpc) ? 'all'
            : [...model.routeTables.values()].filter((t) => t.vpcId.known && t.vpcId.value === vpc).map((t) => t.id);
          open('routeTables', tables, 'add');
        }
      }
      switch (type) {
        case 'AWS::EC2::Route':
        case 'AWS::EC2::LocalGatewayRoute':
          open('routeTables', target('routeTables', props.RouteTableId, identifiers), 'add');
          break;
        case 'AWS::EC2::VPCEndpoint':
          open('routeTables', props.RouteTableIds === undefined ? [] : 'all', 'add');
          break;
        case 'AWS::EC2::SubnetRouteTableAssociation':
          open('routeTables', 'all', 'change');
          break;
        case 'AWS::EC2::SecurityGroupIngress':
          open('securityGroups', target('securityGroups', props.GroupId, identifiers), 'add', 'ingress');
          break;
        case 'AWS::EC2::SecurityGroupEgress':
          open('securityGroups', target('securityGroups', props.GroupId, identifiers), 'add', 'egress');
          break;
        case 'AWS::EC2::NetworkAclEntry':
          open('networkAcls', target('networkAcls', props.NetworkAclId, identifiers), 'change',
            props.Egress === true || props.Egress === 'true' ? 'egress' : props.Egress === false || props.Egress === 'false' ? 'ingress' : undefined);
          break;
        case 'AWS::EC2::SubnetNetworkAclAssociation':
          open('networkAcls', 'all', 'change');
          break;
        case 'AWS::EC2::TransitGatewayRoute':
        case 'AWS::EC2::TransitGatewayRouteTableAssociation':
        case 'AWS::EC2::TransitGatewayRouteTablePropagation':
          open('transitGatewayRouteTables', target('transitGatewayRouteTables', props.TransitGatewayRouteTableId, identifiers), 'add');
          break;
        default:
          // A resource whose type is not a literal may be any of those.
          if (typeof type !== 'string') for (const kind of ['routeTables', 'securityGroups', 'networkAcls', 'transitGatewayRouteTables'] as const) open(kind, 'all', 'change');
      }
    }
  }
}

const SERVERLESS_APPLICATION = 'AWS::Serverless::Application';
const ROTATION_SCHEDULE = 'AWS::SecretsManager::RotationSchedule';

/**
 * The parameters of a nested stack not read: a nested stack's or SAM application's `Parameters`;
 * for a rotation schedule's `HostedRotationLambda` in a template the AWS::SecretsManager transform
 * processes, the security groups of the rotation function the transform puts in a nested stack
 * (`VpcSecurityGroupIds`, a comma-delimited list).
 */
function unreadNestedStackParameters(context: BuildContext, input: TemplateInput, entry: ResourceEntry): Record<string, unknown> | undefined {
  const properties = entry.resource.Properties;
  if (entry.type === ROTATION_SCHEDULE) {
    const hosted = isObject(properties) ? properties.HostedRotationLambda : undefined;
    const transforms = ([] as unknown[]).concat(input.template?.Transform ?? []);
    if (!isObject(hosted) || hosted.VpcSecurityGroupIds === undefined || !transforms.some((t) => typeof t === 'string' && SECRETS_MANAGER_TRANSFORM.test(t))) return undefined;
    return { 'HostedRotationLambda.VpcSecurityGroupIds': hosted.VpcSecurityGroupIds };
  }
  // (SAM's AWS::Serverless::Application becomes such a nested stack; the transform is not expanded.)
  if (!(entry.type === NESTED_STACK && !context.inputs.hasStack(entry.modelId)) && entry.type !== SERVERLESS_APPLICATION) return undefined;
  return isObject(properties?.Parameters) ? properties.Parameters : undefined;
}

/**
 * A nested stack whose template is not read (a `TemplateURL` that is a URL, a template not in the
 * cloud assembly) may add routes, rules and entries to the elements the parent passes it as
 * parameters (by `Ref`, or in a comma-delimited list): those are open-ended, so that no verdict
 * rests on what it does not show (its not being read is reported apart, GNP-INPUT-NOT-READ).
 * Routes and allow rules are additions; ACL entries a change (they may deny).
 */
export function openForUnreadNestedStacks(context: BuildContext): void {
  const { model, inputs } = context;
  for (const input of inputs.inputs) {
    for (const entry of inputs.resourcesOf(input)) {
      const parameters = unreadNestedStackParameters(context, input, entry);
      if (!parameters) continue;
      const evaluator = inputs.evaluator(input.stackName);
      const source: SourceRef = { stack: input.stackName, logicalId: entry.logicalId, ...(input.file ? { file: input.file } : {}) };
      for (const [name, value] of Object.entries(parameters)) {
        let evaluated: unknown;
        try {
          evaluated = evaluator.evaluate(value);
        } catch {
          continue;
        }
        const stack = entry.type === ROTATION_SCHEDULE ? `the nested stack the AWS::SecretsManager transform generates for ${entry.modelId}` : `nested stack ${entry.modelId}`;
        for (const id of elementIdsIn(evaluated)) {
          const subnet = model.subnets.get(id);
          if (subnet) {
            // A subnet on its VPC's main table or default ACL (no explicit association) may be
            // associated with a table or ACL the nested stack creates: its table and ACL are then
            // unknown. (One explicitly associated cannot take a second route table association.)
            const given = `${stack} is not read, and is given subnet ${id} (parameter ${name}), which has no explicit`;
            model.subnets.set(id, {
              ...subnet,
              ...(subnet.routeTableId === undefined && subnet.routeTableUnresolved === undefined
                ? { routeTableUnresolved: `${given} route table association: it may associate it with a route table the templates do not list` } : {}),
              ...(subnet.networkAclId === undefined && subnet.networkAclUnresolved === undefined
                ? { networkAclUnresolved: `${given} network ACL association: it may associate it with a network ACL the templates do not list` } : {}),
            });
            continue;
          }
          const kind = openableKindOf(model, id);
          if (!kind) continue;
          addOpening(model, kind, id, {
            cause: `${stack} is not read, and is given ${id} (parameter ${name}): it may add ${kind === 'securityGroups' ? 'rules' : kind === 'networkAcls' ? 'entries' : 'routes'} the templates do not list`,
            source,
            kind: 'outside',
            effect: kind === 'networkAcls' ? 'change' : 'add',
          });
        }
      }
    }
  }
}

/** The element ids a parameter value names: a reference, a literal id, or each of a list (or comma-delimited text) of them. */
function elementIdsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(elementIdsIn);
  if (isUnresolved(value)) return [];
  const ref = asRef(value);
  if (ref) return [ref.modelId];
  if (typeof value === 'string') return value.includes(',') ? value.split(',').flatMap((part) => elementIdsIn(part.trim())) : [value];
  return [];
}
