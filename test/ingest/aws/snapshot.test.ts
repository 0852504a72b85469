import {
  account, allTraffic, apiDnsAttributes, apiGroupVpcAssociation, apiInterfaceEndpoint, apiJob,
  apiNetworkAcl, apiPeering, apiRouteTable, apiSecurityGroup, apiSubnet, localRoute, naclEntry, routeTo, s3EndpointRoute, tcpRule,
} from './api-builders';
import { buildPlan } from '../../../src/engine';
import { buildModel, parseFacts } from '../../../src/ingest';
import { AccountSnapshot, snapshotToFacts } from '../../../src/ingest/aws';
import { known } from '../../../src/model';

const factsOf = (snapshot: AccountSnapshot) => parseFacts(snapshotToFacts(snapshot), 'the account');
const planOf = (snapshot: AccountSnapshot) => buildPlan(buildModel([], factsOf(snapshot)), { failover: false });
const warehouseVerdict = (snapshot: AccountSnapshot) => {
  const job = planOf(snapshot).jobs.find((j) => j.name === 'etl')!;
  return job.dataStores.find((store) => store.connection.name === 'warehouse')?.verdict;
};
const replace = <T extends { [key: string]: any }>(items: T[], key: string, id: string, next: T | undefined): T[] =>
  items.flatMap((item) => (item[key] === id ? (next ? [next] : []) : [item]));

describe('the account as a facts document', () => {
  it('is a valid facts document a user could have written', () => {
    expect(() => factsOf(account())).not.toThrow();
  });

  it('plans the deployed job: warehouse REACHABLE over the peering', () => {
    const plan = planOf(account());
    expect(plan.jobs.map((j) => j.name)).toEqual(['etl']);
    expect(plan.jobs[0].selectedConnection?.name).toBe('glue-net');
    expect(warehouseVerdict(account())).toBe('REACHABLE');
  });
});

describe('DescribeVpcs', () => {
  it('gives CIDR blocks, account and Region; the main route table and default NACL by association', () => {
    const vpc = factsOf(account()).vpcs!.find((v) => v.id === 'vpc-0glue')!;
    expect(vpc).toEqual({
      id: 'vpc-0glue',
      cidrBlocks: ['10.0.0.0/16'],
      region: 'us-east-1',
      account: '111111111111',
      enableDnsSupport: true,
      enableDnsHostnames: true,
      mainRouteTableId: 'rtb-0gluemain',
      defaultNetworkAclId: 'acl-0glue',
    });
  });
});

describe('DescribeVpcAttribute', () => {
  it('gives enableDnsSupport and enableDnsHostnames, one call per VPC and attribute', () => {
    const snapshot = { ...account(), vpcAttributes: [...apiDnsAttributes('vpc-0glue', true, false), ...apiDnsAttributes('vpc-0data')] };
    expect(factsOf(snapshot).vpcs!.find((v) => v.id === 'vpc-0glue')).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: false });
  });

  it('DNS hostnames off in the Glue VPC: GNP-VPC-DNS names the setting', () => {
    const snapshot = { ...account(), vpcAttributes: [...apiDnsAttributes('vpc-0glue', true, false), ...apiDnsAttributes('vpc-0data')] };
    const findings = planOf(snapshot).findings.filter((f) => f.ruleId === 'GNP-VPC-DNS');
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('VPC vpc-0glue of connection glue-net has enableDnsHostnames set to false')]);
  });

  it('not read: the DNS settings stay unknown (never EC2\'s defaults), and no GNP-VPC-DNS', () => {
    const { vpcAttributes: _, ...snapshot } = { ...account(), unread: [{ call: 'ec2:DescribeVpcAttribute', reason: 'access denied' }] };
    const vpc = factsOf(snapshot).vpcs![0];
    expect(vpc.enableDnsSupport).toBeUndefined();
    expect(vpc.enableDnsHostnames).toBeUndefined();
    expect(planOf(snapshot).findings.filter((f) => f.ruleId === 'GNP-VPC-DNS')).toEqual([]);
  });
});

describe('DescribeSubnets', () => {
  it('turns AvailableIpAddressCount into used addresses (size - 5 reserved - free)', () => {
    const subnet = factsOf(account()).subnets!.find((s) => s.id === 'subnet-0glue')!;
    expect(subnet).toMatchObject({ vpcId: 'vpc-0glue', cidr: '10.0.1.0/24', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0glue', networkAclId: 'acl-0glue' });
    expect(subnet.usedAddresses).toBe(256 - 5 - 240);
  });

  it('a subnet without free addresses is unsuitable (NO_FREE_ADDRESSES)', () => {
    const full = account();
    const snapshot = { ...full, subnets: replace(full.subnets!, 'SubnetId', 'subnet-0glue', apiSubnet('subnet-0glue', 'vpc-0glue', '10.0.1.0/24', 'us-east-1a', 0)) };
    const job = planOf(snapshot).jobs[0];
    expect(job.candidates[0].reasons.map((r) => r.code)).toContain('NO_FREE_ADDRESSES');
  });
});

describe('DescribeSubnets: an IPv6-only subnet (--from-describe reads the same shapes)', () => {
  // EC2 Ipv6Native: no CidrBlock, its AvailableIpAddressCount an IPv6 count.
  const ipv6Only = (snapshot: AccountSnapshot): AccountSnapshot => ({
    ...snapshot,
    subnets: replace(snapshot.subnets!, 'SubnetId', 'subnet-0glue', {
      SubnetId: 'subnet-0glue',
      VpcId: 'vpc-0glue',
      AvailabilityZone: 'us-east-1a',
      AvailableIpAddressCount: 18446744073709552000,
      Ipv6Native: true,
      State: 'available',
      Ipv6CidrBlockAssociationSet: [{ AssociationId: 'subnet-cidr-assoc-1', Ipv6CidrBlock: '2001:db8:0:1::/64', Ipv6CidrBlockState: { State: 'associated' } }],
    }),
  });

  it('is kept, with its IPv6 CIDR blocks and no IPv4 CIDR or used addresses', () => {
    const subnet = factsOf(ipv6Only(account())).subnets!.find((s) => s.id === 'subnet-0glue');
    expect(subnet).toEqual({ id: 'subnet-0glue', vpcId: 'vpc-0glue', ipv6CidrBlocks: ['2001:db8:0:1::/64'], availabilityZone: 'us-east-1a', routeTableId: 'rtb-0glue', networkAclId: 'acl-0glue' });
  });

  it("a connection in it is UNKNOWN: its table's IPv4 routes (the S3 endpoint's included) do not carry its IPv6 traffic", () => {
    const job = planOf(ipv6Only(account())).jobs[0];
    const candidate = job.candidates.find((c) => c.connection.name === 'glue-net')!;
    expect(candidate.status).toBe('unknown');
    expect(candidate.reasons.map((r) => r.message).join('\n')).toContain('subnet-0glue is IPv6-only (2001:db8:0:1::/64): it has no IPv4 CIDR');
    expect(job.dataStores.map((store) => store.verdict)).not.toContain('UNREACHABLE');
  });
});

describe('DescribeRouteTables', () => {
  const routesOf = (snapshot: AccountSnapshot, id: string) => factsOf(snapshot).routeTables!.find((t) => t.id === id)!.routes;

  it('leaves out the local route and the S3 endpoint route (the endpoint is described apart)', () => {
    expect(routesOf(account(), 'rtb-0glue')).toEqual([{ destination: '10.50.0.0/16', target: { kind: 'vpc-peering', id: 'pcx-0glue' } }]);
  });

  it('keeps propagated VPN routes (Origin EnableVgwRoutePropagation) as vpn-gateway routes, marked propagated (the routes quota leaves them out)', () => {
    const full = account();
    const vpn = { DestinationCidrBlock: '172.16.0.0/12', GatewayId: 'vgw-0corp', Origin: 'EnableVgwRoutePropagation', State: 'active' };
    const snapshot = { ...full, routeTables: [...full.routeTables!, apiRouteTable('rtb-0vpn', 'vpc-0glue', { routes: [localRoute('10.0.0.0/16'), vpn] })] };
    expect(routesOf(snapshot, 'rtb-0vpn')).toEqual([{ destination: '172.16.0.0/12', target: { kind: 'vpn-gateway', id: 'vgw-0corp' }, propagated: true }]);
  });

  it('a blackhole route is an unknown target, never the peering it had', () => {
    const full = account();
    const broken = apiRouteTable('rtb-0glue', 'vpc-0glue', {
      subnets: ['subnet-0glue'],
      routes: [localRoute('10.0.0.0/16'), routeTo('10.50.0.0/16', { VpcPeeringConnectionId: 'pcx-0gone' }, { State: 'blackhole' }), s3EndpointRoute('vpce-0s3')],
    });
    const snapshot = { ...full, routeTables: replace(full.routeTables!, 'RouteTableId', 'rtb-0glue', broken) };
    expect(routesOf(snapshot, 'rtb-0glue')).toEqual([{ destination: '10.50.0.0/16', target: { kind: 'unknown', id: 'blackhole:pcx-0gone' } }]);
    expect(warehouseVerdict(snapshot)).not.toBe('REACHABLE');
  });

  it('a route removed by hand makes the warehouse UNREACHABLE', () => {
    const full = account();
    const removed = apiRouteTable('rtb-0glue', 'vpc-0glue', { subnets: ['subnet-0glue'], routes: [localRoute('10.0.0.0/16'), s3EndpointRoute('vpce-0s3')] });
    expect(warehouseVerdict({ ...full, routeTables: replace(full.routeTables!, 'RouteTableId', 'rtb-0glue', removed) })).toBe('UNREACHABLE');
  });
});

describe('DescribeSecurityGroups', () => {
  it('gives one rule per peer, protocol and ports as the API lists them', () => {
    const full = account();
    const group = apiSecurityGroup('sg-0db', 'vpc-0data', [{ ...tcpRule(5432, { cidr: '10.0.1.0/24', group: 'sg-0app' }) }]);
    const facts = factsOf({ ...full, securityGroups: replace(full.securityGroups!, 'GroupId', 'sg-0db', group) });
    expect(facts.securityGroups!.find((g) => g.id === 'sg-0db')).toEqual({
      id: 'sg-0db',
      vpcId: 'vpc-0data',
      ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, cidr: '10.0.1.0/24' }, { protocol: 'tcp', fromPort: 5432, toPort: 5432, securityGroupId: 'sg-0app' }],
      egress: [{ protocol: '-1', cidr: '0.0.0.0/0' }],
    });
  });

  it('a rule removed in the console makes the warehouse UNREACHABLE', () => {
    const full = account();
    const closed = apiSecurityGroup('sg-0db', 'vpc-0data', [tcpRule(3306, { cidr: '10.0.1.0/24' })]);
    expect(warehouseVerdict({ ...full, securityGroups: replace(full.securityGroups!, 'GroupId', 'sg-0db', closed) })).toBe('UNREACHABLE');
  });
});

describe('DescribeNetworkAcls', () => {
  it('lists the entries without the implicit deny (rule 32767)', () => {
    const acl = factsOf(account()).networkAcls!.find((a) => a.id === 'acl-0data')!;
    expect(acl.entries).toEqual([
      { ruleNumber: 100, egress: false, action: 'allow', protocol: '-1', cidr: '0.0.0.0/0' },
      { ruleNumber: 100, egress: true, action: 'allow', protocol: '-1', cidr: '0.0.0.0/0' },
    ]);
  });

  it('a deny entry on the data subnet makes the warehouse UNREACHABLE', () => {
    const full = account();
    const deny = apiNetworkAcl('acl-0data', 'vpc-0data', ['subnet-0db'], [
      naclEntry(90, false, 'deny', '10.0.0.0/16', '6', [5432, 5432]), naclEntry(100, false, 'allow'), naclEntry(100, true, 'allow'),
    ]);
    expect(warehouseVerdict({ ...full, networkAcls: replace(full.networkAcls!, 'NetworkAclId', 'acl-0data', deny) })).toBe('UNREACHABLE');
  });
});

describe('DescribeVpcPeeringConnections', () => {
  it('gives status, owner, Region and DNS options', () => {
    expect(factsOf(account()).peerings).toEqual([{
      id: 'pcx-0glue',
      requesterVpcId: 'vpc-0glue',
      accepterVpcId: 'vpc-0data',
      peerRegion: 'us-east-1',
      peerOwnerId: '222222222222',
      status: 'active',
      allowDnsResolutionFromRequester: true,
      allowDnsResolutionFromAccepter: true,
    }]);
  });

  it.each([['pending-acceptance', 'pending-acceptance'], ['rejected', 'failed'], ['deleted', 'failed'], ['provisioning', 'pending-acceptance']])(
    'status %s is %s (not a path)', (code, status) => {
      const full = account();
      const snapshot = { ...full, peerings: [apiPeering('pcx-0glue', 'vpc-0glue', 'vpc-0data', code)] };
      expect(factsOf(snapshot).peerings![0].status).toBe(status);
      expect(warehouseVerdict(snapshot)).toBe('UNREACHABLE');
    });

  it('DNS options the API does not return stay unknown', () => {
    expect(factsOf({ ...account(), peerings: [apiPeering('pcx-0glue', 'vpc-0glue', 'vpc-0data')] }).peerings![0].allowDnsResolutionFromRequester).toBeUndefined();
  });
});

describe('DescribeVpcEndpoints and DescribeNatGateways', () => {
  it('an S3 gateway endpoint by service name; a NAT gateway with its connectivity', () => {
    const facts = factsOf({ ...account(), natGateways: [{ NatGatewayId: 'nat-0out', SubnetId: 'subnet-0glue', State: 'available', ConnectivityType: 'private' }] });
    expect(facts.gatewayEndpoints).toEqual([{ id: 'vpce-0s3', vpcId: 'vpc-0glue', service: 's3', type: 'Gateway', routeTableIds: ['rtb-0glue'] }]);
    expect(facts.natGateways).toEqual([{ id: 'nat-0out', subnetId: 'subnet-0glue', connectivity: 'private' }]);
  });

  it('a deleted NAT gateway is left out', () => {
    expect(factsOf({ ...account(), natGateways: [{ NatGatewayId: 'nat-0old', SubnetId: 'subnet-0glue', State: 'deleted' }] }).natGateways).toBeUndefined();
  });
});

describe('GetConnections and GetJobs', () => {
  it('a connection gives its subnet, groups, AZ and JDBC URL', () => {
    expect(factsOf(account()).connections![1]).toEqual({
      name: 'warehouse',
      connectionType: 'JDBC',
      subnetId: 'subnet-0db',
      securityGroupIds: ['sg-0db'],
      availabilityZone: 'us-east-1a',
      address: 'jdbc:postgresql://10.50.1.10:5432/dw',
    });
  });

  it('a job gives its connections in order, command, workers and concurrency', () => {
    expect(factsOf(account()).jobs).toEqual([{ name: 'etl', command: 'glueetl', connections: ['glue-net', 'warehouse'], workerType: 'G.1X', numberOfWorkers: 2, maxConcurrentRuns: 1 }]);
  });

  it("a job's pip arguments (a non-overridable one over a default one) and Glue version: a deployed job installing from PyPI in a subnet without NAT is GNP-CONNECTION-NO-PYPI-PATH", () => {
    const job = apiJob('etl', ['glue-net', 'warehouse'], {
      GlueVersion: '4.0',
      DefaultArguments: { '--additional-python-modules': 's3://wheels/lib.whl', '--python-modules-installer-option': '--upgrade' },
      NonOverridableArguments: { '--additional-python-modules': 'pandas==2.2.2' },
    });
    const snapshot = { ...account(), jobs: [job] };
    expect(factsOf(snapshot).jobs![0]).toMatchObject({ glueVersion: '4.0', additionalPythonModules: 'pandas==2.2.2', pythonModulesInstallerOption: '--upgrade' });
    const found = planOf(snapshot).findings.filter((f) => f.ruleId === 'GNP-CONNECTION-NO-PYPI-PATH');
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/Connection glue-net .* pandas==2\.2\.2 .*subnet-0glue/)]);
  });

  it("a Python shell job's Command.PythonVersion is read: on Python 3 (3.6), where AWS does not document the installer, a warning rather than the error", () => {
    const job = apiJob('etl', ['glue-net', 'warehouse'], {
      Command: { Name: 'pythonshell', ScriptLocation: 's3://scripts/job.py', PythonVersion: '3' },
      WorkerType: undefined,
      NumberOfWorkers: undefined,
      MaxCapacity: 0.0625,
      DefaultArguments: { '--additional-python-modules': 'pandas==2.2.2' },
    });
    const snapshot = { ...account(), jobs: [job] };
    expect(factsOf(snapshot).jobs![0]).toMatchObject({ command: 'pythonshell', pythonVersion: '3', additionalPythonModules: 'pandas==2.2.2' });
    const rules = planOf(snapshot).findings.map((f) => f.ruleId);
    expect(rules).not.toContain('GNP-CONNECTION-NO-PYPI-PATH');
    expect(rules).toContain('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
  });

  it('--job limits the jobs', () => {
    expect(snapshotToFacts(account(), { jobNames: ['other'] }).jobs).toBeUndefined();
  });
});

describe('GetSecurityConfigurations: the settings of the security configuration a job names', () => {
  /** Job etl names security configuration `sc`; GetSecurityConfigurations answered with `configurations` (undefined: not read). */
  const withConfiguration = (configurations: object[] | undefined, unread: AccountSnapshot['unread'] = []): AccountSnapshot => ({
    ...account(), jobs: [apiJob('etl', ['glue-net', 'warehouse'], { SecurityConfiguration: 'sc' })], securityConfigurations: configurations, unread,
  });
  const sc = (encryption: object | undefined, name = 'sc') => ({ Name: name, CreatedTimeStamp: '2026-11-30T10:00:00.000Z', ...(encryption ? { EncryptionConfiguration: encryption } : {}) });
  const job = (snapshot: AccountSnapshot) => factsOf(snapshot).jobs![0];
  const kmsFindings = (snapshot: AccountSnapshot) => {
    const plan = planOf(snapshot);
    return [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].filter((f) => /AWS KMS/.test(f.message));
  };

  it('S3 SSE-KMS: kmsEncryption as the template reader words it; no KMS endpoint and no NAT, the job lists a JDBC connection: GNP-CONNECTION-NO-KMS-PATH', () => {
    const snapshot = withConfiguration([sc({ S3Encryption: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/k' }] }), sc({}, 'other')]);
    expect(job(snapshot)).toMatchObject({ securityConfiguration: 'sc', kmsEncryption: ['S3 encryption SSE-KMS'] });
    expect(job(snapshot).kmsEncryptionUnknown).toBeUndefined();
    expect(kmsFindings(snapshot).map((f) => [f.ruleId, f.severity])).toEqual([['GNP-CONNECTION-NO-KMS-PATH', 'error']]);
  });

  it('every KMS use, in the order S3, CloudWatch Logs, job bookmarks (an S3 list of several settings read whole)', () => {
    const snapshot = withConfiguration([sc({
      S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }, { S3EncryptionMode: 'SSE-KMS' }],
      CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS' },
      JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS' },
    })]);
    expect(job(snapshot).kmsEncryption).toEqual(['S3 encryption SSE-KMS', 'CloudWatch Logs encryption SSE-KMS', 'job bookmarks encryption CSE-KMS']);
  });

  it.each([
    ['DISABLED everywhere', { S3Encryption: [{ S3EncryptionMode: 'DISABLED' }], CloudWatchEncryption: { CloudWatchEncryptionMode: 'DISABLED' }, JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'DISABLED' } }],
    ['SSE-S3', { S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }] }],
    ['no setting', {}],
    ['data quality encryption DISABLED', { DataQualityEncryption: { DataQualityEncryptionMode: 'DISABLED' } }],
  ])('%s: kmsEncryption [] and no AWS KMS finding (was: UNKNOWN)', (_, encryption) => {
    const snapshot = withConfiguration([sc(encryption)]);
    expect(job(snapshot).kmsEncryption).toEqual([]);
    expect(kmsFindings(snapshot)).toEqual([]);
  });

  it.each([
    ['not in the answer', [sc({ S3Encryption: [{ S3EncryptionMode: 'SSE-KMS' }] }, 'other')], 'glue:GetSecurityConfigurations lists no security configuration of that name'],
    ['a mode the check does not know', [sc({ S3Encryption: [{ S3EncryptionMode: 'SSE-C' }] })], 'glue:GetSecurityConfigurations gives S3 encryption "SSE-C", a mode the check does not know'],
    ['without its EncryptionConfiguration', [sc(undefined)], 'glue:GetSecurityConfigurations gives it without its EncryptionConfiguration'],
    ['data quality encryption SSE-KMS only', [sc({ S3Encryption: [{ S3EncryptionMode: 'SSE-S3' }], DataQualityEncryption: { DataQualityEncryptionMode: 'SSE-KMS' } })],
      'glue:GetSecurityConfigurations gives data quality encryption "SSE-KMS", and whether a job run calls AWS KMS for it is not documented'],
  ])('%s: kmsEncryption left out, UNKNOWN with the reason (never [])', (_, configurations, reason) => {
    const snapshot = withConfiguration(configurations);
    expect(job(snapshot).kmsEncryption).toBeUndefined();
    expect(job(snapshot).kmsEncryptionUnknown).toBe(reason);
    const [finding] = kmsFindings(snapshot);
    expect(finding.ruleId).toBe('GNP-CONNECTION-SERVICE-PATH-UNKNOWN');
    expect(finding.message).toContain(`etl: may, job etl uses security configuration sc, whose encryption settings the facts do not give (${reason})`);
  });

  it('the call refused: UNKNOWN naming the call and why, and the call listed as not read', () => {
    const snapshot = withConfiguration(undefined, [{ call: 'glue:GetSecurityConfigurations', reason: 'access denied (AccessDeniedException): grant glue:GetSecurityConfigurations' }]);
    expect(job(snapshot).kmsEncryptionUnknown).toBe('glue:GetSecurityConfigurations could not be read (access denied (AccessDeniedException): grant glue:GetSecurityConfigurations)');
    expect(kmsFindings(snapshot).map((f) => f.ruleId)).toEqual(['GNP-CONNECTION-SERVICE-PATH-UNKNOWN']);
    expect(buildModel([], factsOf(snapshot)).issues.map((i) => i.message)).toContain('glue:GetSecurityConfigurations could not be read (access denied (AccessDeniedException): grant glue:GetSecurityConfigurations): what it describes is unknown');
  });

  it('not read and not listed as unread (--from-describe without the optional file): UNKNOWN saying how to save it', () => {
    expect(job(withConfiguration(undefined)).kmsEncryptionUnknown).toBe(
      'glue:GetSecurityConfigurations was not read (with --from-describe, save get-security-configurations.json: `aws glue get-security-configurations --output json`)');
  });

  it('a job without a security configuration gets neither field', () => {
    const snapshot = { ...withConfiguration([sc({ S3Encryption: [{ S3EncryptionMode: 'SSE-KMS' }] })]), jobs: [apiJob('etl', ['glue-net', 'warehouse'])] };
    expect(job(snapshot)).toEqual({ name: 'etl', command: 'glueetl', connections: ['glue-net', 'warehouse'], workerType: 'G.1X', numberOfWorkers: 2, maxConcurrentRuns: 1 });
  });

  it('a facts file may give the reason (kmsEncryptionUnknown), but not with kmsEncryption', () => {
    expect(() => parseFacts({ jobs: [{ name: 'j', securityConfiguration: 'sc', kmsEncryptionUnknown: 'not read' }] }, 'f.json')).not.toThrow();
    expect(() => parseFacts({ jobs: [{ name: 'j', kmsEncryption: [], kmsEncryptionUnknown: 'not read' }] }, 'f.json'))
      .toThrow('f.json: jobs[0]: give kmsEncryption or kmsEncryptionUnknown, not both');
  });
});

describe('a part that could not be read stays UNKNOWN, never empty', () => {
  const without = (part: keyof AccountSnapshot, reason = 'access denied (UnauthorizedOperation)') => {
    const full = account();
    return { ...full, [part]: undefined, unread: [{ call: `ec2:${part}`, reason }] } as AccountSnapshot;
  };

  it.each(['routeTables', 'securityGroups', 'networkAcls', 'subnets', 'peerings'] as const)('%s not read: the warehouse is UNKNOWN', (part) => {
    expect(warehouseVerdict(without(part))).toBe('UNKNOWN');
  });

  it('names the main route table and NACL as not read, so the implicit defaults are never assumed', () => {
    const facts = factsOf(without('networkAcls'));
    expect(facts.vpcs![0].defaultNetworkAclId).toBe('vpc-0glue#ec2-DescribeNetworkAcls-not-read');
    expect(facts.subnets![0].networkAclId).toBe('subnet-0glue#ec2-DescribeNetworkAcls-not-read');
  });

  it('reports what was not read with every plan', () => {
    const model = buildModel([], factsOf(without('securityGroups')));
    expect(model.issues.map((i) => i.message)).toContain('ec2:securityGroups could not be read (access denied (UnauthorizedOperation)): what it describes is unknown');
  });

  it('GetConnections not read: the job\'s connections are not described (UNKNOWN selection)', () => {
    const job = planOf({ ...account(), connections: undefined, unread: [{ call: 'glue:GetConnections', reason: 'access denied' }] }).jobs[0];
    expect(job.candidates.map((c) => c.status)).toEqual(['unknown', 'unknown']);
  });
});

describe('DescribeVpcEndpoints: interface endpoints', () => {
  const withEndpoint = (endpoint: object) => factsOf({ ...account(), vpcEndpoints: [...account().vpcEndpoints!, endpoint] });

  it('keeps PrivateDnsEnabled, Groups[].GroupId and SubnetIds; the service by its short name', () => {
    const facts = withEndpoint(apiInterfaceEndpoint('vpce-0sm', 'vpc-0glue', 'secretsmanager', { privateDns: true, groups: ['sg-0glue'], subnets: ['subnet-0glue'] }));
    expect(facts.gatewayEndpoints!.find((e) => e.id === 'vpce-0sm')).toEqual({
      id: 'vpce-0sm',
      vpcId: 'vpc-0glue',
      service: 'secretsmanager',
      type: 'Interface',
      routeTableIds: [],
      privateDnsEnabled: true,
      securityGroupIds: ['sg-0glue'],
      subnetIds: ['subnet-0glue'],
    });
  });

  it('an AWS KMS interface endpoint is kms, the name the KMS path check looks for: a job whose security configuration uses KMS keys reaches it, no GNP-CONNECTION-NO-KMS-PATH', () => {
    const facts = withEndpoint(apiInterfaceEndpoint('vpce-0kms', 'vpc-0glue', 'kms', { privateDns: true, groups: ['sg-0glue'], subnets: ['subnet-0glue'] }));
    expect(facts.gatewayEndpoints!.find((e) => e.id === 'vpce-0kms')).toMatchObject({ service: 'kms', type: 'Interface', privateDnsEnabled: true });
    const model = buildModel([], facts);
    const [id, job] = [...model.jobs].find(([, j]) => j.name.known && j.name.value === 'etl')!;
    model.jobs.set(id, { ...job, kmsUse: known('security configuration sc (S3 encryption SSE-KMS)') });
    const plan = buildPlan(model, { failover: false });
    const kms = [...plan.findings, ...plan.jobs.flatMap((j) => j.findings)].filter((f) => f.ruleId === 'GNP-CONNECTION-NO-KMS-PATH' || /AWS KMS/.test(f.message));
    expect(kms).toEqual([]);
  });

  it('a VPC Lattice resource endpoint keeps its type and subnets: a SaaS host in its VPC is UNKNOWN, as from the templates (a resource configuration\'s domain name may resolve to it); was a gateway endpoint, and the host judged by the internet path alone', () => {
    const crm = { Name: 'crm', ConnectionType: 'SALESFORCE', ConnectionProperties: { CONNECTION_URL: 'https://acme.my.salesforce.com' }, PhysicalConnectionRequirements: { SubnetId: 'subnet-0glue', SecurityGroupIdList: ['sg-0glue'], AvailabilityZone: 'us-east-1a' } };
    const lattice = {
      ...apiInterfaceEndpoint('vpce-0rsc', 'vpc-0glue', 'x', { privateDns: true, groups: ['sg-0glue'], subnets: ['subnet-0glue'] }),
      VpcEndpointType: 'Resource',
      ServiceName: undefined,
      ResourceConfigurationArn: 'arn:aws:vpc-lattice:us-east-1:222222222222:resourceconfiguration/rcfg-0123456789abcdef0',
    };
    const snapshot = (endpoints: object[]): AccountSnapshot => ({ ...account(), vpcEndpoints: [...account().vpcEndpoints!, ...endpoints], connections: [...account().connections!, crm], jobs: [apiJob('load', ['crm'])] });
    expect(factsOf(snapshot([lattice])).gatewayEndpoints!.find((e) => e.id === 'vpce-0rsc')).toMatchObject({ type: 'Resource', service: 'a VPC Lattice resource configuration', subnetIds: ['subnet-0glue'] });
    const verdict = (endpoints: object[]) => planOf(snapshot(endpoints)).jobs.find((j) => j.name === 'load')!.dataStores[0].verdict;
    expect(verdict([])).toBe('UNREACHABLE'); // (no NAT gateway)
    expect(verdict([lattice])).toBe('UNKNOWN');
  });

  it('an answer without PrivateDnsEnabled, Groups or SubnetIds leaves them unknown, never "private DNS off"', () => {
    const { PrivateDnsEnabled: _dns, Groups: _groups, SubnetIds: _subnets, ...bare } = apiInterfaceEndpoint('vpce-0sm', 'vpc-0glue', 'secretsmanager', { privateDns: true, groups: [], subnets: [] });
    const endpoint = buildModel([], withEndpoint(bare)).gatewayEndpoints.get('vpce-0sm')!;
    expect(endpoint.privateDnsEnabled?.known).toBe(false);
    expect(endpoint.securityGroupIds?.known).toBe(false);
    expect(endpoint.subnetIds?.known).toBe(false);
  });

  it('a gateway endpoint gets none of them', () => {
    expect(factsOf(account()).gatewayEndpoints![0]).not.toHaveProperty('privateDnsEnabled');
  });
});

describe('DescribeSecurityGroupVpcAssociations', () => {
  const groupOf = (snapshot: AccountSnapshot) => factsOf(snapshot).securityGroups!.find((g) => g.id === 'sg-0db')!;

  it('only an association in the associated state counts', () => {
    const associations = [
      apiGroupVpcAssociation('sg-0db', 'vpc-0glue'),
      apiGroupVpcAssociation('sg-0db', 'vpc-0gone', 'disassociated'),
      apiGroupVpcAssociation('sg-0db', 'vpc-0soon', 'associating'),
      apiGroupVpcAssociation('sg-0db', 'vpc-0failed', 'association-failed'),
    ];
    expect(groupOf({ ...account(), securityGroupVpcAssociations: associations })).toMatchObject({ associatedVpcIds: ['vpc-0glue'] });
    expect(groupOf({ ...account(), securityGroupVpcAssociations: associations })).not.toHaveProperty('associationsIncomplete');
  });

  it('not read: every group\'s associations are incomplete, an association with an unknown VPC in the model', () => {
    const snapshot = { ...account(), securityGroupVpcAssociations: undefined, unread: [{ call: 'ec2:DescribeSecurityGroupVpcAssociations', reason: 'access denied' }] };
    expect(groupOf(snapshot)).toMatchObject({ associationsIncomplete: true });
    const group = buildModel([], factsOf(snapshot)).securityGroups.get('sg-0db')!;
    expect(group.vpcAssociations).toEqual([expect.objectContaining({ vpcId: expect.objectContaining({ known: false }) })]);
  });
});

describe('GetConnections: the secret Glue reads', () => {
  it('SECRET_ID, or the AuthenticationConfiguration secret, becomes secretId', () => {
    const connections = account().connections!;
    const withSecret = [
      { ...connections[0], ConnectionProperties: { SECRET_ID: 'creds' } },
      { ...connections[1], AuthenticationConfiguration: { AuthenticationType: 'BASIC', SecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:dw' } },
    ];
    expect(factsOf({ ...account(), connections: withSecret }).connections!.map((c) => c.secretId)).toEqual(['creds', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:dw']);
  });

  it("a Kafka connection's KAFKA_SASL_MECHANISM / KAFKA_SSL_ENABLED become its authentication, which sets the MSK port", () => {
    const connections = account().connections!;
    const kafka = (properties: Record<string, string>) => ({ ...connections[0], ConnectionType: 'KAFKA', ConnectionProperties: { KAFKA_BOOTSTRAP_SERVERS: 'b-1.msk.example:9098', ...properties } });
    const auth = (properties: Record<string, string>) => factsOf({ ...account(), connections: [kafka(properties)] }).connections![0].kafkaAuthentication;
    expect(auth({ KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM' })).toBe('iam');
    expect(auth({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_SCRAM_SECRETS_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:k' })).toBe('sasl-scram');
    expect(auth({ KAFKA_SSL_ENABLED: 'true' })).toBe('tls');
    expect(auth({})).toBeUndefined();
  });
});

describe('security group rules the API lists', () => {
  it('all traffic from a group (IpProtocol -1) has no ports', () => {
    const facts = factsOf({ ...account(), securityGroups: [apiSecurityGroup('sg-0x', 'vpc-0glue', [allTraffic({ group: 'sg-0x' })])] });
    expect(facts.securityGroups![0].ingress).toEqual([{ protocol: '-1', securityGroupId: 'sg-0x' }]);
  });
});

describe('facts file: jobs and unread', () => {
  it('a job listing a connection of the facts is planned like a template job', () => {
    const facts = parseFacts({
      connections: [{ name: 'n', connectionType: 'NETWORK' }],
      jobs: [{ name: 'j', connections: ['n'], maxCapacity: 0.0625, command: 'pythonshell' }],
    }, 'f.json');
    const job = buildModel([], facts).jobs.get('facts/job/j')!;
    expect(job).toMatchObject({ command: { known: true, value: 'pythonshell' }, connections: [{ connectionId: 'facts/n' }], maxConcurrentRuns: { known: true, value: 1 } });
  });

  it.each([
    [{ jobs: [{ name: 'j', connections: 'n' }] }, 'jobs[0].connections: "n" is not a list of non-empty strings'],
    [{ jobs: [{ name: 'j', maxCapacity: -1 }] }, 'jobs[0].maxCapacity: -1 is not a non-negative number'],
    [{ unread: [{ call: 'ec2:DescribeVpcs' }] }, 'unread[0].reason: missing'],
  ])('rejects %j', (doc, problem) => {
    expect(() => parseFacts(doc, 'f.json')).toThrow(`f.json: ${problem}`);
  });
});

describe('DescribeManagedPrefixLists and GetManagedPrefixListEntries', () => {
  const s3List = { PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3', AddressFamily: 'IPv4', OwnerId: 'AWS', MaxEntries: 3 };
  const ownList = { PrefixListId: 'pl-0own', PrefixListName: 'partners', AddressFamily: 'IPv4', OwnerId: '111111111111', MaxEntries: 4 };
  const withLists = (lists: any[], entries: any[]): AccountSnapshot => {
    const seed = account();
    const glueGroup = seed.securityGroups!.find((g) => g.GroupId === 'sg-0glue')!;
    return {
      ...seed,
      securityGroups: replace(seed.securityGroups!, 'GroupId', 'sg-0glue', {
        ...glueGroup,
        IpPermissionsEgress: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-63a5400a' }] },
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, PrefixListIds: [{ PrefixListId: 'pl-0own' }] },
        ],
      }),
      prefixLists: lists,
      prefixListEntries: entries,
    };
  };

  it('a customer-managed list read whole is written as prefixLists; an AWS-managed one (S3\'s) is weighed only (its documented weight, 1), and its rule stays a rule to the list', () => {
    const facts = factsOf(withLists([s3List, ownList], [{ PrefixListId: 'pl-0own', Entries: [{ Cidr: '192.0.2.0/24' }] }]));
    expect(facts.prefixLists).toEqual([{ id: 'pl-0own', addressFamily: 'IPv4', maxEntries: 4, cidrs: ['192.0.2.0/24'] }, { id: 'pl-63a5400a', addressFamily: 'IPv4', maxEntries: 1 }]);
    const egress = buildModel([], facts).securityGroups.get('sg-0glue')!.egress;
    expect(egress.map((r) => r.peer)).toEqual([{ kind: 'prefix-list', prefixListId: 'pl-63a5400a' }, { kind: 'cidr', cidr: expect.objectContaining({ text: '192.0.2.0/24' }) }]);
  });

  it('a list whose entries were not read, or whose maximum entries are not given, is not described (its rule stays unknown, never empty)', () => {
    expect(factsOf(withLists([s3List, ownList], [])).prefixLists).toEqual([{ id: 'pl-63a5400a', addressFamily: 'IPv4', maxEntries: 1 }]);
    expect(factsOf(withLists([{ ...ownList, MaxEntries: undefined }], [{ PrefixListId: 'pl-0own', Entries: [] }])).prefixLists).toBeUndefined();
  });

  it.each(['modify-in-progress', 'modify-failed', 'restore-failed', 'delete-in-progress'])('a list in state %s is not described: which version its routes and rules hold is not documented (was: read as its current entries)', (State) => {
    const entries = [{ PrefixListId: 'pl-0own', Entries: [{ Cidr: '192.0.2.0/24' }] }];
    expect(factsOf(withLists([{ ...ownList, State }], entries)).prefixLists).toBeUndefined();
    expect(factsOf(withLists([{ ...ownList, State: 'modify-complete' }], entries)).prefixLists).toHaveLength(1);
  });

  it('a list whose saved entries are one page of several (a NextToken: `--max-items`, `--no-paginate`) is not described (was: described with the first page only, its other entries dropped)', () => {
    const firstPage = { PrefixListId: 'pl-0own', Entries: [{ Cidr: '192.0.2.0/24' }], NextToken: 'eyJ2IjoiMSJ9' };
    const facts = factsOf(withLists([ownList], [firstPage]));
    expect(facts.prefixLists).toBeUndefined();
    const egress = buildModel([], facts).securityGroups.get('sg-0glue')!.egress;
    expect(egress.map((r) => r.peer)).toContainEqual({ kind: 'prefix-list', prefixListId: 'pl-0own' });
    expect(egress.map((r) => r.peer)).not.toContainEqual({ kind: 'cidr', cidr: expect.objectContaining({ text: '192.0.2.0/24' }) });
  });
});

describe('AWS-managed prefix lists: weighed by their documented weight', () => {
  const glueEgressTo = (listId: string): AccountSnapshot => {
    const seed = account();
    const glueGroup = seed.securityGroups!.find((g) => g.GroupId === 'sg-0glue')!;
    return {
      ...seed,
      securityGroups: replace(seed.securityGroups!, 'GroupId', 'sg-0glue', {
        ...glueGroup,
        IpPermissionsEgress: [...glueGroup.IpPermissionsEgress, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: listId }] }],
      }),
      // DescribeManagedPrefixLists gives an AWS-managed list no MaxEntries.
      prefixLists: [
        { PrefixListId: 'pl-63a5400a', PrefixListName: 'com.amazonaws.us-east-1.s3', AddressFamily: 'IPv4', OwnerId: 'AWS', State: 'create-complete' },
        { PrefixListId: 'pl-3b927c52', PrefixListName: 'com.amazonaws.global.cloudfront.origin-facing', AddressFamily: 'IPv4', OwnerId: 'AWS', State: 'create-complete' },
        { PrefixListId: 'pl-0new', PrefixListName: 'com.amazonaws.us-east-1.some-new-service', AddressFamily: 'IPv4', OwnerId: 'AWS', State: 'create-complete' },
      ],
    };
  };
  const sgRuleFindings = (snapshot: AccountSnapshot) => planOf(snapshot).findings.filter((f) => f.ruleId.startsWith('GNP-QUOTA-SG-RULES')).map((f) => f.ruleId);

  it("a rule to S3's list counts 1: no GNP-QUOTA-SG-RULES-UNKNOWN (was: the list was not written, its weight unknown)", () => {
    expect(sgRuleFindings(glueEgressTo('pl-63a5400a'))).toEqual([]);
  });

  it("CloudFront's origin-facing list weighs 55; only the lists a route or rule names are written", () => {
    expect(factsOf(glueEgressTo('pl-3b927c52')).prefixLists).toEqual([{ id: 'pl-3b927c52', addressFamily: 'IPv4', maxEntries: 55 }]);
  });

  it("an AWS-managed IPv6 list is weighed on the IPv6 side only: CloudFront's IPv6 origin-facing list (55) and 6 IPv4 rules fit 60 rules (was: 61 IPv4 rules, a false GNP-QUOTA-SG-RULES)", () => {
    const seed = account();
    const cidrs = Array.from({ length: 6 }, (_, i) => ({ CidrIp: `192.0.2.${i * 8}/29` }));
    const snapshot: AccountSnapshot = {
      ...seed,
      securityGroups: [...seed.securityGroups!, apiSecurityGroup('sg-0alb', 'vpc-0glue', [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0cf6' }], IpRanges: cidrs },
      ])],
      prefixLists: [
        { PrefixListId: 'pl-0cf6', PrefixListName: 'com.amazonaws.global.ipv6.cloudfront.origin-facing', AddressFamily: 'IPv6', OwnerId: 'AWS', State: 'create-complete' },
      ],
    };
    expect(factsOf(snapshot).prefixLists).toEqual([{ id: 'pl-0cf6', addressFamily: 'IPv6', maxEntries: 55 }]);
    expect(sgRuleFindings(snapshot)).toEqual([]);
  });

  it('an AWS-managed list whose weight AWS does not document keeps an unknown weight (GNP-QUOTA-SG-RULES-UNKNOWN), never 1', () => {
    expect(factsOf(glueEgressTo('pl-0new')).prefixLists).toBeUndefined();
    expect(sgRuleFindings(glueEgressTo('pl-0new'))).toEqual(['GNP-QUOTA-SG-RULES-UNKNOWN']);
  });
});

describe('DescribeSecurityGroups: IPv6 rules (Ipv6Ranges)', () => {
  const withIpv6Rules = (count: number): AccountSnapshot => {
    const seed = account();
    const ranges = Array.from({ length: count }, (_, i) => ({ CidrIpv6: `2001:db8:${i.toString(16)}::/48` }));
    return { ...seed, securityGroups: [...seed.securityGroups!, apiSecurityGroup('sg-0v6', 'vpc-0glue', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: ranges }])] };
  };

  it('are written as cidrIpv6 rules, and admit no IPv4 traffic', () => {
    const facts = factsOf(withIpv6Rules(1));
    expect(facts.securityGroups!.find((g) => g.id === 'sg-0v6')!.ingress).toEqual([{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv6: '2001:db8:0::/48' }]);
    expect(buildModel([], facts).securityGroups.get('sg-0v6')!.ingress).toEqual([]);
  });

  it('61 of them: GNP-QUOTA-SG-RULES on the IPv6 side (was: dropped, not counted)', () => {
    const findings = planOf(withIpv6Rules(61)).findings.filter((f) => f.ruleId === 'GNP-QUOTA-SG-RULES');
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('sg-0v6 has 61 inbound IPv6 rules')]);
    expect(planOf(withIpv6Rules(60)).findings.filter((f) => f.ruleId === 'GNP-QUOTA-SG-RULES')).toEqual([]);
  });
});
