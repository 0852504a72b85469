import { CliOptions, parseArgs, planFromFiles, runCli } from '../../src/cli/run';
import { SarifLog, toSarifLog } from '../../src/report';
import { seedTemplate, tempDir, writeFile } from '../fixtures/seed-templates';

/**
 * SARIF fingerprints (code scanning matches alerts across runs by them) and CDK Stages: adding a
 * second Stage whose stack has the same CloudFormation name in another account names both stacks
 * by their construct paths (`Dev/Etl`, `Prod/Etl`). The Dev stack is the same CloudFormation stack
 * as before (name, account, Region), its findings the same: their fingerprints must not change;
 * Prod's copies of them are other findings, with other fingerprints.
 */
const stack = (templateFile: string, account: string, displayName: string) => ({
  type: 'aws:cloudformation:stack', environment: `aws://${account}/us-east-1`, displayName, properties: { templateFile, stackName: 'etl' },
});

/** The seed's unpeered template, its resources at construct paths under `path` (as `cdk synth` writes `aws:cdk:path`), when given. */
function template(path?: string) {
  const seed = seedTemplate(false);
  if (path === undefined) return seed;
  const resources = Object.fromEntries(Object.entries(seed.Resources).map(([id, resource]) => [id, { ...resource, Metadata: { ...(resource as any).Metadata, 'aws:cdk:path': `${path}/${id}/Resource` } }]));
  return { ...seed, Resources: resources };
}

function sarifOf(artifacts: Record<string, unknown>): SarifLog {
  const dir = tempDir();
  writeFile(dir, 'manifest.json', { version: '36.0.0', artifacts });
  for (const [, artifact] of Object.entries(artifacts)) writeFile(dir, (artifact as any).properties.templateFile, template((artifact as any).displayName));
  let stdout = '';
  runCli([dir, '--format', 'sarif', '--no-failover'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: dir });
  return JSON.parse(stdout);
}

const fingerprints = (log: SarifLog, stackName?: string) => log.runs[0].results
  .filter((r) => stackName === undefined || r.properties.stack === stackName)
  .map((r) => `${r.ruleId} ${r.partialFingerprints['glueNetplanFinding/v1']}`).sort();

describe('SARIF fingerprints across a second Stage', () => {
  const dev = stack('Dev.template.json', '111111111111', 'Dev/Etl');
  const before = sarifOf({ DevEtl: dev });
  const after = sarifOf({ DevEtl: dev, ProdEtl: stack('Prod.template.json', '222222222222', 'Prod/Etl') });

  test('the stacks are renamed by their construct paths (the precondition)', () => {
    expect([...new Set(before.runs[0].results.map((r) => r.properties.stack))]).toEqual(['etl']);
    expect([...new Set(after.runs[0].results.map((r) => r.properties.stack))].sort()).toEqual(['Dev/Etl', 'Prod/Etl']);
    expect(fingerprints(before).length).toBeGreaterThan(0);
  });

  test("the Dev stack's results keep their fingerprints (was: every one changed with the stack's name)", () => {
    expect(fingerprints(after, 'Dev/Etl')).toEqual(fingerprints(before));
  });

  test("Prod's copies of the same findings have fingerprints of their own (not merged with Dev's)", () => {
    const devPrints = new Set(fingerprints(after, 'Dev/Etl').map((f) => f.split(' ')[1]));
    const prodPrints = fingerprints(after, 'Prod/Etl').map((f) => f.split(' ')[1]);
    expect(prodPrints.length).toBe(devPrints.size);
    expect(prodPrints.filter((f) => devPrints.has(f))).toEqual([]);
  });
});


describe('SARIF fingerprints when the stack moves into a Stage (its construct path Etl becomes Dev/Etl) beside a second one', () => {
  const before = sarifOf({ Etl: stack('Etl.template.json', '111111111111', 'Etl') });
  const after = sarifOf({ DevEtl: stack('Dev.template.json', '111111111111', 'Dev/Etl'), ProdEtl: stack('Prod.template.json', '222222222222', 'Prod/Etl') });

  test('the messages name the construct paths (Etl/VpcA, then Dev/Etl/VpcA)', () => {
    expect(before.runs[0].results.map((r) => r.message.text).join('\n')).toMatch(/(?<!Dev\/)Etl\/VpcA/);
    expect(after.runs[0].results.find((r) => r.properties.stack === 'Dev/Etl')!.message.text).toContain('Dev/Etl/VpcA');
  });

  test('the same CloudFormation stack (etl, same account and Region): the same fingerprints; the other stage\'s apart', () => {
    expect(fingerprints(after, 'Dev/Etl')).toEqual(fingerprints(before));
    const dev = new Set(fingerprints(after, 'Dev/Etl'));
    expect(fingerprints(after, 'Prod/Etl').filter((f) => dev.has(f))).toEqual([]);
  });
});

describe('SARIF fingerprints on upgrade (docs/cli.md): which change once', () => {
  /** The fingerprints now, and as before (the plan's stack names: toSarifLog without the stacks). */
  function nowAndBefore(environment: string, displayName: string, stackName: string) {
    const dir = tempDir();
    writeFile(dir, 'manifest.json', { version: '36.0.0', artifacts: { Etl: { type: 'aws:cloudformation:stack', environment, displayName, properties: { templateFile: 'etl.template.json', stackName } } } });
    writeFile(dir, 'etl.template.json', template(displayName));
    let stdout = '';
    runCli([dir, '--format', 'sarif', '--no-failover'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: dir });
    const prints = (log: SarifLog) => log.runs[0].results.map((r) => r.partialFingerprints['glueNetplanFinding/v1']);
    const plan = planFromFiles(parseArgs([dir, '--no-failover']) as CliOptions, dir);
    return { now: prints(JSON.parse(stdout)), before: prints(toSarifLog(plan, { baseDir: dir })) };
  }

  test('an environment-agnostic stack deployed under its construct path: unchanged', () => {
    const { now, before } = nowAndBefore('aws://unknown-account/unknown-region', 'Etl', 'Etl');
    expect(now.length).toBeGreaterThan(0);
    expect(now).toEqual(before);
  });

  test('an environment-agnostic stack in a Stage (Dev/Etl deployed as Dev-Etl): the results naming its construct paths change once, as docs/cli.md says', () => {
    const { now, before } = nowAndBefore('aws://unknown-account/unknown-region', 'Dev/Etl', 'Dev-Etl');
    expect(now).not.toEqual(before);
  });
});

describe('SARIF fingerprints: one stack name, one account, two Regions (a stage per Region)', () => {
  const inRegion = (templateFile: string, region: string, displayName: string) => ({
    type: 'aws:cloudformation:stack', environment: `aws://111111111111/${region}`, displayName, properties: { templateFile, stackName: 'etl' },
  });
  const log = sarifOf({ EastEtl: inRegion('East.template.json', 'us-east-1', 'East/Etl'), WestEtl: inRegion('West.template.json', 'us-west-2', 'West/Etl') });

  test('each Region\'s copy of a finding has its own fingerprint: no two results share one', () => {
    const all = log.runs[0].results.map((r) => r.partialFingerprints['glueNetplanFinding/v1']);
    expect(all.length).toBeGreaterThan(1);
    expect(new Set(all).size).toBe(all.length);
  });
});
