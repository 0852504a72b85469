import { Plan, Verdict } from './plan';
import { describeAddress } from './store-location';
import { EntrylessPrefixListRoute, JobConnectionRef, NetworkModel, PROTOCOL_ALL, SecurityGroupRule } from '../model';

/*
 * Drift: where the plan of the templates and the plan of the same jobs as deployed differ, and
 * which deployed element differs from the template element it was made from. Pure: two models
 * and their plans in, the differences out. Template elements are matched to deployed ones through
 * CloudFormation's physical ids (`DeployedIds`: logical id -> physical id, per deployed stack),
 * and, where the stack's resources were not read or for what the templates do not define,
 * through the jobs' and connections' names (a name is what both sides share): the connection's
 * subnet, its security groups in order, then that subnet's VPC, route table and network ACL.
 */

/** A job's state in the comparison. */
export type JobDriftStatus = 'same' | 'drifted' | 'not-deployed' | 'not-in-templates' | 'name-unknown';

export interface StoreDrift {
  /** The connection the store is reached through (its name). */
  readonly connection: string;
  readonly templates?: Verdict;
  readonly deployed?: Verdict;
}

/** An element whose deployed configuration is not the templates'. */
export interface ElementDrift {
  /** `route table`, `security group`, `network ACL`, `connection`, `job`. */
  readonly kind: string;
  /** The element in the templates (stack/logical id), and as deployed (physical id). */
  readonly templateId: string;
  readonly deployedId: string;
  /** Present in the templates, not deployed (`removed`), or the other way round (`added`). */
  readonly change: 'removed' | 'added';
  /** The route, rule, entry or setting, in words. */
  readonly item: string;
  /** The template resource the removed item comes from (`stack/LogicalId` of an `AWS::EC2::Route`), when it is one. */
  readonly resource?: string;
}

export interface JobDrift {
  readonly name: string;
  /** The deployed job's name, when it is not `name` (CloudFormation generated it). */
  readonly deployedName?: string;
  readonly status: JobDriftStatus;
  /** Selected connection per side (null: none; absent: the side has no plan of the job). */
  readonly selected?: { readonly templates?: string | null; readonly deployed?: string | null };
  readonly stores: StoreDrift[];
  readonly elements: ElementDrift[];
  /** Why the job could not be compared, or what it shares with the templates (`not-in-templates`). */
  readonly note?: string;
}

export interface DriftReport {
  readonly jobs: JobDrift[];
  /** True when any job is not `same`. */
  readonly drift: boolean;
  /** What limited the matching (stacks whose resources could not be read), said once. */
  readonly notes?: string[];
}

/** What CloudFormation deployed from the templates (`ListStackResources`). */
export interface DeployedIds {
  /** Template model id (`Stack/LogicalId`, nested: `Parent/Nested/LogicalId`) -> physical id. */
  readonly physicalIds: ReadonlyMap<string, string>;
  /** Template stacks whose resources were listed, or that CloudFormation says do not exist. Absent: not read. */
  readonly stacks: ReadonlyMap<string, 'listed' | 'not-deployed'>;
  readonly notes: readonly string[];
}

export interface DriftSide {
  readonly model: NetworkModel;
  readonly plan: Plan;
}

const knownValue = <T>(fact: { known: boolean; value?: T } | undefined): T | undefined => (fact?.known ? fact.value : undefined);

/** Template id -> deployed id, per element, found through connection names. */
class ElementPairs {
  readonly pairs = new Map<string, { kind: string; deployed: string }>();
  add(kind: string, template: string | undefined, deployed: string | undefined): void {
    if (template === undefined || deployed === undefined || this.pairs.has(template)) return;
    this.pairs.set(template, { kind, deployed });
  }
  deployedIds(): Set<string> {
    return new Set([...this.pairs.values()].map((p) => p.deployed));
  }
}

/** Physical ids first: each template element CloudFormation created, with the deployed element of that id. */
function pairByPhysicalIds(pairs: ElementPairs, templates: NetworkModel, deployed: NetworkModel, ids: DeployedIds): void {
  const kinds: [string, ReadonlyMap<string, unknown>, (id: string) => string | undefined][] = [
    ['connection', templates.connections, (name) => [...deployed.connections.values()].find((c) => knownValue(c.name) === name)?.id],
    ['security group', templates.securityGroups, (id) => (deployed.securityGroups.has(id) ? id : undefined)],
    ['subnet', templates.subnets, (id) => (deployed.subnets.has(id) ? id : undefined)],
    ['VPC', templates.vpcs, (id) => (deployed.vpcs.has(id) ? id : undefined)],
    ['route table', templates.routeTables, (id) => (deployed.routeTables.has(id) ? id : undefined)],
    ['network ACL', templates.networkAcls, (id) => (deployed.networkAcls.has(id) ? id : undefined)],
  ];
  for (const [kind, elements, find] of kinds) {
    for (const id of [...elements.keys()].sort()) {
      const physical = ids.physicalIds.get(id);
      if (physical !== undefined) pairs.add(kind, id, find(physical));
    }
  }
}

function pairElements(templates: NetworkModel, deployed: NetworkModel, deployedName: (connectionId: string) => string | undefined, ids?: DeployedIds): ElementPairs {
  const pairs = new ElementPairs();
  if (ids) pairByPhysicalIds(pairs, templates, deployed, ids);
  const byName = (model: NetworkModel, name: string) => [...model.connections.values()].find((c) => knownValue(c.name) === name);
  for (const t of templates.connections.values()) {
    const name = deployedName(t.id);
    const d = name === undefined ? undefined : byName(deployed, name);
    if (!d) continue;
    pairs.add('connection', t.id, d.id);
    t.securityGroupIds.forEach((id, index) => pairs.add('security group', id, d.securityGroupIds[index]));
    if (!t.subnetId || !d.subnetId) continue;
    pairs.add('subnet', t.subnetId, d.subnetId);
    const ts = templates.subnets.get(t.subnetId);
    const ds = deployed.subnets.get(d.subnetId);
    if (!ts || !ds) continue;
    const tv = templates.vpcs.get(knownValue(ts.vpcId) ?? '');
    const dv = deployed.vpcs.get(knownValue(ds.vpcId) ?? '');
    pairs.add('VPC', tv?.id, dv?.id);
    pairs.add('route table', ts.routeTableId ?? tv?.mainRouteTableId, ds.routeTableId ?? dv?.mainRouteTableId);
    pairs.add('network ACL', ts.networkAclId ?? tv?.defaultNetworkAclId, ds.networkAclId ?? dv?.defaultNetworkAclId);
  }
  return pairs;
}

/** A marker of a value known only at deploy time in a template string (`{{ref:id:attribute}}`, `{{unknown:why}}`). */
const DEPLOY_TIME_MARKER = /\{\{ref:[^}]*?:[^}]*\}\}|\{\{unknown:[^}]*\}\}/;

/**
 * Whether a deployed text is what a template text can have become at deploy time: its literal
 * parts in order, each deploy-time part (a resource's attribute, a dynamic reference) any text.
 */
function couldBecome(templateText: string, deployedText: string): boolean {
  const parts = templateText.split(DEPLOY_TIME_MARKER);
  if (parts.length === 1) return templateText === deployedText;
  return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*')}$`).test(deployedText);
}

/** Items only on one side, as drift entries. */
function difference(kind: string, templateId: string, deployedId: string, templateItems: string[], deployedItems: string[]): ElementDrift[] {
  const t = new Set(templateItems);
  const d = new Set(deployedItems);
  return [
    ...[...t].filter((item) => !d.has(item)).map((item) => ({ kind, templateId, deployedId, change: 'removed' as const, item })),
    ...[...d].filter((item) => !t.has(item)).map((item) => ({ kind, templateId, deployedId, change: 'added' as const, item })),
  ];
}

function portsText(protocol: number, from: number, to: number): string {
  const name = protocol === -1 ? 'all traffic' : protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : protocol === 1 ? 'icmp' : `protocol ${protocol}`;
  if (protocol === -1) return name;
  if (from === 0 && to === 65535) return `${name} all ports`;
  return from === to ? `${name} ${from}` : `${name} ${from}-${to}`;
}

/** The differences of one pair of elements, in words both sides share (deployed ids for peers). */
function elementDrift(templates: NetworkModel, deployed: NetworkModel, pairs: ElementPairs, templateId: string, kind: string, deployedId: string, ids?: DeployedIds): ElementDrift[] {
  const deployedPeers = pairs.deployedIds();
  const templatePeer = (id: string) => pairs.pairs.get(id)?.deployed ?? (templates.securityGroups.has(id) && !id.includes('/') ? id : 'another group');
  const deployedPeer = (id: string) => (deployedPeers.has(id) || templates.securityGroups.has(id) ? id : 'another group');
  // A prefix list the templates define is read entry by entry; EC2 describes a route or rule to it
  // by the list's id: both sides name it by that id (CloudFormation's physical id), so the same
  // reference compares equal. Without the physical id (the stack's resources were not read) the
  // list keeps its template id, and the message says so.
  const listName = (id: string) => {
    const physicalId = ids?.physicalIds.get(id);
    if (physicalId !== undefined || id.startsWith('pl-')) return physicalId ?? id;
    const stack = ids?.stacks.get(id.slice(0, id.lastIndexOf('/')));
    return `${id} (${stack === 'listed' ? "not among the deployed stack's resources" : stack === 'not-deployed' ? 'its stack is not deployed'
      : "its deployed id is not known: the stack's resources were not read"})`;
  };
  const rule = (direction: string, r: SecurityGroupRule, peer: (id: string) => string) => {
    const who = r.prefixList !== undefined ? `prefix list ${listName(r.prefixList)}`
      : r.peer.kind === 'cidr' ? r.peer.cidr.text : r.peer.kind === 'security-group' ? `group ${peer(r.peer.groupId)}`
        : r.peer.kind === 'prefix-list' ? `prefix list ${listName(r.peer.prefixListId)}` : 'an unresolved peer';
    return `${direction} ${portsText(r.protocol, r.ports.from, r.ports.to)} ${direction === 'inbound' ? 'from' : 'to'} ${who}`;
  };
  switch (kind) {
    case 'route table': {
      const t = templates.routeTables.get(templateId);
      const d = deployed.routeTables.get(deployedId);
      if (!t || !d) return [];
      const routeText = (r: typeof t.routes[number]) => `route ${r.prefixListUnresolved ? 'to an unresolved prefix list' : r.prefixList !== undefined ? `to prefix list ${listName(r.prefixList)}`
        : r.destination.known ? r.destination.value.text : 'to an unresolved destination'} -> ${r.target.kind}`;
      // A route to an IPv6 list, or one without entries, stands for no route of the model: named apart.
      const entrylessText = (r: EntrylessPrefixListRoute) => `route to prefix list ${listName(r.prefixList)} -> ${r.target.kind}`;
      const routes = (table: typeof t) => [...table.routes.map(routeText), ...(table.entrylessPrefixListRoutes ?? []).map(entrylessText)];
      const endpoints = (model: NetworkModel, id: string) => [...model.gatewayEndpoints.values()]
        .filter((e) => e.type === 'Gateway' && e.routeTableIds.includes(id)).map((e) => `gateway endpoint ${knownValue(e.service) ?? '?'}`);
      // A removed route is named by the template resource it comes from (its AWS::EC2::Route).
      const resources = new Map([...t.routes.map((r) => [routeText(r), r.source] as const), ...(t.entrylessPrefixListRoutes ?? []).map((r) => [entrylessText(r), r.source] as const)]
        .filter(([, source]) => source.stack !== 'facts').map(([text, source]) => [text, `${source.stack}/${source.logicalId}`]));
      return difference(kind, templateId, deployedId, [...routes(t), ...endpoints(templates, templateId)], [...routes(d), ...endpoints(deployed, deployedId)])
        .map((drift) => (drift.change === 'removed' && resources.has(drift.item) ? { ...drift, resource: resources.get(drift.item) } : drift));
    }
    case 'security group': {
      const t = templates.securityGroups.get(templateId);
      const d = deployed.securityGroups.get(deployedId);
      if (!t || !d) return [];
      const rules = (g: typeof t, peer: (id: string) => string) => [...g.ingress.map((r) => rule('inbound', r, peer)), ...g.egress.map((r) => rule('outbound', r, peer)),
        ...(g.entrylessPrefixListRules ?? []).map((e) => rule(e.direction === 'ingress' ? 'inbound' : 'outbound', e.rule, peer)),
        // IPv6 rules admit no IPv4 traffic (weighed only), but one added or removed outside CloudFormation is drift.
        ...(g.ruleWeights ?? []).flatMap((w) => (w.ipv6 ? [`${w.direction === 'ingress' ? 'inbound' : 'outbound'} ${portsText(w.ipv6.protocol, w.ipv6.ports.from, w.ipv6.ports.to)} ${w.direction === 'ingress' ? 'from' : 'to'} ${w.ipv6.cidr}`] : []))];
      // EC2 gives a group of a VPC with an IPv6 block an allow-all IPv6 egress rule beside the
      // allow-all IPv4 one (documented for the VPC's default group: "This rule is added only if your
      // VPC has an associated IPv6 CIDR block", https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html;
      // assumed for a group CloudFormation creates without egress rules): where the templates' group has
      // that IPv4 default and no IPv6 egress of its own, the deployed IPv6 one is EC2's, not drift.
      const allTraffic = (g: typeof t) => g.egress.some((r) => r.protocol === PROTOCOL_ALL && r.peer.kind === 'cidr' && r.peer.cidr.prefixLength === 0);
      const ipv6Egress = (g: typeof t) => (g.ruleWeights ?? []).some((w) => w.direction === 'egress' && w.family === 'ipv6');
      const ec2Default = allTraffic(t) && !ipv6Egress(t) ? `outbound ${portsText(PROTOCOL_ALL, 0, 65535)} to ::/0` : undefined;
      return difference(kind, templateId, deployedId, rules(t, templatePeer), rules(d, deployedPeer).filter((item) => item !== ec2Default));
    }
    case 'network ACL': {
      const t = templates.networkAcls.get(templateId);
      const d = deployed.networkAcls.get(deployedId);
      // The implicit default ACL of a template VPC has no entries to compare (it allows everything).
      if (!t || !d || templateId.includes('#')) return [];
      const entries = (acl: typeof t) => acl.entries.map((e) => `${e.egress ? 'outbound' : 'inbound'} rule ${e.ruleNumber} ${e.allow ? 'allow' : 'deny'} ${portsText(e.protocol, e.ports?.from ?? 0, e.ports?.to ?? 65535)} ${e.cidr.known ? e.cidr.value.text : '?'}`);
      return difference(kind, templateId, deployedId, entries(t), entries(d));
    }
    case 'subnet': {
      // Its associations: a subnet moved to another route table or ACL by hand (names as deployed).
      const t = templates.subnets.get(templateId);
      const d = deployed.subnets.get(deployedId);
      if (!t || !d) return [];
      const tv = templates.vpcs.get(knownValue(t.vpcId) ?? '');
      const dv = deployed.vpcs.get(knownValue(d.vpcId) ?? '');
      const asDeployed = (id: string | undefined) => (id === undefined ? 'none' : pairs.pairs.get(id)?.deployed ?? id);
      const table = (id: string | undefined) => `associated with route table ${id ?? 'none'}`;
      const items = (tableId: string | undefined) => [table(tableId)];
      return difference(kind, templateId, deployedId, items(asDeployed(t.routeTableId ?? tv?.mainRouteTableId)), items(d.routeTableId ?? dv?.mainRouteTableId));
    }
    case 'connection': {
      const t = templates.connections.get(templateId);
      const d = deployed.connections.get(deployedId);
      if (!t || !d) return [];
      // A zone either side gives only at deploy time (Fn::GetAZs, Fn::GetAtt of a subnet placed by
      // AZ ID, a dynamic reference, a parameter) is not compared: CloudFormation resolves it when it
      // deploys, so the deployed zone is not a difference from it (was: "added AvailabilityZone").
      const zoneCompared = t.availabilityZone?.known !== false && d.availabilityZone?.known !== false;
      // So is an address: one the templates do not resolve is not compared, and one with parts
      // known only at deploy time (the endpoint of a database of the templates, a dynamic
      // reference) is the same when the deployed address is what it can have become (was: its
      // text with internal markers "removed", the deployed address "added").
      const templateAddress = knownValue(t.address);
      const deployedAddress = knownValue(d.address);
      const addressCompared = t.address?.known !== false && d.address?.known !== false
        && !(templateAddress !== undefined && deployedAddress !== undefined && couldBecome(templateAddress, deployedAddress));
      const settings = (c: typeof t, model: NetworkModel) => [
        `${c.securityGroupIds.length} security group(s)`,
        ...(zoneCompared && knownValue(c.availabilityZone) ? [`AvailabilityZone ${knownValue(c.availabilityZone)}`] : []),
        ...(addressCompared && knownValue(c.address) ? [`address ${describeAddress(knownValue(c.address)!, model)}`] : []),
      ];
      return difference(kind, templateId, deployedId, settings(t, templates), settings(d, deployed));
    }
    default:
      return [];
  }
}

/**
 * Compares the template plan with the deployed plan, job by job: a template job is the deployed
 * job CloudFormation created from it (`ids`), or, where its stack's resources were not read, the
 * deployed job of the same name. Also listed: deployed jobs that list one of the templates'
 * connections but are not in the templates.
 */
export function compareDeployment(templates: DriftSide, deployed: DriftSide, ids?: DeployedIds): DriftReport {
  const jobs: JobDrift[] = [];
  const stackOf = (id: string) => id.slice(0, id.lastIndexOf('/'));
  /** A template connection's deployed name: its physical id, or its own name where its stack was not listed. */
  const deployedConnectionName = (connectionId: string): string | undefined => {
    const physical = ids?.physicalIds.get(connectionId);
    if (physical !== undefined) return physical;
    const connection = templates.model.connections.get(connectionId);
    return connection ? knownValue(connection.name) : undefined;
  };
  const connectionNames = new Set<string>();
  for (const c of templates.model.connections.values()) {
    const name = deployedConnectionName(c.id);
    if (name !== undefined) connectionNames.add(name);
  }
  const pairs = pairElements(templates.model, deployed.model, deployedConnectionName, ids);
  const deployedJobs = new Map(deployed.plan.jobs.map((job) => [job.name, job]));
  const templateKey = (s: { connection: { id: string; name: string } }) => deployedConnectionName(s.connection.id) ?? s.connection.name;
  const deployedKey = (s: { connection: { name: string } }) => s.connection.name;
  const claimed = new Set<string>();
  for (const job of templates.plan.jobs) {
    const modelJob = templates.model.jobs.get(job.id);
    const stack = modelJob ? modelJob.source.stack : stackOf(job.id);
    const notDeployed = (note?: string): JobDrift => ({
      name: job.name,
      status: 'not-deployed',
      selected: { templates: job.selectedConnection?.name ?? null },
      stores: job.dataStores.map((s) => ({ connection: templateKey(s), templates: s.verdict })),
      elements: [],
      ...(note ? { note } : {}),
    });
    let deployedName: string | undefined;
    const state = ids?.stacks.get(stack);
    if (state === 'not-deployed') {
      jobs.push(notDeployed(`its stack ${stack} is not deployed (CloudFormation has no such stack)`));
      continue;
    }
    if (state === 'listed') {
      deployedName = ids!.physicalIds.get(job.id);
      if (deployedName === undefined) {
        jobs.push(notDeployed(`the deployed stack ${stack} has no resource ${job.source.logicalId}: deploy the templates`));
        continue;
      }
    } else if (modelJob && !modelJob.name.known) {
      jobs.push({ name: job.name, status: 'name-unknown', stores: [], elements: [], note: `its name is not fixed in the templates (${modelJob.name.reason}), and the resources of its stack ${stack} were not read: give the job a name (jobName), or let the stack's resources be read (cloudformation:ListStackResources) to compare it` });
      continue;
    } else {
      deployedName = job.name;
    }
    claimed.add(deployedName);
    const renamed = deployedName !== job.name ? { deployedName } : {};
    const other = deployedJobs.get(deployedName);
    if (!other) {
      jobs.push({ ...notDeployed(state === 'listed' ? `the stack ${stack} lists it as ${deployedName}, but glue:GetJobs does not return it (deleted outside CloudFormation?)` : undefined), ...renamed });
      continue;
    }
    const stores: StoreDrift[] = [];
    const otherStores = new Map(other.dataStores.map((s) => [deployedKey(s), s.verdict]));
    for (const s of job.dataStores) stores.push({ connection: templateKey(s), templates: s.verdict, deployed: otherStores.get(templateKey(s)) });
    for (const s of other.dataStores) if (!job.dataStores.some((t) => templateKey(t) === deployedKey(s))) stores.push({ connection: deployedKey(s), deployed: s.verdict });
    const elements: ElementDrift[] = [];
    const templateJob = templates.model.jobs.get(job.id);
    const deployedJob = deployed.model.jobs.get(other.id);
    const listName = (ref: JobConnectionRef) => (ref.connectionId ? deployedConnectionName(ref.connectionId) : undefined) ?? (ref.name.known ? ref.name.value : '(unresolved)');
    const names = (j: typeof templateJob) => (j?.connections ?? []).map((c, i) => `connection ${i + 1}: ${listName(c)}`);
    elements.push(...difference('job', job.id, other.id, names(templateJob), names(deployedJob)));
    const involved = new Set<string>();
    for (const ref of templateJob?.connections ?? []) {
      const connection = ref.connectionId ? templates.model.connections.get(ref.connectionId) : undefined;
      if (!connection) continue;
      involved.add(connection.id);
      for (const id of connection.securityGroupIds) involved.add(id);
      const subnet = connection.subnetId ? templates.model.subnets.get(connection.subnetId) : undefined;
      if (subnet) involved.add(subnet.id);
      const vpc = subnet ? templates.model.vpcs.get(knownValue(subnet.vpcId) ?? '') : undefined;
      const table = subnet?.routeTableId ?? vpc?.mainRouteTableId;
      const acl = subnet?.networkAclId ?? vpc?.defaultNetworkAclId;
      if (table) involved.add(table);
      if (acl) involved.add(acl);
    }
    for (const id of [...involved].sort()) {
      const pair = pairs.pairs.get(id);
      // The same id on both sides: an element the templates take from the account, not one they define.
      if (!pair || pair.deployed === id) continue;
      elements.push(...elementDrift(templates.model, deployed.model, pairs, id, pair.kind, pair.deployed, ids));
    }
    // The selected connection by its deployed name on both sides.
    const selectedName = (summary: { id: string; name: string } | null) => (summary ? deployedConnectionName(summary.id) ?? summary.name : null);
    const selected = { templates: selectedName(job.selectedConnection), deployed: other.selectedConnection?.name ?? null };
    const same = selected.templates === selected.deployed && stores.every((s) => s.templates === s.deployed) && elements.length === 0;
    jobs.push({ name: job.name, ...renamed, status: same ? 'same' : 'drifted', selected, stores, elements });
  }
  for (const job of deployed.plan.jobs) {
    if (claimed.has(job.name)) continue;
    const modelJob = deployed.model.jobs.get(job.id);
    const shared = (modelJob?.connections ?? []).map((c) => (c.name.known ? c.name.value : '')).filter((name) => connectionNames.has(name));
    if (!shared.length) continue;
    jobs.push({
      name: job.name,
      status: 'not-in-templates',
      selected: { deployed: job.selectedConnection?.name ?? null },
      stores: job.dataStores.map((s) => ({ connection: deployedKey(s), deployed: s.verdict })),
      elements: [],
      note: `deployed, not in the templates; it lists the templates' connection${shared.length > 1 ? 's' : ''} ${shared.join(', ')}`,
    });
  }
  jobs.sort((a, b) => a.name.localeCompare(b.name));
  return { jobs, drift: jobs.some((job) => job.status !== 'same'), ...(ids?.notes.length ? { notes: [...ids.notes] } : {}) };
}
