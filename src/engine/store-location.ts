import { DataStoreResource, Fact, GlueConnection, KafkaAuthentication, known, NetworkModel, parseAddress, SourceRef, unknown } from '../model';
import { declaredPortsCheck, ListenerCheck, MSK_PORTS, mskListenerCheck } from './kafka-listeners';
import { Topology } from './topology';
import { sameZone, subnetZone, zoneOf } from './zones';

/** Where a connection's data store lives, and how that was found. */
export interface LocatedStore {
  /** `declared`, `rds-instance`, `rds-cluster`, `redshift-cluster`, `redshift-serverless-workgroup`, `msk-cluster`, `docdb-cluster`, `ip-address`, `internet`, `connection-subnet`, `unknown`. */
  readonly locatedBy: string;
  readonly storeSource?: SourceRef;
  readonly subnetIds: Fact<string[]>;
  readonly securityGroupIds: Fact<string[]>;
  readonly port: Fact<number>;
  readonly publiclyAccessible: boolean;
  /** Why whether the store is publicly accessible is unknown (see DataStoreResource). */
  readonly publiclyAccessibleUnknown?: string;
  /** The address names the store by a DNS name (not an IP literal). */
  readonly byHostname: boolean;
  /** The store's address when the URL gives an IP literal: only it is traced, not its whole subnet. */
  readonly address?: number;
  readonly assumptions: string[];
  /** The host as the connection names it, in words (no internal markers), when it names one. */
  readonly host?: string;
  /**
   * Nothing in the inputs says where the host lives: the location (the connection's own subnet)
   * is assumed, so the store can never be REACHABLE through it. [seed, our choice]
   */
  readonly assumedLocation?: boolean;
  /** The host is `localhost` or in 127.0.0.0/8: from a Glue worker it names the worker itself. */
  readonly loopback?: boolean;
  /**
   * The port the store's resource (or its declaration) says it listens on, when `port` (what Glue
   * connects to: the address's port, else its driver's default) was not taken from it: a store
   * listening on another port refuses the connection, whatever the network allows.
   */
  readonly listensOn?: Fact<number>;
  /**
   * For a store with several listeners (an MSK cluster's brokers, a store declared with several
   * ports): whether one answers on `port`. A store that does not refuses the connection.
   */
  readonly listeners?: ListenerCheck;
  /**
   * The host is a SaaS connection's, on the internet outside every VPC (`locatedBy: internet`):
   * why it is taken to be there (an assumption, stated in the verdict). Its path is the public one
   * from the Glue ENI (see `traceInternetPath`), never a trace into a subnet.
   */
  readonly internet?: string;
}

/** A resource marker (`{{ref:id:attribute}}`) or a deploy-time value's marker (`{{unknown:why}}`). */
const ANY_MARKER = /\{\{ref:[^}]*?:[^}]*\}\}|\{\{unknown:[^}]*\}\}/g;

/** Default ports by URL scheme or connection type, when the address gives none. */
const DEFAULT_PORTS: Record<string, number> = {
  'mysql': 3306,
  'mariadb': 3306,
  'postgresql': 5432,
  'redshift': 5439,
  'oracle': 1521,
  'sqlserver': 1433,
  'mongodb': 27017,
  'mongodb+srv': 27017,
  'kafka': 9092,
  'documentdb': 27017,
  // RFC 9110, section 4.2: the default ports of the http and https schemes.
  'https': 443,
  'http': 80,
};

/**
 * Glue connection types of software-as-a-service sources (AWS Glue API, ConnectionInput
 * ConnectionType; Snowflake: AWS Glue, "Snowflake connections"): the host is the provider's, on
 * the internet, outside the account's VPCs. Types whose store may be in a VPC (JDBC, the native
 * database types, SAPODATA, OPENSEARCH, DYNAMODB, CUSTOM, MARKETPLACE) are not among them.
 */
export const SAAS_CONNECTION_TYPES: ReadonlySet<string> = new Set([
  'SALESFORCE', 'SALESFORCEMARKETINGCLOUD', 'SALESFORCEPARDOT', 'SNOWFLAKE', 'SERVICENOW', 'ZENDESK', 'JIRACLOUD',
  'HUBSPOT', 'MARKETO', 'NETSUITEERP', 'ZOHOCRM', 'INTERCOM', 'SLACK', 'STRIPE', 'FACEBOOKADS', 'INSTAGRAMADS',
  'SNAPCHATADS', 'GOOGLEADS', 'GOOGLESHEETS', 'GOOGLEANALYTICS4', 'BIGQUERY', 'AZURESQL', 'AZURECOSMOS',
]);

/** The port a SaaS connector uses when its address names none and no scheme says: HTTPS (an assumption). */
const SAAS_DEFAULT_PORT = 443;

/** The `AWS::MSK::Cluster` attributes that list its brokers, by the authentication they serve. */
const MSK_BOOTSTRAP_ATTRIBUTES: Record<string, KafkaAuthentication> = {
  BootstrapBrokers: 'plaintext',
  BootstrapBrokersTls: 'tls',
  BootstrapBrokersSaslScram: 'sasl-scram',
  BootstrapBrokersSaslIam: 'iam',
};

export interface ParsedAddress {
  readonly scheme?: string;
  /** Hosts (Kafka lists several), with resource markers kept. */
  readonly hosts: { host: string; port?: string }[];
}

/**
 * Splits a JDBC URL, MongoDB URL or Kafka bootstrap list into hosts and ports. Markers of
 * modelled resources contain colons, so they are swapped out while splitting.
 */
export function parseStoreAddress(address: string): ParsedAddress {
  const markers: string[] = [];
  // Only an address that names a modelled resource, or a value known only at deploy time, has
  // markers to mask (and to put back): their colons are not a port's.
  const masked = address.includes('{{') ? address.replace(ANY_MARKER, (m) => `\u0001${markers.push(m) - 1}\u0002`) : address;
  const unmask = (s: string) => (s.includes('\u0001') ? s.replace(/\u0001(\d+)\u0002/g, (_, i) => markers[Number(i)]) : s);
  const schemeMatch = /^(?:jdbc:)?([a-z0-9+]+)(?::thin)?:/i.exec(masked);
  let rest = masked;
  let scheme: string | undefined;
  if (schemeMatch && /:\/\/|:@/.test(masked)) {
    scheme = schemeMatch[1].toLowerCase();
    rest = masked.slice(masked.search(/\/\/|@/) + (masked.includes('//') ? 2 : 1)).replace(/^@/, '');
    rest = rest.replace(/^[^@/]*@/, ''); // credentials in mongodb://user:pass@host
  }
  const hostEnd = rest.search(/[/;?]/);
  const hostPart = hostEnd < 0 ? rest : rest.slice(0, hostEnd);
  const hosts = hostPart.split(',').filter((h) => h.trim()).map((h) => {
    const [host, port] = h.trim().split(':');
    return { host: unmask(host), port: port !== undefined ? unmask(port) : undefined };
  });
  return { scheme, hosts };
}

/** Parsed addresses by text, per topology: the connections of one store share its address. */
const parsedAddresses = new WeakMap<Topology, Map<string, ParsedAddress>>();

function parseStoreAddressOnce(topo: Topology, address: string): ParsedAddress {
  let byText = parsedAddresses.get(topo);
  if (!byText) parsedAddresses.set(topo, byText = new Map());
  let parsed = byText.get(address);
  if (!parsed) byText.set(address, parsed = parseStoreAddress(address));
  return parsed;
}

function defaultPort(connection: GlueConnection, scheme: string | undefined, mskAttribute?: string): number | undefined {
  const byAttribute = mskAttribute !== undefined ? MSK_BOOTSTRAP_ATTRIBUTES[mskAttribute] : undefined;
  if (byAttribute) return MSK_PORTS[byAttribute];
  if (connection.connectionType === 'KAFKA' || scheme === 'kafka') {
    // Which MSK listener a broker without a port means depends on the client authentication;
    // when the connection does not say it, the port is unknown (not plaintext's 9092).
    return connection.kafkaAuthentication ? MSK_PORTS[connection.kafkaAuthentication] : undefined;
  }
  if (scheme && DEFAULT_PORTS[scheme] !== undefined) return DEFAULT_PORTS[scheme];
  if (connection.connectionType === 'MONGODB') return 27017;
  return undefined;
}

/** Why a Kafka broker without a port has no default: the listener depends on the authentication. */
function kafkaPortNote(connection: GlueConnection): string {
  if (connection.connectionType !== 'KAFKA' || connection.kafkaAuthentication) return '';
  return ' (a Kafka broker without a port has no default here: MSK listens on 9092 for plaintext, 9094 for TLS, 9096 for SASL/SCRAM and 9098 for IAM, and the connection says none of KAFKA_SSL_ENABLED or KAFKA_SASL_MECHANISM)';
}

function markerRef(text: string): { modelId: string; attribute: string } | undefined {
  if (!text.includes('{{ref:')) return undefined;
  const m = /^\{\{ref:([^}]*?):([^}]*)\}\}$/.exec(text.trim());
  return m ? { modelId: m[1], attribute: m[2] } : undefined;
}

/**
 * A store address in words: `{{ref:S/Db:Endpoint.Address}}` becomes "the Endpoint.Address of
 * S/Db", `{{unknown:why}}` becomes "(a value known only at deploy time: why)". Internal markers
 * never reach a message.
 */
export function describeAddress(text: string, model?: NetworkModel): string {
  // Both markers begin with `{{`: a text without it is its own description.
  if (!text.includes('{{')) return text;
  return text
    .replace(/\{\{ref:([^}]*?):([^}]*)\}\}/g, (_, id: string, attribute: string) => {
      const kind = model?.dataStores.get(id)?.kind;
      const what = kind ? `${kind} ${id}` : id;
      return attribute ? `<${attribute} of ${what}>` : `<${what}>`;
    })
    .replace(/\{\{unknown:([^}]*)\}\}/g, (_, why: string) => `<known only at deploy time: ${why}>`);
}

const LOOPBACK = { first: 0x7f000000, last: 0x7fffffff };

/** Stores of the model by the DNS name their endpoint will have (`DataStoreResource.endpointHost`). */
const storesByEndpointHost = new WeakMap<NetworkModel, Map<string, DataStoreResource>>();

/** The store whose endpoint a host written as a literal names (case and a final dot aside), if any. */
function storeByEndpointHost(model: NetworkModel, host: string): DataStoreResource | undefined {
  let byHost = storesByEndpointHost.get(model);
  if (!byHost) {
    storesByEndpointHost.set(model, byHost = new Map());
    for (const store of model.dataStores.values()) if (store.endpointHost) byHost.set(store.endpointHost, store);
  }
  return byHost.size ? byHost.get(host.trim().toLowerCase().replace(/\.$/, '')) : undefined;
}

/**
 * Finds the data store of a connection: a declaration wins; then the resource the address names;
 * then an IP literal's subnet; else the connection's own subnet (the seed's layout), as an
 * assumption that can never make the store REACHABLE. The first host only; see `locateStores`.
 */
export function locateStore(topo: Topology, connection: GlueConnection): LocatedStore | undefined {
  return locateStores(topo, connection)[0];
}

/**
 * Every place the connection's store may be: one per host of its address (a Kafka bootstrap list
 * names several brokers, each located and traced), hosts with the same location merged. Empty
 * when the connection names no store (a NETWORK connection without an address).
 */
export function locateStores(topo: Topology, connection: GlueConnection): LocatedStore[] {
  return locate(topo, connection, { id: false });
}

/** What a location read of its connection beyond `sharedKey`: its id (in a text). */
interface Uses {
  id: boolean;
}

/**
 * Locations by topology and `sharedKey`, of connections whose location names nothing else of
 * them: the same for every connection with that key (connections of many jobs name one store).
 */
const sharedLocations = new WeakMap<Topology, Map<string, LocatedStore[]>>();

/**
 * Everything `locateStores` reads of a connection that is not declared, but its id: its type,
 * Kafka authentication, subnet, groups (in order) and address (or why it is unknown). The id
 * appears only in some texts (`Uses`); a location whose texts name it is not shared.
 */
function sharedKey(connection: GlueConnection): string {
  const address = connection.address === undefined ? null : connection.address.known ? [1, connection.address.value] : [0, connection.address.reason];
  return JSON.stringify([connection.connectionType, connection.kafkaAuthentication ?? null, connection.subnetId ?? null, connection.securityGroupIds, address]);
}

/**
 * `locateStores`, shared read-only by the connections with the same `sharedKey` when the
 * location does not name the connection (a declared store is the connection's own, by id).
 * The model does not change under a topology, so neither does a location.
 */
export function locateStoresShared(topo: Topology, connection: GlueConnection): LocatedStore[] {
  if (topo.model.declaredStores.has(connection.id)) return locateStores(topo, connection);
  let byKey = sharedLocations.get(topo);
  if (!byKey) sharedLocations.set(topo, byKey = new Map());
  const key = sharedKey(connection);
  const shared = byKey.get(key);
  if (shared) return shared;
  const uses: Uses = { id: false };
  const located = locate(topo, connection, uses);
  if (!uses.id) byKey.set(key, located);
  return located;
}

function locate(topo: Topology, connection: GlueConnection, uses: Uses): LocatedStore[] {
  const model = topo.model;
  const declared = model.declaredStores.get(connection.id);
  const address = connection.address?.known ? parseStoreAddressOnce(topo, connection.address.value) : undefined;
  const hosts = address?.hosts.length ? address.hosts : [undefined];

  if (declared) {
    uses.id = true;
    const first = address?.hosts[0];
    const fallbackPort = connectsTo(connection, address?.scheme, first);
    // Glue connects to the port its address names, else its driver's default; a declared port
    // that differs is where the store listens (nothing answers where Glue connects).
    const listensElsewhere = fallbackPort !== undefined && declared.port !== undefined && !declared.portUnresolved && declared.port !== fallbackPort;
    const port = declared.portUnresolved ? undefined : listensElsewhere ? fallbackPort : declared.port ?? fallbackPort;
    // A store declared with several ports (an MSK cluster read from the account) answers on those only.
    const listeners = declared.ports?.length && port !== undefined && declared.port === undefined ? declaredPortsCheck(declared.ports, port) : undefined;
    const noPort = declared.portUnresolved ?? (portUnresolved(first) ? badPortReason(connection, first!, model) : `no port declared for ${connection.id} and none in its address${kafkaPortNote(connection)}`);
    return [{
      locatedBy: 'declared',
      storeSource: declared.source,
      subnetIds: declared.locationUnknown !== undefined ? unknown(declared.locationUnknown) : known(declared.subnetIds),
      securityGroupIds: known(declared.securityGroupIds),
      port: port !== undefined ? known(port) : unknown(noPort),
      ...(listensElsewhere ? { listensOn: known(declared.port!) } : {}),
      ...(listeners ? { listeners } : {}),
      publiclyAccessible: declared.publiclyAccessible ?? false,
      byHostname: first !== undefined && parseAddress(first.host) === undefined,
      assumptions: [],
      ...(first ? { host: describeAddress(first.host, model) } : {}),
    }];
  }

  if (SAAS_CONNECTION_TYPES.has(connection.connectionType)) return locateSaas(topo, connection, address, uses);

  const located: LocatedStore[] = [];
  const assumedHosts: string[] = [];
  let assumedPort: number | undefined;
  let assumedPortUnresolved: string | undefined;
  for (const host of hosts) {
    const one = host ? locateHost(topo, connection, address?.scheme, host, uses) : undefined;
    if (one) {
      if (!located.some((l) => sameLocation(l, one))) located.push(one);
      continue;
    }
    // Nothing locates this host: it joins the assumption below.
    if (host) assumedHosts.push(describeAddress(host.host, model));
    if (portUnresolved(host)) assumedPortUnresolved ??= badPortReason(connection, host!, model);
    assumedPort ??= connectsTo(connection, address?.scheme, host);
  }
  if (assumedHosts.length || !located.length) {
    const assumed = assumedLocation(topo, connection, assumedHosts, assumedPort ?? (assumedPortUnresolved ? undefined : defaultPort(connection, address?.scheme)), uses, assumedPortUnresolved);
    if (assumed) located.push(assumed);
  }
  return located;
}

/**
 * The subnets of a store's group that a single-AZ store may be in: those of its zone, and those
 * whose zone cannot be compared with it. All of them when none can be (the template then does not
 * deploy: RDS wants a subnet of the group in that zone).
 */
function inStoreZone(topo: Topology, resource: DataStoreResource, subnetIds: Fact<string[]>): Fact<string[]> {
  if (!subnetIds.known || (!resource.availabilityZone?.known && !resource.symbolicZone)) return subnetIds;
  const zone = zoneOf(resource.availabilityZone, resource.symbolicZone);
  const inZone = subnetIds.value.filter((id) => {
    const subnet = topo.subnet(id);
    return !subnet || sameZone(subnetZone(subnet), zone) !== false;
  });
  return inZone.length && inZone.length < subnetIds.value.length ? known(inZone) : subnetIds;
}

/** The highest TCP port; port 0 is reserved and no server listens on it (RFC 6335, section 6). */
const MAX_PORT = 65535;

/** The port an address gives in digits, when it is a TCP port (1-65535); undefined otherwise. */
function tcpPortOf(host: { host: string; port?: string } | undefined): number | undefined {
  if (host?.port === undefined || !/^\d+$/.test(host.port)) return undefined;
  const port = Number(host.port);
  return port >= 1 && port <= MAX_PORT ? port : undefined;
}

/**
 * A port the address names but that cannot be resolved, or that is not a TCP port (not digits,
 * 0, above 65535), is unknown: never the scheme's default, never traced (the driver cannot connect).
 */
function portUnresolved(host: { host: string; port?: string } | undefined): boolean {
  return host?.port !== undefined && tcpPortOf(host) === undefined && !markerRef(host.port);
}

/**
 * The port Glue connects to: the address's, else its driver's default (by scheme, or by the
 * attribute a resource host names); undefined when the address names a port that is not one.
 */
function connectsTo(connection: GlueConnection, scheme: string | undefined, host: { host: string; port?: string } | undefined): number | undefined {
  const port = tcpPortOf(host);
  if (port !== undefined || portUnresolved(host)) return port;
  return defaultPort(connection, scheme, host ? markerRef(host.host)?.attribute : undefined);
}

/** A port written as a literal (no deploy-time value) that is not a TCP port. */
function literalPortInvalid(host: { host: string; port?: string }): boolean {
  return host.port !== undefined && !host.port.includes('{{') && tcpPortOf(host) === undefined;
}

/** Why the port an address names is unknown (`portUnresolved`), naming the address and the port. */
function badPortReason(connection: GlueConnection, host: { host: string; port?: string }, model: NetworkModel): string {
  const url = connection.address?.known ? describeAddress(connection.address.value, model) : describeAddress(host.host, model);
  const port = host.port ?? '';
  if (port.includes('{{')) return `the port in the address ${url} of connection ${connection.id} is ${describeAddress(port, model)}, so the store's port is unknown`;
  return `the address ${url} of connection ${connection.id} gives port "${port}", which is not a TCP port (1-${MAX_PORT}): the driver cannot connect to it, so no path is traced on it. `
    + 'Write the store\'s port (1-65535) in the connection\'s URL (or its PORT property), or leave it out to use the driver\'s default port';
}

function sameLocation(a: LocatedStore, b: LocatedStore): boolean {
  return a.locatedBy === b.locatedBy && a.storeSource === b.storeSource && a.address === b.address && a.loopback === b.loopback
    && (a.port.known ? a.port.value : undefined) === (b.port.known ? b.port.value : undefined) && a.host === (b.internet === undefined ? a.host : b.host);
}

/** One host: a modelled resource, an IP literal, or a loopback name; undefined when nothing locates it. */
function locateHost(topo: Topology, connection: GlueConnection, scheme: string | undefined, host: { host: string; port?: string }, uses: Uses): LocatedStore | undefined {
  const model = topo.model;
  const urlPort = tcpPortOf(host);
  const ref = markerRef(host.host);
  const fallbackPort = connectsTo(connection, scheme, host);
  const hostText = describeAddress(host.host, model);
  const resource = ref ? model.dataStores.get(ref.modelId) : storeByEndpointHost(model, host.host);
  // (A port that is not one is named in a text that names the connection.)
  if (portUnresolved(host)) uses.id = true;
  if (resource) {
    const cluster = resource.clusterId ? model.dataStores.get(resource.clusterId) : undefined;
    const subnetIds = inStoreZone(topo, resource, resource.subnetIds.known || !cluster ? resource.subnetIds : cluster.subnetIds);
    const portRef = host.port ? markerRef(host.port) : undefined;
    const resourcePort = resource.port ?? cluster?.port;
    // The port Glue connects to: the address's, else its driver's default; the resource's port
    // only when the address names it. A port the address names but that cannot be resolved is
    // unknown, not the resource's.
    const fromResource = urlPort === undefined && (portRef !== undefined || fallbackPort === undefined) && !portUnresolved(host);
    const port: Fact<number> = urlPort !== undefined ? known(urlPort)
      : literalPortInvalid(host) ? unknown(badPortReason(connection, host, model))
        : portRef && resourcePort ? resourcePort
          : fallbackPort !== undefined ? known(fallbackPort)
            : portUnresolved(host) ? unknown(badPortReason(connection, host, model))
              : resourcePort ?? unknown(`port of ${resource.id} is unknown${kafkaPortNote(connection)}`);
    const listeners = resource.kafkaListeners && port.known ? mskListenerCheck(resource.kafkaListeners, port.value) : undefined;
    return {
      locatedBy: resource.kind,
      storeSource: resource.source,
      subnetIds,
      securityGroupIds: resource.securityGroupIds,
      port,
      ...(!fromResource && resourcePort && port.known ? { listensOn: resourcePort } : {}),
      ...(listeners ? { listeners } : {}),
      publiclyAccessible: resource.publiclyAccessible,
      ...(resource.publiclyAccessibleUnknown !== undefined ? { publiclyAccessibleUnknown: resource.publiclyAccessibleUnknown } : {}),
      byHostname: true,
      assumptions: listeners?.assumption ? [listeners.assumption] : [],
      host: hostText,
    };
  }

  const ip = parseAddress(host.host);
  if ((ip !== undefined && ip >= LOOPBACK.first && ip <= LOOPBACK.last) || /^localhost\.?$/i.test(host.host.trim())) {
    return {
      locatedBy: 'loopback',
      subnetIds: known([]),
      securityGroupIds: known([]),
      port: fallbackPort !== undefined ? known(fallbackPort) : unknown(portUnresolved(host) ? badPortReason(connection, host, model) : 'no port'),
      publiclyAccessible: false,
      byHostname: ip === undefined,
      assumptions: [],
      host: hostText,
      loopback: true,
    };
  }
  if (ip === undefined) return undefined;

  const assumedGroups = `The store's security groups are not known, so they are assumed to be the connection's own (${connection.securityGroupIds.join(', ') || 'none'}), the layout AWS documents for Glue.`;
  const containing = topo.subnetsContaining(ip);
  const own = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  const preferred = containing.filter((s) => own && s.vpcId.known && own.vpcId.known && s.vpcId.value === own.vpcId.value);
  const chosen = (preferred.length ? preferred : containing).slice(0, 1);
  // Subnets of several VPCs (overlapping CIDRs) hold the address, and the connection's own subnet
  // does not pick one: which network the store is in is not known (the first one described was
  // taken before, and a store the Glue subnet reaches locally could be judged in another VPC).
  const vpcs = preferred.length ? [] : [...new Set(containing.map((s) => (s.vpcId.known ? s.vpcId.value : `?${s.id}`)))];
  if (vpcs.length > 1) uses.id = true;
  // The connection's groups can only guard the store if they belong to the store's VPC.
  const storeVpc = chosen[0]?.vpcId.known ? chosen[0].vpcId.value : undefined;
  const foreign = storeVpc === undefined ? [] : connection.securityGroupIds.filter((id) => {
    const group = topo.securityGroup(id);
    const vpc = group?.vpcId;
    // A group associated with the store's VPC can guard it there (an uncertain association cannot tell).
    return vpc?.known === true && vpc.value !== storeVpc && !(group?.vpcAssociations ?? []).some((a) => !a.uncertain && a.vpcId.known && a.vpcId.value === storeVpc);
  });
  // (These texts name the connection.)
  if (foreign.length || fallbackPort === undefined) uses.id = true;
  return {
    locatedBy: 'ip-address',
    subnetIds: vpcs.length > 1
      ? unknown(`${host.host} lies in subnets of several VPCs whose CIDRs overlap (${containing.map((s) => s.id).join(', ')}), and the own subnet of connection ${connection.id} is in none of their VPCs: which one holds the store is not known`)
      : chosen.length ? known(chosen.map((s) => s.id)) : unknown(`no described subnet contains ${host.host}`),
    securityGroupIds: foreign.length
      ? unknown(`The store at ${host.host} is in ${storeVpc}, but the groups of connection ${connection.id} (${foreign.join(', ')}) belong to another VPC, so they cannot be the store's: its security groups are unknown.`)
      : known([...connection.securityGroupIds]),
    port: fallbackPort !== undefined ? known(fallbackPort) : unknown(portUnresolved(host) ? badPortReason(connection, host, model) : `no port in the address of ${connection.id}`),
    publiclyAccessible: false,
    byHostname: false,
    address: ip,
    assumptions: [assumedGroups],
    host: hostText,
  };
}

/**
 * A SaaS connection's store: each host the templates locate (a resource's endpoint, an IP literal,
 * loopback) as any connection's; any other host is the provider's, on the internet, reached from
 * the Glue ENI through a NAT gateway (AWS Glue, "Configure a VPC for your ETL job": data stores
 * not in AWS need public network access from the VPC subnet, through a NAT gateway when the job
 * also reaches VPC resources). Never assumed to be in the connection's subnet. No host in the
 * inputs: unknown, naming the properties that give it.
 */
function locateSaas(topo: Topology, connection: GlueConnection, address: ParsedAddress | undefined, uses: Uses): LocatedStore[] {
  const type = connection.connectionType;
  if (!address?.hosts.length) {
    uses.id = true;
    const why = connection.address && !connection.address.known
      ? `the host of ${type} connection ${connection.id} is not known before deploy (${describeAddress(connection.address.reason, topo.model)})`
      : `${type} connection ${connection.id} names no host (no INSTANCE_URL, CONNECTION_URL, JDBC_CONNECTION_URL or HOST property)`;
    return [{
      locatedBy: 'unknown',
      subnetIds: unknown(`${why}, so where its store is and which port it uses are not in the inputs. Give the host in the connection's properties, or declare the store (GlueDataStore.declare, or dataStores[] in --facts)`),
      securityGroupIds: known([]),
      port: unknown(why),
      publiclyAccessible: false,
      byHostname: false,
      assumptions: [],
    }];
  }
  const located: LocatedStore[] = [];
  for (const host of address.hosts) {
    const one = locateHost(topo, connection, address.scheme, host, uses) ?? internetHost(topo, connection, address.scheme, host, uses);
    if (!located.some((l) => sameLocation(l, one))) located.push(one);
  }
  return located;
}

/** A SaaS host nothing in the inputs locates: on the internet, as an assumption said in the verdict. */
function internetHost(topo: Topology, connection: GlueConnection, scheme: string | undefined, host: { host: string; port?: string }, uses: Uses): LocatedStore {
  const hostText = describeAddress(host.host, topo.model);
  const urlPort = tcpPortOf(host);
  const schemePort = scheme !== undefined ? DEFAULT_PORTS[scheme] : undefined;
  const bad = portUnresolved(host);
  if (bad) uses.id = true;
  const port: Fact<number> = urlPort !== undefined ? known(urlPort)
    : bad ? unknown(badPortReason(connection, host, topo.model))
      : known(schemePort ?? SAAS_DEFAULT_PORT);
  const portNote = urlPort === undefined && !bad && schemePort === undefined
    ? ` The address names no port and no scheme, so the connector is assumed to use HTTPS (TCP ${SAAS_DEFAULT_PORT}).` : '';
  const why = `a ${connection.connectionType} connection's host (${hostText}) is the provider's, so it is assumed to be on the internet, reached from the Glue ENI through a NAT gateway as AWS documents for data stores not in AWS; `
    + 'a PrivateLink endpoint, or a private hosted zone that maps the name, would change the path and is not read: declare the store then (GlueDataStore.declare, or dataStores[] in --facts).'
    + portNote;
  return {
    locatedBy: 'internet',
    subnetIds: known([]),
    securityGroupIds: known([]),
    port,
    publiclyAccessible: true,
    byHostname: parseAddress(host.host) === undefined,
    assumptions: [`${why[0].toUpperCase()}${why.slice(1)}`],
    host: hostText,
    internet: `assumed, as a ${connection.connectionType} connection's host (see the store's assumptions)`,
  };
}

/**
 * The seed's layout for hosts nothing locates: the store is assumed to sit in its connection's
 * subnet, behind its connection's groups. Marked `assumedLocation`: the planner never lets it
 * make a store REACHABLE.
 */
function assumedLocation(topo: Topology, connection: GlueConnection, hosts: string[], port: number | undefined, uses: Uses, badPort?: string): LocatedStore | undefined {
  if (connection.connectionType === 'NETWORK' && !connection.address) return undefined;
  // (These texts name the connection.)
  if (!connection.subnetId || port === undefined) uses.id = true;
  const hostText = hosts.length ? hosts.join(', ') : undefined;
  const byHostname = hosts.length > 0;
  if (!connection.subnetId) {
    return {
      locatedBy: 'unknown',
      subnetIds: unknown(`connection ${connection.id} has no subnet and its address ${hostText ? `(${hostText}) ` : ''}names no resource in the templates`),
      securityGroupIds: known([]),
      port: port !== undefined ? known(port) : unknown(badPort ?? 'no port'),
      publiclyAccessible: false,
      byHostname,
      assumptions: [],
      ...(hostText ? { host: hostText } : {}),
    };
  }
  const addressNote = connection.address && !connection.address.known ? ` (its address could not be resolved: ${describeAddress(connection.address.reason, topo.model)})` : '';
  const what = hostText ? `${hosts.length > 1 ? 'hosts' : 'host'} ${hostText}` : 'the store';
  return {
    locatedBy: 'connection-subnet',
    subnetIds: known([connection.subnetId]),
    securityGroupIds: known([...connection.securityGroupIds]),
    port: port !== undefined ? known(port) : unknown(badPort ?? (connection.address && !connection.address.known
      // An address the inputs do not resolve: its port is unknown for that reason, not for want of one.
      ? `the address of ${connection.id} is not known, nor its port: ${describeAddress(connection.address.reason, topo.model)}`
      : !connection.address
        // A CUSTOM or MARKETPLACE connector's connection, or one whose store properties are missing.
        ? `connection ${connection.id} (${connection.connectionType}) gives no store address (JDBC_CONNECTION_URL, CONNECTION_URL, KAFKA_BOOTSTRAP_SERVERS, INSTANCE_URL or HOST), so which host and port its runs reach is not in the inputs`
        : `no port in the address of ${connection.id} and no default for its type${kafkaPortNote(connection)}`)),
    publiclyAccessible: false,
    byHostname,
    assumptions: [
      `Nothing in the templates or facts locates ${what} (not the endpoint of a resource in the app, not an IP address, not declared), so the store is assumed to live in its connection's subnet ${connection.subnetId}${addressNote}; an assumed location never makes it REACHABLE.`,
      `The store's security groups are not known, so they are assumed to be the connection's own (${connection.securityGroupIds.join(', ') || 'none'}), the layout AWS documents for Glue.`,
    ],
    assumedLocation: true,
    ...(hostText ? { host: hostText } : {}),
  };
}
