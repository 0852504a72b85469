import { emptyModel, NetworkModel, SourceRef, unknown } from '../model';
import { ConnectionNames, environmentsOf } from './connection-names';
import { isCustomResourceType } from './custom-resources';
import { InputError, isStackOverflow, TemplateError } from './errors';
import { FactsDocument, factsPrefixLists, mergeFactsDataStores, mergeFactsJobs, mergeFactsNetwork, mergeFactsTransitGatewayRouteTables, mergeFactsZones } from './facts';
import { readGlueConnection, readGlueCrawler, readGlueDevEndpoint, readGlueJob, readGlueSession } from './glue';
import { InputSet, ResourceEntry, StackEvaluator } from './intrinsics';
import { readNestedStack } from './nested-stack';
import { isOpenEndedSourceType, LateResource, OPEN_ENDED_SOURCE_TYPES, openForUnreadNestedStacks, openUnexpanded, readOpenEndedSources } from './open-ended';
import { readPrefixList } from './prefix-lists';
import { BuildContext, ResourceReader } from './reader';
import {
  readGatewayRouteTableAssociation, readNatGateway, readPeering, readPrivateHostedZone, readRoute, readRouteTable, readSubnetRouteTableAssociation, readVpcEndpoint,
  settlePrefixListRoutes,
} from './routing';
import {
  readNetworkAcl, readNetworkAclEntry, readSecurityGroup, readSecurityGroupRule, readSecurityGroupVpcAssociation, readSubnetNetworkAclAssociation,
} from './security';
import { readDbCluster, readDbInstance, readMskCluster, readRedshiftCluster, readRedshiftServerlessWorkgroup } from './stores';
import { applyTransforms } from './transforms';
import {
  readTransitGateway, readTransitGatewayAttachment, readTransitGatewayRoute, readTransitGatewayRouteTable,
  readTransitGatewayRouteTableLink,
} from './transit';
import { TemplateInput } from './types';
import { readSubnet, readVpc, readVpcCidrBlock, readVpcDhcpOptionsAssociation } from './vpc';

type Read = (r: ResourceReader, connectionIdsByName: ConnectionNames) => void;

/**
 * Readers by resource type, in phases: a resource is read after everything it attaches to (a
 * route after its table, an instance after its cluster), across all stacks, since references
 * cross stacks through Fn::ImportValue and nested-stack parameters.
 */
const PHASES: Record<string, Read>[] = [
  {
    'AWS::EC2::VPC': readVpc,
    'AWS::EC2::TransitGateway': readTransitGateway,
    'AWS::CloudFormation::Stack': readNestedStack,
    'AWS::EC2::PrefixList': readPrefixList,
  },
  {
    'AWS::EC2::VPCCidrBlock': readVpcCidrBlock,
    'AWS::EC2::Subnet': readSubnet,
    'AWS::EC2::RouteTable': readRouteTable,
    'AWS::EC2::SecurityGroup': readSecurityGroup,
    'AWS::EC2::NetworkAcl': readNetworkAcl,
    'AWS::EC2::TransitGatewayRouteTable': readTransitGatewayRouteTable,
    'AWS::EC2::TransitGatewayAttachment': readTransitGatewayAttachment,
    'AWS::EC2::TransitGatewayVpcAttachment': readTransitGatewayAttachment,
    'AWS::EC2::NatGateway': readNatGateway,
    'AWS::Route53::HostedZone': readPrivateHostedZone,
    'AWS::Glue::Connection': readGlueConnection,
    'AWS::RDS::DBCluster': (r) => readDbCluster(r, 'rds-cluster'),
    'AWS::DocDB::DBCluster': (r) => readDbCluster(r, 'docdb-cluster'),
    'AWS::Redshift::Cluster': readRedshiftCluster,
    'AWS::RedshiftServerless::Workgroup': readRedshiftServerlessWorkgroup,
    'AWS::MSK::Cluster': readMskCluster,
  },
  {
    'AWS::EC2::SubnetRouteTableAssociation': readSubnetRouteTableAssociation,
    'AWS::EC2::GatewayRouteTableAssociation': readGatewayRouteTableAssociation,
    'AWS::EC2::VPCDHCPOptionsAssociation': readVpcDhcpOptionsAssociation,
    'AWS::EC2::SubnetNetworkAclAssociation': readSubnetNetworkAclAssociation,
    'AWS::EC2::Route': readRoute,
    'AWS::EC2::VPCEndpoint': readVpcEndpoint,
    'AWS::EC2::VPCPeeringConnection': readPeering,
    'AWS::EC2::SecurityGroupIngress': (r) => readSecurityGroupRule(r, 'ingress'),
    'AWS::EC2::SecurityGroupEgress': (r) => readSecurityGroupRule(r, 'egress'),
    'AWS::EC2::SecurityGroupVpcAssociation': readSecurityGroupVpcAssociation,
    'AWS::EC2::NetworkAclEntry': readNetworkAclEntry,
    'AWS::EC2::TransitGatewayRoute': readTransitGatewayRoute,
    'AWS::EC2::TransitGatewayRouteTableAssociation': (r) => readTransitGatewayRouteTableLink(r, 'association'),
    'AWS::EC2::TransitGatewayRouteTablePropagation': (r) => readTransitGatewayRouteTableLink(r, 'propagation'),
    'AWS::RDS::DBInstance': readDbInstance,
    'AWS::Glue::Job': readGlueJob,
    'AWS::Glue::Session': readGlueSession,
    'AWS::Glue::Crawler': readGlueCrawler,
    'AWS::Glue::DevEndpoint': (r) => readGlueDevEndpoint(r),
  },
];

/** Each resource type's reader and phase. */
const READERS = new Map<unknown, { phase: number; read: Read }>(
  PHASES.flatMap((readers, phase) => Object.entries(readers).map(([type, read]) => [type, { phase, read }] as const)),
);

/**
 * Every resource type the model is built from: the readers' types, the subnet groups they look
 * up, and nested stacks. A caller that renders templates itself (the synth-time guard) may skip
 * every other resource.
 */
export const READ_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  ...PHASES.flatMap((phase) => Object.keys(phase)),
  ...OPEN_ENDED_SOURCE_TYPES,
  'AWS::RDS::DBSubnetGroup', 'AWS::DocDB::DBSubnetGroup', 'AWS::Redshift::ClusterSubnetGroup',
  // A job's security configuration (whether it uses AWS KMS keys), read through the job's Ref.
  'AWS::Glue::SecurityConfiguration',
]);

/** Whether the model reads resources of this type (custom resources are recognised by prefix). */
export function readsResourceType(type: string): boolean {
  return READ_RESOURCE_TYPES.has(type) || isCustomResourceType(type);
}

/**
 * Builds the network model from templates and an optional facts file. Never throws on template
 * content: what cannot be determined becomes an unknown fact and, when it matters, an issue.
 */
export function buildModel(templates: TemplateInput[], facts?: FactsDocument): NetworkModel {
  const { inputs, issues, unexpanded } = applyTransforms(templates);
  // The facts' prefix lists (an account's, by pl- id): a template's literal pl- id reads them.
  const context: BuildContext = { model: emptyModel(), inputs: new InputSet(inputs), transitGatewayDefaults: new Map(), prefixLists: facts ? factsPrefixLists(facts) : new Map() };
  context.model.issues.push(...issues);
  if (facts) mergeFactsNetwork(context.model, facts);
  // Every resource is sorted into its reader's phase in one pass (most resources have no reader),
  // keeping stack order, then template order, within each phase.
  // (Only resources that are objects have a type: the input set lists them, with their model ids.)
  const phases: { entry: ResourceEntry; evaluator: StackEvaluator; read: Read }[][] = PHASES.map(() => []);
  // Custom resources and VPNs change what the other resources define: read after them.
  const late: LateResource[] = [];
  for (const input of inputs) {
    const evaluator = context.inputs.evaluator(input.stackName);
    for (const entry of context.inputs.resourcesOf(input)) {
      const type: unknown = entry.resource.Type;
      const reader = READERS.get(type);
      if (reader) phases[reader.phase].push({ entry, evaluator, read: reader.read });
      else if (isOpenEndedSourceType(type)) late.push({ input, logicalId: entry.logicalId, resource: entry.resource });
    }
  }
  let connectionIdsByName = new ConnectionNames();
  for (const [phase, entries] of phases.entries()) {
    // Jobs name connections literally: index every connection by name once they are all read.
    if (phase === PHASES.length - 1) connectionIdsByName = connectionsByName(context.model, inputs);
    for (const { entry, evaluator, read } of entries) {
      const { input, logicalId, resource } = entry;
      // A resource whose Condition is false does not exist; an undecided one is read as uncertain.
      // (As `asInputError` does, without a closure and the place's words for every resource.)
      try {
        const reader = new ResourceReader(context, input, logicalId, resource, { modelId: entry.modelId, evaluator });
        if (reader.exists() !== false) read(reader, connectionIdsByName);
      } catch (e) {
        throw asInputErrorOf(e, input.file ?? input.stackName, `Resources.${logicalId} (stack ${input.stackName})`);
      }
    }
  }
  settlePrefixListRoutes(context.model);
  connectionsInOtherRegions(context.model, inputs);
  countAddressUsers(context.model);
  asInputError(undefined, 'reading exports and custom resources', () => readOpenEndedSources(context, late));
  if (unexpanded.length) asInputError(undefined, 'what the transforms and loops not expanded may add', () => openUnexpanded(context, unexpanded));
  // (SAM applications are nested stacks too: looked for in templates that declare a transform.)
  if (context.inputs.hasNestedStacks || inputs.some((input) => input.template.Transform !== undefined)) asInputError(undefined, 'what the nested stacks not read may add', () => openForUnreadNestedStacks(context));
  if (facts) {
    mergeFactsTransitGatewayRouteTables(context.model, facts);
    mergeFactsDataStores(context.model, facts, connectionIdsByName);
    mergeFactsZones(context.model, facts);
    mergeFactsJobs(context.model, facts, connectionIdsByName);
  }
  for (const { input, name, ssmName } of context.inputs.missingParameters.values()) reportMissingParameter(context.model, input, name, ssmName);
  return context.model;
}

/**
 * A connection of a stack in one Region whose subnet is in a VPC of another (a CDK cross-Region
 * reference can give a stack another Region's subnet id): Glue looks the subnet up in the
 * connection's own Region, where that id names no subnet of this VPC. Its subnet is then unknown,
 * never the other Region's, whose routes and groups Glue would not use.
 */
function connectionsInOtherRegions(model: NetworkModel, inputs: readonly TemplateInput[]): void {
  const regionOf = new Map(inputs.map((input) => [input.stackName, input.region]));
  for (const connection of model.connections.values()) {
    const region = regionOf.get(connection.source.stack);
    const subnet = connection.subnetId !== undefined ? model.subnets.get(connection.subnetId) : undefined;
    const vpc = subnet?.vpcId.known ? model.vpcs.get(subnet.vpcId.value) : undefined;
    if (region === undefined || !subnet || !vpc?.region.known || vpc.region.value === region) continue;
    const reason = `connection ${connection.id} is in Region ${region} (stack ${connection.source.stack}), but its subnet ${subnet.id} is in ${vpc.id}, in Region ${vpc.region.value}: Glue looks the subnet up in the connection's own Region`;
    const id = `${connection.id}#subnet`;
    model.subnets.set(id, { id, source: connection.source, vpcId: unknown(reason), cidr: unknown(reason), availabilityZone: unknown(reason), usedAddresses: 0 });
    model.connections.set(connection.id, { ...connection, subnetId: id });
    model.issues.push({
      source: connection.source,
      message: `Glue connection ${connection.id}: ${reason}, where no subnet of ${vpc.id} exists, so its network is unknown.`,
      fix: `Use a subnet of the connection's Region (${region}), or define the connection in a stack of Region ${vpc.region.value}.`,
    });
  }
}

/**
 * The addresses the templates' own network interfaces take in the templates' subnets, which Glue's
 * ENIs then cannot have: an interface endpoint's, one in each of its subnets ("For each subnet that
 * you specify, we create an endpoint network interface in the subnet": AWS PrivateLink, "Access an
 * AWS service using an interface VPC endpoint",
 * https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), a Gateway Load
 * Balancer endpoint's, in its one subnet (AWS PrivateLink, "Gateway Load Balancer endpoints",
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpce-gateway-load-balancer.html), and a transit
 * gateway attachment's ("The transit gateway uses one IP address from each specified subnet": EC2
 * API, CreateTransitGatewayVpcAttachment,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html),
 * a service-network endpoint's (a /28 block, 16 addresses, in each subnet at first, and another
 * when its service network holds resource configurations: AWS PrivateLink, "Access a service
 * network through a service-network endpoint",
 * https://docs.aws.amazon.com/vpc/latest/privatelink/access-with-service-network-endpoint.html:
 * the further blocks depend on the service network, which the templates do not show), a resource
 * endpoint's (network interfaces in its subnets: AWS PrivateLink, "Access VPC resources through AWS
 * PrivateLink", https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-resources.html;
 * how many addresses they take is not documented: one counted, the rest unknown),
 * and a NAT gateway's (its primary address and a private one's secondary addresses: see
 * `natAddresses`). Only elements that certainly exist, in subnets of the templates (a subnet of the
 * facts has the account's count, which includes what is deployed). Other resources of the app in a
 * subnet (database instances, functions, load balancers) are not counted (RULES.md says so).
 */
function countAddressUsers(model: NetworkModel): void {
  const users = new Map<string, string[]>();
  const counts = new Map<string, number>();
  const uncounted = new Map<string, string[]>();
  const add = (subnetIds: Iterable<string>, what: string, addresses = 1) => {
    for (const id of new Set(subnetIds)) {
      const list = users.get(id);
      if (list) list.push(what);
      else users.set(id, [what]);
      counts.set(id, (counts.get(id) ?? 0) + addresses);
    }
  };
  for (const e of model.gatewayEndpoints.values()) {
    if (e.type === 'Gateway' || e.uncertain || !e.subnetIds?.known || e.source.stack === 'facts') continue;
    if (e.type === 'ServiceNetwork' || e.type === 'Resource') {
      const network = e.type === 'ServiceNetwork';
      add(e.subnetIds.value, network ? `service-network endpoint ${e.id} (16 addresses, its first /28 block)` : `resource endpoint ${e.id} (1 address counted)`, network ? 16 : 1);
      for (const id of new Set(e.subnetIds.value)) {
        const why = network
          ? `service-network endpoint ${e.id} takes another /28 block of 16 addresses when its service network holds resource configurations (one more for each further 16), and the templates do not show what the service network holds (AWS PrivateLink, "Access a service network through a service-network endpoint")`
          : `resource endpoint ${e.id}'s network interfaces take addresses in it, and AWS does not document how many (AWS PrivateLink, "Access VPC resources through AWS PrivateLink"): one is counted`;
        uncounted.set(id, [...uncounted.get(id) ?? [], why]);
      }
      continue;
    }
    add(e.subnetIds.value, `${e.type === 'Interface' ? 'interface endpoint' : 'Gateway Load Balancer endpoint'} ${e.id}`);
  }
  for (const a of model.transitGatewayAttachments.values()) {
    if (!a.uncertain && a.source.stack !== 'facts') add(a.subnetIds, `transit gateway attachment ${a.id}`);
  }
  for (const n of model.natGateways.values()) {
    if (n.privateAddresses && n.subnetId.known && n.source.stack !== 'facts') {
      add([n.subnetId.value], `NAT gateway ${n.id}${n.privateAddresses > 1 ? ` (${n.privateAddresses} addresses)` : ''}`, n.privateAddresses);
    }
  }
  for (const [id, usedBy] of users) {
    const subnet = model.subnets.get(id);
    if (!subnet || subnet.source.stack === 'facts') continue;
    const unknownUse = uncounted.get(id);
    model.subnets.set(id, { ...subnet, usedAddresses: subnet.usedAddresses + counts.get(id)!, usedBy, ...unknownUse ? { usedAddressesUnknown: unknownUse.join('; ') } : {} });
  }
}

/**
 * One finding per parameter whose value is unknown (no default and no value, or read from SSM)
 * that a value the model needs is built from.
 */
function reportMissingParameter(model: NetworkModel, input: TemplateInput, name: string, ssmName?: string): void {
  const source = { stack: input.stackName, logicalId: name, ...input.file ? { file: input.file } : {} };
  const passedByParent = input.parametersStackName !== undefined;
  if (ssmName !== undefined) {
    model.issues.push({
      source,
      message: `Parameter ${name} of stack ${input.stackName} is read from SSM parameter ${ssmName} at deploy time, so every value built from it is unknown.`,
      fix: `Give the SSM parameter's value: glue-netplan --parameters ${input.stackName}:${name}=VALUE.`,
    });
    return;
  }
  model.issues.push({
    source,
    message: `Parameter ${name} of stack ${input.stackName} has no default and no value was given, so every value built from it is unknown.`,
    fix: passedByParent
      ? `Pass ${name} from the parent stack ${input.parametersStackName} (the nested stack resource's Parameters), or give ${name} a Default.`
      : `Give its value: glue-netplan --parameters ${input.stackName}:${name}=VALUE (or a parameters file, see docs/cli.md); in a CDK app, give the CfnParameter a default.`,
  });
}

/**
 * Runs a reading step. Content CloudFormation rejects (TemplateError), or a value nested too
 * deeply to evaluate, is the user's to fix: an InputError naming the file and the place.
 */
function asInputError(file: string | undefined, place: string, step: () => void): void {
  try {
    step();
  } catch (e) {
    throw asInputErrorOf(e, file, place);
  }
}

/** What `asInputError` throws for an error `e` of a step at `place`: an InputError, or `e` itself. */
function asInputErrorOf(e: unknown, file: string | undefined, place: string): unknown {
  if (e instanceof TemplateError) return new InputError(file ?? e.file ?? 'the templates', `${place}: ${e.message}`);
  if (isStackOverflow(e)) return new InputError(file ?? 'the templates', `${place}: a value nests too deeply to evaluate`);
  return e;
}

function connectionsByName(model: NetworkModel, inputs: readonly TemplateInput[]): ConnectionNames {
  const byName = new ConnectionNames();
  const environments = environmentsOf(inputs);
  for (const connection of model.connections.values()) {
    if (!connection.name.known) continue;
    const same = byName.add(connection.name.value, connection.id, environments.get(connection.source.stack) ?? {});
    if (same.length === 0) continue;
    // Jobs name connections literally: the name must designate one connection in an account and Region.
    const first = model.connections.get(same[0])!;
    const where = (source: SourceRef) => `${source.file ?? source.stack} (${source.stack}/${source.logicalId})`;
    model.issues.push({
      source: connection.source,
      message: `Glue connection name "${connection.name.value}" is defined by both ${where(first.source)} and ${where(connection.source)}: `
        + 'a job that names it is matched to the first. Glue connection names are unique per account and Region; rename one, '
        + 'or read the templates of one account and Region at a time',
    });
  }
  return byName;
}
