import { parseStoreAddress } from '../../engine/store-location';
import { FactsDataStore } from '../facts';

/**
 * The stores behind connection URLs, read from the account (RDS instances and clusters,
 * DocumentDB clusters, Redshift clusters, MSK clusters), turned into the facts' `dataStores`
 * declarations of the connections whose address names them. A host is matched by its DNS name
 * (the endpoint the API returns); a store whose subnets or public access cannot be told is not
 * declared, so the connection's store stays UNKNOWN (an assumed location), never guessed.
 */
export interface AccountStoreParts {
  readonly dbInstances?: any[];
  readonly dbClusters?: any[];
  readonly dbSubnetGroups?: any[];
  readonly redshiftClusters?: any[];
  readonly redshiftSubnetGroups?: any[];
  readonly mskClusters?: any[];
  readonly mskBootstrapBrokers?: any[];
}

/** One store of the account, as the facts can declare it. */
interface AccountStore {
  readonly subnetIds?: string[];
  readonly securityGroupIds: string[];
  /** The port its endpoint listens on (used when the connection's URL names none). */
  readonly port?: number;
  /** Every port it listens on, when it has several listeners (an MSK cluster's, from its bootstrap broker strings). */
  readonly ports?: number[];
  /** Undefined when it cannot be told (the store is then not declared). */
  readonly publiclyAccessible?: boolean;
  /**
   * Ports its brokers answer on by a path the planner does not trace (an MSK cluster's
   * multi-VPC private connectivity and IPv6 listeners), and why: a connection to one has an
   * unknown location (`locationUnknown`), never the broker subnets.
   */
  readonly untracedPorts?: Map<number, string>;
  /** Set on a host that is not a broker in the store's subnets (a multi-VPC private connectivity host): why. */
  readonly untracedHost?: string;
}

/** A connection whose store may be in the account: its name and its address (JDBC URL, bootstrap servers). */
export interface StoreConnection {
  readonly name: string;
  readonly address: string;
}

const list = (value: unknown): any[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const hostKey = (host: string) => host.trim().toLowerCase().replace(/\.$/, '');

/** Groups the store is in now (a group being removed no longer guards it). */
function activeGroups(groups: unknown): string[] {
  return list(groups).filter((g) => str(g?.VpcSecurityGroupId) && (g.Status === undefined || g.Status === 'active' || g.Status === 'adding'))
    .map((g) => g.VpcSecurityGroupId);
}

const subnetsOf = (group: any): string[] | undefined => {
  const ids = list(group?.Subnets).map((s) => str(s?.SubnetIdentifier)).filter((id): id is string => !!id);
  return group && ids.length ? ids : undefined;
};

const tcpPort = (text: string | undefined): number | undefined => {
  const port = Number(text);
  return text !== undefined && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
};

/**
 * Why a GetBootstrapBrokers string is not a listener of the brokers in the cluster's client
 * subnets, or undefined when it is. `BootstrapBrokerStringVpcConnectivity*` are the brokers of
 * multi-VPC private connectivity (powered by AWS PrivateLink): a client in another VPC reaches them
 * through a managed VPC connection, an endpoint in its own VPC, on ports 14001 and up
 * (https://docs.aws.amazon.com/msk/latest/developerguide/aws-access-mult-vpc.html); `*Ipv6` are
 * the brokers' IPv6 listeners (ports 20092 to 20098, "Port information"), and the model is IPv4.
 */
function untracedListener(key: string, cluster: string): string | undefined {
  if (key.includes('VpcConnectivity')) {
    return `${key} is the multi-VPC private connectivity of MSK cluster ${cluster} (AWS PrivateLink): a client reaches those brokers through a managed VPC connection's endpoint in its own VPC, whose subnets and security groups are not read, not at the brokers in the cluster's subnets`;
  }
  if (key.endsWith('Ipv6')) return `${key} is the IPv6 listener of MSK cluster ${cluster}, which is not traced (the model is IPv4)`;
  return undefined;
}

/** Every store endpoint of the account, by host name. */
function storesByHost(parts: AccountStoreParts): Map<string, AccountStore> {
  const byHost = new Map<string, AccountStore>();
  const add = (host: unknown, store: AccountStore) => { if (str(host)) byHost.set(hostKey(host as string), store); };
  const instances = new Map<string, any>();
  for (const db of parts.dbInstances ?? []) {
    instances.set(String(db.DBInstanceIdentifier), db);
    add(db.Endpoint?.Address, {
      subnetIds: subnetsOf(db.DBSubnetGroup),
      securityGroupIds: activeGroups(db.VpcSecurityGroups),
      ...(Number.isInteger(db.Endpoint?.Port) ? { port: db.Endpoint.Port } : {}),
      ...(typeof db.PubliclyAccessible === 'boolean' ? { publiclyAccessible: db.PubliclyAccessible } : {}),
    });
  }
  const dbSubnetGroups = new Map((parts.dbSubnetGroups ?? []).map((g) => [String(g.DBSubnetGroupName), g]));
  for (const cluster of parts.dbClusters ?? []) {
    // DocumentDB clusters (Engine docdb) come through the same call. An Aurora cluster's endpoints lead to its instances: public only if all of them are (or
    // the cluster says, for Multi-AZ DB clusters); members that differ leave it unknown.
    const members = list(cluster.DBClusterMembers).map((m) => instances.get(String(m?.DBInstanceIdentifier)));
    const memberAccess = new Set(members.map((m) => m?.PubliclyAccessible));
    const publiclyAccessible = typeof cluster.PubliclyAccessible === 'boolean' ? cluster.PubliclyAccessible
      : memberAccess.size === 1 && typeof members[0]?.PubliclyAccessible === 'boolean' ? members[0].PubliclyAccessible as boolean : undefined;
    const store: AccountStore = {
      subnetIds: parts.dbSubnetGroups === undefined ? undefined : subnetsOf(dbSubnetGroups.get(String(cluster.DBSubnetGroup))),
      securityGroupIds: activeGroups(cluster.VpcSecurityGroups),
      ...(Number.isInteger(cluster.Port) ? { port: cluster.Port } : {}),
      ...(publiclyAccessible !== undefined ? { publiclyAccessible } : {}),
    };
    for (const host of [cluster.Endpoint, cluster.ReaderEndpoint, ...list(cluster.CustomEndpoints)]) add(host, store);
  }
  const redshiftSubnetGroups = new Map((parts.redshiftSubnetGroups ?? []).map((g) => [String(g.ClusterSubnetGroupName), g]));
  for (const cluster of parts.redshiftClusters ?? []) {
    add(cluster.Endpoint?.Address, {
      subnetIds: parts.redshiftSubnetGroups === undefined ? undefined : subnetsOf(redshiftSubnetGroups.get(String(cluster.ClusterSubnetGroupName))),
      securityGroupIds: activeGroups(cluster.VpcSecurityGroups),
      ...(Number.isInteger(cluster.Endpoint?.Port) ? { port: cluster.Endpoint.Port } : {}),
      ...(typeof cluster.PubliclyAccessible === 'boolean' ? { publiclyAccessible: cluster.PubliclyAccessible } : {}),
    });
  }
  const brokers = new Map((parts.mskBootstrapBrokers ?? []).map((b) => [String(b.ClusterArn), b]));
  for (const cluster of parts.mskClusters ?? []) {
    const provisioned = cluster.Provisioned?.BrokerNodeGroupInfo;
    const serverless = list(cluster.Serverless?.VpcConfigs);
    const subnetIds = provisioned ? list(provisioned.ClientSubnets) : serverless.flatMap((c) => list(c.SubnetIds));
    const securityGroupIds = provisioned ? list(provisioned.SecurityGroups) : serverless.flatMap((c) => list(c.SecurityGroupIds));
    const strings = brokers.get(String(cluster.ClusterArn)) ?? {};
    const name = str(cluster.ClusterName) ?? String(cluster.ClusterArn);
    // The brokers listen on the ports of the listeners GetBootstrapBrokers lists, and on no other:
    // a connection to a port none lists is refused (MSK, "Port information"). The Public* strings
    // are the brokers' public addresses (MSK public access), a store of their own.
    const untracedPorts = new Map<number, string>();
    const privateStore = {
      subnetIds: subnetIds.length ? subnetIds.map(String) : undefined, securityGroupIds: securityGroupIds.map(String), ports: [] as number[], publiclyAccessible: false, untracedPorts,
    };
    const publicStore = { ...privateStore, ports: [] as number[], publiclyAccessible: true };
    const untraced: [string, string][] = [];
    for (const [key, value] of Object.entries(strings)) {
      if (!key.startsWith('BootstrapBrokerString') || !str(value)) continue;
      const why = untracedListener(key, name);
      if (why) {
        untraced.push([String(value), why]);
        continue;
      }
      const store = key.includes('Public') ? publicStore : privateStore;
      for (const host of parseStoreAddress(String(value)).hosts) {
        add(host.host, store);
        const port = tcpPort(host.port);
        if (port !== undefined && !store.ports.includes(port)) store.ports.push(port);
      }
    }
    // After the listeners: a host that is also a listener's keeps its store (its other ports).
    for (const [value, why] of untraced) {
      for (const host of parseStoreAddress(value).hosts) {
        if (str(host.host) && !byHost.has(hostKey(host.host))) add(host.host, { securityGroupIds: [], untracedHost: why });
        const port = tcpPort(host.port);
        if (port !== undefined && !privateStore.ports.includes(port) && !publicStore.ports.includes(port) && !untracedPorts.has(port)) untracedPorts.set(port, why);
      }
    }
  }
  return byHost;
}

/**
 * `dataStores` for the connections whose every host is an endpoint of one store read from the
 * account. The store's port is declared only when the address names none (the URL's port is the
 * one the job uses). A connection to a multi-VPC private connectivity or IPv6 listener of an MSK
 * cluster is declared with `locationUnknown`: its store is UNKNOWN with why, never traced to the
 * brokers' subnets.
 */
export function accountDataStores(parts: AccountStoreParts, connections: readonly StoreConnection[]): FactsDataStore[] {
  const byHost = storesByHost(parts);
  if (!byHost.size) return [];
  const declared: FactsDataStore[] = [];
  for (const connection of connections) {
    const address = parseStoreAddress(connection.address);
    if (!address.hosts.length) continue;
    const found = address.hosts.map((h) => byHost.get(hostKey(h.host)));
    const untraced = found.map((store, i) => store?.untracedHost ?? store?.untracedPorts?.get(tcpPort(address.hosts[i].port) ?? 0)).find((why) => why !== undefined);
    if (untraced !== undefined) {
      const hosts = address.hosts.map((h) => `${h.host}${h.port !== undefined ? `:${h.port}` : ''}`).join(',');
      declared.push({ connectionName: connection.name, subnetIds: [], securityGroupIds: [], locationUnknown: `connection ${connection.name} connects to ${hosts}: ${untraced}` });
      continue;
    }
    const stores = new Set(found);
    const store = stores.size === 1 ? [...stores][0] : undefined;
    if (!store?.subnetIds || store.publiclyAccessible === undefined) continue;
    const urlPort = address.hosts[0].port !== undefined && /^\d+$/.test(address.hosts[0].port);
    declared.push({
      connectionName: connection.name,
      subnetIds: store.subnetIds,
      securityGroupIds: store.securityGroupIds,
      ...(!urlPort && store.port !== undefined ? { port: store.port } : {}),
      ...(store.ports?.length ? { ports: [...store.ports].sort((a, b) => a - b) } : {}),
      publiclyAccessible: store.publiclyAccessible,
    });
  }
  return declared;
}
