import { GlueConnection, Subnet, Vpc } from '../model';
import { connectionName } from './connection-name';
import { Finding, JobPlan } from './plan';
import {
  judgeAclRoundTrip, LINUX_EPHEMERAL_ASSUMPTION, LINUX_EPHEMERAL_PORTS, Outcome, PUBLIC_RANGES, publicRouteChoices, routeText,
} from './public-traffic';
import { RULES, RuleDefinition } from './rules';
import { s3PathOnce } from './selection';
import { Topology } from './topology';

/**
 * Paths from a connection's subnet to the AWS services Glue calls from inside the VPC, which
 * Glue's checks at run submission do not test: the network ACL on the S3 path (Glue only checks
 * that an S3 endpoint or NAT exists), and Secrets Manager for connections that keep their
 * credentials there. A connection Glue selects whose subnet cannot reach them is still selected,
 * and its runs fail there. Checked for every connection some job can select (its main choice, or
 * its choice after a single-AZ failure).
 */
export function servicePathFindings(topo: Topology, jobs: readonly JobPlan[]): Finding[] {
  // The connections each job can select, and whether the job reads secrets.
  const selectable = new Map<string, { jobs: string[]; secretJobs: { job: string; connections: string[] }[] }>();
  for (const plan of jobs) {
    const job = topo.model.jobs.get(plan.id);
    if (!job || job.command === 'glueray') continue;
    const secretConnections: string[] = [];
    for (const ref of job.connections) {
      const c = ref.connectionId ? topo.model.connections.get(ref.connectionId) : undefined;
      if (c?.secretProperty) secretConnections.push(`${nameOf(c)} (${c.secretProperty})`);
    }
    const ids = new Set<string>();
    if (plan.selectedConnection) ids.add(plan.selectedConnection.id);
    for (const f of plan.failover) if (f.selectedConnection) ids.add(f.selectedConnection.id);
    for (const id of ids) {
      let entry = selectable.get(id);
      if (!entry) selectable.set(id, entry = { jobs: [], secretJobs: [] });
      entry.jobs.push(plan.name);
      if (secretConnections.length) entry.secretJobs.push({ job: plan.name, connections: secretConnections });
    }
  }

  const findings: Finding[] = [];
  const add = (rule: RuleDefinition, connection: GlueConnection, message: string, fix: string) =>
    findings.push({ ruleId: rule.id, severity: rule.severity, source: connection.source, message, fix });
  // Model order, so the findings come out in a stable order.
  for (const connection of topo.model.connections.values()) {
    const entry = selectable.get(connection.id);
    if (!entry || !connection.subnetId) continue;
    const subnet = topo.subnet(connection.subnetId);
    const vpc = subnet ? topo.vpcOfSubnet(subnet) : undefined;
    if (!subnet || !vpc?.known) continue;
    const name = nameOf(connection);
    const jobsText = `job${entry.jobs.length > 1 ? 's' : ''} ${entry.jobs.join(', ')}`;

    const s3 = s3AclOnPathOnce(topo, subnet, vpc.value);
    if (s3.outcome === 'blocked') {
      add(RULES.s3PathAcl, connection,
        `Connection ${name} (selected by ${jobsText}): the network ACL of ${subnet.id} blocks HTTPS to Amazon S3: ${s3.why}. Glue checks only that an S3 endpoint or NAT exists when it selects a connection, so it still selects this one, and the runs fail reading from S3. ${LINUX_EPHEMERAL_ASSUMPTION}`,
        `Allow outbound TCP 443 to 0.0.0.0/0 (S3's addresses are a managed prefix list; a NACL needs their CIDRs) and inbound TCP 32768-60999 (or 1024-65535) from the same in ${s3.aclId}, numbered below the entries that deny them.`);
    } else if (s3.outcome === 'unknown') {
      add(RULES.servicePathUnknown, connection,
        `Connection ${name} (selected by ${jobsText}): whether the network ACL of ${subnet.id} lets HTTPS to Amazon S3 through is UNKNOWN: ${s3.why}. S3's addresses are a managed prefix list the inputs do not hold. ${LINUX_EPHEMERAL_ASSUMPTION}`,
        `Allow TCP 443 to 0.0.0.0/0 outbound and the replies inbound in ${s3.aclId}, or acknowledge this warning once you have checked the S3 prefix list's CIDRs against it.`);
    }

    if (!entry.secretJobs.length) continue;
    const secrets = secretsPath(topo, subnet, vpc.value);
    const readers = entry.secretJobs.map((s) => `${s.job} reads ${s.connections.join(', ')}`).join('; ');
    if (secrets.outcome === 'blocked') {
      add(RULES.noSecretsPath, connection,
        `Connection ${name} is selected by jobs whose connections keep credentials in AWS Secrets Manager (${readers}), but its subnet ${subnet.id} has no path to Secrets Manager: ${secrets.why}. Glue reads the secret from the ENIs in this subnet, so the runs fail (timeout reading the secret).`,
        `Add an interface VPC endpoint for Secrets Manager with private DNS to ${vpc.value.id} (vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER })), or give ${subnet.id} a default route to a NAT gateway.`);
    } else if (secrets.outcome === 'unknown') {
      add(RULES.servicePathUnknown, connection,
        `Connection ${name} is selected by jobs whose connections keep credentials in AWS Secrets Manager (${readers}); whether its subnet ${subnet.id} reaches Secrets Manager is UNKNOWN: ${secrets.why}.`,
        `Describe the endpoint or route (--facts), or add an interface VPC endpoint for Secrets Manager with private DNS to ${vpc.value.id}.`);
    }
  }
  return findings;
}

function nameOf(connection: GlueConnection): string {
  return connectionName(connection);
}

type S3AclOutcome = { outcome: Outcome; why: string; aclId: string };

/**
 * `s3AclOnPath` by subnet, per topology: the connections of a subnet share its ACL's judgement,
 * which walks every entry of the ACL for every public range (a tenth of planning a large app
 * when judged again for each connection).
 */
const s3AclMemos = new WeakMap<Topology, Map<Subnet, S3AclOutcome>>();

function s3AclOnPathOnce(topo: Topology, subnet: Subnet, vpc: Vpc): S3AclOutcome {
  let bySubnet = s3AclMemos.get(topo);
  if (!bySubnet) s3AclMemos.set(topo, bySubnet = new Map());
  let outcome = bySubnet.get(subnet);
  if (!outcome) bySubnet.set(subnet, outcome = s3AclOnPath(topo, subnet, vpc));
  return outcome;
}

/** The S3 traffic (HTTPS to S3's public addresses, replies back) through the subnet's ACL. */
function s3AclOnPath(topo: Topology, subnet: Subnet, vpc: Vpc): S3AclOutcome {
  if (s3PathOnce(topo, subnet, vpc).status !== 'ok') return { outcome: 'pass', why: '', aclId: '' };
  const acl = topo.effectiveNetworkAcl(subnet);
  if (!acl.known) return { outcome: 'unknown', why: acl.reason, aclId: '?' };
  const judged = judgeAclRoundTrip(acl.value, PUBLIC_RANGES, 443, LINUX_EPHEMERAL_PORTS);
  const why = judged.outcome === 'blocked'
    ? `${judged.deciding.join('; ')}`
    : judged.why ?? '';
  return { outcome: judged.outcome, why, aclId: acl.value.id };
}

/**
 * A path from the subnet to Secrets Manager: an interface endpoint for `secretsmanager` with
 * private DNS in the subnet's VPC (the service's name then resolves to it), or a default route
 * to a public NAT gateway of the same VPC.
 */
export function secretsPath(topo: Topology, subnet: Subnet, vpc: Vpc): { outcome: Outcome; why: string } {
  const endpoints = [...topo.model.gatewayEndpoints.values()].filter((e) => e.type === 'Interface' && e.vpcId.known && e.vpcId.value === vpc.id);
  const secretsEndpoints = endpoints.filter((e) => e.service.known && e.service.value === 'secretsmanager');
  const notes: string[] = [];
  for (const e of secretsEndpoints) {
    if (e.privateDnsEnabled?.known && e.privateDnsEnabled.value) return { outcome: 'pass', why: `interface endpoint ${e.id} for Secrets Manager with private DNS` };
  }
  const unknownDns = secretsEndpoints.find((e) => !e.privateDnsEnabled?.known);
  for (const e of secretsEndpoints) {
    if (e.privateDnsEnabled?.known) notes.push(`interface endpoint ${e.id} has private DNS off, so the Secrets Manager name still resolves to the public endpoint`);
  }
  const unknownService = endpoints.find((e) => !e.service.known);

  const table = topo.effectiveRouteTable(subnet);
  if (!table.known) return { outcome: 'unknown', why: table.reason };
  const rt = table.value;
  const rtName = rt.implicitMain ? `the main route table of ${vpc.id}` : rt.id;
  const choices = publicRouteChoices(rt, vpc).filter((c) => c.target?.kind !== 'local');
  const viaNat = choices.length > 0 && choices.every((c) => {
    if (c.target?.kind !== 'nat-gateway') return false;
    const nat = c.target.targetId ? topo.model.natGateways.get(c.target.targetId) : undefined;
    const natSubnet = nat?.subnetId.known ? topo.subnet(nat.subnetId.value) : undefined;
    // A NAT gateway outside the model (a literal id) is taken as the VPC's own public one, as
    // the S3 path check does.
    return !nat || (nat.connectivity === 'public' && (!natSubnet || !natSubnet.vpcId.known || natSubnet.vpcId.value === vpc.id));
  });
  if (viaNat) return { outcome: 'pass', why: `default route to a NAT gateway on ${rtName}` };
  const undecidedRoute = choices.find((c) => c.unknownReason || (c.target && ['transit-gateway', 'vpn-gateway', 'instance', 'network-interface', 'gateway-load-balancer-endpoint', 'core-network', 'unknown', 'vpc-peering', 'local-gateway'].includes(c.target.kind)));
  if (unknownDns) return { outcome: 'unknown', why: `interface endpoint ${unknownDns.id} for Secrets Manager does not say whether private DNS is enabled (${unknownDns.privateDnsEnabled && !unknownDns.privateDnsEnabled.known ? unknownDns.privateDnsEnabled.reason : 'not given'})` };
  if (unknownService) return { outcome: 'unknown', why: `interface endpoint ${unknownService.id} has a service name known only at deploy time` };
  if (undecidedRoute) {
    return { outcome: 'unknown', why: undecidedRoute.unknownReason ?? `${rtName} sends public addresses to ${undecidedRoute.target!.kind} ${undecidedRoute.target!.description}; whether that leads to Secrets Manager is not described` };
  }
  const routed = [...new Set(choices.filter((c) => c.destination).map(routeText))].slice(0, 3);
  return {
    outcome: 'blocked',
    why: `${vpc.id} has no interface endpoint for Secrets Manager with private DNS${notes.length ? ` (${notes.join('; ')})` : ''}, and ${rtName} has no default route to a NAT gateway${routed.length ? ` (it routes ${routed.join(', ')})` : ''}`,
  };
}
