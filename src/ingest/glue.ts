import { Fact, GlueConnection, JobConnectionRef, known, unknown } from '../model';
import { isResourceRef, isUnresolved, refMarker } from './intrinsics';
import { asRef, describeValue, ResourceReader } from './reader';
import { isObject } from './template';

const ADDRESS_PROPERTIES = ['JDBC_CONNECTION_URL', 'KAFKA_BOOTSTRAP_SERVERS', 'CONNECTION_URL'];

/** Metadata on an AWS::Glue::Connection declaring where its data store lives. */
export const DATA_STORE_METADATA = 'cdk-glue-netplan:data-store';

/** AWS::Glue::Connection, and the data store declared on it in metadata. */
export function readGlueConnection(r: ResourceReader): void {
  const input = r.value('ConnectionInput');
  const connectionInput: Record<string, unknown> = isObject(input) ? input : {};
  if (!isObject(input)) r.issue('ConnectionInput', `${describeValue(input)} is not an object`);
  const requirements = connectionInput.PhysicalConnectionRequirements;
  const physical: Record<string, unknown> = isObject(requirements) ? requirements : {};
  const connection: GlueConnection = {
    id: r.id,
    source: r.source,
    name: connectionInput.Name === undefined
      ? unknown(`${r.describe()} has no ConnectionInput.Name`)
      : r.stringFact('ConnectionInput.Name', connectionInput.Name),
    connectionType: typeof connectionInput.ConnectionType === 'string' ? connectionInput.ConnectionType : 'UNKNOWN',
    ...subnetOf(r, physical.SubnetId),
    securityGroupIds: r.idList(physical.SecurityGroupIdList, 'ConnectionInput.PhysicalConnectionRequirements.SecurityGroupIdList'),
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
  const placeholder = `${r.id}#subnet`;
  r.model.subnets.set(placeholder, {
    id: placeholder,
    source: r.source,
    vpcId: unknown(id.reason),
    cidr: unknown(id.reason),
    availabilityZone: unknown(id.reason),
    usedAddresses: 0,
  });
  return { subnetId: placeholder };
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
    subnetIds: r.idList(declared.SubnetIds, `Metadata.${DATA_STORE_METADATA}.SubnetIds`),
    securityGroupIds: r.idList(declared.SecurityGroupIds, `Metadata.${DATA_STORE_METADATA}.SecurityGroupIds`),
    ...(port?.known ? { port: port.value } : {}),
    ...(typeof declared.PubliclyAccessible === 'boolean' ? { publiclyAccessible: declared.PubliclyAccessible } : {}),
  });
}

/**
 * AWS::Glue::Job. Without `Name`, CloudFormation generates one, so the name is unknown.
 * `AllocatedCapacity` is the deprecated spelling of `MaxCapacity` (DPUs).
 */
export function readGlueJob(r: ResourceReader, connectionIdsByName: Map<string, string>): void {
  const command = r.value('Command');
  const connections = r.value('Connections');
  const listed = isObject(connections) ? connections.Connections : undefined;
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
    connections: Array.isArray(listed) ? listed.map((item) => jobConnection(r, item, connectionIdsByName)) : [],
    ...(typeof workerType === 'string' ? { workerType } : {}),
    ...(r.has('NumberOfWorkers') ? { numberOfWorkers: r.numberFact('NumberOfWorkers') } : {}),
    ...(capacityProperty ? { maxCapacity: r.numberFact(capacityProperty) } : {}),
    maxConcurrentRuns: maxConcurrentRuns.known ? maxConcurrentRuns.value : 1,
  });
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
