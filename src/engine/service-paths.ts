import { GatewayEndpoint, GlueConnection, known, NetworkAcl, PrivateHostedZone, Subnet, Vpc } from '../model';
import { connectionName } from './connection-name';
import { Finding, JobPlan } from './plan';
import { internetRoute, traceInternetPath } from './public-path';
import {
  AclJudgement, combine, judgeAcl, judgeAclRoundTrip, LINUX_EPHEMERAL_ASSUMPTION, LINUX_EPHEMERAL_PORTS, NAT_GATEWAY_PORTS, Outcome, PUBLIC_RANGES,
  publicRouteChoices, routeText,
} from './public-traffic';
import { PackageIndexNeed, packageIndexNeed, S3Url } from './python-modules';
import { RULES, RuleDefinition } from './rules';
import { checkEniEgress, checkStoreIngress, SecurityGroupContext } from './security-groups';
import { s3PathOnce } from './selection';
import { LocatedStore } from './store-location';
import { Topology } from './topology';
// Values from their modules, not the barrel: its re-exports are getters on every call.
import { AddressRange, formatRange } from '../model/cidr';

/** The port every AWS service endpoint Glue calls from the ENIs listens on. */
const HTTPS = 443;

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
  const selectable = new Map<string, {
    jobs: string[];
    secretJobs: { job: string; connections: string[] }[];
    /** Jobs whose connections may read a secret: the templates do not show whether they do. */
    maybeSecretJobs: { job: string; connections: string[] }[];
    /** Jobs whose security configuration uses AWS KMS keys (`sure`), or may (`why` says why it is unknown); `jdbc`: it lists a JDBC connection. */
    kmsJobs: { job: string; sure: boolean; why: string; jdbc: boolean }[];
    indexJobs: { job: string; need: PackageIndexNeed }[];
  }>();
  for (const plan of jobs) {
    const job = topo.model.jobs.get(plan.id);
    if (!job || (job.command.known && job.command.value === 'glueray')) continue;
    const secretConnections: string[] = [];
    const maybeSecretConnections: string[] = [];
    for (const ref of job.connections) {
      const c = ref.connectionId ? topo.model.connections.get(ref.connectionId) : undefined;
      if (c?.secretProperty) secretConnections.push(`${nameOf(c)} (${c.secretProperty})`);
      else if (c?.secretUnresolved) maybeSecretConnections.push(`${nameOf(c)} (${c.secretUnresolved})`);
    }
    const indexNeed = packageIndexNeed(job);
    const kms = job.kmsUse ? {
      job: plan.name,
      sure: job.kmsUse.known,
      why: job.kmsUse.known ? job.kmsUse.value : job.kmsUse.reason,
      jdbc: job.connections.some((ref) => ref.connectionId !== undefined && topo.model.connections.get(ref.connectionId)?.connectionType === 'JDBC'),
    } : undefined;
    const ids = new Set<string>();
    if (plan.selectedConnection) ids.add(plan.selectedConnection.id);
    for (const f of plan.failover) if (f.selectedConnection) ids.add(f.selectedConnection.id);
    for (const id of ids) {
      let entry = selectable.get(id);
      if (!entry) selectable.set(id, entry = { jobs: [], secretJobs: [], maybeSecretJobs: [], kmsJobs: [], indexJobs: [] });
      if (kms) entry.kmsJobs.push(kms);
      entry.jobs.push(plan.name);
      if (secretConnections.length) entry.secretJobs.push({ job: plan.name, connections: secretConnections });
      else if (maybeSecretConnections.length) entry.maybeSecretJobs.push({ job: plan.name, connections: maybeSecretConnections });
      if (indexNeed) entry.indexJobs.push({ job: plan.name, need: indexNeed });
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
    const s3 = s3AclOnPathOnce(topo, subnet, vpc.value);
    const s3Nat = s3ViaNatOnce(topo, subnet, vpc.value);
    if (s3.outcome === 'pass' && s3Nat.outcome === 'pass' && !entry.secretJobs.length && !entry.maybeSecretJobs.length && !entry.kmsJobs.length && !entry.indexJobs.length) continue; // (nothing to say)
    const name = nameOf(connection);
    const jobsText = `job${entry.jobs.length > 1 ? 's' : ''} ${entry.jobs.join(', ')}`;
    if (s3Nat.outcome === 'blocked' && s3Nat.natWithoutInternet) {
      add(RULES.natWithoutInternet, connection,
        `Connection ${name} (selected by ${jobsText}): its S3 traffic leaves through a NAT gateway that cannot reach the internet: ${s3Nat.why}. Glue checks only that an S3 endpoint or NAT route exists when it selects a connection, so it still selects this one, and the runs fail reading from S3.`,
        s3Nat.fix ?? 'Route the NAT gateway\'s subnet to an internet gateway.');
    } else if (s3Nat.outcome === 'blocked') {
      add(RULES.s3PathAcl, connection,
        `Connection ${name} (selected by ${jobsText}): its S3 traffic leaves through a NAT gateway, and the network ACL of the NAT gateway's subnet blocks it: ${s3Nat.why}. Glue checks only that an S3 endpoint or NAT exists when it selects a connection, so it still selects this one, and the runs fail reading from S3. ${LINUX_EPHEMERAL_ASSUMPTION}`,
        s3Nat.fix ?? 'Allow the S3 traffic through the network ACL of the NAT gateway\'s subnet.');
    } else if (s3Nat.outcome === 'unknown') {
      add(RULES.servicePathUnknown, connection,
        `Connection ${name} (selected by ${jobsText}): its S3 traffic leaves through a NAT gateway, and whether the NAT gateway's subnet lets it through is UNKNOWN: ${s3Nat.why}.`,
        s3Nat.fix ?? 'Describe the NAT gateway\'s subnet and network ACL (--facts), or acknowledge this warning.');
    }
    if (s3.outcome === 'blocked') {
      add(RULES.s3PathAcl, connection,
        `Connection ${name} (selected by ${jobsText}): the network ACL of ${subnet.id} blocks HTTPS to Amazon S3: ${s3.why}. Glue checks only that an S3 endpoint or NAT exists when it selects a connection, so it still selects this one, and the runs fail reading from S3. ${LINUX_EPHEMERAL_ASSUMPTION}`,
        `Allow outbound TCP 443 to 0.0.0.0/0 (S3's addresses are a managed prefix list; a NACL needs their CIDRs) and inbound TCP 32768-60999 (or 1024-65535) from the same in ${s3.aclId}, numbered below the entries that deny them.`);
    } else if (s3.outcome === 'unknown') {
      add(RULES.servicePathUnknown, connection,
        `Connection ${name} (selected by ${jobsText}): whether the network ACL of ${subnet.id} lets HTTPS to Amazon S3 through is UNKNOWN: ${s3.why}. S3's addresses are a managed prefix list the inputs do not hold. ${LINUX_EPHEMERAL_ASSUMPTION}`,
        `Allow TCP 443 to 0.0.0.0/0 outbound and the replies inbound in ${s3.aclId}, or acknowledge this warning once you have checked the S3 prefix list's CIDRs against it.`);
    }

    if (entry.indexJobs.length) {
      const index = packageIndexFinding(topo, connection, subnet, vpc.value, entry.indexJobs);
      if (index) add(index.rule, connection, index.message, index.fix);
    }

    if (entry.kmsJobs.length) {
      const kms = kmsFinding(topo, connection, subnet, vpc.value, entry.kmsJobs);
      if (kms) add(kms.rule, connection, kms.message, kms.fix);
    }

    if (!entry.secretJobs.length && !entry.maybeSecretJobs.length) continue;
    const secrets = secretsPath(topo, subnet, vpc.value, connection.securityGroupIds);
    if (!entry.secretJobs.length) {
      // Only connections whose templates do not show whether they read a secret: without a
      // path to Secrets Manager their runs may fail, which is UNKNOWN, never a pass.
      if (secrets.outcome === 'pass') continue;
      const mayRead = entry.maybeSecretJobs.map((s) => `${s.job} may read ${s.connections.join(', ')}`).join('; ');
      const path = secrets.outcome === 'blocked'
        ? `its subnet ${subnet.id} has no path to Secrets Manager: ${secrets.why}`
        : `whether its subnet ${subnet.id} reaches Secrets Manager is UNKNOWN too: ${secrets.why}`;
      add(RULES.servicePathUnknown, connection,
        `Connection ${name} is selected by jobs whose connections may keep credentials in AWS Secrets Manager (${mayRead}), and ${path}. If a connection names a secret, ${SECRETS_FROM_ENIS}, and the runs fail (timeout reading the secret); whether one does is UNKNOWN.${secrets.viaNat ? ` ${LINUX_EPHEMERAL_ASSUMPTION}` : ''}`,
        `Make the connection's ConnectionProperties and AuthenticationConfiguration resolvable in the template (a literal object; a condition on parameters is decided when the CLI is given their values, --parameters KEY=VALUE), so the check sees whether it names a secret. ${secrets.fix ?? `Or add an interface VPC endpoint for Secrets Manager with private DNS to ${vpc.value.id} (vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER })), or give ${subnet.id} a default route to a NAT gateway.`} Or acknowledge this warning once you know the connection names no secret.`);
      continue;
    }
    const readers = entry.secretJobs.map((s) => `${s.job} reads ${s.connections.join(', ')}`).join('; ');
    if (secrets.outcome === 'blocked') {
      add(RULES.noSecretsPath, connection,
        `Connection ${name} is selected by jobs whose connections keep credentials in AWS Secrets Manager (${readers}), but its subnet ${subnet.id} has no path to Secrets Manager: ${secrets.why}. ${SECRETS_FROM_ENIS}, so the runs fail (timeout reading the secret).${secrets.viaNat ? ` ${LINUX_EPHEMERAL_ASSUMPTION}` : ''}`,
        secrets.fix ?? `Add an interface VPC endpoint for Secrets Manager with private DNS to ${vpc.value.id} (vpc.addInterfaceEndpoint('SecretsManager', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER })), or give ${subnet.id} a default route to a NAT gateway.`);
    } else if (secrets.outcome === 'unknown') {
      add(RULES.servicePathUnknown, connection,
        `Connection ${name} is selected by jobs whose connections keep credentials in AWS Secrets Manager (${readers}); whether its subnet ${subnet.id} reaches Secrets Manager is UNKNOWN: ${secrets.why}.`,
        secrets.fix ?? `Describe the endpoint or route (--facts), or add an interface VPC endpoint for Secrets Manager with private DNS to ${vpc.value.id}.`);
    }
  }
  return findings;
}

/**
 * Where Glue reads a connection's secret from: AWS Glue says only that "depending on your network
 * setup, you might also need to create a VPC endpoint" for Secrets Manager ("Storing connection
 * credentials in AWS Secrets Manager",
 * https://docs.aws.amazon.com/glue/latest/dg/connection-properties-secrets-manager.html); that the
 * read is made from Glue's ENIs in the selected subnet is this check's reading, stated as such.
 */
const SECRETS_FROM_ENIS = 'AWS Glue documents that, depending on the network, a Secrets Manager VPC endpoint may be needed ("Storing connection credentials in AWS Secrets Manager"); that Glue reads the secret from its ENIs in this subnet is assumed (AWS does not say from where)';

/**
 * AWS Glue, "Encrypting data written by AWS Glue" (Creating a route to AWS KMS for VPC jobs and
 * crawlers, https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html):
 * "When you add a security configuration to a crawler or job that accesses JDBC data stores, AWS
 * Glue must have a route to the AWS KMS endpoint", a NAT gateway or an AWS KMS VPC endpoint (with
 * private DNS); without it jobs "might fail with a kms timeout".
 */
const KMS_ROUTE = 'AWS Glue documents that a job with a security configuration that accesses JDBC data stores must have a route to the AWS KMS endpoint, a NAT gateway or an AWS KMS interface VPC endpoint with private DNS, or its runs may fail with a KMS timeout ("Encrypting data written by AWS Glue": Creating a route to AWS KMS for VPC jobs and crawlers)';

/**
 * Jobs whose security configuration uses AWS KMS keys need a path to AWS KMS from the subnet of
 * the connection Glue selects (`secretsPath` for the kms service). An error where AWS documents it
 * (the job lists a JDBC connection) and the key use is certain; UNKNOWN otherwise.
 */
function kmsFinding(topo: Topology, connection: GlueConnection, subnet: Subnet, vpc: Vpc, kmsJobs: readonly { job: string; sure: boolean; why: string; jdbc: boolean }[]):
{ rule: RuleDefinition; message: string; fix: string } | undefined {
  const path = secretsPath(topo, subnet, vpc, connection.securityGroupIds, KMS);
  if (path.outcome === 'pass') return undefined;
  const name = nameOf(connection);
  const documented = kmsJobs.filter((k) => k.sure && k.jdbc);
  const users = kmsJobs.map((k) => `${k.job}: ${k.sure ? k.why : `may, ${k.why}`}${k.jdbc ? '' : ' (it lists no JDBC connection)'}`).join('; ');
  const fix = path.fix ?? `Add an interface VPC endpoint for AWS KMS with private DNS to ${vpc.id} (vpc.addInterfaceEndpoint('Kms', { service: ec2.InterfaceVpcEndpointAwsService.KMS })), or give ${subnet.id} a default route to a NAT gateway.`;
  if (path.outcome === 'blocked' && documented.length) {
    return {
      rule: RULES.noKmsPath,
      message: `Connection ${name} is selected by jobs whose security configuration encrypts with AWS KMS keys (${users}), but its subnet ${subnet.id} has no path to AWS KMS: ${path.why}. ${KMS_ROUTE}.${path.viaNat ? ` ${LINUX_EPHEMERAL_ASSUMPTION}` : ''}`,
      fix,
    };
  }
  const state = path.outcome === 'blocked' ? `its subnet ${subnet.id} has no path to AWS KMS: ${path.why}` : `whether its subnet ${subnet.id} reaches AWS KMS is UNKNOWN: ${path.why}`;
  return {
    rule: RULES.servicePathUnknown,
    message: `Connection ${name} is selected by jobs whose security configuration may call AWS KMS (${users}), and ${state}. ${KMS_ROUTE}; for a job that uses no KMS key, or accesses no JDBC data store, AWS does not say, so whether the runs fail is UNKNOWN.`,
    fix: `${fix} Or acknowledge this warning once you have checked the security configuration's modes (S3, CloudWatch Logs and job bookmarks encryption).`,
  };
}

/** The Python Package Index, where pip fetches the modules a job names (AWS Glue, "Setting up a VPC to connect to PyPI"). */
const PYPI: LocatedStore = {
  locatedBy: 'internet',
  subnetIds: known([]),
  securityGroupIds: known([]),
  port: known(HTTPS),
  publiclyAccessible: true,
  byHostname: true,
  assumptions: [],
  host: 'pypi.org',
  internet: 'the Python Package Index',
};

const INSTALL_WITHOUT_INTERNET = 'or install without the internet: wheels in S3 (their s3:// paths, or a zip of wheels on Glue 5.0, in --additional-python-modules), or a repository the subnet reaches (--python-modules-installer-option --index-url, such as an AWS CodeArtifact repository through an interface endpoint)';

/**
 * Jobs that install Python modules from the internet when a run starts need a path to it from
 * the subnet of the connection Glue selects: the ENIs there run pip, and AWS Glue documents that
 * this subnet must give a network path to pypi.org (AWS Glue, "Setting up a VPC to
 * connect to PyPI for AWS Glue", https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-pypi.html).
 * Glue's checks at run submission do not look for it, so the connection is still selected and the
 * runs fail installing the modules. The path is the Glue ENI's side of the public path (its
 * groups' egress on 443, the NAT gateway route, the NAT subnet's internet gateway route, the
 * network ACLs both ways); what PyPI admits is not judged.
 */
function packageIndexFinding(topo: Topology, connection: GlueConnection, subnet: Subnet, vpc: Vpc, jobsInstalling: readonly { job: string; need: PackageIndexNeed }[]):
{ rule: RuleDefinition; message: string; fix: string } | undefined {
  // Modules given only as URLs of S3 objects: an S3 gateway endpoint of their Region carries them.
  const indexJobs = jobsInstalling.flatMap((j) => {
    if (!j.need.s3Urls) return [j];
    const reach = s3UrlReach(topo, subnet, vpc, j.need.s3Urls);
    if (reach.outcome === 'pass') return [];
    const need = reach.outcome === 'unknown' ? 'unknown' as const : j.need.need;
    return [{ job: j.job, need: { need, why: `${j.need.why}; ${reach.why}`, ...j.need.ports ? { ports: j.need.ports } : {} } }];
  });
  if (!indexJobs.length) return undefined;
  // Each port pip connects to (HTTPS's, and an http:// URL's 80...): the worst path decides.
  const ports = [...new Set(indexJobs.flatMap((j) => j.need.ports ?? [HTTPS]))].sort((a, b) => a - b);
  const traces = ports.map((port) => traceInternetPath(topo, { subnet, securityGroupIds: connection.securityGroupIds }, port === HTTPS ? PYPI : { ...PYPI, port: known(port) },
    'pip fetches modules from the Python Package Index (pypi.org, files.pythonhosted.org) on the internet', INSTALL_WITHOUT_INTERNET));
  const trace = traces.find((t) => t.verdict === 'UNREACHABLE') ?? traces.find((t) => t.verdict === 'UNKNOWN') ?? traces[0];
  if (trace.verdict === 'REACHABLE') return undefined;
  const name = nameOf(connection);
  const sure = indexJobs.filter((j) => j.need.need === 'yes');
  const jobsText = indexJobs.map((j) => `${j.job}: ${j.need.why}`).join('; ');
  const blocked = trace.verdict === 'UNREACHABLE';
  const deciding = trace.explanations.filter((e) => !!e.unknown === !blocked);
  const why = [...new Set(deciding.map((e) => e.message))].join(' ');
  const fixes = [...new Set(deciding.map((e) => e.fix))].join(' ');
  // (The NAT route's fix names the alternative already.)
  const fix = blocked && !fixes.includes(INSTALL_WITHOUT_INTERNET) ? `${fixes} Or ${INSTALL_WITHOUT_INTERNET.slice('or '.length)}.` : fixes;
  // The PyPI page is written for interactive sessions: that a job's install takes the same path
  // is the assumption, which the message states (a job with a connection reaches the internet
  // through a NAT gateway in its VPC: AWS Glue, "Setting up network access to data stores").
  const documented = `AWS Glue documents that with --additional-python-modules the subnet of a connection's PhysicalConnectionRequirements must give a network path to pypi.org ("Setting up a VPC to connect to PyPI for AWS Glue", a page written for interactive sessions; that a job's runs install the same way, pip running on Glue's ENIs in ${subnet.id}, is assumed: AWS documents that a job with a connection needs a NAT gateway in its VPC to reach the public internet, "Setting up network access to data stores")`;
  if (blocked && sure.length) {
    return {
      rule: RULES.noPackageIndexPath,
      message: `Connection ${name} is selected by jobs that install Python modules from the internet when a run starts (${jobsText}), but its subnet ${subnet.id} (${vpc.id}) has no path to the internet: ${why} ${documented}. Glue does not check this when it selects the connection, so the runs fail installing the modules, before any data is read.${trace.explanations.some((e) => e.code === 'SUBNET_ACL_RESTRICTION') ? ` ${LINUX_EPHEMERAL_ASSUMPTION}` : ''}`,
      fix,
    };
  }
  return {
    rule: RULES.servicePathUnknown,
    message: blocked
      ? `Connection ${name} is selected by jobs that may install Python modules from the internet when a run starts (${jobsText}), and its subnet ${subnet.id} (${vpc.id}) has no path to the internet: ${why} Whether the runs fail installing the modules is UNKNOWN (${documented}).`
      : `Connection ${name} is selected by jobs that ${sure.length ? '' : 'may '}install Python modules from the internet when a run starts (${jobsText}); whether its subnet ${subnet.id} (${vpc.id}) reaches the internet is UNKNOWN: ${why} ${documented}.`,
    fix: blocked ? `Settle what the message names as unknown (a literal --additional-python-modules or the s3:// paths of wheels, a GlueVersion, a Python shell job's Command.PythonVersion), or give ${subnet.id} a path to the internet (a default route to a NAT gateway in a public subnet); or acknowledge this warning once you have checked where pip installs from.` : fix,
  };
}

/**
 * Whether the subnet's S3 gateway endpoint carries the modules a job fetches by URL from Amazon S3:
 * "A gateway endpoint is available only in the Region where you created it" (Amazon VPC, "Gateway
 * endpoints for Amazon S3", https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html),
 * the VPC's Region. `pass`: every URL names that Region and the subnet's route table has the
 * endpoint; `unknown`: the endpoint is there but a URL names no Region (or the VPC's is unknown);
 * `blocked`: no endpoint, or a URL of another Region: the internet path must carry them.
 */
function s3UrlReach(topo: Topology, subnet: Subnet, vpc: Vpc, urls: readonly S3Url[]): { outcome: Outcome; why: string } {
  const table = topo.effectiveRouteTable(subnet);
  const endpoint = table.known ? topo.gatewayEndpointsOn(table.value.id).find((e) => e.type === 'Gateway' && e.service.known && e.service.value === 's3') : undefined;
  if (!endpoint) return { outcome: 'blocked', why: `${subnet.id}'s route table has no S3 gateway endpoint, so they go to S3's public addresses over the internet` };
  const region = vpc.region.known ? vpc.region.value : undefined;
  // A bucket the VPC's own stack creates is in the VPC's Region, known or not.
  const remaining = urls.filter((u) => !(u.stack !== undefined && u.stack === vpc.source.stack));
  const elsewhere = remaining.filter((u) => u.region && region && u.region !== region);
  const unshown = remaining.filter((u) => !u.region);
  const source = 'a gateway endpoint is available only in the Region where you created it (Amazon VPC, "Gateway endpoints for Amazon S3")';
  if (elsewhere.length) {
    return { outcome: 'blocked', why: `${listedText(elsewhere.map((u) => `${u.url} is in ${u.region}${u.regionAssumed ? ` (${u.regionAssumed})` : ''}`))}, and S3 gateway endpoint ${endpoint.id} on ${subnet.id}'s route table reaches only buckets of ${region}, ${vpc.id}'s Region: ${source}, so they go over the internet` };
  }
  if (unshown.length || (remaining.length && !region)) {
    const urlsUnshown = unshown.filter((u) => !u.path);
    const pathsUnshown = unshown.filter((u) => u.path);
    const what = unshown.length
      ? [
        ...urlsUnshown.length ? [`the URL${urlsUnshown.length > 1 ? 's' : ''} ${listedText(urlsUnshown.map((u) => u.url))} ${urlsUnshown.length > 1 ? 'do' : 'does'} not name the bucket's Region (use the regional form, https://bucket.s3.<region>.amazonaws.com/...)`] : [],
        ...pathsUnshown.length ? [`the Region of the bucket of ${listedText(pathsUnshown.map((u) => `${u.url} (${u.unshown ?? 'not shown'})`))} is not shown (use a bucket the app creates, in the stack of ${vpc.id} or of a stack with a Region, or the regional https:// URL of the object)`] : [],
      ].join(', and ')
      : `${vpc.id}'s Region is unknown (${vpc.region.known ? '' : vpc.region.reason})`;
    return { outcome: 'unknown', why: `S3 gateway endpoint ${endpoint.id} on ${subnet.id}'s route table carries them only if the bucket is in ${region ?? "the VPC's Region"} (${source}), and ${what}` };
  }
  return { outcome: 'pass', why: '' };
}

function listedText(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : items[0];
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
  return perSubnetOnce(s3AclMemos, topo, subnet, () => s3AclOnPath(topo, subnet, vpc));
}

/** What `compute` says of `subnet` (whose VPC it reads is the subnet's), once per topology and subnet. */
function perSubnetOnce<T>(memos: WeakMap<Topology, Map<Subnet, T>>, topo: Topology, subnet: Subnet, compute: () => T): T {
  let bySubnet = memos.get(topo);
  if (!bySubnet) memos.set(topo, bySubnet = new Map());
  let value = bySubnet.get(subnet);
  if (value === undefined) bySubnet.set(subnet, value = compute());
  return value;
}

/**
 * `judgeAclRoundTrip` of HTTPS to the public addresses and its replies, by ACL: the subnets of a
 * VPC mostly share its default ACL, and the answer depends on the ACL alone (a model's ACLs are
 * not changed once built).
 */
const s3RoundTrips = new WeakMap<NetworkAcl, ReturnType<typeof judgeAclRoundTrip>>();

function s3RoundTripOnce(acl: NetworkAcl): ReturnType<typeof judgeAclRoundTrip> {
  let judged = s3RoundTrips.get(acl);
  if (!judged) s3RoundTrips.set(acl, judged = judgeAclRoundTrip(acl, PUBLIC_RANGES, 443, LINUX_EPHEMERAL_PORTS));
  return judged;
}

/** The S3 traffic (HTTPS to S3's public addresses, replies back) through the subnet's ACL. */
function s3AclOnPath(topo: Topology, subnet: Subnet, vpc: Vpc): S3AclOutcome {
  if (s3PathOnce(topo, subnet, vpc).status !== 'ok') return { outcome: 'pass', why: '', aclId: '' };
  const acl = topo.effectiveNetworkAcl(subnet);
  if (!acl.known) return { outcome: 'unknown', why: acl.reason, aclId: '?' };
  const judged = s3RoundTripOnce(acl.value);
  const why = judged.outcome === 'blocked'
    ? `${judged.deciding.join('; ')}`
    : judged.why ?? '';
  return { outcome: judged.outcome, why, aclId: acl.value.id };
}

/** An AWS service Glue's ENIs call over HTTPS: its endpoint service key (`readVpcEndpoint`) and its name in messages. */
export interface AwsService {
  readonly key: string;
  readonly name: string;
}

export const SECRETS_MANAGER: AwsService = { key: 'secretsmanager', name: 'Secrets Manager' };
export const KMS: AwsService = { key: 'kms', name: 'AWS KMS' };

/** A service path's verdict: what decides it, and how to fix it when the default fix does not fit. */
interface ServicePath {
  readonly outcome: Outcome;
  readonly why: string;
  readonly fix?: string;
  /** The path leaves through a NAT gateway (its verdict rests on the Linux reply-port assumption). */
  readonly viaNat?: boolean;
  /** What blocks it is the NAT gateway's subnet's route to the internet, not a network ACL. */
  readonly natWithoutInternet?: boolean;
}

/**
 * A path from the subnet to Secrets Manager: an interface endpoint for `secretsmanager` with
 * private DNS in the subnet's VPC (the service's name then resolves to it, so its security groups
 * and subnets decide), or a default route to a public NAT gateway of the same VPC (whose subnet's
 * network ACL must let the HTTPS traffic and its replies through).
 */
export function secretsPath(topo: Topology, subnet: Subnet, vpc: Vpc, eniGroups: readonly string[], service: AwsService = SECRETS_MANAGER): ServicePath {
  const listed = listedSecretsPath(topo, subnet, vpc, eniGroups, service);
  if (listed.viaNat) {
    // Through a NAT gateway the public name is traced; a private hosted zone for that name in
    // this VPC answers for it instead (Route 53 Resolver does not look such a name up publicly),
    // with records the check does not trace: not a pass, nor a NAT leg's error.
    const zone = serviceZoneOf(topo, vpc, service.key);
    if (zone) {
      return {
        outcome: 'unknown',
        why: `${listed.why}, but ${zoneWords(zone, vpc)} and resolves ${service.name}'s name inside it as its records say (to an endpoint elsewhere, such as a shared interface endpoint in another VPC, rather than the public address the NAT gateway would reach), a path this check does not trace`,
        fix: `Check that ${zone.id}'s records send ${service.key}'s name to an interface endpoint the subnet reaches (routes, its security group admitting HTTPS), then acknowledge this warning.`,
      };
    }
  }
  if (listed.outcome !== 'blocked') return listed;
  // An endpoint that may exist, or may be an interface endpoint of this VPC (its Condition, type
  // or VPC cannot be resolved), may be the path the listed elements lack: unknown, not blocked.
  const maybe = [...topo.model.gatewayEndpoints.values()].find((e) => (e.uncertain || !e.vpcId.known)
    && (e.type === 'Interface' || e.uncertain) && (!e.vpcId.known || e.vpcId.value === vpc.id)
    && (!e.service.known || e.service.value === service.key) && !(e.privateDnsEnabled?.known && !e.privateDnsEnabled.value));
  if (maybe) return { outcome: 'unknown', why: `${listed.why}; but ${maybe.id} may be an interface endpoint for ${service.name} in ${vpc.id}: ${maybe.uncertain ?? (maybe.vpcId.known ? '' : `its VPC cannot be resolved (${maybe.vpcId.reason})`)}` };
  // A private hosted zone for the service's name in this VPC (the shared-endpoint layout: one
  // interface endpoint in a central VPC, reached over peering or a transit gateway) resolves it
  // to addresses the check does not trace.
  const zone = serviceZoneOf(topo, vpc, service.key);
  if (!zone) return listed;
  return {
    outcome: 'unknown',
    why: `${listed.why}; but ${zoneWords(zone, vpc)} and may resolve ${service.name}'s name to an endpoint elsewhere (a shared interface endpoint in another VPC), a path this check does not trace`,
    fix: `Check that ${zone.id}'s records send ${service.key}'s name to an interface endpoint the subnet reaches (routes, its security group admitting HTTPS), then acknowledge this warning; or add an interface endpoint for ${service.name} to ${vpc.id}.`,
  };
}

function zoneWords(zone: PrivateHostedZone, vpc: Vpc): string {
  return `Route 53 private hosted zone ${zone.id} (${zone.name.known ? zone.name.value : `a name not resolved: ${zone.name.reason}`}) ${zone.uncertain ? `may exist (${zone.uncertain}), ` : ''}is associated with ${zone.vpcIds.known ? vpc.id : `VPCs not resolved (${zone.vpcIds.reason})`}`;
}

/**
 * A Route 53 private hosted zone that may hold the name of an AWS service in this VPC
 * (`<service>.<region>.amazonaws.com`, or a domain above it), and may be associated with it.
 */
function serviceZoneOf(topo: Topology, vpc: Vpc, service: string): PrivateHostedZone | undefined {
  const region = vpc.region.known ? vpc.region.value : undefined;
  const covers = (name: string) => {
    if (['com', 'cn', 'com.cn', 'amazonaws.com', 'amazonaws.com.cn'].includes(name)) return true;
    const host = /^(.*)\.amazonaws\.com(?:\.cn)?$/.exec(name);
    if (!host) return false;
    // `<region>.amazonaws.com`, `<service>.<region>.amazonaws.com`.
    const labels = host[1].split('.');
    if (labels.length === 1) return region === undefined || labels[0] === region;
    return labels.length === 2 && labels[0] === service && (region === undefined || labels[1] === region);
  };
  for (const zone of topo.model.privateHostedZones?.values() ?? []) {
    if (zone.vpcIds.known && !zone.vpcIds.value.includes(vpc.id)) continue;
    if (!zone.name.known || covers(zone.name.value)) return zone;
  }
  return undefined;
}

/** `secretsPath` through the elements that certainly exist as the templates list them. */
function listedSecretsPath(topo: Topology, subnet: Subnet, vpc: Vpc, eniGroups: readonly string[], service: AwsService): ServicePath {
  const endpoints = [...topo.model.gatewayEndpoints.values()].filter((e) => e.type === 'Interface' && !e.uncertain && e.vpcId.known && e.vpcId.value === vpc.id);
  const secretsEndpoints = endpoints.filter((e) => e.service.known && e.service.value === service.key);
  const notes: string[] = [];
  for (const e of secretsEndpoints) {
    if (e.privateDnsEnabled?.known && e.privateDnsEnabled.value) return throughEndpoint(topo, e, subnet, vpc, eniGroups, service);
  }
  const unknownDns = secretsEndpoints.find((e) => !e.privateDnsEnabled?.known);
  for (const e of secretsEndpoints) {
    if (e.privateDnsEnabled?.known) notes.push(`interface endpoint ${e.id} has private DNS off, so the ${service.name} name still resolves to the public endpoint`);
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
    // the S3 path check does (its subnet's ACL is then unknown: natLegs).
    return !nat || (nat.connectivity === 'public' && (!natSubnet || !natSubnet.vpcId.known || natSubnet.vpcId.value === vpc.id));
  });
  if (viaNat && !unknownDns) {
    const legs = natLegs(topo, subnet, natTargets(choices));
    if (legs.outcome === 'pass') return { outcome: 'pass', why: `default route to a NAT gateway on ${rtName}`, viaNat: true };
    return { ...legs, why: `${rtName} sends it to a NAT gateway, but ${legs.why}`, viaNat: true };
  }
  const undecidedRoute = choices.find((c) => c.unknownReason || (c.target && ['transit-gateway', 'vpn-gateway', 'instance', 'network-interface', 'gateway-load-balancer-endpoint', 'core-network', 'unknown', 'vpc-peering', 'local-gateway'].includes(c.target.kind)));
  if (unknownDns) return { outcome: 'unknown', why: `interface endpoint ${unknownDns.id} for ${service.name} does not say whether private DNS is enabled (${unknownDns.privateDnsEnabled && !unknownDns.privateDnsEnabled.known ? unknownDns.privateDnsEnabled.reason : 'not given'})` };
  if (unknownService) return { outcome: 'unknown', why: `interface endpoint ${unknownService.id} has a service name known only at deploy time` };
  if (undecidedRoute) {
    return { outcome: 'unknown', why: undecidedRoute.unknownReason ?? `${rtName} sends public addresses to ${undecidedRoute.target!.kind} ${undecidedRoute.target!.description}; whether that leads to ${service.name} is not described` };
  }
  const routed = [...new Set(choices.filter((c) => c.destination).map(routeText))].slice(0, 3);
  return {
    outcome: 'blocked',
    why: `${vpc.id} has no interface endpoint for ${service.name} with private DNS${notes.length ? ` (${notes.join('; ')})` : ''}, and ${rtName} has no default route to a NAT gateway${routed.length ? ` (it routes ${routed.join(', ')})` : ''}`,
  };
}

/** The NAT gateways (model keys or literal ids) the route choices send public addresses to. */
function natTargets(choices: ReturnType<typeof publicRouteChoices>): string[] {
  return [...new Set(choices.flatMap((c) => (c.target?.kind === 'nat-gateway' ? [c.target.targetId ?? c.target.description] : [])))];
}

/** `s3ViaNat` by subnet, per topology (its VPC is the subnet's): the connections of a subnet share it. */
const s3ViaNatMemos = new WeakMap<Topology, Map<Subnet, ServicePath>>();

function s3ViaNatOnce(topo: Topology, subnet: Subnet, vpc: Vpc): ServicePath {
  return perSubnetOnce(s3ViaNatMemos, topo, subnet, () => s3ViaNat(topo, subnet, vpc));
}

/**
 * The S3 traffic through a NAT gateway, when the subnet's S3 path is a NAT route (no S3 gateway
 * endpoint on its table): the NAT subnet's network ACL (natLegs). A gateway endpoint carries S3
 * traffic without the NAT: nothing to judge then.
 */
function s3ViaNat(topo: Topology, subnet: Subnet, vpc: Vpc): ServicePath {
  if (s3PathOnce(topo, subnet, vpc).status !== 'ok') return { outcome: 'pass', why: '' };
  const table = topo.effectiveRouteTable(subnet);
  if (!table.known) return { outcome: 'pass', why: '' };
  const hasEndpoint = topo.gatewayEndpointsOn(table.value.id).some((e) => e.type === 'Gateway' && e.service.known && e.service.value === 's3');
  if (hasEndpoint) return { outcome: 'pass', why: '' };
  const nats = natTargets(publicRouteChoices(table.value, vpc).filter((c) => c.target?.kind !== 'local'));
  return nats.length ? natLegs(topo, subnet, nats) : { outcome: 'pass', why: '' };
}

/**
 * HTTPS from the Glue subnet through a NAT gateway to a public service address, as the NAT
 * gateway's subnet's network ACL sees it (stateless): in from the Glue subnet on 443, out to the
 * service on 443, the replies in on the NAT gateway's ports (1024-65535), out to the Glue subnet
 * on the Linux ephemeral ports (an assumption). The Glue subnet's own ACL sees the same traffic as
 * the S3 ACL check judges. Several NAT gateways (the service's address picks one): each must pass.
 */
function natLegs(topo: Topology, glueSubnet: Subnet, natIds: readonly string[]): ServicePath {
  const outcomes: ServicePath[] = natIds.map((natId) => {
    const nat = topo.model.natGateways.get(natId);
    if (!nat) return { outcome: 'unknown', why: `NAT gateway ${natId} is not described, so the network ACL of its subnet is unknown`, fix: `Describe NAT gateway ${natId} and its subnet (--facts natGateways[], subnets[] with networkAclId), or acknowledge this warning.` };
    const natSubnet = nat.subnetId.known ? topo.subnet(nat.subnetId.value) : undefined;
    if (!natSubnet) return { outcome: 'unknown', why: `the subnet of NAT gateway ${nat.id} is ${nat.subnetId.known ? `${nat.subnetId.value}, which is not described` : `unknown (${nat.subnetId.reason})`}, so its network ACL is unknown`, fix: 'Describe the NAT gateway\'s subnet (--facts subnets[] with networkAclId), or acknowledge this warning.' };
    // A public NAT gateway reaches the internet through its own subnet's route to an internet
    // gateway (Amazon VPC, "NAT gateways": the public subnet's route table routes 0.0.0.0/0 to it).
    const natVpc = topo.vpcOfSubnet(natSubnet);
    const internet = natVpc.known ? internetRoute(topo, natSubnet, natVpc.value) : { outcome: 'unknown' as Outcome, why: `the VPC of ${natSubnet.id} is unknown (${natVpc.reason})` };
    if (internet.outcome === 'blocked') {
      return { outcome: 'blocked', natWithoutInternet: true, why: `NAT gateway ${nat.id}'s subnet ${natSubnet.id} has no internet path: ${internet.why}`, fix: `Route 0.0.0.0/0 from ${natSubnet.id}'s route table to ${natVpc.known ? `${natVpc.value.id}'s` : 'the VPC\'s'} internet gateway (a public NAT gateway belongs in a public subnet), or give ${glueSubnet.id} an S3 gateway endpoint.` };
    }
    if (internet.outcome === 'unknown') {
      return { outcome: 'unknown', why: `whether NAT gateway ${nat.id}'s subnet ${natSubnet.id} reaches the internet is unknown: ${internet.why}`, fix: 'edge' in internet && internet.edge ? internet.edge.fix : `Describe the route table of ${natSubnet.id} (its route to the internet gateway), or acknowledge this warning.` };
    }
    const acl = topo.effectiveNetworkAcl(natSubnet);
    if (!acl.known) return { outcome: 'unknown', why: `the network ACL of NAT gateway ${nat.id}'s subnet ${natSubnet.id} is unknown (${acl.reason})`, fix: `Describe the network ACL of ${natSubnet.id} (--facts), or acknowledge this warning.` };
    const glueRange = glueSubnet.cidr.known ? [glueSubnet.cidr.value] : undefined;
    const same = natSubnet.id === glueSubnet.id;
    const single = { from: HTTPS, to: HTTPS };
    const legs: { what: string; judged: AclJudgement }[] = [];
    if (!same) {
      if (!glueRange) return { outcome: 'unknown', why: `the CIDR of ${glueSubnet.id} is unknown, so whether ${acl.value.id} (NAT gateway ${nat.id}'s subnet) admits its traffic is unknown` };
      legs.push({ what: `inbound TCP ${HTTPS} from the Glue subnet ${formatRange(glueRange[0])}`, judged: judgeAcl(acl.value, false, glueRange, single, 'every-address', 'every-port') });
    }
    legs.push({ what: `outbound TCP ${HTTPS} to the service's public address`, judged: judgeAcl(acl.value, true, PUBLIC_RANGES, single, 'one-unknown-address', 'every-port') });
    legs.push({ what: `inbound replies from the service's public address (ports ${NAT_GATEWAY_PORTS.from}-${NAT_GATEWAY_PORTS.to}, the NAT gateway's)`, judged: judgeAcl(acl.value, false, PUBLIC_RANGES, NAT_GATEWAY_PORTS, 'one-unknown-address', 'client-picks') });
    if (!same) legs.push({ what: `outbound replies to the Glue subnet (ports ${LINUX_EPHEMERAL_PORTS.from}-${LINUX_EPHEMERAL_PORTS.to})`, judged: judgeAcl(acl.value, true, glueRange!, LINUX_EPHEMERAL_PORTS, 'every-address', 'client-picks') });
    return natAclVerdict(acl.value, nat.id, natSubnet.id, legs, glueRange?.[0]);
  });
  const outcome = combine(outcomes.map((o) => o.outcome), 'one');
  const deciding = outcomes.filter((o) => o.outcome === outcome);
  if (outcome === 'pass') return { outcome, why: '' };
  const natWithoutInternet = outcome === 'blocked' && deciding.every((o) => o.natWithoutInternet);
  return { outcome, why: deciding.map((o) => o.why).join('; '), fix: deciding.find((o) => o.fix)?.fix, ...natWithoutInternet ? { natWithoutInternet } : {} };
}

function natAclVerdict(acl: NetworkAcl, natId: string, natSubnetId: string, legs: readonly { what: string; judged: AclJudgement }[], glueRange: AddressRange | undefined): ServicePath {
  const outcome = combine(legs.map((l) => l.judged.outcome), 'every');
  if (outcome === 'pass') return { outcome, why: '' };
  const failing = legs.filter((l) => l.judged.outcome === outcome);
  const where = `network ACL ${acl.id} of NAT gateway ${natId}'s subnet ${natSubnetId}`;
  const why = outcome === 'blocked'
    ? `${where} denies ${failing.map((l) => `${l.what} (${l.judged.deciding.join('; ')})`).join(', and ')}`
    : `${where}: ${failing.map((l) => `${l.what}: ${l.judged.why ?? 'partly admitted'}`).join('; ')}`;
  const glue = glueRange ? formatRange(glueRange) : 'the Glue subnet';
  return {
    outcome,
    why,
    fix: `In ${acl.id}, numbered below the entries that deny them: allow inbound TCP ${HTTPS} from ${glue}, outbound TCP ${HTTPS} to 0.0.0.0/0, inbound TCP ${NAT_GATEWAY_PORTS.from}-${NAT_GATEWAY_PORTS.to} from 0.0.0.0/0 (the replies), and outbound TCP ${LINUX_EPHEMERAL_PORTS.from}-${LINUX_EPHEMERAL_PORTS.to} (or 1024-65535) to ${glue}.`,
  };
}

/**
 * Secrets Manager through its interface endpoint: the endpoint's security groups must admit
 * HTTPS from the Glue ENIs (their group, or a CIDR covering their subnet), the Glue groups must
 * let it out to the endpoint's network interfaces, and the network ACLs between the two subnets
 * must let it through both ways (AWS PrivateLink, "Create an interface endpoint": the endpoint's
 * security groups must allow the clients' HTTPS). The client connects to one of the endpoint's
 * interfaces (DNS picks): every endpoint subnet is judged, a mix is UNKNOWN.
 */
function throughEndpoint(topo: Topology, endpoint: GatewayEndpoint, subnet: Subnet, vpc: Vpc, eniGroups: readonly string[], service: AwsService): ServicePath {
  const name = `interface endpoint ${endpoint.id} for ${service.name} (private DNS)`;
  const describeFix = `Describe ${endpoint.id}'s security groups and subnets (--facts gatewayEndpoints[] securityGroupIds, subnetIds), or acknowledge this warning.`;
  if (!subnet.cidr.known) return { outcome: 'unknown', why: `${name}: the CIDR of ${subnet.id} is unknown (${subnet.cidr.reason})` };
  const eniRange = subnet.cidr.value;
  const ctx: SecurityGroupContext = { sourceVpc: vpc, destinationVpc: vpc, peeringIds: new Set(), transitGatewayIds: new Set() };
  const groups = endpoint.securityGroupIds;
  if (!groups?.known) return { outcome: 'unknown', why: `${name}: its security groups are unknown (${groups?.reason ?? 'not given'}), so whether they admit HTTPS from the Glue ENIs is unknown`, fix: describeFix };

  const ingress = checkStoreIngress(topo, groups.value, eniRange, eniGroups, HTTPS, ctx);
  const fromGlue = eniGroups.length ? `the Glue connection's security group ${eniGroups[0]} (or from ${formatRange(eniRange)})` : formatRange(eniRange);
  const fixIngress = `Add ingress TCP ${HTTPS} on ${groups.value[0] ?? `${endpoint.id}'s security group`} from ${fromGlue}; CDK's InterfaceVpcEndpoint admits its VPC's CIDR on 443 unless \`open: false\`.`;
  if (ingress.hop.verdict === 'UNREACHABLE') {
    return { outcome: 'blocked', why: `${name}: its security groups (${groups.value.join(', ') || 'none'}) do not admit TCP ${HTTPS} from ${formatRange(eniRange)} or the connection's groups (${eniGroups.join(', ') || 'none'})`, fix: fixIngress };
  }
  const endpointSubnets = endpoint.subnetIds?.known ? endpoint.subnetIds.value.map((id) => topo.subnet(id)) : undefined;
  // Egress from the Glue groups to the endpoint's interfaces; without their subnets, to the whole VPC.
  const targets: { range: AddressRange; subnet: Subnet; label: string }[] = endpointSubnets && endpointSubnets.length && endpointSubnets.every((x) => x?.cidr.known)
    ? endpointSubnets.map((x) => ({ range: (x!.cidr as { value: AddressRange }).value, subnet: x!, label: x!.id }))
    : [];
  const parts: ServicePath[] = [];
  if (ingress.hop.verdict === 'UNKNOWN') parts.push({ outcome: 'unknown', why: `${name}: ${ingress.hop.detail}`, fix: describeFix });
  if (!targets.length) {
    const unknownWhy = !endpoint.subnetIds?.known ? endpoint.subnetIds?.reason ?? 'not given' : 'some of them are not described';
    parts.push({ outcome: 'unknown', why: `${name}: its subnets are unknown (${unknownWhy}), so the Glue groups' egress and the network ACLs toward it cannot be judged`, fix: describeFix });
  }
  // Per endpoint interface: the Glue groups' egress, then the ACLs between the subnets.
  const perTarget: ServicePath[] = targets.map((target) => {
    const egress = checkEniEgress(topo, eniGroups, target.range, groups.value, HTTPS, ctx);
    if (egress.hop.verdict === 'UNREACHABLE') {
      return { outcome: 'blocked', why: `${name}: the connection's groups (${eniGroups.join(', ') || 'none'}) do not allow TCP ${HTTPS} out to its interfaces in ${target.label} (${formatRange(target.range)})`, fix: `Allow egress TCP ${HTTPS} to ${formatRange(target.range)} (or to ${groups.value[0] ?? "the endpoint's group"}) on ${eniGroups[0] ?? "the connection's group"}.` };
    }
    const acls = target.subnet.id === subnet.id ? { outcome: 'pass' as Outcome, why: '' } : aclsBetween(topo, subnet, eniRange, target.subnet, target.range, name);
    if (acls.outcome === 'blocked') return acls;
    if (egress.hop.verdict === 'UNKNOWN') return { outcome: 'unknown', why: `${name}: ${egress.hop.detail}`, fix: describeFix };
    return acls;
  });
  // Which interface DNS gives is not known: all pass passes, all blocked blocks, a mix is unknown.
  if (perTarget.length) {
    const outcome = combine(perTarget.map((p) => p.outcome), 'one');
    const deciding = perTarget.filter((p) => p.outcome !== 'pass');
    if (outcome !== 'pass') parts.push({ outcome, why: deciding.map((p) => p.why).join('; '), fix: deciding.find((p) => p.fix)?.fix });
  }
  const outcome = combine(parts.map((p) => p.outcome), 'every');
  if (outcome === 'pass') return { outcome, why: name };
  const deciding = parts.filter((p) => p.outcome === outcome);
  return { outcome, why: deciding.map((p) => p.why).join('; '), fix: deciding.find((p) => p.fix)?.fix };
}

/** HTTPS from the Glue subnet to an endpoint subnet and its replies, through both subnets' ACLs. */
function aclsBetween(topo: Topology, glueSubnet: Subnet, glueRange: AddressRange, endpointSubnet: Subnet, endpointRange: AddressRange, name: string): ServicePath {
  const glueAcl = topo.effectiveNetworkAcl(glueSubnet);
  const endpointAcl = topo.effectiveNetworkAcl(endpointSubnet);
  const missing = [glueAcl, endpointAcl].find((a) => !a.known);
  if (missing && !missing.known) return { outcome: 'unknown', why: `${name}: ${missing.reason}` };
  const single = { from: HTTPS, to: HTTPS };
  const g = (glueAcl as { value: NetworkAcl }).value;
  const e = (endpointAcl as { value: NetworkAcl }).value;
  const legs = [
    { acl: g, what: `outbound TCP ${HTTPS} from ${glueSubnet.id} to ${formatRange(endpointRange)}`, judged: judgeAcl(g, true, [endpointRange], single, 'every-address', 'every-port') },
    { acl: e, what: `inbound TCP ${HTTPS} into ${endpointSubnet.id} from ${formatRange(glueRange)}`, judged: judgeAcl(e, false, [glueRange], single, 'every-address', 'every-port') },
    { acl: e, what: `outbound replies from ${endpointSubnet.id} to ${formatRange(glueRange)} (ports ${LINUX_EPHEMERAL_PORTS.from}-${LINUX_EPHEMERAL_PORTS.to})`, judged: judgeAcl(e, true, [glueRange], LINUX_EPHEMERAL_PORTS, 'every-address', 'client-picks') },
    { acl: g, what: `inbound replies into ${glueSubnet.id} from ${formatRange(endpointRange)} (ports ${LINUX_EPHEMERAL_PORTS.from}-${LINUX_EPHEMERAL_PORTS.to})`, judged: judgeAcl(g, false, [endpointRange], LINUX_EPHEMERAL_PORTS, 'every-address', 'client-picks') },
  ];
  const outcome = combine(legs.map((l) => l.judged.outcome), 'every');
  if (outcome === 'pass') return { outcome, why: '' };
  const failing = legs.filter((l) => l.judged.outcome === outcome);
  return {
    outcome,
    why: `${name}: ${failing.map((l) => (outcome === 'blocked' ? `${l.what} is denied (${l.judged.deciding.join('; ')})` : `${l.what}: ${l.judged.why ?? 'partly admitted'}`)).join('; ')}. ${LINUX_EPHEMERAL_ASSUMPTION}`,
    fix: `Allow ${failing.map((l) => `${l.what} in ${l.acl.id}`).join(', and ')}, numbered below the entries that deny them.`,
  };
}
