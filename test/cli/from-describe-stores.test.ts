import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { AccountSnapshot, DESCRIBE_FILES } from '../../src/ingest/aws';
import { accountOverTransitGateway, allTraffic, apiBootstrapBrokers, apiMskCluster, tcpRule } from '../ingest/aws/api-builders';

/**
 * Where the emulator falls short (moto has no GetBootstrapBrokers; its SearchTransitGatewayRoutes
 * names no attachment), the account is given as saved `aws ... --output json` files: the seed's
 * account joined by a transit gateway, with an MSK cluster (IAM authentication) in the data VPC.
 * Its plan and the plan of the same world written as an app's template agree job for job, store
 * for store.
 */
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gnp-describe-stores-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: dir });
  return { code, stdout, stderr };
}

const verdicts = (json: string) => JSON.parse(json).jobs.map((job: any) => ({
  job: job.name, selected: job.selectedConnection?.name, stores: job.dataStores.map((s: any) => `${s.connection.name}:${s.verdict}`),
}));

function save(snapshot: AccountSnapshot): string {
  const out = join(dir, 'describe');
  mkdirSync(out);
  for (const { part, file, key } of DESCRIBE_FILES) {
    if (snapshot[part] !== undefined) writeFileSync(join(out, file), JSON.stringify({ [key]: snapshot[part] }, null, 2));
  }
  writeFileSync(join(out, 'region.txt'), 'us-east-1\n');
  return out;
}

const brokers = ['b-1.events.abc123.c2.kafka.us-east-1.amazonaws.com', 'b-2.events.abc123.c2.kafka.us-east-1.amazonaws.com'];

/** The account: over the transit gateway, the data group admitting the Glue subnet on `ports`. */
function deployed(ports: number[], eventsPort = 9098): AccountSnapshot {
  const world = accountOverTransitGateway({ dbIngress: [...ports.map((port) => tcpRule(port, { cidr: '10.0.1.0/24' })), allTraffic({ group: 'sg-0db' })] });
  const cluster = apiMskCluster('events', ['subnet-0db'], ['sg-0db']);
  return {
    ...world,
    mskClusters: [cluster],
    mskBootstrapBrokers: [apiBootstrapBrokers(cluster, brokers)],
    connections: [
      ...world.connections!,
      {
        Name: 'events',
        ConnectionType: 'KAFKA',
        ConnectionProperties: { KAFKA_BOOTSTRAP_SERVERS: brokers.map((b) => `${b}:${eventsPort}`).join(',') },
        PhysicalConnectionRequirements: { SubnetId: 'subnet-0db', SecurityGroupIdList: ['sg-0db'], AvailabilityZone: 'us-east-1a' },
      },
    ],
    jobs: [{ ...world.jobs![0], Connections: { Connections: ['glue-net', 'warehouse', 'events'] } }],
  };
}

const ref = (id: string) => ({ Ref: id });
/** The same world as an app's template. */
function template(ports: number[], eventsPort = 9098): object {
  const vpc = (cidr: string) => ({ Type: 'AWS::EC2::VPC', Properties: { CidrBlock: cidr, EnableDnsSupport: true, EnableDnsHostnames: true } });
  const subnet = (vpcId: string, cidr: string) => ({ Type: 'AWS::EC2::Subnet', Properties: { VpcId: ref(vpcId), CidrBlock: cidr, AvailabilityZone: 'us-east-1a' } });
  const connection = (name: string, type: string, groupId: string, subnetId: string, properties: object) => ({
    Type: 'AWS::Glue::Connection',
    Properties: {
      CatalogId: ref('AWS::AccountId'),
      ConnectionInput: {
        Name: name,
        ConnectionType: type,
        ConnectionProperties: properties,
        PhysicalConnectionRequirements: { SubnetId: ref(subnetId), SecurityGroupIdList: [ref(groupId)], AvailabilityZone: 'us-east-1a' },
      },
    },
  });
  const link = (type: string, attachment: string) => ({ Type: type, Properties: { TransitGatewayRouteTableId: ref('HubTable'), TransitGatewayAttachmentId: ref(attachment) } });
  return {
    Resources: {
      GlueVpc: vpc('10.0.0.0/16'),
      DataVpc: vpc('10.50.0.0/16'),
      GlueSubnet: subnet('GlueVpc', '10.0.1.0/24'),
      DbSubnet: subnet('DataVpc', '10.50.1.0/24'),
      GlueTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('GlueVpc') } },
      DataTable: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('DataVpc') } },
      GlueAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { RouteTableId: ref('GlueTable'), SubnetId: ref('GlueSubnet') } },
      DataAssoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { RouteTableId: ref('DataTable'), SubnetId: ref('DbSubnet') } },
      S3Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcId: ref('GlueVpc'), ServiceName: 'com.amazonaws.us-east-1.s3', VpcEndpointType: 'Gateway', RouteTableIds: [ref('GlueTable')] } },
      Hub: { Type: 'AWS::EC2::TransitGateway', Properties: { DefaultRouteTableAssociation: 'disable', DefaultRouteTablePropagation: 'disable' } },
      GlueAttachment: { Type: 'AWS::EC2::TransitGatewayVpcAttachment', Properties: { TransitGatewayId: ref('Hub'), VpcId: ref('GlueVpc'), SubnetIds: [ref('GlueSubnet')] } },
      DataAttachment: { Type: 'AWS::EC2::TransitGatewayVpcAttachment', Properties: { TransitGatewayId: ref('Hub'), VpcId: ref('DataVpc'), SubnetIds: [ref('DbSubnet')] } },
      HubTable: { Type: 'AWS::EC2::TransitGatewayRouteTable', Properties: { TransitGatewayId: ref('Hub') } },
      GlueAssociation: link('AWS::EC2::TransitGatewayRouteTableAssociation', 'GlueAttachment'),
      DataAssociation: link('AWS::EC2::TransitGatewayRouteTableAssociation', 'DataAttachment'),
      GluePropagation: link('AWS::EC2::TransitGatewayRouteTablePropagation', 'GlueAttachment'),
      DataPropagation: link('AWS::EC2::TransitGatewayRouteTablePropagation', 'DataAttachment'),
      GlueToData: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('GlueTable'), DestinationCidrBlock: '10.50.0.0/16', TransitGatewayId: ref('Hub') } },
      DataToGlue: { Type: 'AWS::EC2::Route', Properties: { RouteTableId: ref('DataTable'), DestinationCidrBlock: '10.0.0.0/16', TransitGatewayId: ref('Hub') } },
      GlueGroup: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'g', VpcId: ref('GlueVpc'), SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] } },
      DbGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'g',
          VpcId: ref('DataVpc'),
          SecurityGroupIngress: ports.map((port) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, CidrIp: '10.0.1.0/24' })),
          SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }],
        },
      },
      GlueSelf: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: ref('GlueGroup'), IpProtocol: '-1', SourceSecurityGroupId: ref('GlueGroup') } },
      DbSelf: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: ref('DbGroup'), IpProtocol: '-1', SourceSecurityGroupId: ref('DbGroup') } },
      Events: {
        Type: 'AWS::MSK::Cluster',
        Properties: {
          ClusterName: 'events',
          KafkaVersion: '3.6.0',
          NumberOfBrokerNodes: 2,
          BrokerNodeGroupInfo: { ClientSubnets: [ref('DbSubnet')], SecurityGroups: [ref('DbGroup')], InstanceType: 'kafka.m5.large' },
          ClientAuthentication: { Sasl: { Iam: { Enabled: true } } },
        },
      },
      GlueNet: connection('glue-net', 'NETWORK', 'GlueGroup', 'GlueSubnet', {}),
      Warehouse: connection('warehouse', 'JDBC', 'DbGroup', 'DbSubnet', { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.50.1.10:5432/dw' }),
      EventsConnection: connection('events', 'KAFKA', 'DbGroup', 'DbSubnet', { KAFKA_BOOTSTRAP_SERVERS: { 'Fn::GetAtt': ['Events', eventsPort === 9092 ? 'BootstrapBrokers' : 'BootstrapBrokersSaslIam'] } }),
      Etl: {
        Type: 'AWS::Glue::Job',
        Properties: {
          Name: 'etl',
          Role: 'r',
          Command: { Name: 'glueetl' },
          WorkerType: 'G.1X',
          NumberOfWorkers: 2,
          Connections: { Connections: ['glue-net', ref('Warehouse'), ref('EventsConnection')] },
        },
      },
    },
  };
}

describe('--from-describe: transit gateway and MSK, against the template of the same world', () => {
  it.each([
    [[5432, 9098], 9098, ['glue-net:NONE', 'warehouse:REACHABLE', 'events:REACHABLE']],
    [[5432], 9098, ['glue-net:NONE', 'warehouse:REACHABLE', 'events:UNREACHABLE']],
    // The cluster has no plaintext listener (IAM only): 9092 is refused however open the groups are.
    [[5432, 9092, 9098], 9092, ['glue-net:NONE', 'warehouse:REACHABLE', 'events:UNREACHABLE']],
  ])('the data group admits %j, the Kafka connection uses %d: the saved account plans as its template does', (ports, eventsPort, stores) => {
    writeFileSync(join(dir, 'app.json'), JSON.stringify(template(ports, eventsPort)));
    const fromTemplate = cli('app.json', '--format', 'json', '--no-failover');
    const fromAccount = cli('--from-describe', save(deployed(ports, eventsPort)), '--format', 'json', '--no-failover');
    expect(fromAccount.stderr).toBe('');
    const normalised = (json: string) => verdicts(json).map((job: any) => ({ ...job, stores: job.stores.filter((s: string) => !s.startsWith('glue-net:')) }));
    expect(normalised(fromTemplate.stdout)).toEqual([{ job: 'etl', selected: 'glue-net', stores: stores.filter((s) => !s.startsWith('glue-net:')) }]);
    expect(normalised(fromAccount.stdout)).toEqual(normalised(fromTemplate.stdout));
    if (eventsPort === 9092) {
      const codes = (json: string) => JSON.parse(json).jobs[0].dataStores.find((s: any) => s.connection.name === 'events').explanations.map((e: any) => e.code);
      expect(codes(fromAccount.stdout)).toContain('STORE_PORT_MISMATCH');
      expect(codes(fromTemplate.stdout)).toContain('STORE_PORT_MISMATCH');
    }
  });
});
