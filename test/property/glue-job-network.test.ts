/**
 * GlueJobNetwork on random valid inputs: a Glue VPC and 1-5 store VPCs (each defined in its own
 * stack, or imported with literal IDs), 1-3 Availability Zones, 1-4 data stores of any engine in
 * the Glue VPC or another, RDS instances among them, S3 paths present or missing. The app is
 * synthesized with the guard in FAIL mode:
 *   1. no GNP- error anywhere, ever;
 *   2. when every VPC involved is defined in the app, no GNP- warning either (but the expected
 *      GNP-FAILOVER-NO-CONNECTION of a single-zone network), every store REACHABLE, and after the
 *      failure of any one of the network's zones Glue falls over to a connection that reaches them all;
 *   3. the job lists the NETWORK connections first, one per zone;
 *   4. least privilege: every rule added for a store is TCP on the store's port from the Glue group;
 *      routes go to /24 subnet blocks through a peering; one peering per store VPC, none to the Glue VPC.
 *
 * GLUE_JOB_NETWORK_RUNS sets the number of runs (default keeps the suite around 20 s),
 * GLUE_JOB_NETWORK_SEED the seed; GLUE_JOB_NETWORK_EXAMPLE replays a counterexample (its JSON).
 */
import {
  App, AspectPriority, Aspects, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_rds as rds,
  aws_s3 as s3, aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { logRun } from './log-run';
import { propertyRuns, propertySeed } from './seeds';
import { DataStoreEngine, GlueJobNetwork, GlueS3Access } from '../../src/cdk/glue-job-network';
import { GlueNetworkGuard } from '../../src/cdk/guard';
import { capturingConsoleError, withoutCdkTemplateCheck } from '../cdk/quiet-cdk';

// CDK's own template check warns of the fixtures' literal ids and zones: not what these tests check.
withoutCdkTemplateCheck();

const NUM_RUNS = propertyRuns('GLUE_JOB_NETWORK', 60);
const SEED = propertySeed('GLUE_JOB_NETWORK', 20260606);
const ENV = { account: '111111111111', region: 'us-east-1' };
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

// ---------------------------------------------------------------------------------------------
// The generated input, as plain data (what fast-check prints for a counterexample)
// ---------------------------------------------------------------------------------------------

type EngineName = 'MYSQL' | 'POSTGRESQL' | 'REDSHIFT' | 'ORACLE' | 'SQL_SERVER' | 'KAFKA' | 'MONGODB';

interface VpcSpec {
  /** Defined in its own stack, or imported by `Vpc.fromVpcAttributes` with literal IDs. */
  readonly imported: boolean;
  /** An S3 gateway endpoint on every subnet (owned VPCs; an imported Glue VPC says EXISTING then). */
  readonly s3Endpoint: boolean;
}

interface StoreSpec {
  /** 0 is the Glue VPC, 1..n the store VPCs. */
  readonly vpc: number;
  readonly engine: EngineName;
  /** An rds.DatabaseInstance (only in a VPC of the app, for the RDS engines), else addDataStore. */
  readonly rdsInstance: boolean;
  /** The store's subnet (zone index); wraps to the VPC's subnets. */
  readonly subnet: number;
}

interface InputSpec {
  readonly zones: number;
  /** vpcs[0] is the Glue VPC. */
  readonly vpcs: VpcSpec[];
  readonly stores: StoreSpec[];
}

const RDS_ENGINES: EngineName[] = ['MYSQL', 'POSTGRESQL'];

function inputArb(): fc.Arbitrary<InputSpec> {
  return fc.record({ zones: fc.integer({ min: 1, max: 3 }), storeVpcs: fc.integer({ min: 1, max: 5 }) }).chain(({ zones, storeVpcs }) => {
    // Mostly VPCs of the app, so that inputs with every VPC described (property 2) are common.
    const vpcArb: fc.Arbitrary<VpcSpec> = fc.record({ imported: fc.integer({ min: 0, max: 3 }).map((n) => n === 0), s3Endpoint: fc.boolean() });
    const storeArb: fc.Arbitrary<StoreSpec> = fc.record({
      vpc: fc.integer({ min: 0, max: storeVpcs }),
      engine: fc.constantFrom<EngineName>('MYSQL', 'POSTGRESQL', 'REDSHIFT', 'ORACLE', 'SQL_SERVER', 'KAFKA', 'MONGODB'),
      rdsInstance: fc.boolean(),
      subnet: fc.integer({ min: 0, max: 2 }),
    });
    return fc.record({
      zones: fc.constant(zones),
      vpcs: fc.array(vpcArb, { minLength: storeVpcs + 1, maxLength: storeVpcs + 1 }),
      stores: fc.array(storeArb, { minLength: 1, maxLength: 4 }),
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Building the app
// ---------------------------------------------------------------------------------------------

interface BuiltVpc {
  readonly vpc: ec2.IVpc;
  /** The stack the VPC's resources (and its stores) go in: its own, or the ETL stack for an imported one. */
  readonly stack: Stack;
}

function cidrOf(v: number, subnet?: number): string {
  return subnet === undefined ? `10.${v + 1}.0.0/16` : `10.${v + 1}.${subnet}.0/24`;
}

/** An EC2 ID of the documented form (`vpc-` and 17 hex digits), from small numbers. */
function ec2Id(prefix: string, ...parts: number[]): string {
  return `${prefix}-${parts.map((p) => p.toString(16)).join('').padStart(17, '0')}`;
}

function buildVpc(app: App, etl: Stack, spec: VpcSpec, v: number): BuiltVpc {
  if (spec.imported) {
    const vpc = ec2.Vpc.fromVpcAttributes(etl, `ImportedVpc${v}`, {
      vpcId: ec2Id('vpc', v + 1),
      vpcCidrBlock: cidrOf(v),
      availabilityZones: ZONES,
      isolatedSubnetIds: ZONES.map((_, z) => ec2Id('subnet', v + 1, z)),
      isolatedSubnetRouteTableIds: ZONES.map((_, z) => ec2Id('rtb', v + 1, z)),
      isolatedSubnetIpv4CidrBlocks: ZONES.map((_, z) => cidrOf(v, z)),
    });
    return { vpc, stack: etl };
  }
  const stack = new Stack(app, `Network${v}`, { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidrOf(v)),
    maxAzs: 3,
    natGateways: 0,
    subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    gatewayEndpoints: spec.s3Endpoint ? { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } } : undefined,
  });
  return { vpc, stack };
}

interface Built {
  readonly app: App;
  readonly stacks: Stack[];
  readonly guard: GlueNetworkGuard;
  readonly network: GlueJobNetwork;
  readonly etl: Stack;
  readonly storePorts: number[];
}

function buildApp(input: InputSpec): Built {
  // CDK's own template checks (hard-coded zones in env-specific stacks) are not what is tested here.
  const app = new App();
  app.node.setContext(`availability-zones:account=${ENV.account}:region=${ENV.region}`, ZONES);
  const etl = new Stack(app, 'Etl', { env: ENV });
  const vpcs = input.vpcs.map((spec, v) => buildVpc(app, etl, spec, v));
  const glueVpc = input.vpcs[0];
  const network = new GlueJobNetwork(etl, 'Network', {
    vpc: vpcs[0].vpc,
    availabilityZoneCount: input.zones,
    s3Access: glueVpc.imported ? (glueVpc.s3Endpoint ? GlueS3Access.EXISTING : GlueS3Access.ADD_GATEWAY_ENDPOINT) : undefined,
  });
  const storePorts: number[] = [];
  input.stores.forEach((store, k) => {
    const { vpc, stack } = vpcs[store.vpc];
    const subnet = vpc.isolatedSubnets[store.subnet % vpc.isolatedSubnets.length];
    const secret = new secretsmanager.Secret(stack, `Store${k}Secret`);
    if (store.rdsInstance && !input.vpcs[store.vpc].imported && RDS_ENGINES.includes(store.engine)) {
      const instance = new rds.DatabaseInstance(stack, `Store${k}`, {
        engine: store.engine === 'MYSQL'
          ? rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_39 })
          : rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
        vpc,
        vpcSubnets: { subnets: [subnet] },
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      });
      network.addDatabaseInstance(`Store${k}`, instance, { databaseName: 'app' });
      storePorts.push(DataStoreEngine[store.engine].defaultPort);
      return;
    }
    const group = input.vpcs[store.vpc].imported
      ? ec2.SecurityGroup.fromSecurityGroupId(etl, `Store${k}Group`, ec2Id('sg', store.vpc + 1, k))
      : new ec2.SecurityGroup(stack, `Store${k}Group`, { vpc, allowAllOutbound: false });
    const engine = DataStoreEngine[store.engine];
    network.addDataStore(`Store${k}`, {
      engine,
      host: `store-${k}.db.internal`,
      databaseName: 'app',
      secret: store.engine === 'KAFKA' ? undefined : secret,
      connections: group,
      vpc,
      vpcSubnets: { subnets: [subnet] },
    });
    storePorts.push(engine.defaultPort);
  });
  const job = new glue.PySparkEtlJob(etl, 'Job', {
    role: new iam.Role(etl, 'JobRole', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') }),
    script: glue.Code.fromBucket(new s3.Bucket(etl, 'Scripts'), 'job.py'),
  });
  network.attachTo(job);
  const guard = new GlueNetworkGuard({ planFileName: '' });
  Aspects.of(app).add(guard, { priority: AspectPriority.READONLY });
  const stacks = [etl, ...new Set(vpcs.map((v) => v.stack))].filter((s, i, all) => all.indexOf(s) === i);
  return { app, stacks, guard, network, etl, storePorts };
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

const tally = { apps: 0, allOwned: 0, peerings: 0, stores: 0, zones: [0, 0, 0, 0] };

function checkInput(input: InputSpec): void {
  const built = buildApp(input);
  // The guard reports through CDK's validation report: an error finding would throw here; the
  // warnings CDK prints (about imported VPCs) are checked from the plan below.
  const assembly = capturingConsoleError(() => built.app.synth()).result;
  const plan = JSON.parse(built.guard.lastPlanJson!);
  const findings: { ruleId: string; severity: string; message: string }[] = [...plan.jobs.flatMap((j: any) => j.findings), ...plan.findings];

  // 1. No error, whatever the input.
  expect(findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);

  expect(plan.jobs).toHaveLength(1);
  const [job] = plan.jobs;

  // 2. With every VPC involved described by the app: nothing to say, and every store reachable,
  //    also after the failure of each zone.
  const involved = new Set([0, ...input.stores.map((s) => s.vpc)]);
  const allOwned = [...involved].every((v) => !input.vpcs[v].imported);
  if (allOwned) {
    const expected = input.zones === 1 ? ['GNP-FAILOVER-NO-CONNECTION'] : [];
    expect(findings.map((f) => f.ruleId)).toEqual(expected);
    expect(job.dataStores.map((d: any) => d.verdict)).toEqual(input.stores.map(() => 'REACHABLE'));
    expect(job.dataStores.map((d: any) => d.port)).toEqual(built.storePorts);
    expect(job.failover.map((f: any) => f.azDown)).toEqual(ZONES.slice(0, input.zones));
    if (input.zones > 1) expect(job.failover.map((f: any) => f.allReachable)).toEqual(ZONES.slice(0, input.zones).map(() => true));
    tally.allOwned++;
  }

  // 3. NETWORK connections first, one per zone, then the stores.
  const template = assembly.getStackArtifact(built.etl.artifactId).template;
  const resources: Record<string, { Type: string; Properties: any }> = template.Resources;
  const listed: string[] = Object.values(resources).find((r) => r.Type === 'AWS::Glue::Job')!.Properties.Connections.Connections.map((c: any) => c.Ref);
  const types = listed.map((id) => resources[id].Properties.ConnectionInput.ConnectionType);
  expect(types.slice(0, input.zones)).toEqual(Array(input.zones).fill('NETWORK'));
  expect(types.slice(input.zones).includes('NETWORK')).toBe(false);
  expect(listed).toHaveLength(input.zones + input.stores.length);

  // 4. Least privilege, in every stack.
  const glueGroupId = built.etl.resolve((built.network.securityGroup.node.defaultChild as ec2.CfnSecurityGroup).logicalId);
  const ports = new Set(built.storePorts);
  for (const stack of built.stacks) {
    for (const [id, r] of Object.entries(assembly.getStackArtifact(stack.artifactId).template.Resources ?? {}) as [string, any][]) {
      const p = r.Properties ?? {};
      if (r.Type === 'AWS::EC2::SecurityGroupIngress' && p.FromPort !== 0) {
        // HTTPS into the Secrets Manager endpoint the network adds, from the Glue group only.
        const secretsEndpoint = p.FromPort === 443 && /secrets/i.test(String(p.Description));
        expect({ id, IpProtocol: p.IpProtocol, single: p.FromPort === p.ToPort, storePort: ports.has(p.FromPort) || secretsEndpoint, CidrIp: p.CidrIp })
          .toEqual({ id, IpProtocol: 'tcp', single: true, storePort: true, CidrIp: undefined });
        expect(JSON.stringify(p.SourceSecurityGroupId)).toContain(glueGroupId);
      }
      if (r.Type === 'AWS::EC2::SecurityGroup') {
        for (const rule of p.SecurityGroupIngress ?? []) {
          expect({ id, CidrIp: rule.CidrIp }).toEqual({ id, CidrIp: undefined });
        }
      }
      if (r.Type === 'AWS::EC2::Route' && p.VpcPeeringConnectionId !== undefined) {
        expect({ id, slash24: /^10\.\d+\.[0-2]\.0\/24$/.test(p.DestinationCidrBlock) }).toEqual({ id, slash24: true });
      }
    }
  }
  const peeredVpcs = new Set(input.stores.map((s) => s.vpc).filter((v) => v !== 0));
  expect(built.network.peerings).toHaveLength(peeredVpcs.size);

  tally.apps++;
  tally.peerings += peeredVpcs.size;
  tally.stores += input.stores.length;
  tally.zones[input.zones]++;
}

describe('GlueJobNetwork on random valid inputs', () => {
  test(`the guard in FAIL mode reports no error; with VPCs of the app, nothing at all (${NUM_RUNS} runs)`, () => {
    const started = Date.now();
    const examples: [InputSpec][] = process.env.GLUE_JOB_NETWORK_EXAMPLE ? [[JSON.parse(process.env.GLUE_JOB_NETWORK_EXAMPLE)]] : [];
    fc.assert(fc.property(inputArb(), checkInput), { numRuns: NUM_RUNS, seed: SEED, examples });
    // eslint-disable-next-line no-console
    logRun(`glue-job-network: ${NUM_RUNS} runs in ${Date.now() - started} ms (seed ${SEED}): ${tally.apps} apps, ${tally.allOwned} with every VPC in the app, `
      + `${tally.stores} stores, ${tally.peerings} peerings; zones 1/2/3: ${tally.zones.slice(1).join('/')}`);
    if (NUM_RUNS >= 10) {
      expect(tally.allOwned).toBeGreaterThan(0);
      expect(tally.peerings).toBeGreaterThan(0);
    }
  }, Math.max(120_000, NUM_RUNS * 15_000));
});
