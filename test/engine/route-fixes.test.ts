/**
 * The routes a fix proposes are the routes auto-peer adds: the fixes of unreachable stores
 * (GNP-STORE-UNREACHABLE) and of failover selections (GNP-FAILOVER-UNREACHABLE) name, one sentence
 * per route table, the subnet CIDRs to route and the peering to route them to; auto-peer's remedy
 * on the same model adds exactly those routes. Checked on hand-built topologies, the seed's
 * templates, the seed's CDK app, and random topologies (fixed seed).
 */
import { App } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { model, seedCase, sgRule } from './builders';
import { buildPlan, Finding, planRemedy, RULES } from '../../src/engine';
import { nameOf } from '../../src/engine/names';
import { buildModel } from '../../src/ingest';
import { NetworkModel } from '../../src/model';
import { seedApp } from '../cdk/seed-app';
import { seedTemplate } from '../fixtures/seed-templates';
import { propertyRuns, propertySeed } from '../property/seeds';
import { buildTopology, drawTopology } from '../property/topology-gen';

const ROUTE_SENTENCE = /^In route table (\S+), route (.+) to (the new peering of \S+ and \S+|peering \S+)\.$/;

function sentences(text: string): string[] {
  return text.split(/(?<=\.)\s+(?=[A-Z])/);
}

function routeFindings(m: NetworkModel, failover: boolean): Finding[] {
  const plan = buildPlan(m, { failover });
  return [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)]
    .filter((f) => f.ruleId === RULES.storeUnreachable.id || f.ruleId === RULES.failoverUnreachable.id);
}

/** `table > destination > peering` for every route the findings' fixes propose. */
function proposedRoutes(m: NetworkModel, failover: boolean): string[] {
  const routes = new Set<string>();
  for (const f of routeFindings(m, failover)) {
    for (const sentence of sentences(f.fix)) {
      const route = ROUTE_SENTENCE.exec(sentence);
      if (!route) continue;
      for (const destination of route[2].split(/, | and /)) routes.add(`${route[1]} > ${destination} > ${route[3]}`);
    }
  }
  return [...routes].sort();
}

/** The same for the routes auto-peer adds. */
function addedRoutes(m: NetworkModel, failover: boolean): string[] {
  const remedy = planRemedy(m, { failover });
  const vpcName = (id: string) => nameOf(m.vpcs.get(id)?.source, id);
  const routes = new Set<string>();
  for (const p of remedy.peerings) {
    const target = p.existingPeeringId
      ? `peering ${nameOf(m.peerings.get(p.existingPeeringId)?.source, p.existingPeeringId)}`
      : `the new peering of ${vpcName(p.requesterVpcId)} and ${vpcName(p.accepterVpcId)}`;
    for (const r of [...p.requesterRoutes, ...p.accepterRoutes]) {
      routes.add(`${nameOf(m.routeTables.get(r.routeTableId)?.source, r.routeTableId)} > ${r.destination} > ${target}`);
    }
  }
  return [...routes].sort();
}

/** Each fix names a peering once and a (route table, peering) once. */
function expectEachOnce(m: NetworkModel, failover: boolean): void {
  for (const f of routeFindings(m, failover)) {
    const said = sentences(f.fix).map((s) => /^Peer (\S+) with (\S+) /.exec(s)?.slice(1).sort().join(' ') ?? ROUTE_SENTENCE.exec(s)?.slice(1, 4).filter((_, i) => i !== 1).join(' ')).filter((x) => x);
    expect(new Set(said).size).toBe(said.length);
  }
}

function expectFixesProposeWhatAutoPeerAdds(m: NetworkModel, failover = true): string[] {
  const proposed = proposedRoutes(m, failover);
  expect(proposed).toEqual(addedRoutes(m, failover));
  expectEachOnce(m, failover);
  return proposed;
}

describe('the routes a fix proposes are the routes auto-peer adds', () => {
  test("the seed's case, unpeered: the Glue and store subnets' CIDRs, in both subnets' tables, to the new peerings", () => {
    expect(expectFixesProposeWhatAutoPeerAdds(seedCase().model, false)).toEqual([
      'subA-rt > 10.2.1.0/24 > the new peering of vpcA and vpcB',
      'subA-rt > 10.3.1.0/24 > the new peering of vpcA and vpcC',
      'subB-rt > 10.1.1.0/24 > the new peering of vpcA and vpcB',
      'subC-rt > 10.1.1.0/24 > the new peering of vpcA and vpcC',
    ]);
  });

  test("the seed's case with failover: the fallback connections' routes too", () => {
    expect(expectFixesProposeWhatAutoPeerAdds(seedCase().model).length).toBeGreaterThan(4);
  });

  test('an existing peering without the return route: only that route, to that peering', () => {
    const m = seedCase({ peered: true }).model;
    // Drop the return route of A-B: the store's table no longer routes back.
    const tables = new Map(m.routeTables);
    const rt = tables.get('subB-rt')!;
    tables.set('subB-rt', { ...rt, routes: [] });
    expect(expectFixesProposeWhatAutoPeerAdds({ ...m, routeTables: tables }, false)).toEqual(['subB-rt > 10.1.1.0/24 > peering pcxAB']);
  });

  test('a store in two subnets: one sentence for the Glue table with both CIDRs', () => {
    const m = model()
      .vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
      .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
      .subnet('subB1', 'vpcB', '10.2.1.0/24', 'us-east-1a').subnet('subB2', 'vpcB', '10.2.2.0/24', 'us-east-1b')
      .sg('sgA', 'vpcA').sg('sgB', 'vpcB', { ingress: [sgRule({ cidr: '10.1.1.0/24', from: 3306 })] })
      .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
      .connection('mysql', 'subB1', ['sgB'], { url: 'jdbc:mysql://mysql.example:3306/app' })
      .declareStore('mysql', { subnets: ['subB1', 'subB2'] })
      .job('etl', ['glue', 'mysql']).model;
    expect(expectFixesProposeWhatAutoPeerAdds(m, false)).toEqual([
      'subA-rt > 10.2.1.0/24 > the new peering of vpcA and vpcB',
      'subA-rt > 10.2.2.0/24 > the new peering of vpcA and vpcB',
      'subB1-rt > 10.1.1.0/24 > the new peering of vpcA and vpcB',
      'subB2-rt > 10.1.1.0/24 > the new peering of vpcA and vpcB',
    ]);
    const fix = routeFindings(m, false)[0].fix;
    expect(sentences(fix).filter((s) => s.startsWith('In route table subA-rt'))).toEqual(['In route table subA-rt, route 10.2.1.0/24 and 10.2.2.0/24 to the new peering of vpcA and vpcB.']);
  });

  test('a route auto-peer refuses (it would take traffic of a wider route) is not proposed; the fix says why', () => {
    const m = seedCase().route('subA-rt', '10.2.0.0/16', 'vpc-peering', 'pcxOther').model;
    const proposed = expectFixesProposeWhatAutoPeerAdds(m, false);
    expect(proposed.filter((r) => r.includes('vpcB'))).toEqual([]);
    const mysql = routeFindings(m, false).find((f) => f.message.includes('connection mysql'))!;
    expect(mysql.fix).toMatch(/auto-peer refuses it too\): route table subA-rt routes 10\.2\.0\.0\/16 to pcxOther/);
  });

  test("the seed's templates, named by model id where they carry no construct path", () => {
    const m = buildModel([{ stackName: 'Seed', template: seedTemplate(false), region: 'us-east-1', account: '111111111111' }]);
    expect(expectFixesProposeWhatAutoPeerAdds(m)).toContain('Seed/RtA > 10.2.1.0/24 > the new peering of Seed/VpcA and Seed/VpcB');
  });

  test("the seed's CDK app: route tables and VPCs named by construct path", () => {
    // As `cdk synth` writes them: with each resource's construct path.
    const { app } = seedApp({ appProps: { context: { 'aws:cdk:enable-path-metadata': true } } });
    const assembly = (app as App).synth();
    const m = buildModel(assembly.stacks.map((s) => ({ stackName: s.stackName, template: s.template, region: 'us-east-1', account: '111111111111' })));
    const proposed = expectFixesProposeWhatAutoPeerAdds(m);
    expect(proposed).toContain('NetworkA/Vpc/dataSubnet1/RouteTable > 10.2.0.0/24 > the new peering of NetworkA/Vpc and NetworkB/Vpc');
    for (const route of proposed) expect(route).not.toMatch(/[0-9A-F]{8}\b/);
  });

  const runs = propertyRuns('ROUTE_FIXES', 300);
  const seed = propertySeed('ROUTE_FIXES', 20261130);
  test(`random topologies (${runs} runs, seed ${seed}), with and without failover`, () => {
    let proposing = 0;
    fc.assert(fc.property(fc.gen(), fc.boolean(), (g, failover) => {
      const m = buildTopology(drawTopology(g));
      const proposed = proposedRoutes(m, failover);
      const added = addedRoutes(m, failover);
      if (JSON.stringify(proposed) !== JSON.stringify(added)) throw new Error(`fixes propose ${JSON.stringify(proposed)}, auto-peer adds ${JSON.stringify(added)}`);
      if (proposed.length) proposing++;
    }), { numRuns: runs, seed });
    expect(proposing).toBeGreaterThan(0);
  });
});
