import { Fact, GlueConnection, known, parseAddress, SourceRef, unknown } from '../model';
import { Topology } from './topology';

/** Where a connection's data store lives, and how that was found. */
export interface LocatedStore {
  /** `declared`, `rds-instance`, `rds-cluster`, `redshift-cluster`, `msk-cluster`, `docdb-cluster`, `ip-address`, `connection-subnet`. */
  readonly locatedBy: string;
  readonly storeSource?: SourceRef;
  readonly subnetIds: Fact<string[]>;
  readonly securityGroupIds: Fact<string[]>;
  readonly port: Fact<number>;
  readonly publiclyAccessible: boolean;
  /** The address names the store by a DNS name (not an IP literal). */
  readonly byHostname: boolean;
  /** The store's address when the URL gives an IP literal: only it is traced, not its whole subnet. */
  readonly address?: number;
  readonly assumptions: string[];
}

const MARKER = /\{\{ref:([^}]*?):([^}]*)\}\}/g;

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
  // Only an address that names a modelled resource has markers to mask (and to put back).
  const masked = address.includes('{{ref:') ? address.replace(MARKER, (m) => `\u0001${markers.push(m) - 1}\u0002`) : address;
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

function defaultPort(connection: GlueConnection, scheme: string | undefined): number | undefined {
  if (scheme && DEFAULT_PORTS[scheme] !== undefined) return DEFAULT_PORTS[scheme];
  if (connection.connectionType === 'KAFKA') return 9092;
  if (connection.connectionType === 'MONGODB') return 27017;
  return undefined;
}

function markerRef(text: string): { modelId: string; attribute: string } | undefined {
  const m = /^\{\{ref:([^}]*?):([^}]*)\}\}$/.exec(text.trim());
  return m ? { modelId: m[1], attribute: m[2] } : undefined;
}

/**
 * Finds the data store of a connection: a declaration wins; then the resource the address names;
 * then an IP literal's subnet; else the connection's own subnet (the seed's layout).
 */
export function locateStore(topo: Topology, connection: GlueConnection): LocatedStore | undefined {
  const model = topo.model;
  const declared = model.declaredStores.get(connection.id);
  const address = connection.address?.known ? parseStoreAddressOnce(topo, connection.address.value) : undefined;
  const first = address?.hosts[0];
  const urlPort = first?.port !== undefined && /^\d+$/.test(first.port) ? Number(first.port) : undefined;
  // A port the address names but that cannot be resolved is unknown, not the scheme's default.
  const urlPortUnresolved = first?.port !== undefined && urlPort === undefined && !markerRef(first.port);
  const fallbackPort = urlPort ?? (urlPortUnresolved ? undefined : defaultPort(connection, address?.scheme));
  const firstIp = first !== undefined ? parseAddress(first.host) : undefined;
  const byHostname = first !== undefined && firstIp === undefined;

  if (declared) {
    const port = declared.portUnresolved ? undefined : declared.port ?? fallbackPort;
    return {
      locatedBy: 'declared',
      storeSource: declared.source,
      subnetIds: known(declared.subnetIds),
      securityGroupIds: known(declared.securityGroupIds),
      port: port !== undefined ? known(port) : unknown(declared.portUnresolved ?? `no port declared for ${connection.id} and none in its address`),
      publiclyAccessible: declared.publiclyAccessible ?? false,
      byHostname,
      assumptions: [],
    };
  }

  const ref = first ? markerRef(first.host) : undefined;
  const resource = ref ? model.dataStores.get(ref.modelId) : undefined;
  if (resource) {
    const cluster = resource.clusterId ? model.dataStores.get(resource.clusterId) : undefined;
    const subnetIds = resource.subnetIds.known || !cluster ? resource.subnetIds : cluster.subnetIds;
    const portRef = first?.port ? markerRef(first.port) : undefined;
    const resourcePort = resource.port ?? cluster?.port;
    const port: Fact<number> = urlPort !== undefined ? known(urlPort)
      : portRef && resourcePort ? resourcePort
        : fallbackPort !== undefined ? known(fallbackPort)
          : resourcePort ?? unknown(`port of ${resource.id} is unknown`);
    return {
      locatedBy: resource.kind,
      storeSource: resource.source,
      subnetIds,
      securityGroupIds: resource.securityGroupIds,
      port,
      publiclyAccessible: resource.publiclyAccessible,
      byHostname: true,
      assumptions: [],
    };
  }

  const assumedGroups = `The store's security groups are not known, so they are assumed to be the connection's own (${connection.securityGroupIds.join(', ') || 'none'}), the layout AWS documents for Glue.`;
  const ip = firstIp;
  if (ip !== undefined) {
    const containing = topo.subnetsContaining(ip);
    const own = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
    const preferred = containing.filter((s) => own && s.vpcId.known && own.vpcId.known && s.vpcId.value === own.vpcId.value);
    const chosen = (preferred.length ? preferred : containing).slice(0, 1);
    // The connection's groups can only guard the store if they belong to the store's VPC.
    const storeVpc = chosen[0]?.vpcId.known ? chosen[0].vpcId.value : undefined;
    const foreign = storeVpc === undefined ? [] : connection.securityGroupIds.filter((id) => {
      const vpc = topo.securityGroup(id)?.vpcId;
      return vpc?.known === true && vpc.value !== storeVpc;
    });
    return {
      locatedBy: 'ip-address',
      subnetIds: chosen.length ? known(chosen.map((s) => s.id)) : unknown(`no described subnet contains ${first!.host}`),
      securityGroupIds: foreign.length
        ? unknown(`The store at ${first!.host} is in ${storeVpc}, but the groups of connection ${connection.id} (${foreign.join(', ')}) belong to another VPC, so they cannot be the store's: its security groups are unknown.`)
        : known([...connection.securityGroupIds]),
      port: fallbackPort !== undefined ? known(fallbackPort) : unknown(`no port in the address of ${connection.id}`),
      publiclyAccessible: false,
      byHostname: false,
      address: ip,
      assumptions: [assumedGroups],
    };
  }

  if (connection.connectionType === 'NETWORK' && !connection.address) return undefined;
  if (!connection.subnetId) {
    return {
      locatedBy: 'unknown',
      subnetIds: unknown(`connection ${connection.id} has no subnet and its address names no resource in the templates`),
      securityGroupIds: known([]),
      port: fallbackPort !== undefined ? known(fallbackPort) : unknown('no port'),
      publiclyAccessible: false,
      byHostname,
      assumptions: [],
    };
  }
  const addressNote = connection.address && !connection.address.known ? ` (its address could not be resolved: ${connection.address.reason})` : '';
  return {
    locatedBy: 'connection-subnet',
    subnetIds: known([connection.subnetId]),
    securityGroupIds: known([...connection.securityGroupIds]),
    port: fallbackPort !== undefined ? known(fallbackPort) : unknown(`no port in the address of ${connection.id} and no default for its type`),
    publiclyAccessible: false,
    byHostname,
    assumptions: [`The store is assumed to live in its connection's subnet ${connection.subnetId}${addressNote}.`, assumedGroups],
  };
}
