/**
 * GNP-GLUE-VERSION-END-OF-LIFE: Spark on Glue 0.9, 1.0 and 2.0, and Python shell on Python 2,
 * reached end of life on 1 April 2026 (AWS Glue, "AWS Glue version support policy"): no runs can
 * start. The plan is still checked as written, and says so.
 */
import { model } from './builders';
import { buildPlan, Plan } from '../../src/engine';
import { GlueJob, known } from '../../src/model';

const findings = (plan: Plan) => [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].filter((f) => f.ruleId === 'GNP-GLUE-VERSION-END-OF-LIFE');

function withJob(change: Partial<GlueJob>) {
  const m = model().vpc('v', '10.0.0.0/16').subnet('s1', 'v', '10.0.1.0/24', 'us-east-1a').sg('sg', 'v')
    .connection('net', 's1', ['sg'], { type: 'NETWORK' }).job('etl', ['net']);
  m.model.jobs.set('etl', { ...m.model.jobs.get('etl')!, ...change });
  return buildPlan(m.model);
}

describe('GNP-GLUE-VERSION-END-OF-LIFE', () => {
  test.each(['0.9', '1.0', '2.0'])('a Spark job of GlueVersion %s: a warning naming the version and the date', (version) => {
    const [f] = findings(withJob({ glueVersion: known(version) }));
    expect(f).toMatchObject({ severity: 'warning', source: { logicalId: 'etl' } });
    expect(f.message).toMatch(new RegExp(`GlueVersion ${version.replace('.', '\\.')}, which reached end of life on 1 April 2026`));
    expect(f.message).toMatch(/checked as written/);
  });

  test('a Spark job of Glue 1.0 with --additional-python-modules: the warning says a supported version installs them (not checked on 1.0)', () => {
    const [f] = findings(withJob({ glueVersion: known('1.0'), additionalPythonModules: known('pandas') }));
    expect(f.message).toMatch(/installs only from Glue 2\.0 on \(so they are not checked here\)/);
  });

  test.each(['3.0', '4.0', '5.0', '5.1'])('GlueVersion %s: no finding', (version) => {
    expect(findings(withJob({ glueVersion: known(version) }))).toEqual([]);
  });

  test('no GlueVersion, or one not resolved: no finding (the version is not known to be one of them)', () => {
    expect(findings(withJob({}))).toEqual([]);
    expect(findings(withJob({ glueVersion: { known: false, reason: 'a parameter without a value' } }))).toEqual([]);
  });

  test('Python shell on Python 2 without GlueVersion (or with one not resolved): the warning, saying Python 2 ran only on Glue 1.0, whichever version Glue gives the job; the fix names Python 3.9', () => {
    for (const glueVersion of [undefined, { known: false as const, reason: 'a parameter without a value' }]) {
      const [f] = findings(withJob({ command: known('pythonshell'), pythonVersion: known('2'), glueVersion }));
      expect(f).toMatchObject({ severity: 'warning', source: { logicalId: 'etl' } });
      expect(f.message).toMatch(/Python shell job on Python 2 \(Command\.PythonVersion 2\) with (no GlueVersion|a GlueVersion that is not resolved \(a parameter without a value\))/);
      expect(f.message).toMatch(/Python shell runs Python 2 only on Glue 1\.0.*reached end of life on 1 April 2026, whichever version Glue gives the job/);
      expect(f.fix).toMatch(/Command\.PythonVersion 3\.9 with GlueVersion 3\.0/);
    }
    // Without PythonVersion, AWS documents no default: not known to be Python 2, no finding.
    expect(findings(withJob({ command: known('pythonshell') }))).toEqual([]);
    expect(findings(withJob({ command: known('pythonshell'), pythonVersion: known('3.9') }))).toEqual([]);
  });

  test('Python shell: on Python 2 (Glue 1.0) the warning, on Python 3.9 none', () => {
    expect(findings(withJob({ command: known('pythonshell'), glueVersion: known('1.0'), pythonVersion: known('2') }))).toHaveLength(1);
    expect(findings(withJob({ command: known('pythonshell'), glueVersion: known('3.0'), pythonVersion: known('3.9') }))).toEqual([]);
  });
});
