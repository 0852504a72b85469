import {
  account, allTraffic, apiBootstrapBrokers, apiDbCluster, apiDbInstance, apiDbSubnetGroup, apiMskCluster, apiRedshiftCluster, apiRedshiftSubnetGroup,
  apiSecurityGroup, tcpRule,
} from './api-builders';
import { buildPlan } from '../../../src/engine';
import { buildModel, parseFacts } from '../../../src/ingest';
import { AccountSnapshot, snapshotToFacts } from '../../../src/ingest/aws';

/**
 * The stores behind connection URLs, read from the account: a connection whose host is the
 * endpoint of an RDS instance or cluster, a DocumentDB or Redshift cluster, or an MSK cluster's
 * brokers is traced to that store's subnets and groups (as the templates' store resources are),
 * not to an assumed location.
 */
const GLUE_SUBNET = '10.0.1.0/24';
const dataGroup = apiSecurityGroup('sg-0db', 'vpc-0data', [...[5432, 5439, 27017, 9098].map((port) => tcpRule(port, { cidr: GLUE_SUBNET })), allTraffic({ group: 'sg-0db' })]);
const closedGroup = apiSecurityGroup('sg-0closed', 'vpc-0data', []);
const dbSubnets = apiDbSubnetGroup('data', 'vpc-0data', [['subnet-0db', 'us-east-1a']]);
const rdsHost = 'warehouse.c9akciq32.us-east-1.rds.amazonaws.com';

/** The seed's account with its warehouse connection pointing at `address` (a JDBC URL, or Kafka bootstrap servers). */
function withStore(stores: Partial<AccountSnapshot>, address: string, type = 'JDBC'): AccountSnapshot {
  const seed = account();
  return {
    ...seed,
    securityGroups: [...seed.securityGroups!.filter((g) => g.GroupId !== 'sg-0db'), dataGroup, closedGroup],
    connections: [
      seed.connections![0],
      {
        Name: 'warehouse',
        ConnectionType: type,
        ConnectionProperties: type === 'KAFKA' ? { KAFKA_BOOTSTRAP_SERVERS: address } : { JDBC_CONNECTION_URL: address },
        PhysicalConnectionRequirements: { SubnetId: 'subnet-0db', SecurityGroupIdList: ['sg-0db'], AvailabilityZone: 'us-east-1a' },
      },
    ],
    ...stores,
  };
}

const factsOf = (snapshot: AccountSnapshot) => parseFacts(snapshotToFacts(snapshot), 'the account');
function warehouse(snapshot: AccountSnapshot) {
  const plan = buildPlan(buildModel([], factsOf(snapshot)), { failover: false });
  const store = plan.jobs[0].dataStores.find((s) => s.connection.name === 'warehouse')!;
  return { verdict: store.verdict, locatedBy: store.locatedBy, findings: plan.findings.map((f) => f.message).join('\n'), explanations: store.explanations };
}

describe('RDS DescribeDBInstances', () => {
  const instance = (groups: string[], publiclyAccessible = false) => ({
    dbInstances: [apiDbInstance('warehouse', 'postgres', rdsHost, 5432, dbSubnets, groups, publiclyAccessible)],
  });

  it('declares the store of the connection whose URL names the instance endpoint: its subnet group, groups and public access', () => {
    expect(factsOf(withStore(instance(['sg-0db']), `jdbc:postgresql://${rdsHost}:5432/dw`)).dataStores).toEqual([
      { connectionName: 'warehouse', subnetIds: ['subnet-0db'], securityGroupIds: ['sg-0db'], publiclyAccessible: false },
    ]);
  });

  it('the instance admits the Glue subnet: REACHABLE, located by the declaration read from the account', () => {
    expect(warehouse(withStore(instance(['sg-0db']), `jdbc:postgresql://${rdsHost}:5432/dw`))).toMatchObject({ verdict: 'REACHABLE', locatedBy: 'declared' });
  });

  it('the instance\'s group admits nothing: UNREACHABLE (an assumed location could only say UNKNOWN)', () => {
    expect(warehouse(withStore(instance(['sg-0closed']), `jdbc:postgresql://${rdsHost}:5432/dw`)).verdict).toBe('UNREACHABLE');
  });

  it('a URL without a port takes the endpoint\'s port', () => {
    expect(factsOf(withStore(instance(['sg-0db']), `jdbc:postgresql://${rdsHost}/dw`)).dataStores![0].port).toBe(5432);
  });

  it('a host no store of the account answers to stays an assumed location: UNKNOWN', () => {
    expect(warehouse(withStore(instance(['sg-0db']), 'jdbc:postgresql://other.c9akciq32.us-east-1.rds.amazonaws.com:5432/dw')).verdict).toBe('UNKNOWN');
  });

  it('rds:DescribeDBInstances denied: the store is UNKNOWN and the plan names the permission', () => {
    const denied = withStore({ dbInstances: undefined, unread: [{ call: 'rds:DescribeDBInstances', reason: 'access denied (AccessDenied): grant rds:DescribeDBInstances' }] },
      `jdbc:postgresql://${rdsHost}:5432/dw`);
    const result = warehouse(denied);
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.findings).toContain('rds:DescribeDBInstances could not be read (access denied (AccessDenied): grant rds:DescribeDBInstances)');
  });
});

describe('RDS DescribeDBClusters (Aurora, DocumentDB)', () => {
  const clusterHost = 'orders.cluster-c9akciq32.us-east-1.rds.amazonaws.com';
  const aurora = (memberAccess: boolean[]) => ({
    dbInstances: memberAccess.map((pub, i) => apiDbInstance(`orders-${i}`, 'aurora-postgresql', `orders-${i}.c9akciq32.us-east-1.rds.amazonaws.com`, 5432, dbSubnets, ['sg-0db'], pub, 'orders')),
    dbClusters: [apiDbCluster('orders', 'aurora-postgresql', clusterHost, 5432, 'data', ['sg-0db'], memberAccess.map((_, i) => `orders-${i}`))],
    dbSubnetGroups: [dbSubnets],
  });

  it('the cluster endpoint: the subnets of its DB subnet group (DescribeDBSubnetGroups), REACHABLE', () => {
    const snapshot = withStore(aurora([false, false]), `jdbc:postgresql://${clusterHost}:5432/orders`);
    expect(factsOf(snapshot).dataStores).toEqual([{ connectionName: 'warehouse', subnetIds: ['subnet-0db'], securityGroupIds: ['sg-0db'], publiclyAccessible: false }]);
    expect(warehouse(snapshot).verdict).toBe('REACHABLE');
  });

  it('the reader endpoint is the same store', () => {
    expect(warehouse(withStore(aurora([false]), `jdbc:postgresql://${clusterHost.replace('.cluster-', '.cluster-ro-')}:5432/orders`)).verdict).toBe('REACHABLE');
  });

  it('members that differ in public access: not declared, UNKNOWN (never taken as private)', () => {
    const snapshot = withStore(aurora([false, true]), `jdbc:postgresql://${clusterHost}:5432/orders`);
    expect(factsOf(snapshot).dataStores).toBeUndefined();
    expect(warehouse(snapshot).verdict).toBe('UNKNOWN');
  });

  it('DescribeDBSubnetGroups not read: the cluster\'s subnets are unknown, UNKNOWN', () => {
    const snapshot = withStore({ ...aurora([false]), dbSubnetGroups: undefined }, `jdbc:postgresql://${clusterHost}:5432/orders`);
    expect(warehouse(snapshot).verdict).toBe('UNKNOWN');
  });

  it('a DocumentDB cluster (engine docdb) behind a MongoDB URL', () => {
    const docdbHost = 'docs.cluster-c9akciq32.us-east-1.docdb.amazonaws.com';
    const snapshot = withStore({
      dbInstances: [apiDbInstance('docs-0', 'docdb', 'docs-0.c9akciq32.us-east-1.docdb.amazonaws.com', 27017, dbSubnets, ['sg-0db'], false, 'docs')],
      dbClusters: [apiDbCluster('docs', 'docdb', docdbHost, 27017, 'data', ['sg-0db'], ['docs-0'])],
      dbSubnetGroups: [dbSubnets],
    }, `mongodb://${docdbHost}:27017/docs`, 'MONGODB');
    expect(warehouse(snapshot).verdict).toBe('REACHABLE');
  });
});

describe('Redshift DescribeClusters and DescribeClusterSubnetGroups', () => {
  const host = 'dw.c9akciq32.us-east-1.redshift.amazonaws.com';
  const redshift = (groups: string[]) => ({
    redshiftClusters: [apiRedshiftCluster('dw', host, 'data', groups)],
    redshiftSubnetGroups: [apiRedshiftSubnetGroup('data', 'vpc-0data', ['subnet-0db'])],
  });

  it('the cluster endpoint: the cluster subnet group\'s subnets and the cluster\'s groups', () => {
    expect(warehouse(withStore(redshift(['sg-0db']), `jdbc:redshift://${host}:5439/dev`)).verdict).toBe('REACHABLE');
    expect(warehouse(withStore(redshift(['sg-0closed']), `jdbc:redshift://${host}:5439/dev`)).verdict).toBe('UNREACHABLE');
  });
});

describe('MSK ListClustersV2 and GetBootstrapBrokers', () => {
  const cluster = apiMskCluster('events', ['subnet-0db'], ['sg-0db']);
  const brokers = ['b-1.events.abc123.c2.kafka.us-east-1.amazonaws.com', 'b-2.events.abc123.c2.kafka.us-east-1.amazonaws.com'];
  const servers = brokers.map((b) => `${b}:9098`).join(',');

  it('every bootstrap broker is the cluster: its client subnets and groups', () => {
    const snapshot = withStore({ mskClusters: [cluster], mskBootstrapBrokers: [apiBootstrapBrokers(cluster, brokers)] }, servers, 'KAFKA');
    expect(factsOf(snapshot).dataStores).toEqual([{ connectionName: 'warehouse', subnetIds: ['subnet-0db'], securityGroupIds: ['sg-0db'], ports: [9098], publiclyAccessible: false }]);
    expect(warehouse(snapshot).verdict).toBe('REACHABLE');
  });

  it('the brokers listen only on the ports GetBootstrapBrokers lists: plaintext 9092 on an IAM-only cluster is UNREACHABLE (was REACHABLE), 9098 REACHABLE', () => {
    const on = (port: number) => warehouse(withStore({ mskClusters: [cluster], mskBootstrapBrokers: [apiBootstrapBrokers(cluster, brokers)] },
      brokers.map((b) => `${b}:${port}`).join(','), 'KAFKA'));
    const refused = on(9092);
    expect(refused.verdict).toBe('UNREACHABLE');
    expect(refused.explanations.find((e) => e.code === 'STORE_PORT_MISMATCH')?.message).toMatch(/connects to TCP 9092, but .* is declared to listen on 9098 only/);
    expect(on(9098).verdict).toBe('REACHABLE');
  });

  describe('multi-VPC private connectivity (BootstrapBrokerStringVpcConnectivity*, ports 14001 and up) is not a listener in the broker subnets', () => {
    const vpcHosts = ['b-1.iam.events.abc123.c2.kafka.us-east-1.amazonaws.com', 'b-2.iam.events.abc123.c2.kafka.us-east-1.amazonaws.com'];
    const strings = {
      ...apiBootstrapBrokers(cluster, brokers),
      BootstrapBrokerStringVpcConnectivitySaslIam: vpcHosts.map((h, i) => `${h}:${14001 + i}`).join(','),
      BootstrapBrokerStringSaslIamIpv6: brokers.map((b) => `${b}:20098`).join(','),
    };
    const over = (address: string) => withStore({ mskClusters: [cluster], mskBootstrapBrokers: [strings] }, address, 'KAFKA');
    // The broker subnets' group admits the Glue subnet on every port: only the reading can refuse.
    const openGroup = apiSecurityGroup('sg-0db', 'vpc-0data', [
      tcpRule(9098, { cidr: GLUE_SUBNET }), { IpProtocol: 'tcp', FromPort: 14001, ToPort: 20098, IpRanges: [{ CidrIp: GLUE_SUBNET }] }, allTraffic({ group: 'sg-0db' }),
    ]);
    const open = (snapshot: AccountSnapshot) => ({ ...snapshot, securityGroups: [...snapshot.securityGroups!.filter((g) => g.GroupId !== 'sg-0db'), openGroup] });

    it('the IAM listener keeps its port only: the private connectivity and IPv6 ports are not listeners of the broker subnets', () => {
      expect(factsOf(over(servers)).dataStores).toEqual([{ connectionName: 'warehouse', subnetIds: ['subnet-0db'], securityGroupIds: ['sg-0db'], ports: [9098], publiclyAccessible: false }]);
    });

    it('a connection to the private connectivity brokers is UNKNOWN naming the managed VPC connection (was REACHABLE through the broker subnets)', () => {
      const result = warehouse(open(over(vpcHosts.map((h, i) => `${h}:${14001 + i}`).join(','))));
      expect(result.verdict).toBe('UNKNOWN');
      expect(result.explanations.map((e) => e.message).join('\n')).toMatch(/BootstrapBrokerStringVpcConnectivitySaslIam is the multi-VPC private connectivity of MSK cluster events .* managed VPC connection's endpoint in its own VPC/);
    });

    it('the brokers\' own hosts on a private connectivity port, or on an IPv6 port: UNKNOWN (was REACHABLE on a port listed as a listener)', () => {
      expect(warehouse(open(over(brokers.map((b) => `${b}:14001`).join(',')))).verdict).toBe('UNKNOWN');
      const ipv6 = warehouse(open(over(brokers.map((b) => `${b}:20098`).join(','))));
      expect(ipv6.verdict).toBe('UNKNOWN');
      expect(ipv6.explanations.map((e) => e.message).join('\n')).toMatch(/BootstrapBrokerStringSaslIamIpv6 is the IPv6 listener of MSK cluster events/);
      expect(warehouse(open(over(servers))).verdict).toBe('REACHABLE');
    });
  });

  it('GetBootstrapBrokers not read: the brokers cannot be told apart from any host, UNKNOWN', () => {
    const snapshot = withStore({ mskClusters: [cluster], mskBootstrapBrokers: undefined }, servers, 'KAFKA');
    expect(warehouse(snapshot).verdict).toBe('UNKNOWN');
  });
});
