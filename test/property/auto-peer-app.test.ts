/**
 * Auto-peer on random fixable multi-VPC CDK apps: 2-4 network stacks (NetworkStack of the seed
 * app, literal non-overlapping CIDRs), an ETL stack with 1-3 Glue jobs whose JDBC connections sit
 * in any VPC and reach stores in any VPC. With an AUTO_PEER guard followed by a FAIL guard:
 *   1. no GNP- error anywhere;
 *   2. the checking guard finds every store REACHABLE, in the main case and after each AZ failure;
 *   3. a second synthesis changes no template (nothing added twice);
 *   4. what auto-peer adds is least privilege and deployable: port-only TCP rules, routes to /24
 *      subnet CIDRs, group references only between groups of the same or peered VPCs;
 *   5. one peering per VPC pair at most;
 *   6. no network stack imports from the ETL stack (no cycle), and the app synthesizes.
 */
import {
  App, AspectPriority, Aspects, CfnResource, Reference, Stack, Tokenization,
  aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3,
} from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { logRun } from './log-run';
import { propertyRuns, propertySeed } from './seeds';
import { GlueDataStore } from '../../src/cdk/data-store';
import { FailoverRepair, GlueNetworkGuard, GuardMode } from '../../src/cdk/guard';
import { AUTO_PEER_ID } from '../../src/cdk/private/auto-peer';
import { ALL_RULES } from '../../src/engine';
import { capturingConsoleError } from '../cdk/quiet-cdk';
import { NetworkStack } from '../cdk/seed-app';

const NUM_RUNS = propertyRuns('AUTOPEER', 12);
const SEED = propertySeed('AUTOPEER', 20261130);
const PORTS = [3306, 5432, 5439, 1521] as const;

// ---------------------------------------------------------------------------------------------
// The generated app, as plain data (what fast-check prints for a counterexample)
// ---------------------------------------------------------------------------------------------

type JobKind = 'PySparkEtlJob' | 'PythonShellJob' | 'PySparkStreamingJob';
type SubnetIndex = 0 | 1;

/** A subnet of the app: isolated subnet `subnet` (AZ `subnet + 1`) of VPC `vpc` (10.<vpc+1>.0.0/16). */
interface SubnetSpec {
  readonly vpc: number;
  readonly subnet: SubnetIndex;
}

interface JdbcConnectionSpec {
  /** The store's subnet; its address is 10.<vpc+1>.<subnet>.10 unless it is declared. */
  readonly store: SubnetSpec;
  readonly port: (typeof PORTS)[number];
  /** Declared with GlueDataStore.declare (subnet, store VPC's Glue group, port) and addressed by a DNS name. */
  readonly declared: boolean;
  /** Where the connection's ENIs go: a subnet of the store's VPC, or of another VPC. */
  readonly placement: { readonly vpc: number | 'store'; readonly subnet: SubnetIndex };
}

interface JobSpec {
  readonly kind: JobKind;
  /** A NETWORK connection listed first (so Glue selects it when it is suitable). */
  readonly network: SubnetSpec | null;
  readonly jdbc: JdbcConnectionSpec[];
  /**
   * A NETWORK connection listed last, added only when the other connections all sit in one AZ:
   * a job confined to one AZ has no connection left when that AZ fails, which no peering fixes.
   */
  readonly otherAz: SubnetSpec | null;
}

interface AppSpec {
  readonly vpcs: number;
  readonly jobs: JobSpec[];
}

function placementOf(c: JdbcConnectionSpec): SubnetSpec {
  return { vpc: c.placement.vpc === 'store' ? c.store.vpc : c.placement.vpc, subnet: c.placement.subnet };
}

/** Makes a job fixable after any single-AZ failure (see JobSpec.otherAz). */
function withOtherAz(job: Omit<JobSpec, 'otherAz'>): JobSpec {
  const placements = [...(job.network ? [job.network] : []), ...job.jdbc.map(placementOf)];
  const subnets = new Set(placements.map((p) => p.subnet));
  const otherAz: SubnetSpec | null = subnets.size > 1 ? null : { vpc: placements[0].vpc, subnet: placements[0].subnet === 0 ? 1 : 0 };
  return { ...job, otherAz };
}

const subnetIndexArb: fc.Arbitrary<SubnetIndex> = fc.constantFrom<SubnetIndex>(0, 1);

function appArb(): fc.Arbitrary<AppSpec> {
  return fc.integer({ min: 2, max: 4 }).chain((vpcs) => {
    const vpcArb = fc.integer({ min: 0, max: vpcs - 1 });
    const subnetArb: fc.Arbitrary<SubnetSpec> = fc.record({ vpc: vpcArb, subnet: subnetIndexArb });
    const jdbcArb: fc.Arbitrary<JdbcConnectionSpec> = fc.record({
      store: subnetArb,
      port: fc.constantFrom(...PORTS),
      declared: fc.boolean(),
      placement: fc.record({
        vpc: fc.oneof({ weight: 3, arbitrary: fc.constant('store' as const) }, { weight: 2, arbitrary: vpcArb }),
        subnet: subnetIndexArb,
      }),
    });
    const jobArb: fc.Arbitrary<JobSpec> = fc.record({
      kind: fc.constantFrom<JobKind>('PySparkEtlJob', 'PythonShellJob', 'PySparkStreamingJob'),
      network: fc.option(subnetArb, { nil: null, freq: 3 }),
      jdbc: fc.array(jdbcArb, { minLength: 1, maxLength: 3 }),
    }).map(withOtherAz);
    return fc.record({ vpcs: fc.constant(vpcs), jobs: fc.array(jobArb, { minLength: 1, maxLength: 3 }) });
  });
}

// ---------------------------------------------------------------------------------------------
// Building the CDK app
// ---------------------------------------------------------------------------------------------

interface BuiltApp {
  readonly app: App;
  readonly networks: NetworkStack[];
  readonly etl: Stack;
  readonly check: GlueNetworkGuard;
  /** How many JDBC connections (so data stores) each job has, in job order. */
  readonly storesPerJob: number[];
}

function buildApp(spec: AppSpec): BuiltApp {
  const app = new App();
  const networks = Array.from({ length: spec.vpcs }, (_, i) => new NetworkStack(app, `Network${i}`, `10.${i + 1}.0.0/16`));
  const etl = new Stack(app, 'Etl');
  const role = new iam.Role(etl, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
  const scripts = new s3.Bucket(etl, 'Scripts');
  const subnetOf = (s: SubnetSpec) => networks[s.vpc].vpc.isolatedSubnets[s.subnet];
  const networkConnection = (id: string, s: SubnetSpec) => new glue.Connection(etl, id, {
    type: glue.ConnectionType.NETWORK,
    network: glue.ConnectionNetwork.subnet(subnetOf(s)),
    securityGroups: [networks[s.vpc].glueGroup],
  });

  spec.jobs.forEach((job, j) => {
    const connections: glue.IConnection[] = [];
    if (job.network) connections.push(networkConnection(`Job${j}Network`, job.network));
    job.jdbc.forEach((c, k) => {
      const at = placementOf(c);
      // A store addressed by IP is assumed to wear its connection's group, which is impossible
      // when the connection sits in another VPC: the engine then calls its groups unknown, which
      // no peering fixes. Such a store is declared, as a user would have to.
      const declared = c.declared || at.vpc !== c.store.vpc;
      const host = declared ? `store-${j}-${k}.db.internal` : `10.${c.store.vpc + 1}.${c.store.subnet}.10`;
      const connection = new glue.Connection(etl, `Job${j}Jdbc${k}`, {
        type: glue.ConnectionType.JDBC,
        network: glue.ConnectionNetwork.subnet(subnetOf(at)),
        securityGroups: [networks[at.vpc].glueGroup],
        properties: { JDBC_CONNECTION_URL: `jdbc:mysql://${host}:${c.port}/x` },
      });
      if (declared) {
        GlueDataStore.declare(connection, { subnets: [subnetOf(c.store)], securityGroups: [networks[c.store.vpc].glueGroup], port: c.port });
      }
      connections.push(connection);
    });
    if (job.otherAz) connections.push(networkConnection(`Job${j}OtherAz`, job.otherAz));
    const common = { jobName: `job-${j}`, role, script: glue.Code.fromBucket(scripts, `job-${j}.py`), connections };
    switch (job.kind) {
      case 'PySparkEtlJob': new glue.PySparkEtlJob(etl, `Job${j}`, common); break;
      case 'PythonShellJob': new glue.PythonShellJob(etl, `Job${j}`, common); break;
      case 'PySparkStreamingJob': new glue.PySparkStreamingJob(etl, `Job${j}`, common); break;
    }
  });

  // The stores wear their VPC's Glue group here (the common layout): by default auto-peer refuses
  // to admit such a group for a failover (test/cdk/auto-peer-guarantees.test.ts); this property is
  // about completeness, so it allows it.
  Aspects.of(app).add(new GlueNetworkGuard({ mode: GuardMode.AUTO_PEER, failoverRepair: FailoverRepair.ALLOW_STORE_GROUPS }), { priority: AspectPriority.READONLY });
  const check = new GlueNetworkGuard();
  Aspects.of(app).add(check, { priority: AspectPriority.READONLY + 1 });
  return { app, networks, etl, check, storesPerJob: spec.jobs.map((job) => job.jdbc.length) };
}

// ---------------------------------------------------------------------------------------------
// Reading what auto-peer added
// ---------------------------------------------------------------------------------------------

type Template = { Resources?: Record<string, { Type: string; Properties?: any }> };

/** The CloudFormation of every resource under a GlueNetplanAutoPeer container, with its path. */
function autoPeerResources(stacks: Stack[], templates: Map<Stack, Template>): { path: string; type: string; properties: any }[] {
  const found: { path: string; type: string; properties: any }[] = [];
  for (const stack of stacks) {
    const container = stack.node.tryFindChild(AUTO_PEER_ID);
    if (!container) continue;
    for (const construct of container.node.findAll()) {
      if (!CfnResource.isCfnResource(construct)) continue;
      const logicalId = stack.resolve(construct.logicalId) as string;
      const resource = templates.get(stack)?.Resources?.[logicalId];
      if (!resource) throw new Error(`${construct.node.path} (${logicalId}) is not in the template of ${stack.stackName}`);
      found.push({ path: construct.node.path, type: resource.Type, properties: resource.Properties ?? {} });
    }
  }
  return found;
}

/** The network stack whose resource of the given kind (a VPC, a security group) a token refers to. */
function networkOf(token: string | undefined, kind: typeof ec2.CfnVPC | typeof ec2.CfnSecurityGroup, networks: NetworkStack[]): number {
  const reference = token === undefined ? undefined : Tokenization.reverse(token);
  const target = reference instanceof Reference ? reference.target : undefined;
  const index = target ? networks.indexOf(Stack.of(target) as NetworkStack) : -1;
  if (index < 0 || !(target instanceof kind)) throw new Error(`cannot tell which ${kind.CFN_RESOURCE_TYPE_NAME} ${token} refers to`);
  return index;
}

function importedExports(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {value.forEach((v) => importedExports(v, into));} else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Fn::ImportValue') into.push(typeof v === 'string' ? v : JSON.stringify(v));
      else importedExports(v, into);
    }
  }
  return into;
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

/** What auto-peer added over all runs: the property proves little if it never adds anything. */
const tally = { apps: 0, peerings: 0, routes: 0, rules: 0 };

function checkApp(spec: AppSpec): void {
  const { app, networks, etl, check, storesPerJob } = buildApp(spec);
  const stacks: Stack[] = [...networks, etl];

  // 6 (part): the app synthesizes (a dependency cycle would throw here). CDK prints auto-peer's
  // info report (what it added) on the console: captured, and checked below.
  const { result: assembly, printed } = capturingConsoleError(() => app.synth());
  const first = new Map<Stack, Template>(stacks.map((s) => [s, assembly.getStackArtifact(s.artifactId).template]));

  // 2. The checking guard, which runs after auto-peer, finds every store reachable.
  const plan = JSON.parse(check.lastPlanJson!);
  expect(plan.jobs.map((j: any) => j.dataStores.length)).toEqual(storesPerJob);
  for (const job of plan.jobs) {
    expect({ job: job.constructPath, verdicts: job.dataStores.map((d: any) => d.verdict) })
      .toEqual({ job: job.constructPath, verdicts: job.dataStores.map(() => 'REACHABLE') });
    // Every job has connections in both AZs (JobSpec.otherAz): one what-if per AZ.
    expect({ job: job.constructPath, scenarios: job.failover.length }).toEqual({ job: job.constructPath, scenarios: 2 });
    for (const scenario of job.failover) {
      expect({ job: job.constructPath, azDown: scenario.azDown, allReachable: scenario.allReachable })
        .toEqual({ job: job.constructPath, azDown: scenario.azDown, allReachable: true });
    }
  }

  // 1. No GNP- error: the guards report through CDK's validation report, so one would have
  // thrown from app.synth(); the plan says so too.
  const findings: { ruleId: string; severity: string; message: string }[] = [...plan.jobs.flatMap((j: any) => j.findings), ...plan.findings];
  expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
  // Each finding with its rule's catalogue severity (the checking guard does not demote them).
  expect(findings.filter((f) => ALL_RULES.find((r) => r.id === f.ruleId)?.severity !== f.severity).map((f) => `${f.ruleId} ${f.severity}`)).toEqual([]);

  // 3. Idempotent: after those syntheses and one more, every template is the first one.
  const { result: again } = capturingConsoleError(() => app.synth({ force: true }));
  for (const stack of stacks) {
    expect({ stack: stack.stackName, template: again.getStackArtifact(stack.artifactId).template })
      .toEqual({ stack: stack.stackName, template: first.get(stack) });
  }

  // 4. Least privilege: TCP rules for a store's port only, from a group or a Glue subnet's CIDR;
  // routes through a peering to a subnet's /24, never to a whole VPC or the internet.
  const autoPeered = autoPeerResources(stacks, first);
  // The report printed by the first synthesis names what auto-peer added, and warns of nothing.
  expect({ reportsAdditions: printed.includes('GNP-AUTOPEER-ADDED'), added: autoPeered.length > 0 })
    .toEqual({ reportsAdditions: autoPeered.length > 0, added: autoPeered.length > 0 });
  expect(printed).not.toMatch(/\b(ERROR|WARNING)\b/);
  tally.apps++;
  tally.peerings += autoPeered.filter((r) => r.type === 'AWS::EC2::VPCPeeringConnection').length;
  tally.routes += autoPeered.filter((r) => r.type === 'AWS::EC2::Route').length;
  tally.rules += autoPeered.filter((r) => r.type.startsWith('AWS::EC2::SecurityGroup')).length;
  const ports = new Set<number>(spec.jobs.flatMap((j) => j.jdbc.map((c) => c.port)));
  const subnetCidrs = new Set(networks.flatMap((_, v) => [0, 1].map((s) => `10.${v + 1}.${s}.0/24`)));
  for (const { path, type, properties: p } of autoPeered) {
    if (type === 'AWS::EC2::SecurityGroupIngress' || type === 'AWS::EC2::SecurityGroupEgress') {
      expect({ path, IpProtocol: p.IpProtocol, samePort: p.FromPort === p.ToPort, storePort: ports.has(p.FromPort) })
        .toEqual({ path, IpProtocol: 'tcp', samePort: true, storePort: true });
      if (p.CidrIp !== undefined) expect({ path, CidrIp: subnetCidrs.has(p.CidrIp) }).toEqual({ path, CidrIp: true });
      expect(p.CidrIpv6).toBeUndefined();
    } else if (type === 'AWS::EC2::Route') {
      expect({ path, DestinationCidrBlock: p.DestinationCidrBlock, subnetCidr: subnetCidrs.has(p.DestinationCidrBlock) })
        .toEqual({ path, DestinationCidrBlock: p.DestinationCidrBlock, subnetCidr: true });
      expect({ path, viaPeering: p.VpcPeeringConnectionId !== undefined, GatewayId: p.GatewayId }).toEqual({ path, viaPeering: true, GatewayId: undefined });
    }
  }

  // 5. At most one peering per VPC pair, whichever stack it is in.
  const pairs = app.node.findAll()
    .filter((c): c is ec2.CfnVPCPeeringConnection => c instanceof ec2.CfnVPCPeeringConnection)
    .map((pcx) => [networkOf(pcx.vpcId, ec2.CfnVPC, networks), networkOf(pcx.peerVpcId, ec2.CfnVPC, networks)].sort().join('-'));
  expect(pairs.filter((pair, i) => pairs.indexOf(pair) !== i)).toEqual([]);
  expect(pairs.filter((pair) => pair.split('-')[0] === pair.split('-')[1])).toEqual([]);

  // 4 (cont.): a rule that references a group of another VPC needs the two VPCs peered, or
  // CloudFormation rejects it (the groups belong to different networks).
  const peered = new Set(pairs);
  for (const rule of app.node.findAll()) {
    if (!(rule instanceof ec2.CfnSecurityGroupIngress || rule instanceof ec2.CfnSecurityGroupEgress)) continue;
    const other = rule instanceof ec2.CfnSecurityGroupIngress ? rule.sourceSecurityGroupId : rule.destinationSecurityGroupId;
    if (other === undefined || !rule.node.path.includes(`/${AUTO_PEER_ID}/`)) continue;
    const pair = [networkOf(rule.groupId, ec2.CfnSecurityGroup, networks), networkOf(other, ec2.CfnSecurityGroup, networks)].sort();
    expect({ rule: rule.node.path, groupVpcs: pair.join('-'), sameVpcOrPeered: pair[0] === pair[1] || peered.has(pair.join('-')) })
      .toEqual({ rule: rule.node.path, groupVpcs: pair.join('-'), sameVpcOrPeered: true });
  }

  // 6. No network stack imports from the ETL stack, nor depends on it.
  for (const net of networks) {
    const fromEtl = importedExports(first.get(net)).filter((name) => name.startsWith(`${etl.stackName}:`));
    expect({ stack: net.stackName, importsFromEtl: fromEtl }).toEqual({ stack: net.stackName, importsFromEtl: [] });
    expect(assembly.getStackArtifact(net.artifactId).dependencies.map((d) => d.id)).not.toContain(etl.artifactId);
  }
}

/**
 * Counterexamples the property found, replayed on every run.
 *
 * A NETWORK connection in VPC 0 is selected; the JDBC connection sits in VPC 1 (with VPC 1's
 * Glue group) and addresses a store by an IP of VPC 0. The store is assumed to wear its
 * connection's group, so auto-peer admitted the Glue ENIs on VPC 1's group by a reference to
 * VPC 0's group: the two VPCs are not peered (the path stays inside VPC 0), and CloudFormation
 * rejects such a rule. The engine now calls such a store's groups unknown (store-location.ts),
 * so the generator declares it, and the remedy only references groups of the subnets' own VPCs.
 */
const REGRESSIONS: AppSpec[] = [
  { vpcs: 2, jobs: [{ kind: 'PythonShellJob', network: { vpc: 0, subnet: 0 }, jdbc: [{ store: { vpc: 0, subnet: 0 }, port: 3306, declared: false, placement: { vpc: 1, subnet: 0 } }], otherAz: { vpc: 0, subnet: 1 } }] },
];

describe('auto-peer on random fixable multi-VPC apps', () => {
  test(`a FAIL guard after auto-peer finds nothing, and what was added is minimal (${NUM_RUNS} runs, seed ${SEED})`, () => {
    const started = Date.now();
    // AUTOPEER_EXAMPLE: a counterexample (the JSON fast-check prints) to replay first.
    const examples: [AppSpec][] = [...REGRESSIONS, ...(process.env.AUTOPEER_EXAMPLE ? [JSON.parse(process.env.AUTOPEER_EXAMPLE)] : [])].map((spec) => [spec]);
    fc.assert(fc.property(appArb(), checkApp), { numRuns: NUM_RUNS, seed: SEED, examples });
    // eslint-disable-next-line no-console
    logRun(`auto-peer-app: ${NUM_RUNS} runs in ${Date.now() - started} ms; over ${tally.apps} checked apps auto-peer added ${tally.peerings} peerings, ${tally.routes} routes, ${tally.rules} security-group rules`);
    if (NUM_RUNS >= 10) expect(tally.peerings).toBeGreaterThan(0);
  }, Math.max(180_000, NUM_RUNS * 15_000));
});
