import { Fact, GlueConnection, JobConnectionRef, known, unknown } from '../model';
import { isResourceRef, isUnresolved, refMarker, unresolved } from './intrinsics';
import { asRef, describeValue, ResourceReader } from './reader';
import { isObject } from './template';

const ADDRESS_PROPERTIES = ['JDBC_CONNECTION_URL', 'KAFKA_BOOTSTRAP_SERVERS', 'CONNECTION_URL'];

/** Metadata on an AWS::Glue::Connection declaring where its data store lives. */
export const DATA_STORE_METADATA = 'cdk-glue-netplan:data-store';

/** AWS::Glue::Connection, and the data store declared on it in metadata. */
export function readGlueConnection(r: ResourceReader): void {
  const input = r.value('ConnectionInput');
  const inputUnresolved = isUnresolved(input) || !isObject(input);
  const connectionInput: Record<string, unknown> = isObject(input) && !isUnresolved(input) ? input : {};
  if (inputUnresolved) r.issue('ConnectionInput', isUnresolved(input) ? `cannot be resolved (${input.reason})` : `${describeValue(input)} is not an object`);
  const requirements = inputUnresolved ? input : connectionInput.PhysicalConnectionRequirements;
  // Requirements the templates do not resolve may name a subnet: the connection is then
  // network-bearing, in a subnet whose facts are unknown (never "no network configuration").
  const physical: Record<string, unknown> = isObject(requirements) && !isUnresolved(requirements) ? requirements
    : requirements === undefined ? {} : { SubnetId: isUnresolved(requirements) ? requirements : unresolved(`${r.describe()}: PhysicalConnectionRequirements ${describeValue(requirements)} is not an object`) };
  const connection: GlueConnection = {
    id: r.id,
    source: r.source,
    name: connectionInput.Name === undefined
      ? unknown(`${r.describe()} has no ConnectionInput.Name`)
      : r.stringFact('ConnectionInput.Name', connectionInput.Name),
    connectionType: typeof connectionInput.ConnectionType === 'string' ? connectionInput.ConnectionType : 'UNKNOWN',
    ...subnetOf(r, physical.SubnetId),
    securityGroupIds: securityGroupsOf(r, physical.SecurityGroupIdList),
    ...(physical.AvailabilityZone !== undefined ? zoneOf(r, physical.AvailabilityZone) : {}),
    ...addressOf(r, connectionInput.ConnectionProperties),
  };
  r.model.connections.set(r.id, connection);
  readDeclaredStore(r);
}

/** The connection's AvailabilityZone, keeping which zone of `Fn::GetAZs` it is when it is one. */
function zoneOf(r: ResourceReader, value: unknown): Pick<GlueConnection, 'availabilityZone' | 'symbolicZone'> {
  const { availabilityZone, symbolicZone } = r.zoneFact('PhysicalConnectionRequirements.AvailabilityZone', value);
  return symbolicZone ? { availabilityZone, symbolicZone } : { availabilityZone };
}

/**
 * The connection's subnet. One the templates cannot resolve still makes the connection
 * network-bearing: it gets a placeholder subnet whose facts are unknown, with the reason.
 */
function subnetOf(r: ResourceReader, value: unknown): { subnetId?: string } {
  if (value === undefined) return {};
  const id = r.idFact(value, 'PhysicalConnectionRequirements.SubnetId');
  if (id.known) return { subnetId: id.value };
  r.issue('PhysicalConnectionRequirements.SubnetId', id.reason);
  return { subnetId: placeholderSubnet(r, 'subnet', id.reason) };
}

/**
 * The connection's security groups. A group (or list) the templates cannot resolve becomes a
 * placeholder group that may be any group, with unknown rules: never left out, which would change
 * what the ENI may send and what a store's group references admit.
 */
function securityGroupsOf(r: ResourceReader, value: unknown): string[] {
  return idsOrPlaceholders(r, value, 'ConnectionInput.PhysicalConnectionRequirements.SecurityGroupIdList', placeholderGroup);
}

/** Ids of a list; an element (or the whole list) the templates cannot resolve becomes a placeholder. */
function idsOrPlaceholders(r: ResourceReader, value: unknown, property: string,
  placeholder: (r: ResourceReader, key: string, reason: string) => string): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    const id = r.idFact(item, `${property}[${index}]`);
    if (id.known) return id.value;
    r.issue(`${property}[${index}]`, id.reason);
    return placeholder(r, `${property.split('.').pop()}-${index}`, id.reason);
  });
}

/** A subnet standing for one the templates do not resolve: every fact about it is unknown. */
function placeholderSubnet(r: ResourceReader, key: string, reason: string): string {
  const id = key === 'subnet' ? `${r.id}#subnet` : `${r.id}#${key}`;
  r.model.subnets.set(id, { id, source: r.source, vpcId: unknown(reason), cidr: unknown(reason), availabilityZone: unknown(reason), usedAddresses: 0 });
  return id;
}

/** A security group standing for one the templates do not resolve: it may be any group, with any rules. */
function placeholderGroup(r: ResourceReader, key: string, reason: string): string {
  const id = `${r.id}#${key}`;
  r.model.securityGroups.set(id, { id, source: r.source, vpcId: unknown(reason), ingress: [], egress: [], incomplete: reason, unresolved: reason });
  return id;
}

/** The data store address, with references kept as markers (`jdbc:mysql://{{ref:S/Db:Endpoint.Address}}:3306/db`). */
function addressOf(r: ResourceReader, properties: unknown): { address?: Fact<string> } {
  if (!isObject(properties)) return {};
  const key = ADDRESS_PROPERTIES.find((name) => properties[name] !== undefined);
  if (!key) return {};
  const value = properties[key];
  if (typeof value === 'string') return { address: known(value) };
  if (isResourceRef(value)) return { address: known(refMarker(value)) };
  if (isUnresolved(value)) return { address: unknown(value.reason) };
  return { address: unknown(`${r.describe()}: ${key} ${describeValue(value)} is not a string`) };
}

function readDeclaredStore(r: ResourceReader): void {
  const declared = r.metadata(DATA_STORE_METADATA);
  if (declared === undefined) return;
  if (!isObject(declared)) {
    r.issue(`Metadata.${DATA_STORE_METADATA}`, `${describeValue(declared)} is not an object`);
    return;
  }
  const port = declared.Port === undefined ? undefined : r.numberFact(`Metadata.${DATA_STORE_METADATA}.Port`, declared.Port);
  r.model.declaredStores.set(r.id, {
    source: r.source,
    connectionId: r.id,
    subnetIds: idsOrPlaceholders(r, declared.SubnetIds, `Metadata.${DATA_STORE_METADATA}.SubnetIds`, placeholderSubnet),
    securityGroupIds: idsOrPlaceholders(r, declared.SecurityGroupIds, `Metadata.${DATA_STORE_METADATA}.SecurityGroupIds`, placeholderGroup),
    ...(port?.known ? { port: port.value } : port ? { portUnresolved: port.reason } : {}),
    ...(typeof declared.PubliclyAccessible === 'boolean' ? { publiclyAccessible: declared.PubliclyAccessible } : {}),
  });
}

/**
 * AWS::Glue::Job. Without `Name`, CloudFormation generates one, so the name is unknown.
 * `AllocatedCapacity` is the deprecated spelling of `MaxCapacity` (DPUs).
 */
export function readGlueJob(r: ResourceReader, connectionIdsByName: Map<string, string>): void {
  const command = r.value('Command');
  const executionProperty = r.value('ExecutionProperty');
  const maxConcurrentRuns = isObject(executionProperty)
    ? r.numberFact('ExecutionProperty.MaxConcurrentRuns', executionProperty.MaxConcurrentRuns ?? 1)
    : known(1);
  const capacityProperty = r.has('MaxCapacity') ? 'MaxCapacity' : r.has('AllocatedCapacity') ? 'AllocatedCapacity' : undefined;
  const workerType = r.value('WorkerType');
  r.model.jobs.set(r.id, {
    id: r.id,
    source: r.source,
    name: r.has('Name') ? r.stringFact('Name') : unknown(`${r.describe()} has no Name: CloudFormation generates one (logical id ${r.logicalId})`),
    command: isObject(command) && typeof command.Name === 'string' ? command.Name : 'glueetl',
    connections: jobConnections(r, connectionIdsByName),
    ...(typeof workerType === 'string' ? { workerType } : {}),
    ...(r.has('NumberOfWorkers') ? { numberOfWorkers: r.numberFact('NumberOfWorkers') } : {}),
    ...(capacityProperty ? { maxCapacity: r.numberFact(capacityProperty) } : {}),
    maxConcurrentRuns: maxConcurrentRuns.known ? maxConcurrentRuns.value : 1,
  });
}

/**
 * `Connections: { Connections: [names] }` (ConnectionsList). Anything else that is set (a bare
 * list, a string, a value the templates do not resolve) is reported and stands for connections
 * the job may list: one connection of unknown name, so selection is unknown, never "no
 * connections" (which would run the job outside every VPC).
 */
function jobConnections(r: ResourceReader, connectionIdsByName: Map<string, string>): JobConnectionRef[] {
  if (!r.has('Connections')) return [];
  const connections = r.value('Connections');
  if (connections === undefined) return []; // AWS::NoValue
  const listed = isObject(connections) && !isUnresolved(connections) ? connections.Connections : connections;
  if (listed === undefined && isObject(connections) && !isUnresolved(connections)) return [];
  if (Array.isArray(listed) && listed !== connections) return listed.map((item) => jobConnection(r, item, connectionIdsByName));
  const problem = isUnresolved(listed) ? `Connections.Connections cannot be resolved (${listed.reason})`
    : Array.isArray(connections) ? 'Connections is a bare list; CloudFormation expects {"Connections": [names]} (ConnectionsList)'
      : isObject(connections) ? `Connections.Connections ${describeValue(listed)} is not a list of connection names`
        : `Connections ${describeValue(connections)} is not {"Connections": [names]} (ConnectionsList)`;
  const reason = `${r.describe()}: ${problem}; which connections the job uses is unknown`;
  r.issue('Connections', reason);
  return [{ name: unknown(reason) }];
}

/** A Ref to a connection in the app, or a literal name matched against every known connection. */
function jobConnection(r: ResourceReader, item: unknown, connectionIdsByName: Map<string, string>): JobConnectionRef {
  const ref = asRef(item);
  if (ref) {
    const connection = r.model.connections.get(ref.modelId);
    if (connection) return { name: connection.name, connectionId: connection.id };
    const reason = `${r.describe()}: Connections lists ${refMarker(ref)}, which is not an AWS::Glue::Connection`;
    r.issue('Connections', reason);
    return { name: unknown(reason) };
  }
  if (typeof item === 'string' && !item.includes('{{')) {
    const connectionId = connectionIdsByName.get(item);
    return connectionId ? { name: known(item), connectionId } : { name: known(item) };
  }
  const reason = isUnresolved(item) ? item.reason : `${r.describe()}: connection name ${describeValue(item)} cannot be resolved`;
  r.issue('Connections', reason);
  return { name: unknown(reason) };
}
