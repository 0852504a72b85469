import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../src/cli/run';

/*
 * Terraform and CDKTF users point the CLI at what they have: one line says what it is and what
 * to give instead, never the file's text.
 */

const LINE = 'not a CloudFormation template or cloud assembly; export the synthesized CloudFormation or use cdk.out';

/** What `cdktf synth` writes for a stack with a Glue job and connection. */
const CDKTF_STACK = {
  '//': { metadata: { backend: 'local', stackName: 'etl', version: '0.20.0' }, outputs: {} },
  'provider': { aws: [{ region: 'us-east-1' }] },
  'resource': {
    aws_glue_connection: { warehouse: { name: 'warehouse', connection_type: 'JDBC', connection_properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://secret-host:5432/dw', PASSWORD: 's3cr3t' } } },
    aws_glue_job: { load: { name: 'load', role_arn: 'arn:aws:iam::111111111111:role/glue', connections: ['${aws_glue_connection.warehouse.name}'], command: { script_location: 's3://b/load.py' } } },
  },
  'terraform': { backend: { local: { path: 'terraform.etl.tfstate' } }, required_providers: { aws: { source: 'aws', version: '5.0.0' } } },
};

const HCL = `resource "aws_glue_connection" "warehouse" {
  name            = "warehouse"
  connection_type = "JDBC"
  connection_properties = {
    JDBC_CONNECTION_URL = "jdbc:postgresql://secret-host:5432/dw"
    PASSWORD            = "s3cr3t"
  }
}
`;

const PLAN = {
  format_version: '1.2',
  terraform_version: '1.6.0',
  planned_values: { root_module: { resources: [{ address: 'aws_glue_connection.warehouse', values: { connection_properties: { PASSWORD: 's3cr3t' } } }] } },
  resource_changes: [],
};

function run(argv: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd });
  return { code, stdout, stderr };
}

describe('Terraform and CDKTF inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glue-netplan-terraform-'));
  writeFileSync(join(dir, 'main.tf'), HCL);
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(PLAN));
  writeFileSync(join(dir, 'etl.json'), JSON.stringify(CDKTF_STACK));
  mkdirSync(join(dir, 'cdktf.out', 'stacks', 'etl'), { recursive: true });
  writeFileSync(join(dir, 'cdktf.out', 'manifest.json'), JSON.stringify({
    version: '0.20.0', stacks: { etl: { name: 'etl', constructPath: 'etl', synthesizedStackPath: 'stacks/etl/cdk.tf.json', workingDirectory: 'stacks/etl' } },
  }));
  writeFileSync(join(dir, 'cdktf.out', 'stacks', 'etl', 'cdk.tf.json'), JSON.stringify(CDKTF_STACK));
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'npx ts-node main.ts' }));

  test.each([
    ['main.tf', 'a Terraform configuration'],
    ['cdktf.out/stacks/etl/cdk.tf.json', 'a Terraform JSON configuration, as CDKTF synthesizes it'],
    ['etl.json', 'a Terraform JSON configuration, as CDKTF synthesizes it'],
    ['plan.json', 'a Terraform plan in JSON'],
    ['cdktf.out', 'a CDKTF output directory'],
  ])('%s: exit 2, one line naming it as %s', (path, kind) => {
    const { code, stderr, stdout } = run([path], dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`glue-netplan: ${join(dir, path)}: ${kind}, ${LINE}\n`);
  });

  test('the default ./cdk.out, run in a CDKTF project, says so', () => {
    const { code, stderr } = run([], dir);
    expect(code).toBe(2);
    expect(stderr).toBe(`glue-netplan: ${join(dir, 'cdk.out')}: no such directory, and ${dir} is a CDKTF project, ${LINE}\n`);
  });

  test('never the file\'s text', () => {
    for (const path of ['main.tf', 'plan.json', 'etl.json', 'cdktf.out', 'cdktf.out/stacks/etl/cdk.tf.json']) {
      expect(run([path], dir).stderr).not.toMatch(/s3cr3t|secret-host|aws_glue/);
    }
  });
});
