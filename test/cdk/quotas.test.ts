import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AspectPriority, Aspects, Stack, Validations, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { capturingConsoleError, withoutCdkTemplateCheck } from './quiet-cdk';
import { seedNetwork } from '../../examples/seed-network';
import { GlueNetworkGuard, GlueNetworkGuardProps } from '../../src/cdk/guard';
import { NetworkQuotas } from '../../src/cdk/quotas';
import { GlueNetworkValidationPlugin } from '../../src/cdk/validation-plugin';

/*
 * The account's raised VPC quotas, given to the guard and the plugin (`quotas`): the templates do
 * not show quotas, so without them the defaults are assumed.
 */

withoutCdkTemplateCheck();

const ENV = { account: '111111111111', region: 'us-east-1' };

/** One stack: the seed's VPC, a JDBC connection wearing the Glue group and five more groups (six in all), a job. */
function appWithSixGroups(door: { guard?: GlueNetworkGuardProps; plugin?: GlueNetworkValidationPlugin }): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'glue-netplan-quotas-')) });
  if (door.plugin) Validations.of(app).addPlugins(door.plugin);
  const stack = new Stack(app, 'Etl', { env: ENV });
  const { vpc, glueGroup } = seedNetwork(stack, '10.1.0.0/16');
  const more = Array.from({ length: 5 }, (_, i) => new ec2.SecurityGroup(stack, `Extra${i}`, { vpc, description: `team rule set ${i}` }));
  const connection = new glue.Connection(stack, 'Pg', {
    type: glue.ConnectionType.JDBC,
    network: glue.ConnectionNetwork.subnet(vpc.isolatedSubnets[0]),
    securityGroups: [glueGroup, ...more],
    properties: { JDBC_CONNECTION_URL: 'jdbc:postgresql://10.1.0.10:5432/app' },
  });
  new glue.PySparkEtlJob(stack, 'Load', {
    jobName: 'load',
    role: new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(stack, 'Scripts'), 'load.py'),
    connections: [connection],
  });
  if (door.guard) Aspects.of(app).add(new GlueNetworkGuard(door.guard), { priority: AspectPriority.READONLY });
  return app;
}

/** This library's violations in CDK's validation report, as `RULE severity`, and what synth threw. */
function synth(app: App): { thrown?: string; violations: string[] } {
  let thrown: string | undefined;
  capturingConsoleError(() => {
    try {
      app.synth();
    } catch (e) {
      thrown = (e as Error).message;
    }
  });
  const file = path.join(app.outdir, 'validation-report.json');
  const report = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { pluginReports: [] };
  const violations: string[] = report.pluginReports.flatMap((r: any) => r.violations.map((v: any) => `${v.ruleName} ${v.severity}: ${v.description}`));
  return { thrown, violations };
}

const quotaViolations = (violations: string[]) => violations.filter((v) => v.startsWith('GNP-QUOTA-SECURITY-GROUPS'));

describe('quotas: the account raised "Security groups per network interface"', () => {
  const raised: NetworkQuotas = { securityGroupsPerNetworkInterface: 8 };

  test('the guard without quotas: six groups fail synthesis (the default quota is 5)', () => {
    const { thrown, violations } = synth(appWithSixGroups({ guard: {} }));
    expect(thrown).toBeDefined();
    expect(quotaViolations(violations)).toEqual([expect.stringMatching(/lists 6 security groups; an ENI accepts 5 by default/)]);
  });

  test("the guard with the account's quota: no quota finding, synthesis passes", () => {
    const { thrown, violations } = synth(appWithSixGroups({ guard: { quotas: raised } }));
    expect(quotaViolations(violations)).toEqual([]);
    expect(thrown).toBeUndefined();
  });

  test('the validation plugin takes the same quotas', () => {
    expect(quotaViolations(synth(appWithSixGroups({ plugin: new GlueNetworkValidationPlugin() })).violations)).toHaveLength(1);
    expect(quotaViolations(synth(appWithSixGroups({ plugin: new GlueNetworkValidationPlugin({ quotas: raised }) })).violations)).toEqual([]);
  });

  test('a value AWS does not grant is refused when the guard or the plugin is created, naming it and the range', () => {
    expect(() => new GlueNetworkGuard({ quotas: { securityGroupsPerNetworkInterface: 17 } }))
      .toThrow(/GlueNetworkGuard: quota securityGroupsPerNetworkInterface \(Security groups per network interface\) must be a whole number from 1 to 16, the most AWS grants; got 17/);
    expect(() => new GlueNetworkValidationPlugin({ quotas: { routesPerRouteTable: 2.5 } }))
      .toThrow(/GlueNetworkValidationPlugin: quota routesPerRouteTable \(Routes per route table\) must be a whole number from 1 to 1000/);
  });
});
