import { DataStoreResource, Fact, KafkaAuthentication, KafkaListeners, known, unknown } from '../model';
import { defaultPortForEngine, isUnresolved } from './intrinsics';
import { asRef, describeValue, ResourceReader } from './reader';
import { isObject } from './template';

/** The subnets of a subnet group the store names (`DBSubnetGroupName`, `ClusterSubnetGroupName`). */
function subnetGroupSubnets(r: ResourceReader, property: string, groupType: string): Fact<string[]> {
  const value = r.value(property);
  if (value === undefined) return unknown(`${r.describe()} has no ${property}: it is placed in the default VPC`);
  if (isUnresolved(value)) return unknown(value.reason);
  const ref = asRef(value);
  const entry = ref ? r.context.inputs.resource(ref.modelId) : undefined;
  if (!entry) {
    return unknown(`${r.describe()}: ${property} ${describeValue(value)} names a subnet group outside the templates; its subnets are unknown`);
  }
  if (entry.type !== groupType) return unknown(`${r.describe()}: ${property} refers to a ${entry.type}, not a ${groupType}`);
  const group = new ResourceReader(r.context, entry.input, entry.logicalId, entry.resource);
  return group.idListFact(group.value('SubnetIds'), 'SubnetIds');
}

function groupsFact(r: ResourceReader, property: string): Fact<string[]> {
  if (!r.has(property)) return unknown(`${r.describe()} has no ${property}: it uses its VPC's default security group`);
  return r.idListFact(r.value(property), property);
}

function portFact(r: ResourceReader, defaultPort: number): Fact<number> {
  if (r.has('Port')) return tcpPortFact(r, 'Port');
  return known(defaultPort);
}

/**
 * The port an RDS store listens on: its `Port`, else its engine's default. An engine that is not
 * resolved, or whose default the reader does not know, leaves the port unknown (never absent: a
 * URL's port is checked against it, and an absent port would let any port pass).
 */
function enginePortFact(r: ResourceReader): Fact<number> {
  if (r.has('Port')) return tcpPortFact(r, 'Port');
  const engine = r.value('Engine');
  const port = defaultPortForEngine(engine);
  if (port !== undefined) return known(port);
  return unknown(typeof engine === 'string'
    ? `${r.describe()} gives no Port, and the default port of its engine ${engine} is not known to the reader: give Port`
    : `${r.describe()} gives no Port, and its Engine is ${describeValue(engine)}, so the port it listens on is unknown`);
}

/**
 * The zone a single-AZ store is created in (`AvailabilityZone`), unless one of `movers` (Multi-AZ,
 * zone relocation) is or may be on: then it may live in any zone of its subnet group.
 */
function pinnedZone(r: ResourceReader, movers: string[]): Pick<DataStoreResource, 'availabilityZone' | 'symbolicZone'> {
  if (!r.has('AvailabilityZone')) return {};
  for (const property of movers) {
    const on = r.booleanFact(property, false);
    if (!on.known || on.value) return {};
  }
  const { availabilityZone, symbolicZone } = r.zoneFact('AvailabilityZone');
  return { availabilityZone, ...(symbolicZone ? { symbolicZone } : {}) };
}

/**
 * A port property: unknown (reported) when it is not a TCP port, an integer from 1 to 65535, so
 * that no path is ever traced on a port that cannot exist.
 */
export function tcpPortFact(r: ResourceReader, property: string, value: unknown = r.value(property)): Fact<number> {
  const port = r.numberFact(property, value);
  if (!port.known || (Number.isInteger(port.value) && port.value >= 1 && port.value <= 65535)) return port;
  const reason = `${r.describe()}: ${property} ${port.value} is not a TCP port (1-65535), so the store's port is unknown`;
  r.issue(property, `${port.value} is not a TCP port (1-65535): give the store's port`);
  return unknown(reason);
}

function add(r: ResourceReader, store: Omit<DataStoreResource, 'id' | 'source'>): void {
  for (const [property, fact] of [['subnets', store.subnetIds], ['security groups', store.securityGroupIds]] as const) {
    if (!fact.known) r.issue(property, fact.reason);
  }
  r.model.dataStores.set(r.id, { id: r.id, source: r.source, ...store });
}

/** AWS::RDS::DBCluster (Aurora) and AWS::DocDB::DBCluster. */
export function readDbCluster(r: ResourceReader, kind: 'rds-cluster' | 'docdb-cluster'): void {
  const groupType = kind === 'rds-cluster' ? 'AWS::RDS::DBSubnetGroup' : 'AWS::DocDB::DBSubnetGroup';
  add(r, {
    kind,
    subnetIds: subnetGroupSubnets(r, 'DBSubnetGroupName', groupType),
    securityGroupIds: groupsFact(r, 'VpcSecurityGroupIds'),
    port: kind === 'docdb-cluster' ? portFact(r, 27017) : enginePortFact(r),
    ...publicAccess(r),
  });
}

/**
 * AWS::RDS::DBInstance. A member of a DB cluster takes the cluster's network placement and port
 * (read first: clusters come before instances).
 */
export function readDbInstance(r: ResourceReader): void {
  const clusterValue = r.value('DBClusterIdentifier');
  const clusterRef = asRef(clusterValue);
  const cluster = clusterRef ? r.model.dataStores.get(clusterRef.modelId) : undefined;
  const clusterId = clusterRef ? clusterRef.modelId : typeof clusterValue === 'string' ? clusterValue : undefined;
  add(r, {
    kind: 'rds-instance',
    subnetIds: cluster && !r.has('DBSubnetGroupName') ? cluster.subnetIds : subnetGroupSubnets(r, 'DBSubnetGroupName', 'AWS::RDS::DBSubnetGroup'),
    securityGroupIds: cluster && !r.has('VPCSecurityGroups') ? cluster.securityGroupIds : groupsFact(r, 'VPCSecurityGroups'),
    // A member of a cluster the inputs do not define listens on that cluster's port (Port does not apply to Aurora instances).
    port: cluster ? cluster.port : clusterId !== undefined ? unknown(`${r.describe()} is a member of DB cluster ${clusterId}, which the inputs do not define: it listens on that cluster's port`) : enginePortFact(r),
    ...publicAccess(r),
    ...(clusterId ? { clusterId } : {}),
    // An Aurora member has no MultiAZ of its own: it stays in its zone (the cluster fails over to another member).
    ...pinnedZone(r, ['MultiAZ']),
  });
}

/** AWS::Redshift::Cluster: port 5439 unless set. */
export function readRedshiftCluster(r: ResourceReader): void {
  add(r, {
    kind: 'redshift-cluster',
    subnetIds: subnetGroupSubnets(r, 'ClusterSubnetGroupName', 'AWS::Redshift::ClusterSubnetGroup'),
    securityGroupIds: groupsFact(r, 'VpcSecurityGroupIds'),
    port: portFact(r, 5439),
    ...publicAccess(r),
    ...pinnedZone(r, ['MultiAZ', 'AvailabilityZoneRelocation']),
  });
}

/**
 * AWS::RedshiftServerless::Workgroup: its endpoint is in `SubnetIds`, behind `SecurityGroupIds`,
 * on `Port` (5439 unless set). Sources: CloudFormation, AWS::RedshiftServerless::Workgroup
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-redshiftserverless-workgroup.html);
 * the default port and the endpoint's name, `<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com`:
 * Amazon Redshift, Connecting to Amazon Redshift Serverless
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-connecting.html). Without
 * `SubnetIds` or `SecurityGroupIds`, where the endpoint is, or what guards it, is not in the
 * templates: unknown. `PubliclyAccessible` is false unless set, as for a Redshift cluster (an
 * assumption: the workgroup's docs do not state its default).
 */
export function readRedshiftServerlessWorkgroup(r: ResourceReader): void {
  add(r, {
    kind: 'redshift-serverless-workgroup',
    subnetIds: r.has('SubnetIds') ? r.idListFact(r.value('SubnetIds'), 'SubnetIds')
      : unknown(`${r.describe()} has no SubnetIds: the subnets of its endpoint are not in the templates`),
    securityGroupIds: r.has('SecurityGroupIds') ? r.idListFact(r.value('SecurityGroupIds'), 'SecurityGroupIds')
      : unknown(`${r.describe()} has no SecurityGroupIds: the security groups of its endpoint are not in the templates`),
    port: portFact(r, 5439),
    ...publicAccess(r),
    ...workgroupEndpointHost(r),
  });
}

/** The workgroup endpoint's DNS name, when its name, account and Region are known. */
function workgroupEndpointHost(r: ResourceReader): { endpointHost?: string } {
  const name = r.value('WorkgroupName');
  const account = r.evaluate({ Ref: 'AWS::AccountId' });
  const region = r.evaluate({ Ref: 'AWS::Region' });
  if (typeof name !== 'string' || typeof account !== 'string' || typeof region !== 'string') return {};
  return { endpointHost: `${name}.${account}.${region}.redshift-serverless.amazonaws.com`.toLowerCase() };
}

/**
 * AWS::MSK::Cluster. The broker port Glue connects to depends on the client authentication, so it
 * is left to the engine; which ports the brokers listen on is read here (`kafkaListeners`).
 */
export function readMskCluster(r: ResourceReader): void {
  const brokers = r.value('BrokerNodeGroupInfo');
  const info: Record<string, unknown> = isObject(brokers) ? brokers : {};
  add(r, {
    kind: 'msk-cluster',
    subnetIds: r.idListFact(info.ClientSubnets, 'BrokerNodeGroupInfo.ClientSubnets'),
    securityGroupIds: info.SecurityGroups === undefined
      ? unknown(`${r.describe()} has no BrokerNodeGroupInfo.SecurityGroups: it uses its VPC's default security group`)
      : r.idListFact(info.SecurityGroups, 'BrokerNodeGroupInfo.SecurityGroups'),
    publiclyAccessible: false,
    kafkaListeners: kafkaListeners(r),
  });
}

/** The value at `path` inside an evaluated property; an unresolved level is returned as is. */
function valueAt(value: unknown, path: string[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === undefined || isUnresolved(at)) return at;
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

const and = (a: Fact<boolean>, b: Fact<boolean>): Fact<boolean> =>
  (a.known && !a.value) || (b.known && !b.value) ? known(false) : !a.known ? a : b;
const or = (a: Fact<boolean>, b: Fact<boolean>): Fact<boolean> =>
  (a.known && a.value) || (b.known && b.value) ? known(true) : !a.known ? a : b;

const CLIENT_BROKER_VALUES = ['TLS', 'TLS_PLAINTEXT', 'PLAINTEXT'];

/**
 * The brokers' client listeners. Sources: CloudFormation, AWS::MSK::Cluster EncryptionInTransit
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-encryptionintransit.html:
 * ClientBroker TLS, TLS_PLAINTEXT or PLAINTEXT, TLS by default) and ClientAuthentication
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-clientauthentication.html);
 * MSK, "Update security settings of a cluster" (https://docs.aws.amazon.com/msk/latest/developerguide/msk-update-security.html:
 * SASL/SCRAM and IAM need ClientBroker TLS, mTLS needs TLS or TLS_PLAINTEXT, and with TLS_PLAINTEXT
 * a plaintext listener without authentication is created beside the others); ports: MSK, "Port
 * information" (https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html).
 * - plaintext (9092): ClientBroker PLAINTEXT or TLS_PLAINTEXT;
 * - TLS (9094): ClientBroker TLS or TLS_PLAINTEXT, with mutual TLS or unauthenticated access on;
 * - SASL/SCRAM (9096), IAM (9098): ClientBroker not PLAINTEXT, with the mechanism on.
 * Unauthenticated access is taken to be on when the cluster sets no ClientAuthentication at all,
 * and off when it sets one without `Unauthenticated` (an assumption: the API's defaults are not
 * documented), and the message says so.
 */
function kafkaListeners(r: ResourceReader): KafkaListeners {
  const property = 'EncryptionInfo.EncryptionInTransit.ClientBroker';
  const brokerValue = valueAt(r.value('EncryptionInfo'), ['EncryptionInTransit', 'ClientBroker']);
  let clientBroker: Fact<string> = brokerValue === undefined ? known('TLS') : r.stringFact(property, brokerValue);
  if (clientBroker.known && !CLIENT_BROKER_VALUES.includes(clientBroker.value)) {
    r.issue(property, `${clientBroker.value} is not one of ${CLIENT_BROKER_VALUES.join(', ')}`);
    clientBroker = unknown(`${r.describe()}: ${property} ${clientBroker.value} is not one of ${CLIENT_BROKER_VALUES.join(', ')}`);
  }
  const brokerIs = (...values: string[]): Fact<boolean> => (clientBroker.known ? known(values.includes(clientBroker.value)) : clientBroker);
  const authentication = r.value('ClientAuthentication');
  const enabled = (path: string[]): Fact<boolean> =>
    r.booleanFact(`ClientAuthentication.${path.join('.')}`, false, valueAt(authentication, [...path, 'Enabled']));
  const tlsValue = valueAt(authentication, ['Tls']);
  // An older template turns mutual TLS on by listing its certificate authorities, without Enabled
  // (a list the templates do not resolve, a CommaDelimitedList parameter without a value: unknown).
  const caList = valueAt(tlsValue, ['CertificateAuthorityArnList']);
  const tlsEnabledUnset = valueAt(tlsValue, ['Enabled']) === undefined;
  const mutualTls: Fact<boolean> = tlsEnabledUnset && Array.isArray(caList) && caList.length > 0 ? known(true)
    : tlsEnabledUnset && isUnresolved(caList) ? unknown(caList.reason)
      : enabled(['Tls']);
  const unauthenticated: Fact<boolean> = authentication === undefined ? known(true)
    : isUnresolved(authentication) ? unknown(authentication.reason)
      : enabled(['Unauthenticated']);
  const scram = enabled(['Sasl', 'Scram']);
  const iam = enabled(['Sasl', 'Iam']);
  const byAuthentication: Record<KafkaAuthentication, Fact<boolean>> = {
    'plaintext': brokerIs('PLAINTEXT', 'TLS_PLAINTEXT'),
    'tls': and(brokerIs('TLS', 'TLS_PLAINTEXT'), or(mutualTls, unauthenticated)),
    'sasl-scram': and(brokerIs('TLS', 'TLS_PLAINTEXT'), scram),
    'iam': and(brokerIs('TLS', 'TLS_PLAINTEXT'), iam),
  };
  const publicValue = valueAt(r.value('ConnectivityInfo'), ['PublicAccess', 'Type']);
  const publicType = publicValue === undefined ? known('DISABLED') : r.stringFact('ConnectivityInfo.PublicAccess.Type', publicValue);
  const on = (fact: Fact<boolean>, name: string) => (fact.known ? (fact.value ? [name] : []) : [`${name} (unknown)`]);
  const mechanisms = [...on(mutualTls, 'mutual TLS'), ...on(scram, 'SASL/SCRAM'), ...on(iam, 'IAM'),
    ...on(unauthenticated, 'unauthenticated')];
  const unauthenticatedUnset = authentication !== undefined && !isUnresolved(authentication) && valueAt(authentication, ['Unauthenticated']) === undefined;
  const settings = `ClientBroker ${clientBroker.known ? clientBroker.value : 'unknown'}${brokerValue === undefined ? ', the default' : ''}; `
    + (authentication === undefined
      ? 'no ClientAuthentication, so unauthenticated access (an assumption: MSK\'s default without client authentication)'
      : `client authentication ${mechanisms.join(', ') || 'none'}${unauthenticatedUnset ? '; Unauthenticated not set, taken as off (an assumption: the MSK API\'s default is not documented)' : ''}`);
  // Multi-VPC private connectivity: on when any of its client authentications is enabled.
  const vpcAuthentication = valueAt(r.value('ConnectivityInfo'), ['VpcConnectivity', 'ClientAuthentication']);
  const vpcConnectivity = vpcAuthentication === undefined ? known(false)
    : or(or(r.booleanFact('ConnectivityInfo.VpcConnectivity.ClientAuthentication.Tls.Enabled', false, valueAt(vpcAuthentication, ['Tls', 'Enabled'])),
      r.booleanFact('ConnectivityInfo.VpcConnectivity.ClientAuthentication.Sasl.Scram.Enabled', false, valueAt(vpcAuthentication, ['Sasl', 'Scram', 'Enabled']))),
    r.booleanFact('ConnectivityInfo.VpcConnectivity.ClientAuthentication.Sasl.Iam.Enabled', false, valueAt(vpcAuthentication, ['Sasl', 'Iam', 'Enabled'])));
  // The TLS listener is on only by the assumption when nothing else turns it on.
  const tlsAssumed = authentication === undefined && byAuthentication.tls.known && byAuthentication.tls.value;
  return {
    byAuthentication,
    publicAccess: publicType.known ? known(publicType.value === 'SERVICE_PROVIDED_EIPS') : publicType,
    ...(vpcConnectivity.known && !vpcConnectivity.value ? {} : { vpcConnectivity }),
    settings,
    ...(tlsAssumed ? { assumedOn: { tls: `MSK cluster ${r.describe()} sets no ClientAuthentication: its TLS listener (9094) is taken to be on, MSK allowing unauthenticated access by default (an assumption: the MSK API's default is not documented).` } } : {}),
  };
}

/**
 * `PubliclyAccessible` (default false). A value the reader cannot resolve is kept as unknown, not
 * taken as false: a public store is reached by another path (its public address).
 */
function publicAccess(r: ResourceReader): { publiclyAccessible: boolean; publiclyAccessibleUnknown?: string } {
  const fact = r.booleanFact('PubliclyAccessible', false);
  return fact.known ? { publiclyAccessible: fact.value } : { publiclyAccessible: false, publiclyAccessibleUnknown: fact.reason };
}
