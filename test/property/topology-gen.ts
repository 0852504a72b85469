/**
 * Random Glue network topologies for the engine-vs-oracle property test, as plain data (so a
 * counterexample prints readably) plus a function that builds the model with the test builders.
 */
import * as fc from 'fast-check';
import {
  ALL_PORTS, NetworkModel, parseCidr, PROTOCOL_ALL, PROTOCOL_TCP, RouteTargetKind, SecurityGroupRule,
} from '../../src/model';
import { model as newModel, NaclEntrySpec } from '../engine/builders';

export interface RuleSpec {
  protocol: number;
  from: number;
  to: number;
  cidr?: string;
  group?: string;
}

export interface TopologySpec {
  vpcs: { id: string; cidrs: string[]; region: string }[];
  subnets: { id: string; vpc: string; cidr: string; az: string; table: 'main' | 'own' | 'shared' }[];
  routes: { table: string; dest: string; kind: RouteTargetKind; target?: string }[];
  peerings: { id: string; requester: string; accepter: string; state: 'active' | 'pending-acceptance'; peerRegion?: string }[];
  sgs: { id: string; vpc: string; ingress: RuleSpec[]; egress: RuleSpec[] }[];
  nacls: { id: string; vpc: string; subnets: string[]; entries: NaclEntrySpec[] }[];
  eni: { subnet: string; groups: string[] };
  store: { subnets: string[]; groups: string[]; port: number; via: 'declared' | 'resource' };
  /** A transit gateway joining some VPCs (never two that are also peered with each other). */
  tgw?: {
    sgReferencing: boolean;
    attachments: { id: string; vpc: string; subnets: string[] }[];
    propagate: string[];
    routes: { dest: string; attachment: string }[];
  };
  seed: number;
}

const VPC_POOL = ['10.0.0.0/16', '10.1.0.0/16', '10.0.0.0/20', '10.0.16.0/20', '10.1.16.0/20', '10.2.0.0/16', '172.16.0.0/16', '172.16.32.0/20'];
const REGIONS = ['us-east-1', 'us-west-2'];
const STORE_PORTS = [3306, 5432, 1024, 1023, 443];

function cidrText(first: number, prefix: number): string {
  const size = 2 ** (32 - prefix);
  const base = first - (first % size);
  return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${prefix}`;
}

function parse(text: string) {
  const c = parseCidr(text);
  if (!c) throw new Error(`bad CIDR ${text}`);
  return c;
}

type Gen = fc.GeneratorValue;

/** Draws a topology; every choice goes through `g`, so fast-check can shrink it. */
export function drawTopology(g: Gen): TopologySpec {
  const int = (min: number, max: number) => g(fc.integer, { min, max });
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const chance = (percent: number) => int(0, 99) < percent;

  const vpcCount = int(2, 4);
  const vpcs: TopologySpec['vpcs'] = [];
  for (let i = 0; i < vpcCount; i++) {
    const primary = pick(VPC_POOL);
    const cidrs = [primary];
    if (chance(15)) {
      const secondary = pick(VPC_POOL);
      const a = parse(primary); const b = parse(secondary);
      if (!(a.first <= b.last && b.first <= a.last)) cidrs.push(secondary);
    }
    vpcs.push({ id: `vpc${i}`, cidrs, region: chance(60) ? REGIONS[0] : pick(REGIONS) });
  }

  const subnets: TopologySpec['subnets'] = [];
  for (const vpc of vpcs) {
    const count = int(1, 3);
    for (let j = 0; j < count; j++) {
      const block = parse(pick(vpc.cidrs));
      const prefix = pick([22, 24, 26, 28].filter((p) => p >= block.prefixLength + 2));
      const index = int(0, 3);
      const first = block.first + index * 2 ** (32 - prefix);
      const c = parse(cidrText(first, prefix));
      const clash = subnets.some((s) => s.vpc === vpc.id && (() => { const o = parse(s.cidr); return o.first <= c.last && c.first <= o.last; })());
      if (clash) continue;
      subnets.push({ id: `${vpc.id}-sn${j}`, vpc: vpc.id, cidr: c.text, az: pick(['us-east-1a', 'us-east-1b']), table: pick(['main', 'own', 'own', 'shared'] as const) });
    }
  }

  // A transit gateway in some topologies. Two VPCs it joins are never peered as well, so a store
  // is reached over one kind of hop (the engine does not split group references by hop).
  let tgw: TopologySpec['tgw'];
  if (chance(30)) {
    const attached = vpcs.filter(() => chance(70));
    const attachments = attached.map((v) => {
      const own = subnets.filter((s) => s.vpc === v.id);
      const chosen = own.filter(() => chance(75));
      return { id: `att-${v.id}`, vpc: v.id, subnets: (chosen.length ? chosen : own.slice(0, 1)).map((s) => s.id) };
    }).filter((a) => a.subnets.length);
    const routesTgw: { dest: string; attachment: string }[] = [];
    if (attachments.length && chance(30)) routesTgw.push({ dest: pick(subnets).cidr, attachment: chance(50) ? 'blackhole' : pick(attachments).id });
    tgw = { sgReferencing: chance(50), attachments, propagate: attachments.filter(() => chance(80)).map((a) => a.id), routes: routesTgw };
  }
  const tgwJoins = (a: string, b: string) => !!tgw && tgw.attachments.some((x) => x.vpc === a) && tgw.attachments.some((x) => x.vpc === b);

  const peerings: TopologySpec['peerings'] = [];
  for (let a = 0; a < vpcs.length; a++) {
    for (let b = a + 1; b < vpcs.length; b++) {
      if (tgwJoins(vpcs[a].id, vpcs[b].id)) continue;
      if (!chance(55)) continue;
      const [requester, accepter] = chance(50) ? [vpcs[a], vpcs[b]] : [vpcs[b], vpcs[a]];
      const crossRegion = requester.region !== accepter.region;
      peerings.push({
        id: `pcx${a}${b}`,
        requester: requester.id,
        accepter: accepter.id,
        state: chance(90) ? 'active' : 'pending-acceptance',
        peerRegion: crossRegion || chance(30) ? accepter.region : undefined,
      });
    }
  }

  const tableOf = (s: TopologySpec['subnets'][number]) => (s.table === 'main' ? `${s.vpc}#main` : s.table === 'shared' ? `${s.vpc}-shared` : `${s.id}-rt`);
  const tables = [...new Set(subnets.map(tableOf))];
  const tablesOfVpc = (vpc: string) => [...new Set(subnets.filter((s) => s.vpc === vpc).map(tableOf))];

  const randomCidr = (): string => {
    switch (int(0, 6)) {
      case 0: return pick(vpcs).cidrs[0];
      case 1: return pick(subnets).cidr;
      case 2: return pick(['0.0.0.0/0', '10.0.0.0/8', '172.16.0.0/12']);
      case 3: {
        const s = parse(pick(subnets).cidr);
        const prefix = Math.min(32, s.prefixLength + int(1, 3));
        return cidrText(s.first + int(0, 7) * 2 ** (32 - prefix), prefix);
      }
      case 4: {
        const s = parse(pick(subnets).cidr);
        return cidrText(s.first, Math.max(8, s.prefixLength - int(1, 6)));
      }
      case 5: return cidrText(parse(pick(subnets).cidr).first + int(0, 15), 32);
      default: {
        const b = parse(pick(VPC_POOL));
        return cidrText(b.first + int(0, 255) * 256, pick([16, 18, 20, 21, 23, 24, 25]));
      }
    }
  };

  const routes: TopologySpec['routes'] = [];
  const addRoute = (table: string, dest: string, kind: RouteTargetKind, target?: string) => {
    if (!routes.some((r) => r.table === table && r.dest === dest)) routes.push({ table, dest, kind, target });
  };
  // Helpful routes first, so that REACHABLE paths are common.
  for (const pcx of peerings) {
    for (const [here, there] of [[pcx.requester, pcx.accepter], [pcx.accepter, pcx.requester]]) {
      if (!chance(75)) continue;
      const far = vpcs.find((v) => v.id === there)!;
      for (const table of tablesOfVpc(here)) {
        if (!chance(80)) continue;
        if (chance(80)) for (const c of far.cidrs) addRoute(table, c, 'vpc-peering', pcx.id);
        else addRoute(table, pick(subnets.filter((s) => s.vpc === there)).cidr, 'vpc-peering', pcx.id);
      }
    }
  }
  if (tgw) {
    for (const a of tgw.attachments) {
      for (const b of tgw.attachments) {
        if (a === b || !chance(75)) continue;
        const far = vpcs.find((v) => v.id === b.vpc)!;
        for (const table of tablesOfVpc(a.vpc)) if (chance(80)) for (const c of far.cidrs) addRoute(table, c, 'transit-gateway', 'tgw0');
      }
    }
  }
  for (const table of tables) {
    const count = int(0, 3);
    for (let k = 0; k < count; k++) {
      const dest = randomCidr();
      const roll = int(0, 19);
      if (roll < 9) addRoute(table, dest, 'vpc-peering', peerings.length && roll < 8 ? pick(peerings).id : 'pcx-ghost');
      else if (roll < 13) addRoute(table, dest, 'internet-gateway', 'igw');
      else if (roll < 16) addRoute(table, dest, tgw && roll === 15 ? 'transit-gateway' : 'local', tgw && roll === 15 ? 'tgw0' : undefined);
      else addRoute(table, dest, pick(['vpn-gateway', 'instance', 'nat-gateway', 'network-interface'] as const), 'hop');
    }
  }

  const port = pick(STORE_PORTS);
  const sgCount = int(2, 4);
  const sgIds = Array.from({ length: sgCount }, (_, i) => `sg${i}`);
  const randomRule = (): RuleSpec => {
    const protocol = pick([PROTOCOL_TCP, PROTOCOL_TCP, PROTOCOL_TCP, PROTOCOL_ALL, 17]);
    const ports = pick([
      [0, 65535], [port, port], [port - 1, port - 1], [port + 1, port + 1], [port - 10, port], [port, port + 10], [1000, 2000], [port + 1, 65535],
    ]);
    const peer = chance(65) ? { cidr: randomCidr() } : { group: chance(90) ? pick(sgIds) : 'sg-ghost' };
    // Ingest gives all-protocol rules every port, whatever the template says: keep that invariant.
    if (protocol === PROTOCOL_ALL) return { protocol, from: 0, to: 65535, ...peer };
    return { protocol, from: ports[0], to: ports[1], ...peer };
  };
  const sgs: TopologySpec['sgs'] = sgIds.map((id) => {
    const egress: RuleSpec[] = chance(55) ? [{ protocol: PROTOCOL_ALL, from: 0, to: 65535, cidr: '0.0.0.0/0' }] : [];
    const ingress: RuleSpec[] = [];
    for (let k = int(0, 3); k > 0; k--) egress.push(randomRule());
    for (let k = int(0, 3); k > 0; k--) ingress.push(randomRule());
    return { id, vpc: pick(vpcs).id, ingress, egress };
  });

  const nacls: TopologySpec['nacls'] = [];
  for (const vpc of vpcs) {
    if (!chance(35)) continue;
    const members = subnets.filter((s) => s.vpc === vpc.id && chance(70)).map((s) => s.id);
    if (!members.length) continue;
    const entries: NaclEntrySpec[] = [];
    for (const egress of [true, false]) {
      const used = new Set<number>();
      for (let k = int(1, 5); k > 0; k--) {
        const rule = int(1, 20) * 10;
        if (used.has(rule)) continue;
        used.add(rule);
        const protocol = pick([PROTOCOL_TCP, PROTOCOL_TCP, PROTOCOL_ALL, 17]);
        const ports = protocol === PROTOCOL_ALL ? undefined : pick([undefined, [1024, 65535], [port, port], [1024, 32767], [32768, 65535], [0, 1023], [int(1000, 60000), int(1000, 65535)]]);
        entries.push({
          rule,
          egress,
          allow: chance(70),
          protocol,
          cidr: chance(40) ? '0.0.0.0/0' : randomCidr(),
          from: ports ? Math.min(ports[0], ports[1]) : undefined,
          to: ports ? Math.max(ports[0], ports[1]) : undefined,
        });
      }
    }
    nacls.push({ id: `nacl-${vpc.id}`, vpc: vpc.id, subnets: members, entries });
  }

  // Helpful NACL rules: a catch-all allow numbered after the random entries, both ways.
  for (const n of nacls) {
    for (const egress of [true, false]) if (chance(60)) n.entries.push({ rule: 300, egress, allow: true, protocol: PROTOCOL_ALL, cidr: '0.0.0.0/0' });
  }

  const eniSubnet = pick(subnets);
  const eniGroups = [pick(sgIds)];
  if (chance(30)) eniGroups.push(pick(sgIds));
  if (chance(4)) eniGroups.push('sg-ghost');
  const storeSubnets = [chance(25) ? eniSubnet.id : pick(subnets).id];
  if (chance(25)) storeSubnets.push(pick(subnets).id);
  const storeGroups: string[] = [];
  for (let k = int(chance(95) ? 1 : 0, 2); k > 0; k--) storeGroups.push(chance(20) ? pick(eniGroups) : pick(sgIds));

  // Helpful security group rules: the store admits the ENI (by CIDR or group), the ENI sends to the store.
  const eniCidr = eniSubnet.cidr;
  const eniVpc = vpcs.find((v) => v.id === eniSubnet.vpc)!;
  if (storeGroups.length && chance(60)) {
    const target = sgs.find((x) => x.id === pick(storeGroups));
    if (target) {
      const peer = pick([{ cidr: eniCidr }, { cidr: eniVpc.cidrs[0] }, { group: pick(eniGroups) }]);
      target.ingress.unshift({ protocol: PROTOCOL_TCP, from: port, to: port, ...peer });
    }
  }
  if (chance(40)) {
    const target = sgs.find((x) => x.id === pick(eniGroups));
    const storeSubnet = subnets.find((x) => x.id === storeSubnets[0])!;
    if (target) target.egress.push({ protocol: PROTOCOL_TCP, from: port, to: port, ...(storeGroups.length && chance(50) ? { group: pick(storeGroups) } : { cidr: storeSubnet.cidr }) });
  }

  return {
    vpcs,
    subnets,
    routes,
    peerings,
    sgs,
    nacls,
    eni: { subnet: eniSubnet.id, groups: [...new Set(eniGroups)] },
    store: { subnets: [...new Set(storeSubnets)], groups: [...new Set(storeGroups)], port, via: chance(70) ? 'declared' : 'resource' },
    ...(tgw ? { tgw } : {}),
    seed: int(0, 0x7fffffff),
  };
}

function sgRuleOf(r: RuleSpec): SecurityGroupRule {
  return {
    source: { stack: 'Prop', logicalId: 'rule' },
    protocol: r.protocol,
    ports: r.from === 0 && r.to === 65535 ? ALL_PORTS : { from: r.from, to: r.to },
    peer: r.group !== undefined ? { kind: 'security-group', groupId: r.group } : { kind: 'cidr', cidr: parse(r.cidr!) },
  };
}

/** Builds the model: the ENI connection (NETWORK, first in the job) and the store's connection. */
export function buildTopology(spec: TopologySpec): NetworkModel {
  const b = newModel();
  for (const v of spec.vpcs) b.vpc(v.id, v.cidrs, { region: v.region });
  for (const s of spec.subnets) {
    b.subnet(s.id, s.vpc, s.cidr, s.az, s.table === 'main' ? { mainTable: true } : s.table === 'shared' ? { routeTable: `${s.vpc}-shared` } : {});
  }
  for (const p of spec.peerings) b.peering(p.id, p.requester, p.accepter, { state: p.state, peerRegion: p.peerRegion });
  for (const r of spec.routes) b.route(r.table, r.dest, r.kind, r.target);
  for (const g of spec.sgs) b.sg(g.id, g.vpc, { selfRef: false, ingress: g.ingress.map(sgRuleOf), egress: g.egress.map(sgRuleOf) });
  for (const n of spec.nacls) b.nacl(n.id, n.vpc, n.subnets, n.entries);
  if (spec.tgw) {
    b.tgw('tgw0', { sgReferencing: spec.tgw.sgReferencing });
    for (const a of spec.tgw.attachments) b.tgwAttachment(a.id, 'tgw0', a.vpc, a.subnets);
    b.tgwRouteTable('tgw0-rt', 'tgw0', { associate: spec.tgw.attachments.map((a) => a.id), propagate: spec.tgw.propagate });
    for (const r of spec.tgw.routes) b.tgwRoute('tgw0-rt', r.dest, r.attachment);
  }
  b.connection('eniConn', spec.eni.subnet, spec.eni.groups, { type: 'NETWORK' });
  if (spec.store.via === 'declared') {
    b.connection('storeConn', undefined, [], { type: 'JDBC' });
    b.model.declaredStores.set('storeConn', {
      source: { stack: 'Prop', logicalId: 'declared' },
      connectionId: 'storeConn',
      subnetIds: spec.store.subnets,
      securityGroupIds: spec.store.groups,
      port: spec.store.port,
    });
  } else {
    b.store('db', 'rds-instance', spec.store.subnets, spec.store.groups, spec.store.port);
    b.connection('storeConn', undefined, [], { type: 'JDBC', url: 'jdbc:postgresql://{{ref:db:Endpoint.Address}}:{{ref:db:Endpoint.Port}}/app' });
  }
  b.job('job', ['eniConn', 'storeConn']);
  return b.model;
}

/** A small deterministic PRNG (Park-Miller, exact in doubles) for the oracle's random addresses. */
export function prng(seed: number): () => number {
  let state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}
