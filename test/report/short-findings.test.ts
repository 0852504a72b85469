import * as fc from 'fast-check';
import { buildPlan, Plan } from '../../src/engine';
import { buildModel } from '../../src/ingest';
import { toText } from '../../src/report';
import { distinctFixes, FixSteps, GLUE_ENI_PLACEMENT, Narration, sentences } from '../../src/report/short-findings';
import { seedTemplate } from '../fixtures/seed-templates';

/*
 * Findings as a person reads them: said short, and what the report already explained said once.
 * (The guard's `cdk synth` output: test/cdk/guard-validation-report.test.ts.)
 */

/** The seed's case, three unpeered VPCs: MySQL and PostgreSQL unreachable from Redshift's subnet. */
function seedPlan(): Plan {
  return buildPlan(buildModel([{ stackName: 'Seed', template: seedTemplate(false), region: 'us-east-1', account: '111111111111' }]), {});
}

describe('how Glue places ENIs', () => {
  test("is the sentence the engine's DISCONNECTED_VPCS explanations end with (the report layer says it once)", () => {
    const explanations = seedPlan().jobs[0].dataStores.flatMap((s) => s.explanations).filter((e) => e.code === 'DISCONNECTED_VPCS');
    expect(explanations.length).toBeGreaterThan(1);
    for (const e of explanations) expect(sentences(e.message)).toContain(GLUE_ENI_PLACEMENT);
  });

  test('the text report says it once, though two stores are blocked by unconnected VPCs both ways', () => {
    const text = toText(seedPlan());
    expect(text.split(GLUE_ENI_PLACEMENT)).toHaveLength(2);
    expect(text).toContain(`Note: ${GLUE_ENI_PLACEMENT}`);
  });

  test('a report without unconnected VPCs does not say it', () => {
    expect(toText(buildPlan(buildModel([{ stackName: 'Seed', template: seedTemplate(true), region: 'us-east-1', account: '111111111111' }]), {}))).not.toContain(GLUE_ENI_PLACEMENT);
  });
});

describe('the text report', () => {
  test('a store finding is one line: the blocking hops are listed with the store above, not repeated', () => {
    const text = toText(seedPlan());
    const finding = text.split('\n').find((l) => l.includes('ERROR GNP-STORE-UNREACHABLE') && l.includes('connection mysql'))!;
    expect(finding).toMatch(/: Job load: the data store of connection mysql \(declared, TCP 3306\) is UNREACHABLE from the connection Glue selects \(redshift in Seed\/SubnetA, Seed\/VpcA\) \[DISCONNECTED_VPCS, ENI_SG_RULES_MISMATCH\]\.$/);
  });

  test('under a store, a peering fix appears once though the forward and the return path both need it', () => {
    const fixes = toText(seedPlan()).split('\n').filter((l) => /^ {11}fix: Peer /.test(l));
    const pairs = fixes.map((l) => /Peer (\S+) with (\S+) /.exec(l)!.slice(1).sort().join(' '));
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});

describe('distinctFixes', () => {
  test('one step a sentence; the same peering asked in either direction once; order kept', () => {
    expect(distinctFixes([
      "Peer A with B (VpcPeering) and add routes on both sides: 10.2.0.0/16 in A's table, 10.1.0.0/16 in B's table. Add ingress TCP 3306 on sgB from 10.1.0.0/24.",
      "Peer B with A (VpcPeering) and add routes on both sides: 10.1.0.0/16 in B's table, 10.2.0.0/16 in A's table.",
      'Add ingress TCP 3306 on sgB from 10.1.0.0/24.',
    ])).toEqual([
      "Peer A with B (VpcPeering) and add routes on both sides: 10.2.0.0/16 in A's table, 10.1.0.0/16 in B's table.",
      'Add ingress TCP 3306 on sgB from 10.1.0.0/24.',
    ]);
  });
});

describe('sentences', () => {
  // What the splitter must say, as the regular expression it replaces said it.
  const byRegex = (text: string) => text.split(/(?<=\.)\s+(?=[A-Z])/).map((x) => x.trim()).filter((x) => x.length > 0);

  test('split at a full stop, whitespace and a capital only; CIDRs, ids and lower-case words stay whole', () => {
    expect(sentences('Route 10.1.0.0/24. Then peer A. and b. Add\u00a0sgB.\n\tEnd.  ')).toEqual(['Route 10.1.0.0/24.', 'Then peer A. and b.', 'Add\u00a0sgB.', 'End.']);
    expect(sentences('  . A.B. .C.  D')).toEqual(['.', 'A.B. .C.', 'D']);
    expect(sentences('')).toEqual([]);
  });

  test('the same as the regular expression on any text of full stops, spaces, capitals and others', () => {
    const text = fc.array(fc.constantFrom('.', ' ', '  ', '\n', '\u00a0', '\u2028', 'A', 'Z', 'a', '[', '@', '1', '/', 'É'), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(fc.property(text, (t) => {
      expect(sentences(t)).toEqual(byRegex(t));
    }), { seed: 1818, numRuns: 2000 });
  });
});

describe('FixSteps', () => {
  test('each text adds what distinctFixes of the steps so far and the text adds', () => {
    const texts = [
      'Peer A with B (VpcPeering). Add ingress TCP 3306 on sgB from 10.1.0.0/24.',
      'Peer B with A (VpcPeering). Add a route to 10.2.0.0/16.',
      'Add ingress TCP 3306 on sgB from 10.1.0.0/24. Peer C with A (VpcPeering).',
    ];
    const steps = new FixSteps();
    const seen: string[] = [];
    for (const text of texts) {
      const expected = distinctFixes([...seen, text]).slice(seen.length);
      expect(steps.add(text)).toEqual(expected);
      seen.push(...expected);
    }
    expect(steps.steps).toEqual(distinctFixes(texts));
    expect(steps.steps).toEqual(['Peer A with B (VpcPeering).', 'Add ingress TCP 3306 on sgB from 10.1.0.0/24.', 'Add a route to 10.2.0.0/16.', 'Peer C with A (VpcPeering).']);
  });

  test('sentences added as they are: a peering in the other direction is the same step, anything else its own', () => {
    const steps = new FixSteps();
    expect(steps.addSentences(['Peer A with B (VpcPeering).', 'Peer x.'])).toEqual(['Peer A with B (VpcPeering).', 'Peer x.']);
    expect(steps.addSentences(['Peer B with A (VpcPeering).', 'Peer x.', 'Peer y.'])).toEqual(['Peer y.']);
  });
});

describe('Narration', () => {
  test("keeps every item's first sentence (what is wrong), drops a why already said", () => {
    const n = new Narration();
    expect(n.tell('sgB does not allow TCP 3306. Security groups are stateful.')).toBe('sgB does not allow TCP 3306. Security groups are stateful.');
    expect(n.tell('sgC does not allow TCP 5432. Security groups are stateful.')).toBe('sgC does not allow TCP 5432.');
    expect(n.tell('sgB does not allow TCP 3306.')).toBe('sgB does not allow TCP 3306.');
  });

  test('hands out the ENI-placement sentence once, only when a told text had it', () => {
    const n = new Narration();
    n.tell('A and B are not connected.');
    expect(n.takeEniPlacement()).toBeUndefined();
    expect(n.tell(`A and B are not connected. ${GLUE_ENI_PLACEMENT}`)).toBe('A and B are not connected.');
    expect(n.takeEniPlacement()).toBe(GLUE_ENI_PLACEMENT);
    n.tell(`B and A are not connected. ${GLUE_ENI_PLACEMENT}`);
    expect(n.takeEniPlacement()).toBeUndefined();
  });
});
