import {
  Candidate, ConnectionSummary, DataStorePlan, Explanation, FailoverScenario, Hop, JobPlan, PathTrace, Plan, SubnetSummary, Verdict, VpcSummary,
} from '../engine';
import { SourceRef } from '../model';

/**
 * Diagrams of each job's network, one per job so a large app never becomes one hairball: the
 * VPCs (with CIDRs) and subnets as nested clusters, the Glue ENIs in the selected subnet, the
 * other candidate connections, the data stores, and every traced path as a chain
 * ENI -> blocking hops / peerings / transit gateways -> store. An edge is green while the packet
 * still gets through, red after the hop that blocks it (drawn as a red node labelled with the
 * explanation code), grey and dashed after a hop whose verdict is unknown. The single-AZ
 * what-ifs are dashed ENI nodes with dotted edges.
 *
 * Both renderings (Mermaid, Graphviz DOT) draw the same scene, built once per job.
 */

export interface DiagramOptions {
  /** Draw the single-AZ failure what-ifs (default true). */
  readonly failover?: boolean;
}

/** One job's diagram in both renderings. */
export interface JobDiagram {
  readonly jobId: string;
  readonly jobName: string;
  readonly title: string;
  readonly mermaid: string;
  readonly dot: string;
}

type EdgeState = 'reachable' | 'blocked' | 'unknown';
type NodeKind = 'eni' | 'failover-eni' | 'candidate' | 'store' | 'transit' | 'blocker' | 'note';

interface SceneCluster {
  readonly id: string;
  readonly kind: 'vpc' | 'subnet';
  readonly label: string[];
  readonly parent?: string;
}

interface SceneNode {
  readonly id: string;
  readonly kind: NodeKind;
  label: string[];
  readonly cluster?: string;
  verdict: Verdict;
}

interface SceneEdge {
  readonly from: string;
  readonly to: string;
  readonly state: EdgeState;
  /** A what-if (single-AZ failure) edge rather than the main selection's path. */
  readonly failover: boolean;
  readonly label: string[];
}

/** A job's network as nodes, clusters and edges, independent of the rendering. */
interface Scene {
  readonly title: string;
  readonly clusters: SceneCluster[];
  readonly nodes: SceneNode[];
  readonly edges: SceneEdge[];
}

const VERDICT_RANK: Record<Verdict, number> = { REACHABLE: 0, UNKNOWN: 1, UNREACHABLE: 2 };

function worse(a: Verdict, b: Verdict): Verdict {
  return VERDICT_RANK[a] >= VERDICT_RANK[b] ? a : b;
}

/** A person's name for a model element: its construct path without the L1 suffix, else its id. */
export function displayName(id: string, source?: SourceRef): string {
  const path = source?.constructPath;
  if (!path) return id;
  return path.replace(/\/(Resource|Default)$/, '');
}

function subnetName(subnet: SubnetSummary, vpcName?: string): string {
  let name = displayName(subnet.id, subnet.source).replace(/\/Subnet$/, '');
  if (vpcName && name.startsWith(`${vpcName}/`) && subnet.source.constructPath) name = name.slice(vpcName.length + 1);
  return name;
}

function storeName(store: DataStorePlan): string {
  return separateStore(store) ? displayName(store.storeSource!.logicalId, store.storeSource) : `data store of ${store.connection.name}`;
}

/** The store is a resource of its own, not a declaration on its connection (GlueDataStore.declare). */
function separateStore(store: DataStorePlan): boolean {
  const s = store.storeSource;
  return s !== undefined && !(s.stack === store.connection.source.stack && s.logicalId === store.connection.source.logicalId);
}

function statusText(c: Candidate): string {
  switch (c.status) {
    case 'selected': return 'selected';
    case 'skipped': return 'skipped';
    case 'unknown': return 'undecided';
    default: return 'not considered';
  }
}

function codesOf(explanations: Explanation[], verdict: Verdict): string[] {
  const wanted = explanations.filter((e) => (verdict === 'UNKNOWN' ? e.unknown : !e.unknown));
  return [...new Set((wanted.length ? wanted : explanations).map((e) => e.code))];
}

const KIND_TEXT: Record<string, string> = {
  'route-table': 'route table',
  'security-group': 'security group',
  'network-acl': 'network ACL',
  'vpc-peering': 'VPC peering',
  'transit-gateway': 'transit gateway',
  'subnet': 'subnet',
  'dns': 'DNS',
};

/** Which side of the path a hop's component lives on, so its node lands in the right VPC. */
type Side = 'source' | 'transit' | 'destination';

/** A point a path passes on its way to the store: a peering or transit gateway, or a hop that blocks. */
interface Waypoint {
  readonly key: string;
  readonly side: Side;
  readonly hop: Hop;
  readonly codes: string[];
}

function hopSides(path: PathTrace): Side[] {
  // The engine judges hops in a fixed order: ENI egress groups before the store's ingress groups;
  // forward ACLs source then destination; return ACLs destination then source.
  let forwardGroups = 0;
  let forwardAcls = 0;
  let returnAcls = 0;
  return path.hops.map((hop) => {
    switch (hop.kind) {
      case 'vpc-peering':
      case 'transit-gateway':
        return 'transit';
      case 'route-table':
        return hop.direction === 'forward' ? 'source' : 'destination';
      case 'security-group':
        return hop.direction === 'forward' && forwardGroups++ === 0 ? 'source' : 'destination';
      case 'network-acl':
        if (hop.direction === 'forward') return forwardAcls++ === 0 ? 'source' : 'destination';
        return returnAcls++ === 0 ? 'destination' : 'source';
      case 'subnet':
      case 'eni':
        return hop.component === path.sourceSubnet ? 'source' : 'destination';
      default:
        return 'destination';
    }
  });
}

/**
 * The waypoints of a path in the order a person reads them: the source VPC's blocking hops,
 * the peerings and transit gateways crossed, then the destination VPC's blocking hops (the
 * return route's problems sit with the VPC they are in).
 */
function waypointsOf(path: PathTrace): Waypoint[] {
  const sides = hopSides(path);
  const points: Waypoint[] = [];
  const matched = new Set<Explanation>();
  path.hops.forEach((hop, i) => {
    if (hop.kind === 'eni' || hop.kind === 'data-store') return;
    const transit = sides[i] === 'transit';
    if (!transit && hop.verdict === 'REACHABLE') return;
    const explanations = hop.verdict === 'REACHABLE' ? [] : path.explanations.filter((e) => e.component === hop.component && !matched.has(e));
    explanations.forEach((e) => matched.add(e));
    const key = transit ? `transit|${hop.component}` : `block|${hop.direction}|${hop.kind}|${hop.component}`;
    const existing = points.find((p) => p.key === key);
    if (existing) {
      const codes = [...new Set([...existing.codes, ...codesOf(explanations, hop.verdict)])];
      points[points.indexOf(existing)] = { ...existing, hop: { ...existing.hop, verdict: worse(existing.hop.verdict, hop.verdict) }, codes };
      return;
    }
    points.push({ key, side: sides[i], hop, codes: explanations.length ? codesOf(explanations, hop.verdict) : [] });
  });
  // Explanations about a component the hop names differently (a transit gateway's attachment or
  // route table) go to the first blocking point that has no code yet.
  const leftover = path.explanations.filter((e) => !matched.has(e) && e.code !== 'PEERING_DNS' && e.code !== 'TGW_DNS');
  for (const e of leftover) {
    const index = points.findIndex((p) => p.hop.verdict !== 'REACHABLE' && (p.codes.length === 0 || p.hop.component === e.component));
    if (index >= 0) points[index] = { ...points[index], codes: [...new Set([...points[index].codes, e.code])] };
  }
  const order: Side[] = ['source', 'transit', 'destination'];
  return order.flatMap((side) => points.filter((p) => p.side === side));
}

class SceneBuilder {
  readonly clusters: SceneCluster[] = [];
  readonly nodes: SceneNode[] = [];
  readonly edges: SceneEdge[] = [];
  private readonly clusterByKey = new Map<string, SceneCluster>();
  private readonly nodeByKey = new Map<string, SceneNode>();
  private readonly edgeByKey = new Map<string, SceneEdge>();
  private readonly subnets = new Map<string, SubnetSummary>();
  private readonly vpcs = new Map<string, VpcSummary>();

  constructor(plan: Plan, job: JobPlan) {
    for (const s of plan.network?.subnets ?? []) this.subnets.set(s.id, s);
    for (const v of plan.network?.vpcs ?? []) this.vpcs.set(v.id, v);
    // Without network facts in the plan (an older plan), the connections still say where their subnets are.
    const summaries = [...job.candidates.map((c) => c.connection), ...job.failover.map((f) => f.selectedConnection)];
    for (const c of summaries) {
      if (c?.subnet && !this.subnets.has(c.subnet)) this.subnets.set(c.subnet, { id: c.subnet, source: { stack: '', logicalId: c.subnet }, vpc: c.vpc, az: c.az });
    }
  }

  vpcCluster(vpcId: string): string {
    const key = `vpc|${vpcId}`;
    const existing = this.clusterByKey.get(key);
    if (existing) return existing.id;
    const vpc = this.vpcs.get(vpcId);
    const name = vpc ? displayName(vpc.id, vpc.source) : vpcId;
    const cidrs = vpc?.cidrs.length ? vpc.cidrs.join(', ') : 'CIDR unknown';
    const cluster: SceneCluster = { id: `vpc${this.clusters.length + 1}`, kind: 'vpc', label: [`VPC ${name}`, cidrs] };
    this.clusters.push(cluster);
    this.clusterByKey.set(key, cluster);
    return cluster.id;
  }

  subnetCluster(subnetId: string): string {
    const key = `subnet|${subnetId}`;
    const existing = this.clusterByKey.get(key);
    if (existing) return existing.id;
    const subnet = this.subnets.get(subnetId);
    const vpc = subnet?.vpc ? this.vpcs.get(subnet.vpc) : undefined;
    const parent = subnet?.vpc ? this.vpcCluster(subnet.vpc) : undefined;
    const where = subnet ? [subnet.cidr, subnet.az].filter((x) => x).join(' · ') : '';
    const name = subnet ? subnetName(subnet, vpc ? displayName(vpc.id, vpc.source) : undefined) : subnetId;
    const label = [`subnet ${name}`, where || (subnet ? 'CIDR unknown' : 'not described')];
    const cluster: SceneCluster = { id: `sn${this.clusters.length + 1}`, kind: 'subnet', label, parent };
    this.clusters.push(cluster);
    this.clusterByKey.set(key, cluster);
    return cluster.id;
  }

  /** The cluster a set of store subnets lands in: the subnet when one, the VPC when all share it. */
  storeCluster(subnetIds: string[]): string | undefined {
    const unique = [...new Set(subnetIds)];
    if (unique.length === 1) return this.subnetCluster(unique[0]);
    const vpcs = new Set(unique.map((id) => this.subnets.get(id)?.vpc));
    const [vpc] = [...vpcs];
    return vpcs.size === 1 && vpc ? this.vpcCluster(vpc) : undefined;
  }

  subnetLabel(subnetId: string): string {
    const subnet = this.subnets.get(subnetId);
    if (!subnet) return subnetId;
    const vpc = subnet.vpc ? this.vpcs.get(subnet.vpc) : undefined;
    return `${subnetName(subnet, vpc ? displayName(vpc.id, vpc.source) : undefined)}${subnet.cidr ? ` (${subnet.cidr})` : ''}`;
  }

  /** The cluster a hop's node belongs in: the VPC of the side of the path it is on. */
  hopCluster(path: PathTrace, side: Side): string | undefined {
    if (side === 'transit') return undefined;
    const subnet = this.subnets.get(side === 'source' ? path.sourceSubnet : path.destinationSubnet);
    return subnet?.vpc ? this.vpcCluster(subnet.vpc) : undefined;
  }

  node(key: string, make: () => Omit<SceneNode, 'id'>): SceneNode {
    const existing = this.nodeByKey.get(key);
    if (existing) return existing;
    const node: SceneNode = { id: `n${this.nodes.length + 1}`, ...make() };
    this.nodes.push(node);
    this.nodeByKey.set(key, node);
    return node;
  }

  findNode(key: string): SceneNode | undefined {
    return this.nodeByKey.get(key);
  }

  edge(from: string, to: string, state: EdgeState, failover: boolean, label: string[] = []): void {
    const key = `${from}|${to}|${state}|${failover}`;
    const existing = this.edgeByKey.get(key);
    if (existing) {
      for (const l of label) if (!existing.label.includes(l)) existing.label.push(l);
      return;
    }
    const edge: SceneEdge = { from, to, state, failover, label: [...label] };
    this.edges.push(edge);
    this.edgeByKey.set(key, edge);
  }
}

function stateOf(verdict: Verdict): EdgeState {
  return verdict === 'REACHABLE' ? 'reachable' : verdict === 'UNKNOWN' ? 'unknown' : 'blocked';
}

function connectionIndex(job: JobPlan, connection: ConnectionSummary | null): number {
  return connection ? job.candidates.findIndex((c) => c.connection.id === connection.id) + 1 : 0;
}

function noSelectionText(job: JobPlan): string {
  if (job.candidates.some((c) => c.status === 'unknown')) return 'selection undecided: a connection is not described';
  if (job.candidates.some((c) => c.connection.subnet)) return 'no suitable connection: runs fail at submission (NO_SUITABLE_CONNECTION)';
  return 'no connection has a subnet: runs outside your VPCs (GLUE_NOT_IN_VPC)';
}

function sceneOf(plan: Plan, job: JobPlan, options: DiagramOptions): Scene {
  const b = new SceneBuilder(plan, job);
  const selected = job.selectedConnection;

  // The Glue ENIs first, so left-to-right layouts start from them.
  const eni = selected
    ? b.node('eni', () => ({ kind: 'eni', label: ['Glue ENIs', `connection ${selected.name} (#${connectionIndex(job, selected)}, selected)`], cluster: selected.subnet ? b.subnetCluster(selected.subnet) : undefined, verdict: 'REACHABLE' }))
    : b.node('eni', () => ({ kind: 'note', label: [`Glue job ${job.name}`, noSelectionText(job)], verdict: 'UNREACHABLE' }));

  job.candidates.forEach((c, i) => {
    if (c.status === 'selected' || !c.connection.subnet) return;
    const reasons = c.reasons.map((r) => r.code).filter((code) => code !== 'AFTER_SELECTED');
    b.node(`candidate|${i}`, () => ({
      kind: 'candidate',
      label: [`connection ${c.connection.name} (#${i + 1})`, `${statusText(c)}${reasons.length ? `: ${reasons.join(', ')}` : ''}`],
      cluster: b.subnetCluster(c.connection.subnet!),
      verdict: c.status === 'unknown' ? 'UNKNOWN' : 'REACHABLE',
    }));
  });

  const storeNode = (store: DataStorePlan): SceneNode => b.node(`store|${store.connection.id}`, () => {
    const subnets = store.paths.map((p) => p.destinationSubnet);
    const name = storeName(store);
    const label = [name];
    if (separateStore(store)) label.push(`data store of ${store.connection.name}`);
    if (new Set(subnets).size > 1) label.push(`in ${[...new Set(subnets)].map((s) => b.subnetLabel(s)).join(', ')}`);
    label.push(`${store.port !== undefined ? `TCP ${store.port}: ` : ''}${store.verdict}`);
    return { kind: 'store', label, cluster: subnets.length ? b.storeCluster(subnets) : undefined, verdict: store.verdict };
  });

  // A blocking hop shared by several paths collects every code and detail it was blamed for.
  const seenByNode = new Map<string, { codes: string[]; details: string[] }>();
  for (const store of job.dataStores) {
    const target = storeNode(store);
    const port = store.port !== undefined ? [`TCP ${store.port}`] : [];
    if (!store.paths.length) {
      b.edge(eni.id, target.id, stateOf(store.verdict), false, codesOf(store.explanations, store.verdict));
      continue;
    }
    for (const path of store.paths) {
      let previous = eni.id;
      let state: EdgeState = 'reachable';
      let first = true;
      for (const point of waypointsOf(path)) {
        const transit = point.side === 'transit';
        const node = b.node(point.key, () => ({
          kind: transit ? 'transit' : 'blocker',
          label: [],
          cluster: b.hopCluster(path, point.side),
          verdict: 'REACHABLE',
        }));
        node.verdict = worse(node.verdict, point.hop.verdict);
        const seen = seenByNode.get(node.id) ?? { codes: [], details: [] };
        seen.codes = [...new Set([...seen.codes, ...point.codes])];
        if (point.hop.verdict !== 'REACHABLE' && !seen.details.includes(shortDetail(point.hop))) seen.details.push(shortDetail(point.hop));
        seenByNode.set(node.id, seen);
        node.label = waypointLabel(node, point.hop, seen.codes, seen.details);
        b.edge(previous, node.id, state, false, first ? port : []);
        first = false;
        previous = node.id;
        if (point.hop.verdict === 'UNREACHABLE') state = 'blocked';
        else if (point.hop.verdict === 'UNKNOWN' && state === 'reachable') state = 'unknown';
      }
      b.edge(previous, target.id, state === 'reachable' ? stateOf(path.verdict) : state, false, first ? port : []);
    }
  }

  if (options.failover ?? true) drawFailover(b, job, eni, storeNode);

  const title = `Glue job ${job.name} (${job.source.stack}/${job.source.logicalId})`;
  return { title, clusters: b.clusters, nodes: b.nodes, edges: b.edges };
}

function waypointLabel(node: SceneNode, hop: Hop, codes: string[], details: string[]): string[] {
  const name = displayName(hop.component, hop.source);
  const kind = KIND_TEXT[hop.kind] ?? hop.kind;
  const verdict = `${node.verdict === 'UNKNOWN' ? 'UNKNOWN' : 'BLOCKED'}${codes.length ? `: ${codes.join(', ')}` : ''}`;
  // Several paths blocked by one component: show a few of their details, not a wall.
  const shown = details.length > 3 ? [...details.slice(0, 2), `and ${details.length - 2} more`] : details;
  if (node.kind === 'transit') return node.verdict === 'REACHABLE' ? [`${kind} ${name}`] : [verdict, `${kind} ${name}`, ...shown];
  return [verdict, `${kind} ${name}${hop.direction === 'return' ? ' (replies)' : ''}`, ...shown];
}

/** The hop's detail without the prefix that repeats the component's name. */
function shortDetail(hop: Hop): string {
  const text = hop.detail
    .replace(/^route (out|back): \S+(?: \([^)]*\))? for (\S+): no route$/, 'no route for $2')
    .replace(/^route (out|back): \S+(?: \([^)]*\))? for /, '');
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

function drawFailover(b: SceneBuilder, job: JobPlan, eni: SceneNode, storeNode: (s: DataStorePlan) => SceneNode): void {
  const sameAsMain: string[] = [];
  const byConnection = new Map<string, FailoverScenario[]>();
  for (const f of job.failover) {
    if (f.selectedConnection && f.selectedConnection.id === job.selectedConnection?.id) {
      sameAsMain.push(f.azDown);
      continue;
    }
    const key = f.selectedConnection ? `connection|${f.selectedConnection.id}` : `none|${f.azDown}`;
    byConnection.set(key, [...(byConnection.get(key) ?? []), f]);
  }
  if (sameAsMain.length && eni.kind === 'eni') eni.label = [...eni.label, `also selected if ${sameAsMain.join(' or ')} fails`];
  for (const [key, scenarios] of byConnection) {
    const azs = scenarios.map((f) => f.azDown).join(' or ');
    const chosen = scenarios[0].selectedConnection;
    const node = b.node(`failover|${key}`, () => (chosen
      ? {
        kind: 'failover-eni',
        label: [`Glue ENIs if ${azs} fails`, `connection ${chosen.name} (#${connectionIndex(job, chosen)})`],
        cluster: chosen.subnet ? b.subnetCluster(chosen.subnet) : undefined,
        verdict: 'REACHABLE',
      }
      : { kind: 'note', label: [`if ${azs} fails`, 'no suitable connection: runs fail'], verdict: 'UNREACHABLE' }));
    if (!chosen) continue;
    // The outcome goes in the node, not on each dotted edge: what-if labels on long edges
    // crossing the VPCs were the clutter of the picture.
    const stores = scenarios[0].dataStores;
    const notReached = stores.filter((s) => s.verdict !== 'REACHABLE');
    const codes = [...new Set(notReached.flatMap((s) => codesOf(s.explanations, s.verdict)))];
    node.label = [...node.label, notReached.length
      ? `cannot reach ${notReached.map((s) => s.connection.name).join(', ')}${codes.length ? ` (${codes.join(', ')})` : ''}`
      : 'reaches every store'];
    for (const store of stores) b.edge(node.id, storeNode(store).id, stateOf(store.verdict), true);
  }
}

// ---------------------------------------------------------------- Mermaid

const COLOURS = {
  reachable: '#2e7d32',
  blocked: '#c62828',
  unknown: '#757575',
};

/** Text safe inside a quoted Mermaid label: entity codes for what the parser or HTML would read. */
function mermaidText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#34;')
    .replace(/</g, '#60;')
    .replace(/>/g, '#62;')
    .replace(/\|/g, '#124;')
    .replace(/`/g, '#96;');
}

function mermaidLabel(lines: string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

const MERMAID_SHAPES: Record<NodeKind, [string, string]> = {
  'eni': ['(', ')'],
  'failover-eni': ['(', ')'],
  'candidate': ['[', ']'],
  'store': ['[(', ')]'],
  'transit': ['([', '])'],
  'blocker': ['{{', '}}'],
  'note': ['[', ']'],
};

function mermaidClass(node: SceneNode): string {
  switch (node.kind) {
    case 'store': return node.verdict === 'REACHABLE' ? 'storeOk' : node.verdict === 'UNKNOWN' ? 'storeUnknown' : 'storeBlocked';
    case 'blocker': return node.verdict === 'UNKNOWN' ? 'unknownHop' : 'blocked';
    case 'transit': return node.verdict === 'REACHABLE' ? 'transit' : node.verdict === 'UNKNOWN' ? 'unknownHop' : 'blocked';
    case 'note': return 'note';
    case 'failover-eni': return 'failoverEni';
    case 'candidate': return 'candidate';
    default: return 'eni';
  }
}

const MERMAID_CLASSES: Record<string, string> = {
  eni: 'fill:#e3f2fd,stroke:#1565c0,stroke-width:2px,color:#0d47a1',
  failoverEni: 'fill:#ffffff,stroke:#1565c0,stroke-width:2px,stroke-dasharray:6 4,color:#0d47a1',
  candidate: 'fill:#fafafa,stroke:#9e9e9e,stroke-dasharray:4 3,color:#616161',
  storeOk: 'fill:#e8f5e9,stroke:#2e7d32,stroke-width:2px,color:#1b5e20',
  storeBlocked: 'fill:#ffebee,stroke:#c62828,stroke-width:2px,color:#b71c1c',
  storeUnknown: 'fill:#f5f5f5,stroke:#757575,stroke-width:2px,stroke-dasharray:5 4,color:#424242',
  transit: 'fill:#fff8e1,stroke:#f9a825,stroke-width:2px,color:#5d4037',
  blocked: 'fill:#ffebee,stroke:#c62828,stroke-width:3px,color:#b71c1c',
  unknownHop: 'fill:#f5f5f5,stroke:#757575,stroke-width:2px,stroke-dasharray:5 4,color:#424242',
  note: 'fill:#fff3e0,stroke:#c62828,stroke-dasharray:5 4,color:#b71c1c',
};

function mermaidArrow(edge: SceneEdge): string {
  if (edge.failover) return edge.state === 'blocked' ? '-.-x' : '-.->';
  if (edge.state === 'blocked') return '--x';
  if (edge.state === 'unknown') return '-.->';
  return '-->';
}

function renderMermaid(scene: Scene): string {
  const lines = ['flowchart LR', `  %% ${mermaidText(scene.title)}`];
  // Mermaid's layout overlaps a nested subgraph's title with its nodes and lets clusters with
  // edges between them overlap: subnets inside a VPC become a line of their nodes' labels.
  const byId = new Map(scene.clusters.map((c) => [c.id, c]));
  const flattened = new Set(scene.clusters.filter((c) => c.kind === 'subnet' && c.parent).map((c) => c.id));
  const placement = (node: SceneNode): { cluster?: string; label: string[] } => {
    if (!node.cluster || !flattened.has(node.cluster)) return { cluster: node.cluster, label: node.label };
    const subnet = byId.get(node.cluster)!;
    return { cluster: subnet.parent, label: [...node.label, `in ${subnet.label.join(' · ')}`] };
  };
  const children = (parent: string | undefined) => scene.clusters.filter((c) => c.parent === parent && !flattened.has(c.id));
  const writeCluster = (cluster: SceneCluster | undefined, indent: string) => {
    for (const node of scene.nodes) {
      const placed = placement(node);
      if (placed.cluster !== cluster?.id) continue;
      const [open, close] = MERMAID_SHAPES[node.kind];
      lines.push(`${indent}${node.id}${open}${mermaidLabel(placed.label)}${close}`);
    }
    for (const child of children(cluster?.id)) {
      lines.push(`${indent}subgraph ${child.id}[${mermaidLabel(child.label)}]`);
      writeCluster(child, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  writeCluster(undefined, '  ');
  for (const edge of scene.edges) {
    const label = edge.label.length ? `|${mermaidLabel(edge.label)}|` : '';
    lines.push(`  ${edge.from} ${mermaidArrow(edge)}${label} ${edge.to}`);
  }
  const used = new Map<string, string[]>();
  for (const node of scene.nodes) used.set(mermaidClass(node), [...(used.get(mermaidClass(node)) ?? []), node.id]);
  for (const [name, ids] of used) {
    lines.push(`  classDef ${name} ${MERMAID_CLASSES[name]}`);
    lines.push(`  class ${ids.join(',')} ${name}`);
  }
  for (const cluster of scene.clusters.filter((c) => !flattened.has(c.id))) {
    lines.push(cluster.kind === 'vpc'
      ? `  style ${cluster.id} fill:#f5f7fb,stroke:#5c6bc0,stroke-width:2px,color:#283593`
      : `  style ${cluster.id} fill:#ffffff,stroke:#9fa8da,stroke-dasharray:4 3,color:#3949ab`);
  }
  scene.edges.forEach((edge, i) => {
    const width = edge.failover ? 1.5 : edge.state === 'blocked' ? 3 : 2;
    const dash = edge.failover ? ',stroke-dasharray:2 4' : edge.state === 'unknown' ? ',stroke-dasharray:6 4' : '';
    lines.push(`  linkStyle ${i} stroke:${COLOURS[edge.state]},stroke-width:${width}px${dash}`);
  });
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- Graphviz DOT

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;
}

function dotLabel(lines: string[], justify: 'center' | 'left' = 'center'): string {
  const escaped = lines.map((l) => dotString(l).slice(1, -1));
  return justify === 'left' ? `"${escaped.map((l) => `${l}\\l`).join('')}"` : `"${escaped.join('\\n')}"`;
}

function dotAttributes(attrs: Record<string, string | number>): string {
  return `[${Object.entries(attrs).map(([k, v]) => `${k}=${typeof v === 'number' ? v : k === 'label' ? v : dotString(v)}`).join(', ')}]`;
}

function dotNodeAttributes(node: SceneNode): Record<string, string | number> {
  const label = dotLabel(node.label);
  switch (node.kind) {
    case 'eni':
      return { label, shape: 'box', style: 'rounded,filled', fillcolor: '#e3f2fd', color: '#1565c0', penwidth: 2, fontcolor: '#0d47a1' };
    case 'failover-eni':
      return { label, shape: 'box', style: 'rounded,dashed,filled', fillcolor: '#ffffff', color: '#1565c0', penwidth: 2, fontcolor: '#0d47a1' };
    case 'candidate':
      return { label, shape: 'box', style: 'dashed,filled', fillcolor: '#fafafa', color: '#9e9e9e', fontcolor: '#616161' };
    case 'store': {
      const [fill, line, font] = node.verdict === 'REACHABLE' ? ['#e8f5e9', '#2e7d32', '#1b5e20'] : node.verdict === 'UNKNOWN' ? ['#f5f5f5', '#757575', '#424242'] : ['#ffebee', '#c62828', '#b71c1c'];
      return { label, shape: 'cylinder', style: node.verdict === 'UNKNOWN' ? 'dashed,filled' : 'filled', fillcolor: fill, color: line, penwidth: 2, fontcolor: font };
    }
    case 'transit':
      if (node.verdict === 'REACHABLE') return { label, shape: 'hexagon', style: 'filled', fillcolor: '#fff8e1', color: '#f9a825', penwidth: 2, fontcolor: '#5d4037' };
      return { label, shape: 'hexagon', style: node.verdict === 'UNKNOWN' ? 'dashed,filled' : 'filled', fillcolor: node.verdict === 'UNKNOWN' ? '#f5f5f5' : '#ffebee', color: COLOURS[stateOf(node.verdict)], penwidth: 3, fontcolor: node.verdict === 'UNKNOWN' ? '#424242' : '#b71c1c' };
    case 'blocker':
      return { label, shape: 'octagon', style: node.verdict === 'UNKNOWN' ? 'dashed,filled' : 'filled', fillcolor: node.verdict === 'UNKNOWN' ? '#f5f5f5' : '#ffebee', color: COLOURS[stateOf(node.verdict)], penwidth: 3, fontcolor: node.verdict === 'UNKNOWN' ? '#424242' : '#b71c1c' };
    default:
      return { label, shape: 'note', style: 'dashed,filled', fillcolor: '#fff3e0', color: '#c62828', fontcolor: '#b71c1c' };
  }
}

function dotEdgeAttributes(edge: SceneEdge): Record<string, string | number> {
  const attrs: Record<string, string | number> = { color: COLOURS[edge.state], penwidth: edge.failover ? 1.2 : edge.state === 'blocked' ? 2.5 : 2 };
  if (edge.label.length) { attrs.label = dotLabel(edge.label); attrs.fontcolor = COLOURS[edge.state]; }
  if (edge.failover) attrs.style = 'dotted';
  else if (edge.state === 'unknown') attrs.style = 'dashed';
  if (edge.state === 'blocked') attrs.arrowhead = 'tee';
  return attrs;
}

function renderDot(scene: Scene, name: string): string {
  const lines = [
    `digraph ${dotString(name)} {`,
    `  graph ${dotAttributes({ label: dotLabel([scene.title, 'green: the packet gets this far · red octagon: the hop that blocks it (red after it) · grey dashed: unknown · dotted: if one AZ fails'], 'left'), labelloc: 't', labeljust: 'l', rankdir: 'LR', compound: 'true', newrank: 'true', fontname: 'Helvetica', fontsize: 13, nodesep: 0.35, ranksep: 0.6 })};`,
    `  node ${dotAttributes({ fontname: 'Helvetica', fontsize: 11, margin: '0.12,0.06' })};`,
    `  edge ${dotAttributes({ fontname: 'Helvetica', fontsize: 10 })};`,
  ];
  const writeCluster = (cluster: SceneCluster | undefined, indent: string) => {
    for (const node of scene.nodes.filter((n) => n.cluster === cluster?.id)) {
      lines.push(`${indent}${dotString(node.id)} ${dotAttributes(dotNodeAttributes(node))};`);
    }
    for (const child of scene.clusters.filter((c) => c.parent === cluster?.id)) {
      lines.push(`${indent}subgraph ${dotString(`cluster_${child.id}`)} {`);
      const attrs: Record<string, string | number> = child.kind === 'vpc'
        ? { label: dotLabel(child.label), style: 'rounded,filled', fillcolor: '#f5f7fb', color: '#5c6bc0', penwidth: 2, fontcolor: '#283593', fontsize: 12, fontname: 'Helvetica-Bold' }
        : { label: dotLabel(child.label), style: 'rounded,dashed,filled', fillcolor: '#ffffff', color: '#9fa8da', fontcolor: '#3949ab', fontsize: 11, fontname: 'Helvetica' };
      lines.push(`${indent}  graph ${dotAttributes(attrs)};`);
      writeCluster(child, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  writeCluster(undefined, '  ');
  for (const edge of scene.edges) lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} ${dotAttributes(dotEdgeAttributes(edge))};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- public functions

function findJob(plan: Plan, job: JobPlan | string): JobPlan {
  if (typeof job !== 'string') return job;
  const found = plan.jobs.find((j) => j.id === job);
  if (!found) throw new Error(`no job ${job} in the plan`);
  return found;
}

/** One job's diagram as a Mermaid `flowchart LR` (without the Markdown fence). */
export function jobToMermaid(plan: Plan, job: JobPlan | string, options: DiagramOptions = {}): string {
  return renderMermaid(sceneOf(plan, findJob(plan, job), options));
}

/** One job's diagram as a Graphviz `digraph`. */
export function jobToDot(plan: Plan, job: JobPlan | string, options: DiagramOptions = {}): string {
  const j = findJob(plan, job);
  return renderDot(sceneOf(plan, j, options), j.name);
}

/** Every job's diagram, in plan order. */
export function jobDiagrams(plan: Plan, options: DiagramOptions = {}): JobDiagram[] {
  return plan.jobs.map((job) => {
    const scene = sceneOf(plan, job, options);
    return { jobId: job.id, jobName: job.name, title: scene.title, mermaid: renderMermaid(scene), dot: renderDot(scene, job.name) };
  });
}

/**
 * Every job's diagram as Mermaid, each in its own ```mermaid fence under a heading line, ready
 * to paste into Markdown (one diagram per job: Mermaid draws one graph per block).
 */
export function toMermaid(plan: Plan, options: DiagramOptions = {}): string {
  if (!plan.jobs.length) return 'No Glue jobs found.\n';
  // Each scene rendered as Mermaid only (jobDiagrams would lay out the DOT too).
  return plan.jobs.map((job) => {
    const scene = sceneOf(plan, job, options);
    return `**${scene.title}**\n\n\`\`\`mermaid\n${renderMermaid(scene)}\`\`\`\n`;
  }).join('\n');
}

/**
 * Every job's diagram as Graphviz DOT: one `digraph` per job, separated by a blank line
 * (`dot -Tsvg -O` writes one file per graph).
 */
export function toDot(plan: Plan, options: DiagramOptions = {}): string {
  if (!plan.jobs.length) return 'digraph "no jobs" {\n  graph [label="No Glue jobs found."];\n}\n';
  return plan.jobs.map((job) => jobToDot(plan, job, options)).join('\n');
}
