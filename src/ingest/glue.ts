import { Fact, GlueConnection, JobConnectionRef, KafkaAuthentication, known, unknown } from '../model';
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
      : nameOf(r, connectionInput.Name),
    connectionType: typeof connectionInput.ConnectionType === 'string' ? connectionInput.ConnectionType : 'UNKNOWN',
    ...subnetOf(r, physical.SubnetId),
    securityGroupIds: r.idList(physical.SecurityGroupIdList, 'ConnectionInput.PhysicalConnectionRequirements.SecurityGroupIdList'),
    ...(physical.AvailabilityZone !== undefined
      ? { availabilityZone: r.stringFact('PhysicalConnectionRequirements.AvailabilityZone', physical.AvailabilityZone) }
      : {}),
    ...addressOf(r, connectionInput.ConnectionProperties),
    ...secretAndKafkaOf(connectionInput.ConnectionProperties),
  };
  r.model.connections.set(r.id, connection);
  readDeclaredStore(r);
}

/** The connection's name; one a custom resource makes at deploy time says so ("created by custom resource X"). */
function nameOf(r: ResourceReader, value: unknown): Fact<string> {
  const ref = asRef(value);
  const type = ref ? r.context.inputs.resource(ref.modelId)?.type : undefined;
  if (ref && type && (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource')) {
    return unknown(`created by custom resource ${ref.modelId}`);
  }
  return r.stringFact('ConnectionInput.Name', value);
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
  if (!key) return hostAndPortOf(r, properties);
  const value = properties[key];
  if (typeof value === 'string') return { address: known(value) };
  if (isResourceRef(value)) return { address: known(refMarker(value)) };
  if (isUnresolved(value)) return { address: unknown(value.reason) };
  return { address: unknown(`${r.describe()}: ${key} ${describeValue(value)} is not a string`) };
}

/** A connection without a URL may give the store as `HOST` and `PORT` properties (Glue connection properties). */
function hostAndPortOf(r: ResourceReader, properties: Record<string, unknown>): { address?: Fact<string> } {
  const host = properties.HOST;
  if (host === undefined) return {};
  const text = (value: unknown, key: string): Fact<string> => {
    if (typeof value === 'string' || typeof value === 'number') return known(String(value));
    if (isResourceRef(value)) return known(refMarker(value));
    if (isUnresolved(value)) return unknown(value.reason);
    return unknown(`${r.describe()}: ${key} ${describeValue(value)} is not a string`);
  };
  const hostFact = text(host, 'HOST');
  if (!hostFact.known) return { address: hostFact };
  const port = properties.PORT === undefined ? undefined : text(properties.PORT, 'PORT');
  if (port && !port.known) return { address: port };
  return { address: known(port ? `${hostFact.value}:${port.value}` : hostFact.value) };
}

/**
 * The property that makes Glue read a Secrets Manager secret, and a Kafka connection's client
 * authentication when its properties say (`KAFKA_SASL_MECHANISM`, else `KAFKA_SSL_ENABLED`).
 */
function secretAndKafkaOf(properties: unknown): { secretProperty?: string; kafkaAuthentication?: KafkaAuthentication } {
  if (!isObject(properties)) return {};
  const secretProperty = SECRET_PROPERTIES.find((name) => properties[name] !== undefined);
  const mechanism = typeof properties.KAFKA_SASL_MECHANISM === 'string' ? properties.KAFKA_SASL_MECHANISM.toUpperCase() : undefined;
  const ssl = properties.KAFKA_SSL_ENABLED;
  const kafkaAuthentication: KafkaAuthentication | undefined = mechanism === 'AWS_MSK_IAM' ? 'iam'
    : mechanism?.startsWith('SCRAM-') ? 'sasl-scram'
      : mechanism !== undefined ? undefined
        : ssl === true || ssl === 'true' ? 'tls'
          : ssl === false || ssl === 'false' ? 'plaintext' : undefined;
  return { ...(secretProperty ? { secretProperty } : {}), ...(kafkaAuthentication ? { kafkaAuthentication } : {}) };
}

/** Connection properties that name a Secrets Manager secret Glue reads at run time. */
const SECRET_PROPERTIES = ['SECRET_ID', 'KAFKA_SASL_SCRAM_SECRETS_ARN'];

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
