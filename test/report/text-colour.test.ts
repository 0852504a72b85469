import { buildPlan, Plan } from '../../src/engine';
import { buildModel } from '../../src/ingest';
import { shouldColour, toText } from '../../src/report';
import { seedTemplate } from '../fixtures/seed-templates';

const ESC = '\u001b';
const green = (text: string) => `${ESC}[32m${text}${ESC}[39m`;
const red = (text: string) => `${ESC}[31m${text}${ESC}[39m`;
const yellow = (text: string) => `${ESC}[33m${text}${ESC}[39m`;
const stripAnsi = (text: string) => text.replace(/\u001b\[\d+m/g, '');

/** Unpeered seed case, with Postgres's subnet a dangling Ref: REACHABLE, UNREACHABLE and UNKNOWN stores. */
function mixedPlan(): Plan {
  const template = seedTemplate(false) as any;
  template.Resources.PostgresConnection.Properties.ConnectionInput.PhysicalConnectionRequirements.SubnetId = { Ref: 'NoSuchSubnet' };
  delete template.Resources.PostgresConnection.Metadata; // not declared: located by its (dangling) subnet
  return buildPlan(buildModel([{ stackName: 'Seed', template, region: 'us-east-1', account: '111111111111' }]), {});
}

describe('text colour', () => {
  const plan = mixedPlan();
  const plain = toText(plan);
  const coloured = toText(plan, { colour: true });

  test('by default (pipes, files, tests) the text has no escape codes', () => {
    expect(plain).not.toContain(ESC);
    expect(toText(plan, { colour: false })).toBe(plain);
  });

  test('colour only adds escape codes: without them the text is the plain text, byte for byte', () => {
    expect(coloured).toContain(ESC);
    expect(stripAnsi(coloured)).toBe(plain);
  });

  test('REACHABLE green, UNREACHABLE red, UNKNOWN yellow: the mark and the verdict', () => {
    const line = (name: string) => coloured.split('\n').find((l) => l.includes(`${name}: `) && l.includes('store located by'))!;
    expect(line('redshift').startsWith(`    ${green('ok ')}redshift: ${green('REACHABLE')} (store located by `)).toBe(true);
    expect(line('mysql')).toContain(`${red('XX ')}mysql: ${red('UNREACHABLE')}`);
    expect(line('postgres')).toContain(`${yellow('?? ')}postgres: ${yellow('UNKNOWN')}`);
    expect(coloured).toContain(`${red('blocked')} DISCONNECTED_VPCS`);
    expect(coloured).toMatch(new RegExp(`\\s${ESC}\\[31mXX ${ESC}\\[39m-> `)); // the blocking hop
  });

  test('errors red, warnings yellow, in the findings and the summary', () => {
    expect(coloured).toContain(`${red('ERROR')} GNP-STORE-UNREACHABLE`);
    expect(coloured).toContain(`${yellow('WARNING')} GNP-`);
    const summary = coloured.trimEnd().split('\n').pop()!;
    expect(summary).toMatch(new RegExp(`^1 job\\(s\\), ${ESC}\\[31m\\d+ error\\(s\\)${ESC}\\[39m, ${ESC}\\[33m\\d+ warning\\(s\\)${ESC}\\[39m$`));
  });

  test('nothing to flag: the summary counts stay plain', () => {
    const fixed = buildPlan(buildModel([{ stackName: 'Seed', template: seedTemplate(true), region: 'us-east-1', account: '111111111111' }]), { failover: false });
    expect(toText(fixed, { colour: true }).trimEnd().split('\n').pop()).toBe('1 job(s), 0 error(s), 0 warning(s)');
  });
});

describe('shouldColour', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };

  test.each([
    ['a terminal', tty, {}, true],
    ['a pipe or file', pipe, {}, false],
    ['a stream without isTTY', {}, {}, false],
    ['NO_COLOR=1 on a terminal', tty, { NO_COLOR: '1' }, false],
    ['NO_COLOR set to any non-empty value', tty, { NO_COLOR: 'false' }, false],
    ['NO_COLOR empty (means unset)', tty, { NO_COLOR: '' }, true],
    ['FORCE_COLOR=1 into a pipe', pipe, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR empty into a pipe', pipe, { FORCE_COLOR: '' }, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR=false on a terminal', tty, { FORCE_COLOR: 'false' }, false],
    ['NO_COLOR wins over FORCE_COLOR', tty, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['TERM=dumb', tty, { TERM: 'dumb' }, false],
  ] as const)('%s', (_label, stream, env, expected) => {
    expect(shouldColour(stream, env)).toBe(expected);
  });
});
