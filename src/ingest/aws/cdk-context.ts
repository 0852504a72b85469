import { existsSync } from 'fs';
import { parseCidr } from '../../model';
import { InputError } from '../errors';
import { FactsDocument, FactsSubnet, FactsVpc } from '../facts';
import { isObject, readTextFile } from '../template';

/** The `key=value` fields of a context key (`vpc-provider:account=1:region=us-east-1:...`). */
function keyFields(key: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of key.split(':').slice(1)) {
    const at = part.indexOf('=');
    if (at > 0) fields[part.slice(0, at)] = part.slice(at + 1);
  }
  return fields;
}

/**
 * What `Vpc.fromLookup` left in the CDK context (`vpc-provider:` entries of `cdk.context.json`):
 * the VPC's primary CIDR, account and Region, and for each subnet its CIDR, zone and route table
 * id. Everything a lookup does not return stays unknown: the route tables' routes (named, not
 * described), the network ACLs and the main route table (named as not looked up), the security
 * groups. A subnet without a CIDR (the older symmetric form) is left undescribed.
 */
export function lookupContextFacts(context: Record<string, unknown>): FactsDocument {
  const vpcs: FactsVpc[] = [];
  const subnets: FactsSubnet[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (!key.startsWith('vpc-provider:') || !isObject(value) || typeof value.vpcId !== 'string') continue;
    const fields = keyFields(key);
    const id = value.vpcId;
    if (typeof value.vpcCidrBlock !== 'string' || !parseCidr(value.vpcCidrBlock)) continue;
    if (vpcs.some((vpc) => vpc.id === id)) continue;
    const account = typeof value.ownerAccountId === 'string' ? value.ownerAccountId : fields.account;
    vpcs.push({
      id,
      cidrBlocks: [value.vpcCidrBlock],
      ...(fields.region ? { region: fields.region } : {}),
      ...(account ? { account } : {}),
      mainRouteTableId: `${id}#main-route-table-not-in-lookup`,
      defaultNetworkAclId: `${id}#network-acl-not-in-lookup`,
    });
    const groups = Array.isArray(value.subnetGroups) ? value.subnetGroups : [];
    for (const group of groups) {
      for (const subnet of isObject(group) && Array.isArray(group.subnets) ? group.subnets : []) {
        if (!isObject(subnet) || typeof subnet.subnetId !== 'string' || typeof subnet.cidr !== 'string' || !parseCidr(subnet.cidr)) continue;
        subnets.push({
          id: subnet.subnetId,
          vpcId: id,
          cidr: subnet.cidr,
          ...(typeof subnet.availabilityZone === 'string' ? { availabilityZone: subnet.availabilityZone } : {}),
          ...(typeof subnet.routeTableId === 'string' ? { routeTableId: subnet.routeTableId } : {}),
          networkAclId: `${subnet.subnetId}#network-acl-not-in-lookup`,
        });
      }
    }
  }
  return { ...(vpcs.length ? { vpcs } : {}), ...(subnets.length ? { subnets } : {}) };
}

/** The context values of `cdk.context.json`, or undefined when there is no such file. */
export function readContextFile(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  // As every input is read: a FIFO or a device is refused at once, never waited on.
  const text = readTextFile(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`);
  }
  return isObject(json) ? json : undefined;
}

/** `cdk.context.json` in `dir`, as lookup facts; undefined when there is none (or no lookup in it). */
export function loadLookupContext(file: string): FactsDocument | undefined {
  const context = readContextFile(file);
  if (!context) return undefined;
  const facts = lookupContextFacts(context);
  return facts.vpcs ? { ...facts, file } : undefined;
}
