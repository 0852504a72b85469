/**
 * Texts written when first read (issue 18): a routing explanation's message and fix are made on
 * first read, once, and read the same as the eager object they stand for, however they are read
 * (members, spread, JSON.stringify, keys); the planner's route fix replaces the fix without
 * writing the one it replaces.
 */
import { model } from './builders';
import { buildPlan, Explanation } from '../../src/engine';
import { lazyExplanation, withFix } from '../../src/engine/lazy-text';

const source = { stack: 'S', logicalId: 'Rt' };

/** A lazy explanation and how many times each of its texts was written. */
function counted() {
  const made = { message: 0, fix: 0 };
  const e = lazyExplanation('DISCONNECTED_VPCS', 'rt-1', source, () => `message ${++made.message}`, () => `fix ${++made.fix}`);
  return { e, made };
}

describe('a lazy explanation', () => {
  test('writes each text on its first read only, and keeps it', () => {
    const { e, made } = counted();
    expect(made).toEqual({ message: 0, fix: 0 });
    expect([e.message, e.message, e.fix, e.fix]).toEqual(['message 1', 'message 1', 'fix 1', 'fix 1']);
    expect(made).toEqual({ message: 1, fix: 1 });
  });

  test('reads as the eager object: members in order, spread, JSON', () => {
    const { e } = counted();
    const eager = { code: 'DISCONNECTED_VPCS', component: 'rt-1', source, message: 'message 1', fix: 'fix 1' };
    expect(Object.keys(e)).toEqual(Object.keys(eager));
    expect(JSON.stringify(e)).toBe(JSON.stringify(eager));
    expect({ ...e }).toEqual(eager);
    expect(Object.keys({ ...e, unknown: true })).toEqual(Object.keys({ ...eager, unknown: true }));
  });

  test('withFix replaces the fix without writing it, keeps the message lazy, and reads as the spread copy', () => {
    const { e, made } = counted();
    const fixed = withFix(e, 'peer them');
    expect(made).toEqual({ message: 0, fix: 0 });
    expect(fixed.fix).toBe('peer them');
    expect(made.fix).toBe(0);
    expect(JSON.stringify(fixed)).toBe(JSON.stringify({ ...e, fix: 'peer them' }));
    expect(Object.keys(fixed)).toEqual(Object.keys({ ...e, fix: 'peer them' }));
    expect(fixed.message).toBe(e.message);
    expect(made.message).toBe(1);
    // A copy of the copy: the latest fix, the same message.
    expect(withFix(fixed, 'other')).toEqual({ ...e, fix: 'other' });
  });

  test('withFix of any other explanation is the spread copy', () => {
    const plain: Explanation = { code: 'ENI_SG_RULES_MISMATCH', component: 'sg', message: 'm', fix: 'f', unknown: true };
    expect(withFix(plain, 'g')).toEqual({ ...plain, fix: 'g' });
    expect(Object.keys(withFix(plain, 'g'))).toEqual(Object.keys(plain));
  });
});

describe('the texts of two VPCs not connected, in a plan', () => {
  /** Glue in VPC A, its store in VPC B: nothing joins them. */
  const disconnected = () => model().vpc('vpcA', '10.1.0.0/16').vpc('vpcB', '10.2.0.0/16')
    .subnet('subA', 'vpcA', '10.1.1.0/24', 'us-east-1a')
    .subnet('subB', 'vpcB', '10.2.1.0/24', 'us-east-1a')
    .sg('sgA', 'vpcA').sg('sgB', 'vpcB')
    .connection('glue', 'subA', ['sgA'], { type: 'NETWORK' })
    .connection('db', 'subB', ['sgB'], { url: 'jdbc:postgresql://10.2.1.10:5432/app' })
    .job('etl', ['glue', 'db']);

  test("say which VPCs and tables, on the path and in the store's explanation with auto-peer's routes", () => {
    const plan = buildPlan(disconnected().model, { failover: false });
    const store = plan.jobs[0].dataStores[0];
    const onPath = store.paths[0].explanations.find((e) => e.code === 'DISCONNECTED_VPCS')!;
    expect(onPath.message).toBe("vpcA and vpcB are not connected: no peering or transit gateway joins them, and subA-rt has no route for 10.2.1.10. Glue places ENIs in one connection's subnet only and never checks the others' reachability.");
    expect(onPath.fix).toBe('Peer vpcA with vpcB (VpcPeering, or GlueNetworkGuard in auto-peer mode) and add routes on both sides: 10.2.1.0/24 in subA-rt, 10.1.1.0/24 in the route table of subB.');
    const inStore = store.explanations.find((e) => e.code === 'DISCONNECTED_VPCS')!;
    expect(inStore.message).toBe(onPath.message);
    expect(inStore.fix).toBe('Peer vpcA with vpcB (VpcPeering, or GlueNetworkGuard in auto-peer mode). In route table subA-rt, route 10.2.1.0/24 to the new peering of vpcA and vpcB. In route table subB-rt, route 10.1.1.0/24 to the new peering of vpcA and vpcB.');
  });
});
