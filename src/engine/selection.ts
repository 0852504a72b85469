import { formatRange, GlueConnection, GlueJob, Subnet, Vpc } from '../model';
import { enisPerRun, totalAddresses, usableAddresses } from './capacity';
import { Candidate, ConnectionSummary, Reason } from './plan';
import { lookupRoutes } from './routing';
import { Topology } from './topology';

export interface Selection {
  readonly candidates: Candidate[];
  /** The connection Glue selects, when it can be decided. */
  readonly selected?: { connection: GlueConnection; subnet: Subnet; vpc: Vpc };
  /** A candidate before the selected one (or all of them) could not be judged. */
  readonly uncertain: boolean;
}

export function summarize(topo: Topology, connection: GlueConnection | undefined, name: string): ConnectionSummary {
  if (!connection) return { id: name, source: { stack: '', logicalId: '' }, name };
  const subnet = connection.subnetId ? topo.subnet(connection.subnetId) : undefined;
  return {
    id: connection.id,
    source: connection.source,
    name: connection.name.known ? connection.name.value : connection.source.logicalId,
    subnet: connection.subnetId,
    az: subnet?.availabilityZone.known ? subnet.availabilityZone.value : connection.availabilityZone?.known ? connection.availabilityZone.value : undefined,
    vpc: subnet?.vpcId.known ? subnet.vpcId.value : undefined,
  };
}

type Suitability = { status: 'suitable' | 'unsuitable' | 'unknown'; reasons: Reason[]; subnet?: Subnet; vpc?: Vpc };

/** The suitability checks Glue makes at run submission (valid subnet, AZ, S3 path, IPs, AZ health). */
export function judgeConnection(topo: Topology, connection: GlueConnection, job: GlueJob, azDown: ReadonlySet<string>): Suitability {
  const reasons: Reason[] = [];
  const subnet = topo.subnet(connection.subnetId!);
  if (!subnet) {
    return { status: 'unknown', reasons: [{ code: 'SUBNET_NOT_DESCRIBED', message: `subnet ${connection.subnetId} is not described by the templates or --facts, so Glue's checks cannot be replayed` }] };
  }
  const vpc = topo.vpcOfSubnet(subnet);
  if (!vpc.known) return { status: 'unknown', reasons: [{ code: 'VPC_NOT_DESCRIBED', message: vpc.reason }], subnet };
  let status: Suitability['status'] = 'suitable';
  const fail = (code: string, message: string) => { status = 'unsuitable'; reasons.push({ code, message }); };
  const maybe = (code: string, message: string) => { if (status === 'suitable') status = 'unknown'; reasons.push({ code, message }); };

  const az = subnet.availabilityZone;
  if (connection.availabilityZone?.known && az.known && connection.availabilityZone.value !== az.value) {
    fail('AZ_MISMATCH', `AvailabilityZone ${connection.availabilityZone.value} does not match subnet ${subnet.id}'s AZ ${az.value}`);
  }
  if (az.known && azDown.has(az.value)) fail('AZ_UNHEALTHY', `${az.value} is treated as failed, so Glue skips connections in it`);

  const s3 = s3Path(topo, subnet, vpc.value);
  if (s3.status === 'none') fail('NO_S3_PATH', s3.message);
  else if (s3.status === 'unknown') maybe('S3_PATH_UNKNOWN', s3.message);
  else reasons.push({ code: 'S3_PATH', message: s3.message });

  // A subnet smaller than one run is never suitable; one whose free addresses (after those known
  // to be used) fall short may still be selected when addresses are released: a warning.
  const total = totalAddresses(subnet);
  const usable = usableAddresses(subnet);
  const demand = enisPerRun(job);
  if (total === undefined || usable === undefined) maybe('IP_CAPACITY_UNKNOWN', `size of ${subnet.id} is unknown`);
  else if (demand > total) fail('IP_CAPACITY', `${subnet.id} (${subnet.cidr.known ? subnet.cidr.value.text : '?'}) has ${total} usable addresses, one run needs ${demand} ENIs`);
  else if (demand > usable) reasons.push({ code: 'IP_LOW', message: `${subnet.id} has ${usable} free addresses (${subnet.usedAddresses} known used), one run needs ${demand} ENIs` });
  return { status, reasons, subnet, vpc: vpc.value };
}

interface S3PathResult { status: 'ok' | 'none' | 'unknown'; message: string }

/**
 * An S3 path: a gateway endpoint for S3 on the subnet's effective route table, or a default
 * route to a NAT gateway in the same VPC. An internet gateway alone does not count: Glue ENIs
 * have no public IP.
 */
export function s3Path(topo: Topology, subnet: Subnet, vpc: Vpc): S3PathResult {
  const table = topo.effectiveRouteTable(subnet);
  if (!table.known) return { status: 'unknown', message: table.reason };
  const rt = table.value;
  const rtName = rt.implicitMain ? `main route table of ${vpc.id}` : rt.id;
  const endpoints = topo.gatewayEndpointsOn(rt.id).filter((e) => e.type === 'Gateway');
  if (endpoints.some((e) => e.service.known && e.service.value === 's3')) {
    return { status: 'ok', message: `S3 gateway endpoint on ${rtName}` };
  }
  const unknownService = endpoints.find((e) => !e.service.known);
  const defaultRoute = lookupRoutes(rt, vpc, { first: 0x08080808, last: 0x08080808 })[0];
  const target = defaultRoute?.target;
  if (target?.kind === 'nat-gateway') {
    const nat = target.targetId ? topo.model.natGateways.get(target.targetId) : undefined;
    const natSubnet = nat?.subnetId.known ? topo.subnet(nat.subnetId.value) : undefined;
    if (nat && natSubnet?.vpcId.known && natSubnet.vpcId.value !== vpc.id) {
      return { status: 'none', message: `${rtName} routes to NAT gateway ${nat.id} of another VPC (NGW_REQUIRES_SOURCE_IN_VPC)` };
    }
    if (nat?.connectivity === 'private') {
      return { status: 'none', message: `${rtName} routes to private NAT gateway ${nat.id}, which cannot reach S3 (it has no internet path)` };
    }
    return { status: 'ok', message: `default route to NAT gateway ${target.description} on ${rtName}` };
  }
  if (unknownService) return { status: 'unknown', message: `gateway endpoint ${unknownService.id} on ${rtName} has an unresolved service name` };
  if (target && ['transit-gateway', 'vpn-gateway', 'instance', 'network-interface', 'gateway-load-balancer-endpoint', 'core-network', 'unknown', 'vpc-peering'].includes(target.kind)) {
    return { status: 'unknown', message: `the default route of ${rtName} goes to ${target.kind} ${target.description}; whether it leads to S3 is not described` };
  }
  if (!target && defaultRoute?.unknownReason) return { status: 'unknown', message: defaultRoute.unknownReason };
  const igw = target?.kind === 'internet-gateway' ? ` (only an internet gateway route for ${formatRange(defaultRoute.range)}; Glue ENIs get no public IP, so it does not count)` : '';
  return { status: 'none', message: `${rtName} has no S3 gateway endpoint and no default route to a NAT gateway${igw}` };
}

/**
 * Glue's selection: walk the network-bearing connections in list order; the first suitable one
 * is selected; later ones are not considered.
 */
export function selectConnection(topo: Topology, job: GlueJob, azDown: ReadonlySet<string>): Selection {
  const candidates: Candidate[] = [];
  let selected: Selection['selected'];
  let uncertain = false;
  for (const ref of job.connections) {
    const name = ref.name.known ? ref.name.value : ref.connectionId ?? '(unresolved)';
    const connection = ref.connectionId ? topo.model.connections.get(ref.connectionId) : undefined;
    const summary = summarize(topo, connection, name);
    if (selected) {
      candidates.push({ connection: summary, status: 'not-considered', reasons: [{ code: 'AFTER_SELECTED', message: `an earlier connection (${summarize(topo, selected.connection, '').name}) was selected` }] });
      continue;
    }
    if (!connection) {
      uncertain = true;
      candidates.push({ connection: summary, status: 'unknown', reasons: [{ code: 'CONNECTION_NOT_DESCRIBED', message: `no template or facts file defines a connection named ${name}` }] });
      continue;
    }
    if (!connection.subnetId) {
      candidates.push({ connection: summary, status: 'not-considered', reasons: [{ code: 'NO_NETWORK_CONFIGURATION', message: 'carries no network configuration (no subnet)' }] });
      continue;
    }
    const verdict = judgeConnection(topo, connection, job, azDown);
    if (verdict.status === 'suitable') {
      selected = { connection, subnet: verdict.subnet!, vpc: verdict.vpc! };
      candidates.push({ connection: summary, status: 'selected', reasons: [{ code: 'FIRST_SUITABLE', message: 'first suitable network-bearing connection in list order' }, ...verdict.reasons] });
    } else if (verdict.status === 'unsuitable') {
      candidates.push({ connection: summary, status: 'skipped', reasons: verdict.reasons.filter((r) => r.code !== 'S3_PATH') });
    } else {
      uncertain = true;
      candidates.push({ connection: summary, status: 'unknown', reasons: verdict.reasons.filter((r) => r.code !== 'S3_PATH') });
    }
  }
  return { candidates, selected, uncertain };
}
