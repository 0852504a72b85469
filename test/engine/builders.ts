/**
 * Small builders for engine tests: a model described in a few lines, with defaults that make a
 * working single-VPC Glue setup, so each test states only what it is about.
 */
import {
  ALL_PORTS, emptyModel, known, NetworkAclEntry, NetworkModel, parseCidr, PROTOCOL_ALL, PROTOCOL_TCP, RouteTargetKind,
  SecurityGroupRule, SourceRef, unknown,
} from '../../src/model';

const src = (logicalId: string): SourceRef => ({ stack: 'Test', logicalId });

function cidr(text: string) {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad test CIDR ${text}`);
  return c;
}

export class ModelBuilder {
  readonly model: NetworkModel = emptyModel();

  vpc(id: string, cidrs: string | string[], opts: { region?: string; dnsSupport?: boolean; dnsHostnames?: boolean } = {}): this {
    const blocks = (Array.isArray(cidrs) ? cidrs : [cidrs]).map(cidr);
    this.model.vpcs.set(id, {
      id,
      source: src(id),
      cidrBlocks: known(blocks),
      region: known(opts.region ?? 'us-east-1'),
      account: known('111111111111'),
      enableDnsSupport: known(opts.dnsSupport ?? true),
      enableDnsHostnames: known(opts.dnsHostnames ?? true),
      mainRouteTableId: `${id}#main`,
      defaultNetworkAclId: `${id}#default-nacl`,
    });
    this.model.routeTables.set(`${id}#main`, { id: `${id}#main`, source: src(`${id}#main`), vpcId: known(id), routes: [], implicitMain: true });
    this.model.networkAcls.set(`${id}#default-nacl`, {
      id: `${id}#default-nacl`,
      source: src(`${id}#default-nacl`),
      vpcId: known(id),
      isDefault: true,
      entries: [true, false].map((egress) => ({ source: src('default'), ruleNumber: 100, egress, allow: true, protocol: PROTOCOL_ALL, cidr: known(cidr('0.0.0.0/0')) })),
    });
    return this;
  }

  /** A subnet with its own route table `${id}-rt` (unless `mainTable`), which gets an S3 endpoint unless `s3: false`. */
  subnet(id: string, vpc: string, cidrText: string, az: string, opts: { mainTable?: boolean; s3?: boolean; routeTable?: string; usedAddresses?: number } = {}): this {
    const rtId = opts.mainTable ? undefined : opts.routeTable ?? `${id}-rt`;
    if (rtId && !this.model.routeTables.has(rtId)) {
      this.model.routeTables.set(rtId, { id: rtId, source: src(rtId), vpcId: known(vpc), routes: [], implicitMain: false });
    }
    this.model.subnets.set(id, { id, source: src(id), vpcId: known(vpc), cidr: known(cidr(cidrText)), availabilityZone: known(az), routeTableId: rtId, usedAddresses: opts.usedAddresses ?? 0 });
    if (opts.s3 !== false) this.s3Endpoint(rtId ?? `${vpc}#main`, vpc);
    return this;
  }

  s3Endpoint(routeTableId: string, vpc: string): this {
    const id = `${vpc}-s3`;
    const existing = this.model.gatewayEndpoints.get(id);
    if (existing) { if (!existing.routeTableIds.includes(routeTableId)) existing.routeTableIds.push(routeTableId); return this; }
    this.model.gatewayEndpoints.set(id, { id, source: src(id), vpcId: known(vpc), service: known('s3'), type: 'Gateway', routeTableIds: [routeTableId] });
    return this;
  }

  route(routeTableId: string, destination: string, kind: RouteTargetKind, targetId?: string): this {
    const rt = this.model.routeTables.get(routeTableId);
    if (!rt) throw new Error(`no route table ${routeTableId}`);
    rt.routes.push({ source: src(`${routeTableId}-route-${destination}`), destination: known(cidr(destination)), target: { kind, targetId, description: targetId ?? kind } });
    return this;
  }

  /** `n` routes (192.168.i.0/24) the virtual private gateway `vgw` propagates into the table, as read from the account. */
  propagatedRoutes(routeTableId: string, n: number, vgw: string): this {
    const rt = this.model.routeTables.get(routeTableId);
    if (!rt) throw new Error(`no route table ${routeTableId}`);
    for (let i = 0; i < n; i++) {
      const destination = `192.168.${i}.0/24`;
      rt.routes.push({ source: src(`${routeTableId}-propagated-${destination}`), destination: known(cidr(destination)), target: { kind: 'vpn-gateway', targetId: vgw, description: vgw }, propagated: true });
    }
    return this;
  }

  /**
   * A route to a prefix list: one route per entry (`cidrs`), and the list's weight against the
   * routes quota (`maxEntries`; undefined: the inputs do not give it, as for a `pl-...` list).
   */
  prefixListRoute(routeTableId: string, prefixList: string, cidrs: string[], maxEntries: number | undefined, kind: RouteTargetKind, targetId?: string): this {
    const rt = this.model.routeTables.get(routeTableId);
    if (!rt) throw new Error(`no route table ${routeTableId}`);
    const source = src(`${routeTableId}-route-${prefixList}`);
    const target = { kind, targetId, description: targetId ?? kind };
    for (const destination of cidrs) rt.routes.push({ source, destination: known(cidr(destination)), target, prefixList });
    // A list whose entries the inputs do not hold: one route of unknown destination, as the readers make it.
    if (!cidrs.length) rt.routes.push({ source, destination: unknown(`destination is prefix list ${prefixList}, whose entries the inputs do not hold`), target, prefixList });
    const weight = { source, prefixList, weight: maxEntries === undefined ? unknown<number>('not defined by the templates: its maximum entries are not in the inputs') : known(maxEntries) };
    (rt as { prefixListWeights?: unknown[] }).prefixListWeights = [...rt.prefixListWeights ?? [], weight];
    return this;
  }

  nat(id: string, subnet: string): this {
    this.model.natGateways.set(id, { id, source: src(id), subnetId: known(subnet), connectivity: 'public' });
    return this;
  }

  peering(id: string, requester: string, accepter: string, opts: { state?: 'active' | 'pending-acceptance' | 'failed' | 'unknown'; peerRegion?: string; dns?: boolean } = {}): this {
    this.model.peerings.set(id, {
      id,
      source: src(id),
      requesterVpcId: known(requester),
      accepterVpcId: known(accepter),
      state: opts.state ?? 'active',
      peerRegion: opts.peerRegion ? known(opts.peerRegion) : undefined,
      allowDnsResolutionFromRequester: opts.dns === undefined ? unknown('not set') : known(opts.dns),
      allowDnsResolutionFromAccepter: opts.dns === undefined ? unknown('not set') : known(opts.dns),
    });
    return this;
  }

  /** Routes both ways between two subnets' tables through a peering, for the other VPC's CIDRs. */
  peerRoutes(pcx: string, a: { table: string; cidr: string }, b: { table: string; cidr: string }): this {
    return this.route(a.table, b.cidr, 'vpc-peering', pcx).route(b.table, a.cidr, 'vpc-peering', pcx);
  }

  /** A security group with allow-all egress and a self-referencing all-TCP ingress unless told otherwise. */
  sg(id: string, vpc: string, opts: { ingress?: SecurityGroupRule[]; egress?: SecurityGroupRule[]; selfRef?: boolean } = {}): this {
    const ingress = [...(opts.selfRef === false ? [] : [sgRule({ group: id, from: 0, to: 65535 })]), ...(opts.ingress ?? [])];
    this.model.securityGroups.set(id, { id, source: src(id), vpcId: known(vpc), ingress, egress: opts.egress ?? [sgRule({ cidr: '0.0.0.0/0', protocol: PROTOCOL_ALL })] });
    return this;
  }

  /** Associates group `sg` with another VPC (AWS::EC2::SecurityGroupVpcAssociation); `vpc: undefined` for an unresolved VpcId. */
  associateGroup(sg: string, vpc: string | undefined, opts: { uncertain?: string } = {}): this {
    const group = this.model.securityGroups.get(sg)!;
    (group.vpcAssociations ??= []).push({
      source: src(`${sg}-assoc`),
      vpcId: vpc === undefined ? unknown('VpcId is a parameter with no value') : known(vpc),
      ...(opts.uncertain ? { uncertain: opts.uncertain } : {}),
    });
    return this;
  }

  nacl(id: string, vpc: string, subnets: string[], entries: NaclEntrySpec[]): this {
    this.model.networkAcls.set(id, { id, source: src(id), vpcId: known(vpc), isDefault: false, entries: entries.map(naclEntry) });
    for (const s of subnets) {
      const subnet = this.model.subnets.get(s)!;
      this.model.subnets.set(s, { ...subnet, networkAclId: id });
    }
    return this;
  }

  connection(id: string, subnet: string | undefined, sgs: string[], opts: { name?: string; type?: string; url?: string; az?: string } = {}): this {
    this.model.connections.set(id, {
      id,
      source: src(id),
      name: known(opts.name ?? id),
      connectionType: opts.type ?? 'JDBC',
      subnetId: subnet,
      securityGroupIds: sgs,
      availabilityZone: opts.az ? known(opts.az) : undefined,
      address: opts.url ? known(opts.url) : undefined,
    });
    return this;
  }

  /**
   * Declares where a connection's data store lives, as `GlueDataStore.declare` or facts
   * `dataStores[]` do: by default in the connection's own subnet behind its own groups (the
   * layout AWS documents), so the store is located, not assumed.
   */
  declareStore(connectionId: string, opts: { subnets?: string[]; groups?: string[]; port?: number; public?: boolean } = {}): this {
    const connection = this.model.connections.get(connectionId);
    if (!connection) throw new Error(`no connection ${connectionId}`);
    this.model.declaredStores.set(connectionId, {
      source: connection.source, // as GlueDataStore.declare does: the declaration is on the connection
      connectionId,
      subnetIds: opts.subnets ?? (connection.subnetId ? [connection.subnetId] : []),
      securityGroupIds: opts.groups ?? [...connection.securityGroupIds],
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.public !== undefined ? { publiclyAccessible: opts.public } : {}),
    });
    return this;
  }

  job(id: string, connections: string[], opts: { workers?: number; workerType?: string; command?: string; maxConcurrentRuns?: number } = {}): this {
    this.model.jobs.set(id, {
      id,
      source: src(id),
      name: known(id),
      command: known(opts.command ?? 'glueetl'),
      connections: connections.map((c) => (this.model.connections.has(c) ? { name: known(c), connectionId: c } : { name: known(c) })),
      workerType: known(opts.workerType ?? 'G.1X'),
      numberOfWorkers: known(opts.workers ?? 2),
      maxConcurrentRuns: known(opts.maxConcurrentRuns ?? 1),
    });
    return this;
  }

  store(id: string, kind: 'rds-instance' | 'redshift-cluster', subnets: string[], sgs: string[], port: number, opts: { public?: boolean; publicUnknown?: string } = {}): this {
    this.model.dataStores.set(id, {
      id,
      source: src(id),
      kind,
      subnetIds: known(subnets),
      securityGroupIds: known(sgs),
      port: known(port),
      publiclyAccessible: opts.public ?? false,
      ...(opts.publicUnknown ? { publiclyAccessibleUnknown: opts.publicUnknown } : {}),
    });
    return this;
  }

  /** A cross-account peering (`PeerOwnerId` set); without `peerRoleArn` it stays pending acceptance. */
  crossAccountPeering(id: string, requester: string, accepter: string, opts: { peerOwnerId?: string; peerRoleArn?: string } = {}): this {
    this.peering(id, requester, accepter, { state: opts.peerRoleArn ? 'active' : 'pending-acceptance' });
    const pcx = this.model.peerings.get(id)!;
    this.model.peerings.set(id, {
      ...pcx,
      peerOwnerId: known(opts.peerOwnerId ?? '222222222222'),
      peerRoleArn: opts.peerRoleArn ? known(opts.peerRoleArn) : undefined,
    });
    return this;
  }

  /** Sets the two `AllowDnsResolutionFromRemoteVpc` options of a peering separately. */
  peeringDns(id: string, fromRequester: boolean, fromAccepter: boolean): this {
    const pcx = this.model.peerings.get(id);
    if (!pcx) throw new Error(`no peering ${id}`);
    this.model.peerings.set(id, { ...pcx, allowDnsResolutionFromRequester: known(fromRequester), allowDnsResolutionFromAccepter: known(fromAccepter) });
    return this;
  }

  /** A transit gateway; `defaultRouteTable` names its default association/propagation table. */
  /** A transit gateway; `dns` is its DnsSupport option (absent: not described, unknown). */
  tgw(id: string, opts: { defaultRouteTable?: string; sgReferencing?: boolean; dns?: boolean } = {}): this {
    const dns = opts.dns !== undefined ? { dnsSupport: known(opts.dns) } : {};
    this.model.transitGateways.set(id, { id, source: src(id), defaultRouteTableId: opts.defaultRouteTable, securityGroupReferencingSupport: opts.sgReferencing ?? true, ...dns });
    return this;
  }

  /** A VPC attachment of a transit gateway, with its subnets (one per AZ it serves); `dns`: its Options.DnsSupport (absent: unknown). */
  tgwAttachment(id: string, tgw: string, vpc: string, subnets: string[], opts: { dns?: boolean } = {}): this {
    const dns = opts.dns !== undefined ? { dnsSupport: known(opts.dns) } : {};
    this.model.transitGatewayAttachments.set(id, { id, source: src(id), transitGatewayId: tgw, vpcId: known(vpc), subnetIds: subnets, ...dns });
    return this;
  }

  /** A transit gateway route table with its associated and propagating attachments. */
  tgwRouteTable(id: string, tgw: string, opts: { associate?: string[]; propagate?: string[] } = {}): this {
    this.model.transitGatewayRouteTables.set(id, {
      id, source: src(id), transitGatewayId: tgw, routes: [], associatedAttachmentIds: opts.associate ?? [], propagatingAttachmentIds: opts.propagate ?? [],
    });
    return this;
  }

  /** A static transit gateway route to an attachment, or a blackhole route when `attachment` is `blackhole`. */
  tgwRoute(tableId: string, destination: string, attachment: string): this {
    const table = this.model.transitGatewayRouteTables.get(tableId);
    if (!table) throw new Error(`no transit gateway route table ${tableId}`);
    const blackhole = attachment === 'blackhole';
    table.routes.push({ source: src(`${tableId}-route-${destination}`), destination: known(cidr(destination)), attachmentId: blackhole ? undefined : attachment, blackhole });
    return this;
  }
}

export interface NaclEntrySpec {
  rule: number;
  egress: boolean;
  allow: boolean;
  cidr: string;
  from?: number;
  to?: number;
  protocol?: number;
}

function naclEntry(e: NaclEntrySpec): NetworkAclEntry {
  return {
    source: src(`nacl-${e.rule}`),
    ruleNumber: e.rule,
    egress: e.egress,
    allow: e.allow,
    protocol: e.protocol ?? PROTOCOL_TCP,
    cidr: known(cidr(e.cidr)),
    ports: e.from === undefined ? undefined : { from: e.from, to: e.to ?? e.from },
  };
}

export function sgRule(spec: { cidr?: string; group?: string; from?: number; to?: number; protocol?: number }): SecurityGroupRule {
  return {
    source: src('rule'),
    protocol: spec.protocol ?? PROTOCOL_TCP,
    ports: spec.from === undefined ? ALL_PORTS : { from: spec.from, to: spec.to ?? spec.from },
    peer: spec.group ? { kind: 'security-group', groupId: spec.group } : { kind: 'cidr', cidr: cidr(spec.cidr ?? '0.0.0.0/0') },
  };
}

export function model(): ModelBuilder {
  return new ModelBuilder();
}

/**
 * The seed's case: a job with Redshift (VPC A), MySQL (VPC B) and PostgreSQL (VPC C) connections.
 * Each store lives in its connection's subnet behind its connection's group, declared so (unless
 * `declared: false`: then nothing locates the hosts and the engine assumes it). `peered` adds
 * peerings A-B and A-C with routes on both sides and ingress from A's Glue subnet.
 */
export function seedCase(opts: { peered?: boolean; declared?: boolean } = {}): ModelBuilder {
  const m = model()
    .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16').vpc('vpcC', '10.3.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1b')
    .subnet('subC', 'vpcC', '10.3.1.0/24', 'us-east-1c');
  const ingressFromA = opts.peered ? [sgRule({ cidr: '10.1.1.0/24', from: 3306 })] : [];
  m.sg('sgA', 'vpcA').sg('sgB', 'vpcB', { ingress: ingressFromA }).sg('sgC', 'vpcC', { ingress: opts.peered ? [sgRule({ cidr: '10.1.1.0/24', from: 5432 })] : [] })
    .connection('redshift', 'subA', ['sgA'], { url: 'jdbc:redshift://cluster.example:5439/dev' })
    .connection('mysql', 'subB', ['sgB'], { url: 'jdbc:mysql://mysql.example:3306/app' })
    .connection('postgres', 'subC', ['sgC'], { url: 'jdbc:postgresql://pg.example:5432/app' })
    .job('etl', ['redshift', 'mysql', 'postgres']);
  // Declared where they live (each in its connection's subnet), unless the test is about hosts nothing locates.
  if (opts.declared !== false) m.declareStore('redshift').declareStore('mysql').declareStore('postgres');
  if (opts.peered) {
    m.peering('pcxAB', 'vpcA', 'vpcB').peering('pcxAC', 'vpcA', 'vpcC')
      .peerRoutes('pcxAB', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subB-rt', cidr: '10.2.0.0/16' })
      .peerRoutes('pcxAC', { table: 'subA-rt', cidr: '10.1.0.0/16' }, { table: 'subC-rt', cidr: '10.3.0.0/16' });
  }
  return m;
}
