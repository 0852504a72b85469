import { Fact, KafkaAuthentication, KafkaListeners, known, unknown } from '../model';

/**
 * Whether a store with several listeners (an MSK cluster's brokers) answers on the port Glue
 * connects to, and in words which listeners it has and how to turn one on.
 */
export interface ListenerCheck {
  readonly answers: Fact<boolean>;
  /** The listeners that are on (and those whose state is unknown), in words. */
  readonly listening: string;
  /** The settings that decide them, in words. */
  readonly settings: string;
  /** How to make the brokers listen on the port (the other fix is to connect to a listening port). */
  readonly enable: string;
  /** The assumption the answer rests on, when the listener is taken to be on by one. */
  readonly assumption?: string;
}

const NAMES: Record<KafkaAuthentication, string> = { 'plaintext': 'plaintext', 'tls': 'TLS', 'sasl-scram': 'SASL/SCRAM', 'iam': 'IAM' };

/**
 * MSK's broker port for each client authentication inside AWS, and over public access (MSK
 * developer guide, "Port information", https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html).
 */
export const MSK_PORTS: Record<KafkaAuthentication, number> = { 'plaintext': 9092, 'tls': 9094, 'sasl-scram': 9096, 'iam': 9098 };
const PUBLIC_PORTS: Partial<Record<KafkaAuthentication, number>> = { 'tls': 9194, 'sasl-scram': 9196, 'iam': 9198 };
/** The brokers' IPv6 ports (dual-stack clusters), which the reader does not model. */
const IPV6_PORTS = new Set([20092, 20094, 20096, 20098]);

const ENABLE: Record<KafkaAuthentication, string> = {
  'plaintext': 'set its EncryptionInfo.EncryptionInTransit.ClientBroker to TLS_PLAINTEXT (or PLAINTEXT)',
  'tls': 'turn on ClientAuthentication.Unauthenticated (or mutual TLS, ClientAuthentication.Tls) with ClientBroker TLS or TLS_PLAINTEXT',
  'sasl-scram': 'turn on ClientAuthentication.Sasl.Scram with ClientBroker TLS',
  'iam': 'turn on ClientAuthentication.Sasl.Iam with ClientBroker TLS',
};

const AUTHENTICATIONS: readonly KafkaAuthentication[] = ['plaintext', 'tls', 'sasl-scram', 'iam'];

/** The listeners in words: `9094 (TLS), 9098 (IAM)`, unknown ones marked. */
function listeningText(listeners: KafkaListeners): string {
  const parts: string[] = [];
  for (const auth of AUTHENTICATIONS) {
    const on = listeners.byAuthentication[auth];
    if (on.known && !on.value) continue;
    parts.push(`${MSK_PORTS[auth]} (${NAMES[auth]}${on.known ? '' : ', unknown'})`);
    const publicPort = PUBLIC_PORTS[auth];
    if (publicPort !== undefined && !(listeners.publicAccess.known && !listeners.publicAccess.value)) {
      parts.push(`${publicPort} (${NAMES[auth]}, public access${on.known && listeners.publicAccess.known ? '' : ', unknown'})`);
    }
  }
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * Whether an MSK cluster's brokers listen on `port`: 9092/9094/9096/9098 by the listener of each
 * client authentication; 9194/9196/9198 when public access is on too (that path is over the
 * internet, not traced here: unknown); the IPv6 ports are not modelled (unknown); any other port:
 * no broker listens on it.
 */
export function mskListenerCheck(listeners: KafkaListeners, port: number): ListenerCheck {
  const base = { listening: listeningText(listeners), settings: listeners.settings };
  const privateAuth = AUTHENTICATIONS.find((a) => MSK_PORTS[a] === port);
  if (privateAuth) {
    const assumption = listeners.assumedOn?.[privateAuth];
    return { ...base, answers: listeners.byAuthentication[privateAuth], enable: `turn its ${NAMES[privateAuth]} listener on: ${ENABLE[privateAuth]}`, ...(assumption ? { assumption } : {}) };
  }
  const publicAuth = AUTHENTICATIONS.find((a) => PUBLIC_PORTS[a] === port);
  if (publicAuth) {
    const on = listeners.byAuthentication[publicAuth];
    const enable = `turn its public ${NAMES[publicAuth]} listener on: public access (ConnectivityInfo.PublicAccess.Type SERVICE_PROVIDED_EIPS), and ${ENABLE[publicAuth]}`;
    if ((on.known && !on.value) || (listeners.publicAccess.known && !listeners.publicAccess.value)) return { ...base, answers: known(false), enable };
    const why = !on.known ? on.reason : !listeners.publicAccess.known ? listeners.publicAccess.reason
      : `${port} is the brokers' public ${NAMES[publicAuth]} listener, reached at their public addresses over the internet, a path not traced for MSK`;
    return { ...base, answers: unknown(why), enable };
  }
  // Multi-VPC private connectivity serves each broker on a port of its own from 14001 (MSK,
  // "multi-VPC private connectivity": https://docs.aws.amazon.com/msk/latest/developerguide/aws-access-mult-vpc.html;
  // up to 14100, as observed, not documented), to clients of other VPCs through managed VPC
  // connections (AWS PrivateLink): a path not traced here. With it off, no broker listens there.
  if (port >= 14001 && port <= 14100 && listeners.vpcConnectivity && !(listeners.vpcConnectivity.known && !listeners.vpcConnectivity.value)) {
    const why = listeners.vpcConnectivity.known
      ? `${port} is a port of the cluster's multi-VPC private connectivity (ConnectivityInfo.VpcConnectivity), which clients of other VPCs reach through a managed VPC connection's endpoint in their own VPC (AWS PrivateLink): that path is not traced`
      : listeners.vpcConnectivity.reason;
    return { ...base, answers: unknown(why), enable: 'connect to one of its listener ports in the cluster\'s client subnets, or declare the managed VPC connection\'s endpoint as the store (dataStores[] of --facts)' };
  }
  if (IPV6_PORTS.has(port)) {
    return { ...base, answers: unknown(`${port} is one of MSK's IPv6 listener ports, which are not read from the templates`), enable: 'connect to one of its IPv4 listener ports' };
  }
  return { ...base, answers: known(false), enable: 'use one of MSK\'s broker ports: 9092, 9094, 9096, 9098 (9194, 9196, 9198 with public access)' };
}

/** A declared store that listens on several ports (`DeclaredDataStore.ports`). */
export function declaredPortsCheck(ports: readonly number[], port: number): ListenerCheck {
  return {
    answers: known(ports.includes(port)),
    listening: ports.join(', '),
    settings: 'the ports it is declared to listen on',
    enable: 'declare the ports it listens on',
  };
}
