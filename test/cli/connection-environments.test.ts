import { join } from 'path';
import { runCli } from '../../src/cli/run';
import { seedTemplate, tempDir, writeFile } from '../fixtures/seed-templates';

/**
 * A job lists connections by name; stages Dev (account 111111111111: peered, every store reachable)
 * and Prod (222222222222: unpeered, MySQL and PostgreSQL unreachable) each create connections of
 * those names. The job's stack is environment-agnostic: it may deploy to either account, so which
 * connection each name designates is not known.
 */
function writeApp(jobEnvironment: string): string {
  const out = tempDir('glue-netplan-connenv-');
  const withoutJob = (peered: boolean) => {
    const template = seedTemplate(peered);
    delete (template.Resources as Record<string, unknown>).Job;
    return template;
  };
  writeFile(out, 'Dev.template.json', withoutJob(true));
  writeFile(out, 'Prod.template.json', withoutJob(false));
  writeFile(out, 'Jobs.template.json', {
    Resources: {
      Job: {
        Type: 'AWS::Glue::Job',
        Properties: { Name: 'load', Role: 'arn:aws:iam::111111111111:role/glue', Command: { Name: 'glueetl' }, WorkerType: 'G.1X', NumberOfWorkers: 2, Connections: { Connections: ['redshift', 'mysql', 'postgres'] } },
      },
    },
  });
  const stack = (file: string, environment: string, displayName: string) => ({ type: 'aws:cloudformation:stack', environment, displayName, properties: { templateFile: file } });
  writeFile(out, 'manifest.json', {
    version: '54.0.0',
    artifacts: {
      Dev: stack('Dev.template.json', 'aws://111111111111/us-east-1', 'Dev/Net'),
      Prod: stack('Prod.template.json', 'aws://222222222222/us-east-1', 'Prod/Net'),
      Jobs: stack('Jobs.template.json', jobEnvironment, 'Jobs'),
    },
  });
  return out;
}

function plan(out: string) {
  let stdout = '';
  let stderr = '';
  const code = runCli([out, '--format', 'json'], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd: join(out, '..') });
  return { code, stderr, plan: stdout ? JSON.parse(stdout) : undefined };
}

describe('a connection name that designates connections of several accounts', () => {
  test('an environment-agnostic job: which stage\'s connection it gets is not known, no store REACHABLE (was: Dev\'s, declared first, every store REACHABLE, exit 0)', () => {
    const { plan: p, stderr } = plan(writeApp('aws://unknown-account/unknown-region'));
    expect(stderr).toBe('');
    const job = p.jobs.find((j: any) => j.name === 'load');
    expect(job.dataStores.map((s: any) => s.verdict)).not.toContain('REACHABLE');
    expect(JSON.stringify(p)).toMatch(/connection name mysql designates a connection of Dev\/MysqlConnection \(account 111111111111, us-east-1\), Prod\/MysqlConnection \(account 222222222222, us-east-1\), and the job may deploy to any account and Region/);
  });

  test('a job pinned to Prod\'s account still gets Prod\'s connections (unreachable stores, exit 1)', () => {
    const { plan: p, code } = plan(writeApp('aws://222222222222/us-east-1'));
    const job = p.jobs.find((j: any) => j.name === 'load');
    expect(job.dataStores.map((s: any) => s.verdict)).toEqual(['REACHABLE', 'UNREACHABLE', 'UNREACHABLE']);
    expect(code).toBe(1);
  });
});
