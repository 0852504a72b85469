import { parseStoreAddress } from '../engine/store-location';
import { DeclaredDataStore, Fact, GlueConnection, GlueJob, GlueUnitKind, JobConnectionRef, KafkaAuthentication, known, ModuleBucket, unknown } from '../model';
import { ConnectionNames } from './connection-names';
import { isCustomResourceType } from './custom-resources';
import { isResourceRef, isUnresolved, refMarker, unresolved } from './intrinsics';
import { asRef, describeValue, ResourceReader } from './reader';
import { tcpPortFact } from './stores';
import { isObject } from './template';

// INSTANCE_URL: the https URL of a Salesforce instance (AWS Glue, "Configuring Salesforce connections").
const ADDRESS_PROPERTIES = ['JDBC_CONNECTION_URL', 'KAFKA_BOOTSTRAP_SERVERS', 'CONNECTION_URL', 'INSTANCE_URL'];

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
  // Keys set one by one, in the order (and with the same calls, in the same order) spreading
  // each part would give: every connection builds one.
  const connection: Writable<GlueConnection> = {
    id: r.id,
    source: r.source,
    name: connectionInput.Name === undefined
      ? unknown(`${r.describe()} has no ConnectionInput.Name`)
      : nameOf(r, connectionInput.Name),
    connectionType: typeof connectionInput.ConnectionType === 'string' ? connectionInput.ConnectionType : 'UNKNOWN',
  } as Writable<GlueConnection>;
  const subnetId = subnetIdOf(r, physical.SubnetId);
  if (subnetId !== undefined) connection.subnetId = subnetId;
  connection.securityGroupIds = securityGroupsOf(r, physical.SecurityGroupIdList);
  // Requirements the templates do not resolve may list groups too: one placeholder group for them
  // (never "no groups", which Glue's checks reject).
  if (physical.SecurityGroupIdList === undefined && requirements !== undefined && physical !== requirements) {
    connection.securityGroupIds = [placeholderGroup(r, 'SecurityGroupIdList', `${r.describe()}: its PhysicalConnectionRequirements cannot be resolved, so its security groups are unknown`)];
  }
  if (physical.AvailabilityZone !== undefined) {
    const { availabilityZone, symbolicZone } = r.zoneFact('PhysicalConnectionRequirements.AvailabilityZone', physical.AvailabilityZone);
    connection.availabilityZone = availabilityZone;
    if (symbolicZone) connection.symbolicZone = symbolicZone;
    // Fn::GetAtt of its own subnet's AvailabilityZone, a subnet that names none: unknown, but the same zone.
    const zone = physical.AvailabilityZone;
    if (subnetId !== undefined && isUnresolved(zone) && zone.zoneOfSubnet === subnetId && !zone.mayBeAbsent) connection.availabilityZoneOfSubnet = true;
  } else if (subnetId !== undefined && physical === requirements) {
    const macro = transformAround(r.resource.Properties, connectionInput, physical);
    // A macro called beside the requirements (or around them) gets them to process and may add the
    // zone: unknown, never missing. Otherwise written without a zone (requirements the templates do
    // not resolve may have one: not here).
    if (macro) connection.availabilityZone = unknown(`${r.describe()}: its PhysicalConnectionRequirements sets no AvailabilityZone, but ${macro}, which glue-netplan does not expand and which may set it`);
    else connection.availabilityZoneUnset = true;
  }
  const address = addressOf(r, connectionInput.ConnectionProperties);
  if (address !== undefined) connection.address = address;
  if (address?.known) reportPortsThatAreNot(r, address.value);
  // A secret key behind a condition that may remove it (Fn::If with AWS::NoValue): may read one.
  const maybeSecret = addSecretAndKafka(connection, connectionInput.ConnectionProperties);
  // The newer form of a connection's credentials: a secret Glue reads at run time as it reads
  // SECRET_ID (CloudFormation, AWS::Glue::Connection AuthenticationConfigurationInput, SecretArn:
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-glue-connection-authenticationconfigurationinput.html).
  const authentication = connectionInput.AuthenticationConfiguration;
  const secretArn = isObject(authentication) && !isUnresolved(authentication) ? authentication.SecretArn : undefined;
  const maybeSecretArn = isUnresolved(secretArn) && secretArn.mayBeAbsent ? `its ConnectionInput.AuthenticationConfiguration.SecretArn may be absent (${secretArn.reason})` : undefined;
  if (!connection.secretProperty && secretArn !== undefined && !maybeSecretArn) {
    connection.secretProperty = 'AuthenticationConfiguration.SecretArn';
  }
  // Properties the templates do not resolve may name a secret: "may read one", with the reason
  // (never "reads none", which would let a missing path to Secrets Manager pass).
  if (!connection.secretProperty) {
    const hidden = inputUnresolved ? `its ConnectionInput ${isUnresolved(input) ? `cannot be resolved (${input.reason})` : 'is not an object'}`
      : unresolvedPart('ConnectionProperties', connectionInput.ConnectionProperties) ?? unresolvedPart('AuthenticationConfiguration', authentication)
        ?? maybeSecret ?? maybeSecretArn;
    if (hidden) connection.secretUnresolved = `${r.describe()}: ${hidden}, so whether it names a Secrets Manager secret (SECRET_ID, KAFKA_SASL_SCRAM_SECRETS_ARN, AuthenticationConfiguration.SecretArn) is unknown`;
  }
  r.model.connections.set(r.id, connection);
  readDeclaredStore(r);
}

/**
 * Which `Fn::Transform` may rewrite the requirements: a macro called in an object gets that object's
 * other keys and their children to process (CloudFormation User Guide, *Create a CloudFormation
 * macro definition*, `fragment`: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros-author.html).
 */
function transformAround(...objects: unknown[]): string | undefined {
  for (const object of objects) {
    if (!isObject(object) || object['Fn::Transform'] === undefined) continue;
    const transform = object['Fn::Transform'];
    return `it is inside an Fn::Transform of ${isObject(transform) && typeof transform.Name === 'string' ? transform.Name : 'a macro'}`;
  }
  return undefined;
}

/** Why a part of ConnectionInput that may name a secret is not shown, when it is not (present, yet not a resolved object). */
function unresolvedPart(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (isUnresolved(value)) return `its ConnectionInput.${key} cannot be resolved (${value.reason})`;
  if (isResourceRef(value)) return `its ConnectionInput.${key} is ${describeValue(value)}, not an object`;
  if (!isObject(value)) return `its ConnectionInput.${key} ${describeValue(value)} is not an object`;
  return undefined;
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

/** A model element under construction: its optional keys are set one by one. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The connection's subnet. One the templates cannot resolve still makes the connection
 * network-bearing: it gets a placeholder subnet whose facts are unknown, with the reason.
 */
function subnetIdOf(r: ResourceReader, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const id = r.idFact(value, 'PhysicalConnectionRequirements.SubnetId');
  if (id.known) return id.value;
  r.issue('PhysicalConnectionRequirements.SubnetId', id.reason);
  return placeholderSubnet(r, 'subnet', id.reason);
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
function addressOf(r: ResourceReader, properties: unknown): Fact<string> | undefined {
  if (!isObject(properties)) return undefined;
  let key: string | undefined;
  for (const name of ADDRESS_PROPERTIES) {
    if (properties[name] !== undefined) {
      key = name;
      break;
    }
  }
  if (!key) return hostAndPortOf(r, properties);
  const value = properties[key];
  if (typeof value === 'string') return known(value);
  if (isResourceRef(value)) return known(refMarker(value));
  if (isUnresolved(value)) return unknown(value.reason);
  return unknown(`${r.describe()}: ${key} ${describeValue(value)} is not a string`);
}

/**
 * A port written in the address that is not a TCP port (not digits, 0, above 65535): the driver
 * cannot connect, so it is an input problem. The store's port is then unknown (see
 * `store-location.ts`): never traced, never replaced by the scheme's default.
 */
function reportPortsThatAreNot(r: ResourceReader, address: string): void {
  for (const host of parseStoreAddress(address).hosts) {
    const port = host.port;
    // (An IPv6 literal's colons are not a port: the reader does not split it.)
    if (port === undefined || port.includes('{{') || host.host.startsWith('[')) continue;
    if (/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535) continue;
    r.model.issues.push({
      source: r.source,
      message: `${r.describe()} (AWS::Glue::Connection): the store address ${address} gives port "${port}", which is not a TCP port (1-65535): the driver cannot connect to it, so the store's reachability is UNKNOWN.`,
      fix: 'Write the store\'s port (1-65535) in the connection\'s URL (JDBC_CONNECTION_URL, CONNECTION_URL, KAFKA_BOOTSTRAP_SERVERS or PORT), or leave it out to use the driver\'s default port.',
    });
  }
}

/** A connection without a URL may give the store as `HOST` and `PORT` properties (Glue connection properties). */
function hostAndPortOf(r: ResourceReader, properties: Record<string, unknown>): Fact<string> | undefined {
  const host = properties.HOST;
  if (host === undefined) return undefined;
  const text = (value: unknown, key: string): Fact<string> => {
    if (typeof value === 'string' || typeof value === 'number') return known(String(value));
    if (isResourceRef(value)) return known(refMarker(value));
    if (isUnresolved(value)) return unknown(value.reason);
    return unknown(`${r.describe()}: ${key} ${describeValue(value)} is not a string`);
  };
  const hostFact = text(host, 'HOST');
  if (!hostFact.known) return hostFact;
  const port = properties.PORT === undefined ? undefined : text(properties.PORT, 'PORT');
  if (port && !port.known) return port;
  return known(port ? `${hostFact.value}:${port.value}` : hostFact.value);
}

/**
 * The property that makes Glue read a Secrets Manager secret, and a Kafka connection's client
 * authentication when its properties say (`KAFKA_SASL_MECHANISM`, else `KAFKA_SSL_ENABLED`).
 */
export function secretAndKafkaOf(properties: unknown): { secretProperty?: string; kafkaAuthentication?: KafkaAuthentication } {
  const found: { secretProperty?: string; kafkaAuthentication?: KafkaAuthentication } = {};
  addSecretAndKafka(found, properties);
  return found;
}

/**
 * Sets `secretAndKafkaOf`'s keys (those it gives, in its order) on `target`. A secret key whose value is
 * behind a condition that cannot be decided, with AWS::NoValue on a branch, may be absent: returned
 * (the key, and why), so the connection *may* read a secret, never surely.
 */
function addSecretAndKafka(target: { secretProperty?: string; kafkaAuthentication?: KafkaAuthentication }, properties: unknown): string | undefined {
  if (!isObject(properties)) return undefined;
  let secretProperty: string | undefined;
  let maybe: string | undefined;
  for (const name of SECRET_PROPERTIES) {
    const value = properties[name];
    if (isUnresolved(value) && value.mayBeAbsent) {
      maybe ??= `its ConnectionProperties.${name} may be absent (${value.reason})`;
    } else if (value !== undefined) {
      secretProperty = name;
      break;
    }
  }
  const mechanism = typeof properties.KAFKA_SASL_MECHANISM === 'string' ? properties.KAFKA_SASL_MECHANISM.toUpperCase() : undefined;
  const ssl = properties.KAFKA_SSL_ENABLED;
  const kafkaAuthentication: KafkaAuthentication | undefined = mechanism === 'AWS_MSK_IAM' ? 'iam'
    : mechanism?.startsWith('SCRAM-') ? 'sasl-scram'
      : mechanism !== undefined ? undefined
        : ssl === true || ssl === 'true' ? 'tls'
          : ssl === false || ssl === 'false' ? 'plaintext' : undefined;
  if (secretProperty) target.secretProperty = secretProperty;
  if (kafkaAuthentication) target.kafkaAuthentication = kafkaAuthentication;
  return secretProperty ? undefined : maybe;
}

/** Connection properties that name a Secrets Manager secret Glue reads at run time. */
export const SECRET_PROPERTIES: readonly string[] = ['SECRET_ID', 'KAFKA_SASL_SCRAM_SECRETS_ARN'];

function readDeclaredStore(r: ResourceReader): void {
  const declared = r.metadata(DATA_STORE_METADATA);
  if (declared === undefined) return;
  if (!isObject(declared)) {
    r.issue(`Metadata.${DATA_STORE_METADATA}`, `${describeValue(declared)} is not an object`);
    return;
  }
  const port = declared.Port === undefined ? undefined : tcpPortFact(r, `Metadata.${DATA_STORE_METADATA}.Port`, declared.Port);
  // Optional keys set one by one, in the order spreading them gave.
  const store: Writable<DeclaredDataStore> = {
    source: r.source,
    connectionId: r.id,
    subnetIds: idsOrPlaceholders(r, declared.SubnetIds, DECLARED_SUBNETS, placeholderSubnet),
    securityGroupIds: idsOrPlaceholders(r, declared.SecurityGroupIds, DECLARED_GROUPS, placeholderGroup),
  };
  if (port?.known) store.port = port.value;
  else if (port) store.portUnresolved = port.reason;
  if (typeof declared.PubliclyAccessible === 'boolean') store.publiclyAccessible = declared.PubliclyAccessible;
  r.model.declaredStores.set(r.id, store);
}

const DECLARED_SUBNETS = `Metadata.${DATA_STORE_METADATA}.SubnetIds`;
const DECLARED_GROUPS = `Metadata.${DATA_STORE_METADATA}.SecurityGroupIds`;

/**
 * AWS::Glue::Job. Without `Name`, CloudFormation generates one, so the name is unknown.
 * `AllocatedCapacity` is the deprecated spelling of `MaxCapacity` (DPUs).
 */
export function readGlueJob(r: ResourceReader, connectionIdsByName: ConnectionNames): void {
  readJobLike(r, connectionIdsByName, 'job', 'Name');
}

/** AWS::Glue::Session (an interactive session): its connections are used as a job's are; `Id` names it. */
export function readGlueSession(r: ResourceReader, connectionIdsByName: ConnectionNames): void {
  readJobLike(r, connectionIdsByName, 'session', 'Id');
}

function readJobLike(r: ResourceReader, connectionIdsByName: ConnectionNames, kind: GlueUnitKind, nameProperty: string): void {
  const command = r.value('Command');
  const executionProperty = r.value('ExecutionProperty');
  // Not set: Glue's default of 1 run. Set to what the inputs do not resolve: unknown, never 1.
  const maxConcurrentRuns = executionProperty === undefined ? known(1)
    : isObject(executionProperty) && !isUnresolved(executionProperty)
      ? r.numberFact('ExecutionProperty.MaxConcurrentRuns', executionProperty.MaxConcurrentRuns ?? 1)
      : r.unknownWithIssue<number>('ExecutionProperty', isUnresolved(executionProperty) ? executionProperty.reason : `${describeValue(executionProperty)} is not an object`);
  const capacityProperty = r.has('MaxCapacity') ? 'MaxCapacity' : r.has('AllocatedCapacity') ? 'AllocatedCapacity' : undefined;
  const workerType = r.value('WorkerType');
  // Keys set one by one, in the order (and with the calls in the order) of spreading each
  // optional part: every job builds one.
  const id = r.id;
  const source = r.source;
  const name = r.has(nameProperty) ? r.stringFact(nameProperty) : unknown<string>(`${r.describe()} has no ${nameProperty}: CloudFormation generates one (logical id ${r.logicalId})`);
  const commandName = commandOf(r, command);
  const connections = jobConnections(r, connectionIdsByName);
  const job: Writable<GlueJob> = kind !== 'job'
    ? { kind, id, source, name, command: commandName, connections } as Writable<GlueJob>
    : { id, source, name, command: commandName, connections } as Writable<GlueJob>;
  if (workerType !== undefined) job.workerType = workerTypeOf(r, workerType);
  if (r.has('NumberOfWorkers')) job.numberOfWorkers = r.numberFact('NumberOfWorkers');
  if (capacityProperty) job.maxCapacity = r.numberFact(capacityProperty);
  job.maxConcurrentRuns = maxConcurrentRuns;
  if (r.has('GlueVersion')) job.glueVersion = r.stringFact('GlueVersion');
  if (kind === 'job' && r.has('SecurityConfiguration')) {
    const kmsUse = kmsUseOf(r, r.value('SecurityConfiguration'));
    if (kmsUse) job.kmsUse = kmsUse;
  }
  if (isObject(command) && !isUnresolved(command) && command.PythonVersion !== undefined) job.pythonVersion = r.stringFact('Command.PythonVersion', command.PythonVersion);
  // (Each argument map evaluated once: most jobs set a few arguments, none of these.)
  const argumentMaps = ARGUMENT_PROPERTIES.filter((p) => r.has(p)).map((property) => ({ property, args: r.value(property) }));
  if (argumentMaps.length) {
    const modules = jobArgument(r, argumentMaps, ADDITIONAL_PYTHON_MODULES);
    if (modules !== undefined) job.additionalPythonModules = modules;
    const buckets = modules?.known ? moduleBucketsOf(r, modules.value) : undefined;
    if (buckets) job.moduleBuckets = buckets;
    const installerOptions = jobArgument(r, argumentMaps, PYTHON_INSTALLER_OPTION);
    if (installerOptions !== undefined) job.pythonInstallerOptions = installerOptions;
    const autoScaling = jobArgument(r, argumentMaps, ENABLE_AUTO_SCALING);
    if (autoScaling !== undefined) job.enableAutoScaling = autoScaling;
  }
  r.model.jobs.set(r.id, job);
}

/**
 * The job arguments that make a run install Python modules with pip when it starts (AWS Glue,
 * "Using Python libraries with AWS Glue": https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html).
 */
const ADDITIONAL_PYTHON_MODULES = '--additional-python-modules';
const PYTHON_INSTALLER_OPTION = '--python-modules-installer-option';
/** AWS Glue, "Using auto scaling for AWS Glue": https://docs.aws.amazon.com/glue/latest/dg/auto-scaling.html */
const ENABLE_AUTO_SCALING = '--enable-auto-scaling';

/**
 * The buckets of the templates the `s3://` paths of `--additional-python-modules` are built from
 * (`s3://{{ref:<bucket>:...}}/...`): each one's stack and Region. Undefined when there are none.
 */
function moduleBucketsOf(r: ResourceReader, modules: string): Record<string, ModuleBucket> | undefined {
  let found: Record<string, ModuleBucket> | undefined;
  for (const m of modules.matchAll(/s3:\/\/\{\{ref:([^}]*):[^}:]*\}\}/gi)) {
    const entry = r.context.inputs.resource(m[1]);
    if (entry?.type !== 'AWS::S3::Bucket') continue;
    (found ??= {})[m[1]] = { stack: entry.input.stackName, ...entry.input.region ? { region: entry.input.region } : {} };
  }
  return found;
}

/**
 * Whether the job's security configuration uses AWS KMS keys: a Glue job in a VPC with one "must
 * have a route to the AWS KMS endpoint" (AWS Glue, "Encrypting data written by AWS Glue": Creating
 * a route to AWS KMS for VPC jobs and crawlers). Read from an AWS::Glue::SecurityConfiguration of
 * the templates the job refers to (`Ref`); a name of one the templates do not define: unknown.
 */
function kmsUseOf(r: ResourceReader, value: unknown): Fact<string> | undefined {
  if (value === undefined) return undefined;
  const ref = asRef(value);
  const entry = ref ? r.context.inputs.resource(ref.modelId) : undefined;
  if (!entry || entry.type !== 'AWS::Glue::SecurityConfiguration') {
    const what = typeof value === 'string' ? `security configuration ${value}, by name (the check reads a security configuration only through a Ref to an AWS::Glue::SecurityConfiguration of the templates)` : `a security configuration the templates do not resolve (${describeValue(value)})`;
    return unknown(`${r.describe()} uses ${what}, so whether it encrypts with AWS KMS keys is unknown`);
  }
  const name = `security configuration ${entry.modelId}`;
  const encryption = r.context.inputs.evaluator(entry.input.stackName).evaluate(entry.resource.Properties?.EncryptionConfiguration);
  if (!isObject(encryption) || isUnresolved(encryption)) return unknown(`${name}: its EncryptionConfiguration cannot be resolved`);
  const { settings, undecided } = securityConfigurationKmsModes(encryption, 'S3Encryptions');
  if (settings.length) return known(`${name} (${settings.join(', ')})`);
  if (undecided.length) return unknown(`${name}: ${undecided.join(', ')} cannot be resolved, so whether it uses AWS KMS keys is unknown`);
  return undefined;
}

/**
 * The AWS KMS uses of a security configuration's `EncryptionConfiguration`: S3 encryption
 * `SSE-KMS`, CloudWatch Logs encryption `SSE-KMS`, job bookmarks encryption `CSE-KMS`, in words
 * (`settings`); `DISABLED`, `SSE-S3` or absent use none; any other mode (not resolved, or one the
 * check does not know) is `undecided`. The template's list is `S3Encryptions`, the Glue API's
 * (GetSecurityConfigurations) `S3Encryption`: `s3Key` names it.
 */
export function securityConfigurationKmsModes(encryption: Record<string, unknown>, s3Key: 'S3Encryptions' | 'S3Encryption'): { settings: string[]; undecided: string[] } {
  const settings: string[] = [];
  const undecided: string[] = [];
  const mode = (where: string, written: unknown, kms: string) => {
    if (written === undefined || written === 'DISABLED' || written === 'SSE-S3') return;
    if (written === kms) settings.push(`${where} ${kms}`);
    else undecided.push(`${where} ${describeValue(written)}`);
  };
  const s3 = encryption[s3Key];
  for (const item of Array.isArray(s3) ? s3 : s3 === undefined ? [] : [s3]) mode('S3 encryption', isObject(item) && !isUnresolved(item) ? item.S3EncryptionMode : item, 'SSE-KMS');
  const logs = encryption.CloudWatchEncryption;
  if (logs !== undefined) mode('CloudWatch Logs encryption', isObject(logs) && !isUnresolved(logs) ? logs.CloudWatchEncryptionMode : logs, 'SSE-KMS');
  const bookmarks = encryption.JobBookmarksEncryption;
  if (bookmarks !== undefined) mode('job bookmarks encryption', isObject(bookmarks) && !isUnresolved(bookmarks) ? bookmarks.JobBookmarksEncryptionMode : bookmarks, 'CSE-KMS');
  return { settings, undecided };
}

/** Where a job's arguments are set; a non-overridable one wins (a run cannot replace it). */
const ARGUMENT_PROPERTIES = ['NonOverridableArguments', 'DefaultArguments'];

/**
 * A job argument as written (markers for what is known only at deploy time kept, see
 * `GlueJob.additionalPythonModules`); absent when neither argument map sets it; unknown when a
 * map cannot be resolved (it may set it) or the value is not a string.
 */
function jobArgument(r: ResourceReader, argumentMaps: readonly { property: string; args: unknown }[], key: string): Fact<string> | undefined {
  for (const { property, args } of argumentMaps) {
    if (args === undefined) continue; // AWS::NoValue
    if (isUnresolved(args)) return unknown(`${r.describe()}: ${property} cannot be resolved (${args.reason}), so whether it sets ${key} is unknown`);
    if (!isObject(args)) return unknown(`${r.describe()}: ${property} ${describeValue(args)} is not a map of arguments, so whether it sets ${key} is unknown`);
    if (!Object.prototype.hasOwnProperty.call(args, key)) continue;
    const value = args[key];
    if (typeof value === 'string') return known(value);
    const reason = isUnresolved(value) ? `${r.describe()}: ${property} ${key} cannot be resolved (${value.reason})` : `${r.describe()}: ${property} ${key} ${describeValue(value)} is not a string`;
    r.issue(`${property}.${key}`, reason);
    return unknown(reason);
  }
  return undefined;
}

/** The job kinds Glue runs (`Command.Name`, AWS Glue API JobCommand). */
const COMMAND_NAMES = ['glueetl', 'gluestreaming', 'pythonshell', 'glueray'];

/**
 * `Command.Name`. One the inputs do not resolve, or do not give (AWS documents no default), is
 * unknown, and reported: never taken as glueetl, as a Ray or Python shell job runs differently.
 */
function commandOf(r: ResourceReader, command: unknown): Fact<string> {
  const kinds = `one of ${COMMAND_NAMES.join(', ')}`;
  let name: Fact<string>;
  if (command === undefined) name = unknown(`${r.describe()} has no Command (${kinds})`);
  else if (isUnresolved(command)) name = unknown(command.reason);
  else if (!isObject(command)) name = unknown(`${r.describe()}: Command ${describeValue(command)} is not an object`);
  else if (command.Name === undefined) name = unknown(`${r.describe()}: Command.Name is not set, and AWS documents no default (${kinds})`);
  else name = r.stringFact('Command.Name', command.Name);
  if (name.known && !COMMAND_NAMES.includes(name.value)) name = unknown(`${r.describe()}: Command.Name "${name.value}" is not ${kinds}`);
  if (!name.known) r.issue('Command.Name', name.reason);
  return name;
}

/** `WorkerType`; one the inputs do not resolve is unknown (it decides 1 or 2 driver-side ENIs). */
function workerTypeOf(r: ResourceReader, value: unknown): Fact<string> {
  const type = r.stringFact('WorkerType', value);
  if (!type.known) r.issue('WorkerType', type.reason);
  return type;
}

/**
 * `Connections: { Connections: [names] }` (ConnectionsList). Anything else that is set (a bare
 * list, a string, a value the templates do not resolve) is reported and stands for connections
 * the job may list: one connection of unknown name, so selection is unknown, never "no
 * connections" (which would run the job outside every VPC).
 */
function jobConnections(r: ResourceReader, connectionIdsByName: ConnectionNames): JobConnectionRef[] {
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

/** The crawler target lists whose entries may name a connection, in the order they are read. */
const CRAWLER_TARGETS = ['JdbcTargets', 'MongoDBTargets', 'CatalogTargets', 'S3Targets', 'DeltaTargets', 'IcebergTargets', 'HudiTargets'];

/**
 * AWS::Glue::Crawler: the connections its targets name (`ConnectionName`), each once, in target
 * order. Glue places a crawler's ENIs as it places a job's (assumed: the first suitable of those
 * connections, in that order; see RULES.md). A crawler without a connection runs outside your VPCs
 * and is not planned.
 */
export function readGlueCrawler(r: ResourceReader, connectionIdsByName: ConnectionNames): void {
  const targets = r.value('Targets');
  const names: unknown[] = [];
  // Targets the templates do not resolve may name connections: the crawler is planned with a
  // connection of unknown name for them (never dropped as "no connection").
  const undecided = (property: string, value: unknown) => {
    const what = isUnresolved(value) ? `cannot be resolved (${value.reason})` : `${describeValue(value)} is not ${property === 'Targets' ? 'an object' : 'a list of targets'}`;
    names.push(unresolved(`${r.describe()}: ${property} ${what}; which connections the crawler uses is unknown`));
  };
  if (!isObject(targets) || isUnresolved(targets)) {
    if (targets === undefined) return;
    undecided('Targets', targets);
  } else {
    const seen = new Set<string>();
    for (const list of CRAWLER_TARGETS) {
      const entries = targets[list];
      if (entries === undefined) continue;
      if (!Array.isArray(entries)) {
        undecided(`Targets.${list}`, entries);
        continue;
      }
      for (const [index, entry] of entries.entries()) {
        if (!isObject(entry) || isUnresolved(entry)) {
          undecided(`Targets.${list}[${index}]`, entry);
          continue;
        }
        if (entry.ConnectionName === undefined) continue;
        const key = JSON.stringify(entry.ConnectionName);
        if (seen.has(key)) continue;
        seen.add(key);
        names.push(entry.ConnectionName);
      }
    }
  }
  if (names.length === 0) return;
  r.model.jobs.set(r.id, {
    kind: 'crawler',
    id: r.id,
    source: r.source,
    name: r.has('Name') ? r.stringFact('Name') : unknown(`${r.describe()} has no Name: CloudFormation generates one (logical id ${r.logicalId})`),
    command: known('crawler'),
    connections: names.map((item) => jobConnection(r, item, connectionIdsByName)),
    maxConcurrentRuns: known(1),
  });
}

/**
 * AWS::Glue::DevEndpoint: its own `SubnetId` and `SecurityGroupIds` (no connection), planned as
 * one network connection of that subnet, whose ENIs Glue places like a job's.
 */
export function readGlueDevEndpoint(r: ResourceReader): void {
  if (!r.has('SubnetId')) return;
  const name = r.has('EndpointName') ? r.stringFact('EndpointName') : unknown(`${r.describe()} has no EndpointName: CloudFormation generates one (logical id ${r.logicalId})`);
  const connectionId = `${r.id}#network`;
  const subnetId = subnetIdOf(r, r.value('SubnetId'));
  r.model.connections.set(connectionId, {
    id: connectionId,
    source: r.source,
    name: name.known ? name : known(r.logicalId),
    connectionType: 'NETWORK',
    ...(subnetId !== undefined ? { subnetId } : {}),
    securityGroupIds: idsOrPlaceholders(r, r.value('SecurityGroupIds'), 'SecurityGroupIds', placeholderGroup),
  });
  const workerType = r.value('WorkerType');
  const nodes = r.has('NumberOfNodes') ? r.numberFact('NumberOfNodes') : undefined;
  r.model.jobs.set(r.id, {
    kind: 'dev-endpoint',
    id: r.id,
    source: r.source,
    name,
    command: known('glueetl'),
    connections: [{ name: name.known ? name : known(r.logicalId), connectionId }],
    ...(workerType !== undefined ? { workerType: workerTypeOf(r, workerType) } : {}),
    ...(r.has('NumberOfWorkers') ? { numberOfWorkers: r.numberFact('NumberOfWorkers') } : {}),
    // A development endpoint has 5 DPUs unless NumberOfNodes says otherwise.
    maxCapacity: nodes ?? known(5),
    maxConcurrentRuns: known(1),
  });
}

/** A Ref to a connection in the app, or a literal name matched against every known connection. */
function jobConnection(r: ResourceReader, item: unknown, connectionIdsByName: ConnectionNames): JobConnectionRef {
  const ref = asRef(item);
  if (ref) {
    const connection = r.model.connections.get(ref.modelId);
    if (connection) return { name: connection.name, connectionId: connection.id };
    const custom = customResources(r).find((c) => c.modelId === ref.modelId);
    if (custom) {
      // The name the custom resource gives the connection, when its properties say it plainly:
      // what a facts file describes it by.
      const named = custom.connectionName;
      const connectionId = named !== undefined ? connectionIdsByName.get(named, r.input) : undefined;
      if (named !== undefined && connectionId) return { name: known(named), connectionId };
      return { name: named !== undefined ? known(named) : unknown(`${r.describe()}: the name of the connection ${custom.description} creates is known only at deploy time`), createdBy: custom.description };
    }
    const reason = `${r.describe()}: Connections lists ${refMarker(ref)}, which is not an AWS::Glue::Connection`;
    r.issue('Connections', reason);
    return { name: unknown(reason) };
  }
  if (typeof item === 'string' && !item.includes('{{')) {
    // Connections of that name in several accounts or Regions the job may deploy to: never guessed.
    const ambiguity = connectionIdsByName.ambiguity(item, r.input);
    if (ambiguity !== undefined) {
      r.issue('Connections', ambiguity);
      return { name: unknown(`${r.describe()}: ${ambiguity}`) };
    }
    const connectionId = connectionIdsByName.get(item, r.input);
    if (connectionId) return { name: known(item), connectionId };
    const custom = customResources(r).find((c) => c.mentions(item));
    return custom ? { name: known(item), createdBy: custom.description } : { name: known(item) };
  }
  const reason = isUnresolved(item) ? item.reason : `${r.describe()}: connection name ${describeValue(item)} cannot be resolved`;
  r.issue('Connections', reason);
  return { name: unknown(reason) };
}

/** A custom resource of the templates that may create a Glue connection. */
interface GlueCustomResource {
  readonly modelId: string;
  /** `custom resource Stack/LogicalId (Custom::Type)`. */
  readonly description: string;
  /** The connection name its properties give (`ConnectionInput.Name`, `ConnectionName`, `Name`). */
  readonly connectionName?: string;
  /** Whether its properties give `name` as a string value (a quoted string in JSON, as CDK's AwsCustomResource writes its calls). */
  mentions(name: string): boolean;
}

const customResourcesByInputs = new WeakMap<object, GlueCustomResource[]>();

/**
 * The custom resources of all templates that concern Glue (by type or properties), read once per
 * model: a job listing a connection no template defines may list one of these.
 */
function customResources(r: ResourceReader): GlueCustomResource[] {
  const inputs = r.context.inputs;
  let found = customResourcesByInputs.get(inputs);
  if (found) return found;
  found = [];
  for (const input of inputs.inputs) {
    const evaluator = inputs.evaluator(input.stackName);
    for (const [logicalId, resource] of Object.entries<any>(input.template.Resources ?? {})) {
      const type = resource?.Type;
      if (typeof type !== 'string' || !isCustomResourceType(type)) continue;
      const properties = evaluator.evaluate(resource.Properties ?? {});
      const text = JSON.stringify(properties) ?? '';
      if (!/glue/i.test(type) && !/glue/i.test(text)) continue;
      found.push({
        modelId: inputs.modelId(input, logicalId),
        description: `custom resource ${input.stackName}/${logicalId} (${type})`,
        connectionName: connectionNameOf(properties),
        mentions: (name) => text.includes(JSON.stringify(name)) || text.includes(JSON.stringify(JSON.stringify(name)).slice(1, -1)),
      });
    }
  }
  customResourcesByInputs.set(inputs, found);
  return found;
}

/** `ConnectionInput.Name`, `ConnectionName` or `Name` of the properties, or of a JSON API call in them (CDK's AwsCustomResource). */
function connectionNameOf(properties: unknown): string | undefined {
  const direct = (value: unknown): string | undefined => {
    if (!isObject(value)) return undefined;
    const candidates = [isObject(value.ConnectionInput) ? value.ConnectionInput.Name : undefined, value.ConnectionName, value.Name];
    return candidates.find((c): c is string => typeof c === 'string' && c !== '' && !c.includes('{{'));
  };
  if (!isObject(properties)) return undefined;
  const own = direct(properties);
  if (own !== undefined) return own;
  for (const key of ['Create', 'Update']) {
    if (typeof properties[key] !== 'string') continue;
    try {
      const call = JSON.parse(properties[key]);
      const name = direct(call?.parameters);
      if (name !== undefined) return name;
    } catch {
      // Not a JSON call: nothing to read.
    }
  }
  return undefined;
}
