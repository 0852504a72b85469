/**
 * An MSK cluster's brokers listen only on the ports of the listeners its ClientAuthentication and
 * EncryptionInfo.EncryptionInTransit.ClientBroker turn on (9092 plaintext, 9094 TLS, 9096
 * SASL/SCRAM, 9098 IAM): a Kafka connection to another port is refused (STORE_PORT_MISMATCH),
 * however open the network is, and auto-peer adds nothing for it.
 */
import { anyResource, getAtt, glueConnection, glueJob, glueReadyVpc, join, modelOf, ref, securityGroup } from './builders';
import { buildPlan, DataStorePlan } from '../../src/engine';
import { blockedStorePaths } from '../../src/engine/route-repair';

/** A Glue-ready VPC; one group on the Glue ENI and the brokers, admitting all TCP from itself. */
const network = {
  ...glueReadyVpc('A', '10.0.0.0/16', '10.0.1.0/24', 'us-east-1a'),
  Sg: securityGroup(ref('VpcA'), { SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '0.0.0.0/0' }] }),
  SelfIngress: anyResource('AWS::EC2::SecurityGroupIngress', { GroupId: getAtt('Sg', 'GroupId'), IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, SourceSecurityGroupId: getAtt('Sg', 'GroupId') }),
};

function kafkaStore(cluster: Record<string, unknown>, connection: Record<string, unknown>, extra: Record<string, unknown> = {}): DataStorePlan {
  const model = modelOf({
    ...network,
    Msk: anyResource('AWS::MSK::Cluster', {
      ClusterName: 'events',
      KafkaVersion: '3.6.0',
      NumberOfBrokerNodes: 2,
      BrokerNodeGroupInfo: { InstanceType: 'kafka.m5.large', ClientSubnets: [ref('SubA')], SecurityGroups: [getAtt('Sg', 'GroupId')] },
      ...cluster,
    }),
    Kafka: glueConnection('events', ref('SubA'), [getAtt('Sg', 'GroupId')], connection, 'KAFKA'),
    Job: glueJob([ref('Kafka')], { Name: 'stream' }),
  }, extra);
  return buildPlan(model, { failover: false }).jobs[0].dataStores[0];
}

const iamOnly = { ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } };
const codes = (s: DataStorePlan) => s.explanations.map((e) => e.code);

describe('plaintext 9092 on a cluster without a plaintext listener', () => {
  test('ClientBroker TLS (the default) and IAM only: a connection on 9092 is UNREACHABLE (was REACHABLE), naming the cluster, the port and the listeners', () => {
    const s = kafkaStore(iamOnly, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokers'), KAFKA_SSL_ENABLED: 'false' });
    expect(s.port).toBe(9092);
    expect(s.paths.map((p) => p.verdict)).toEqual(['REACHABLE']);
    expect(s.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.code === 'STORE_PORT_MISMATCH')!;
    expect(e.message).toMatch(/connects to TCP 9092, but the brokers of MSK cluster .*Msk have no listener on it: they listen on 9098 \(IAM\)/);
    expect(e.message).toMatch(/ClientBroker TLS, the default/);
    expect(e.fix).toMatch(/9098 \(IAM\).*ClientBroker to TLS_PLAINTEXT/);
  });

  test('a literal port 9092 after the bootstrap attribute, a TLS-only cluster without client authentication: UNREACHABLE; 9094 there: REACHABLE', () => {
    const tlsOnly = { EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS' } } };
    const on = (port: number) => kafkaStore(tlsOnly, { KAFKA_BOOTSTRAP_SERVERS: join('', [getAtt('Msk', 'BootstrapBrokersTls'), `:${port}`]) });
    expect(on(9092).verdict).toBe('UNREACHABLE');
    expect(on(9094).verdict).toBe('REACHABLE');
  });

  test('TLS (9094) on a cluster without ClientAuthentication: REACHABLE, and the verdict states that it rests on unauthenticated access being the default (an assumption); with Unauthenticated or mutual TLS set, no such assumption', () => {
    const conn = { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersTls'), KAFKA_SSL_ENABLED: 'true' };
    const s = kafkaStore({}, conn);
    expect(s.verdict).toBe('REACHABLE');
    expect(s.assumptions.join(' ')).toMatch(/sets no ClientAuthentication: its TLS listener \(9094\) is taken to be on, MSK allowing unauthenticated access by default \(an assumption: the MSK API's default is not documented\)/);
    expect(kafkaStore({ ClientAuthentication: { Unauthenticated: { Enabled: true } } }, conn).assumptions.join(' ')).not.toMatch(/ClientAuthentication/);
    // The plaintext listener does not rest on it.
    expect(kafkaStore({ EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS_PLAINTEXT' } } }, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokers'), KAFKA_SSL_ENABLED: 'false' }).assumptions.join(' ')).not.toMatch(/ClientAuthentication/);
  });

  test('ClientBroker TLS_PLAINTEXT or PLAINTEXT: 9092 answers, REACHABLE', () => {
    for (const broker of ['TLS_PLAINTEXT', 'PLAINTEXT']) {
      const s = kafkaStore({ EncryptionInfo: { EncryptionInTransit: { ClientBroker: broker } } }, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokers'), KAFKA_SSL_ENABLED: 'false' });
      expect([broker, s.verdict]).toEqual([broker, 'REACHABLE']);
    }
  });

  test('IAM on 9098 and SASL/SCRAM on 9096 answer where turned on, not where not', () => {
    expect(kafkaStore(iamOnly, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersSaslIam'), KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM' }).verdict).toBe('REACHABLE');
    const scram = kafkaStore(iamOnly, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersSaslScram'), KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' });
    expect(scram.verdict).toBe('UNREACHABLE');
    expect(scram.explanations.find((x) => x.code === 'STORE_PORT_MISMATCH')?.fix).toMatch(/Sasl\.Scram/);
  });

  test('a TLS connection (9094) to a cluster with IAM only and no Unauthenticated: UNREACHABLE, the assumption said', () => {
    const s = kafkaStore(iamOnly, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersTls'), KAFKA_SSL_ENABLED: 'true' });
    expect(s.verdict).toBe('UNREACHABLE');
    expect(s.explanations.find((x) => x.code === 'STORE_PORT_MISMATCH')?.message).toMatch(/Unauthenticated not set, taken as off \(an assumption/);
  });

  test('a cluster whose settings turn every listener off: the message says none is on (not "they listen on none only")', () => {
    const s = kafkaStore({ ClientAuthentication: { Sasl: { Iam: { Enabled: false } } } }, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersSaslIam') });
    expect(s.verdict).toBe('UNREACHABLE');
    const e = s.explanations.find((x) => x.code === 'STORE_PORT_MISMATCH')!;
    expect(e.message).toMatch(/have no listener on it: none of their listeners is on\. Settings: /);
    expect(e.fix).toMatch(/^Turn a listener on in /);
  });

  test('a port MSK never listens on (9093): UNREACHABLE', () => {
    expect(kafkaStore({}, { KAFKA_BOOTSTRAP_SERVERS: join('', [getAtt('Msk', 'BootstrapBrokers'), ':9093']) }).verdict).toBe('UNREACHABLE');
  });

  test('auto-peer adds nothing for it: no blocked path to repair', () => {
    const s = kafkaStore(iamOnly, { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokers'), KAFKA_SSL_ENABLED: 'false' });
    expect(codes(s)).toContain('STORE_PORT_MISMATCH');
    expect(blockedStorePaths([s])).toEqual([]);
  });
});

describe('listener settings the templates do not resolve: UNKNOWN, saying what is missing', () => {
  test('ClientBroker from a parameter without a value', () => {
    const s = kafkaStore({ EncryptionInfo: { EncryptionInTransit: { ClientBroker: ref('Broker') } } },
      { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokers'), KAFKA_SSL_ENABLED: 'false' },
      { Parameters: { Broker: { Type: 'String' } } });
    expect(s.verdict).toBe('UNKNOWN');
    const e = s.explanations.find((x) => x.code === 'UNKNOWN_STORE_PORT')!;
    expect(e.message).toMatch(/whether the brokers of MSK cluster .*Msk listen on it is unknown: .*parameter Broker/);
  });

  test('IAM turned on under a condition', () => {
    const s = kafkaStore({ ClientAuthentication: { Sasl: { Iam: { Enabled: { 'Fn::If': ['UseIam', true, false] } } } } },
      { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersSaslIam'), KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM' },
      { Parameters: { Mode: { Type: 'String' } }, Conditions: { UseIam: { 'Fn::Equals': [ref('Mode'), 'iam'] } } });
    expect(s.verdict).toBe('UNKNOWN');
    expect(codes(s)).toContain('UNKNOWN_STORE_PORT');
  });

  test('mutual TLS from certificate authorities listed by a CommaDelimitedList parameter without a value: a TLS connection (9094) is UNKNOWN (was UNREACHABLE, "no listener")', () => {
    const s = kafkaStore({ ClientAuthentication: { Tls: { CertificateAuthorityArnList: ref('Cas') } } },
      { KAFKA_BOOTSTRAP_SERVERS: getAtt('Msk', 'BootstrapBrokersTls'), KAFKA_SSL_ENABLED: 'true' },
      { Parameters: { Cas: { Type: 'CommaDelimitedList' } } });
    expect(s.verdict).toBe('UNKNOWN');
    expect(s.explanations.find((x) => x.code === 'UNKNOWN_STORE_PORT')?.message).toMatch(/parameter Cas/);
  });

  test('a public-access port (9198) on a cluster with public access: UNKNOWN (that path is over the internet, not traced); without public access: UNREACHABLE', () => {
    const conn = { KAFKA_BOOTSTRAP_SERVERS: join('', [getAtt('Msk', 'BootstrapBrokersSaslIam'), ':9198']) };
    const pub = kafkaStore({ ...iamOnly, ConnectivityInfo: { PublicAccess: { Type: 'SERVICE_PROVIDED_EIPS' } } }, conn);
    expect(pub.verdict).toBe('UNKNOWN');
    expect(kafkaStore(iamOnly, conn).verdict).toBe('UNREACHABLE');
  });
});

describe('multi-VPC private connectivity ports (14001 and up)', () => {
  const on14001 = { KAFKA_BOOTSTRAP_SERVERS: join('', [getAtt('Msk', 'BootstrapBrokersSaslIam'), ':14001']) };
  const multiVpc = { ...iamOnly, ConnectivityInfo: { VpcConnectivity: { ClientAuthentication: { Sasl: { Iam: { Enabled: true } } } } } };

  test('with ConnectivityInfo.VpcConnectivity on: UNKNOWN, the port served through a managed VPC connection (was UNREACHABLE: "no listener on it")', () => {
    const s = kafkaStore(multiVpc, on14001);
    expect(s.verdict).toBe('UNKNOWN');
    expect(codes(s)).not.toContain('STORE_PORT_MISMATCH');
    expect(s.explanations.map((e) => e.message).join('\n')).toMatch(/14001 is a port of the cluster's multi-VPC private connectivity .* managed VPC connection/);
  });

  test('without it, or with it off: no broker listens on 14001, UNREACHABLE', () => {
    expect(kafkaStore(iamOnly, on14001).verdict).toBe('UNREACHABLE');
    expect(kafkaStore({ ...iamOnly, ConnectivityInfo: { VpcConnectivity: { ClientAuthentication: { Sasl: { Iam: { Enabled: false } } } } } }, on14001).verdict).toBe('UNREACHABLE');
  });
});
