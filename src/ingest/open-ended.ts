import { readCustomResource, isCustomResourceType } from './custom-resources';
import { isResourceRef } from './intrinsics';
import { addOpening, openableKindOf } from './openings';
import { BuildContext, ResourceReader } from './reader';
import { isObject } from './template';
import { TemplateInput } from './types';
import { finishVpn, readVpnConnection, readVpnConnectionRoute, readVpnGatewayAttachment, readVpnRoutePropagation, VpnState } from './vpn';
import { describeSource } from '../engine/open-ended';
import { NetworkModel, SourceRef } from '../model';

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
 * open-ended: `SecurityGroup.rulesAddedElsewhere`). CDK's own
 * exports for references between the app's stacks (`ExportsOutput...`) exist only because a
 * loaded stack imports them, and the guard reads the app before CDK writes them: not counted.
 */
function markExported(context: BuildContext): void {
  const { model, inputs } = context;
  for (const input of inputs.inputs) {
    const outputs = input.template.Outputs;
    if (!isObject(outputs)) continue;
    const evaluator = inputs.evaluator(input.stackName);
    for (const [logicalId, output] of Object.entries<any>(outputs)) {
      if (!isObject(output) || !isObject(output.Export) || logicalId.startsWith('ExportsOutput')) continue;
      const value = evaluator.evaluate(output.Value);
      if (!isResourceRef(value)) continue;
      const name = evaluator.evaluate(output.Export.Name);
      const source: SourceRef = { stack: input.stackName, logicalId, ...(input.file ? { file: input.file } : {}) };
      const exportedAs = `its id is exported${typeof name === 'string' && !name.includes('{{') ? ` as ${name}` : ''} (output ${describeSource(source)})`;
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
