import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../../src/cli/run';
import { parseFacts } from '../../../src/ingest';
import { lookupContextFacts } from '../../../src/ingest/aws';

/** What `Vpc.fromLookup` leaves in cdk.context.json (the asymmetric-subnets form CDK v2 asks for). */
const LOOKUP_KEY = 'vpc-provider:account=111111111111:filter.vpc-id=vpc-0shared:region=us-east-1:returnAsymmetricSubnets=true';
const lookup = () => ({
  vpcId: 'vpc-0shared',
  vpcCidrBlock: '10.20.0.0/16',
  ownerAccountId: '111111111111',
  availabilityZones: [],
  subnetGroups: [{
    name: 'Private',
    type: 'Private',
    subnets: [
      { subnetId: 'subnet-0priv', cidr: '10.20.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0priv' },
      { subnetId: 'subnet-0nocidr', availabilityZone: 'us-east-1b', routeTableId: 'rtb-0priv' },
    ],
  }],
});

describe('Vpc.fromLookup context (cdk.context.json vpc-provider entries)', () => {
  it('gives the VPC CIDR, account, Region, and each subnet\'s CIDR, zone and route table id', () => {
    const facts = parseFacts(lookupContextFacts({ [LOOKUP_KEY]: lookup(), 'availability-zones:account=1:region=us-east-1': ['us-east-1a'] }), 'cdk.context.json');
    expect(facts.vpcs).toEqual([{
      id: 'vpc-0shared',
      cidrBlocks: ['10.20.0.0/16'],
      region: 'us-east-1',
      account: '111111111111',
      mainRouteTableId: 'vpc-0shared#main-route-table-not-in-lookup',
      defaultNetworkAclId: 'vpc-0shared#network-acl-not-in-lookup',
    }]);
    expect(facts.subnets).toEqual([{
      id: 'subnet-0priv',
      vpcId: 'vpc-0shared',
      cidr: '10.20.1.0/24',
      availabilityZone: 'us-east-1a',
      routeTableId: 'rtb-0priv',
      networkAclId: 'subnet-0priv#network-acl-not-in-lookup',
    }]);
  });

  describe('the CLI reads cdk.context.json from the working directory', () => {
    let dir: string;
    beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gnp-lookup-')); });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const template = {
      Resources: {
        Conn: {
          Type: 'AWS::Glue::Connection',
          Properties: {
            CatalogId: '111111111111',
            ConnectionInput: { Name: 'net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SubnetId: 'subnet-0priv', SecurityGroupIdList: ['sg-0x'], AvailabilityZone: 'us-east-1a' } },
          },
        },
        Job: { Type: 'AWS::Glue::Job', Properties: { Name: 'j', Role: 'r', Command: { Name: 'glueetl' }, Connections: { Connections: [{ Ref: 'Conn' }] } } },
      },
    };
    const plan = () => {
      let stdout = '';
      runCli(['app.json', '--format', 'json', '--no-failover'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, cwd: dir });
      return JSON.parse(stdout).jobs[0];
    };

    it('the looked-up subnet is described; its routes are not, so the S3 path stays UNKNOWN (never "local routes only")', () => {
      writeFileSync(join(dir, 'app.json'), JSON.stringify(template));
      const without = plan().candidates[0];
      writeFileSync(join(dir, 'cdk.context.json'), JSON.stringify({ [LOOKUP_KEY]: lookup() }));
      const withLookup = plan().candidates[0];
      expect(without.connection.vpc ?? undefined).toBeUndefined();
      expect(JSON.stringify(without.reasons)).toContain('subnet-0priv');
      expect(withLookup.connection).toMatchObject({ subnet: 'subnet-0priv', az: 'us-east-1a', vpc: 'vpc-0shared' });
      expect(withLookup.status).toBe('unknown');
      expect(JSON.stringify(withLookup.reasons)).toContain('route table rtb-0priv of subnet subnet-0priv is not described');
    });
  });
});
