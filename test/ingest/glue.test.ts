import { anyResource, getAtt, glueConnection, glueJob, join, modelOf, ref, Resource, securityGroup, stack, subnet, tpl, vpc } from './builders';
import { buildModel, parseFacts } from '../../src/ingest';

const network = { Vpc: vpc('10.0.0.0/16'), Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a'), Sg: securityGroup(ref('Vpc')) };

describe('Glue connections and jobs', () => {
  test('a JDBC URL built with Fn::Join and GetAtt Endpoint.Address keeps the reference as a marker', () => {
    const model = modelOf({
      ...network,
      Db: anyResource('AWS::RDS::DBInstance', { Engine: 'mysql', Port: 3306 }),
      Conn: glueConnection('mysql-conn', ref('Sub'), [getAtt('Sg', 'GroupId')], {
        JDBC_CONNECTION_URL: join('', ['jdbc:mysql://', getAtt('Db', 'Endpoint.Address'), ':', getAtt('Db', 'Endpoint.Port'), '/db']),
      }),
    });
    expect(model.connections.get('Stack/Conn')).toMatchObject({
      name: { known: true, value: 'mysql-conn' },
      connectionType: 'JDBC',
      subnetId: 'Stack/Sub',
      securityGroupIds: ['Stack/Sg'],
      address: { known: true, value: 'jdbc:mysql://{{ref:Stack/Db:Endpoint.Address}}:3306/db' },
    });
  });

  test('job connection list: Ref, literal matching a template connection in another stack, literal unknown', () => {
    const model = buildModel([
      stack('Net', tpl({ ...network, Shared: glueConnection('shared-conn', ref('Sub'), [ref('Sg')]) })),
      stack('Jobs', tpl({
        Local: glueConnection('local-conn', 'subnet-0abc', ['sg-1']),
        Job: glueJob([ref('Local'), 'shared-conn', 'defined-elsewhere'], {
          Name: 'etl',
          WorkerType: 'G.1X',
          NumberOfWorkers: 10,
          ExecutionProperty: { MaxConcurrentRuns: 3 },
        }),
      })),
    ]);
    expect(model.connections.get('Jobs/Local')).toMatchObject({ subnetId: 'subnet-0abc', securityGroupIds: ['sg-1'] });
    expect(model.jobs.get('Jobs/Job')).toMatchObject({
      name: { known: true, value: 'etl' },
      command: { known: true, value: 'glueetl' },
      workerType: { known: true, value: 'G.1X' },
      numberOfWorkers: { known: true, value: 10 },
      maxConcurrentRuns: { known: true, value: 3 },
      connections: [
        { name: { known: true, value: 'local-conn' }, connectionId: 'Jobs/Local' },
        { name: { known: true, value: 'shared-conn' }, connectionId: 'Net/Shared' },
        { name: { known: true, value: 'defined-elsewhere' } },
      ],
    });
    expect(model.jobs.get('Jobs/Job')!.connections[2].connectionId).toBeUndefined();
  });

  test('a job without Name has an unknown name naming its logical id; MaxCapacity and defaults', () => {
    const model = modelOf({ Job: glueJob([], { MaxCapacity: 10 }) });
    expect(model.jobs.get('Stack/Job')).toMatchObject({
      name: { known: false, reason: expect.stringContaining('Job') }, maxCapacity: { known: true, value: 10 }, maxConcurrentRuns: { known: true, value: 1 },
    });
  });

  test('an unresolvable connection subnet is a placeholder subnet with unknown facts plus an issue', () => {
    const model = modelOf({ Conn: glueConnection('c', { 'Fn::ImportValue': 'NoSuchExport' }) });
    const subnetId = model.connections.get('Stack/Conn')!.subnetId!;
    expect(model.subnets.get(subnetId)?.cidr).toMatchObject({ known: false, reason: expect.stringContaining('NoSuchExport') });
    expect(model.issues.some((i) => i.message.includes('NoSuchExport'))).toBe(true);
  });

  test('data-store metadata declares the store of a connection', () => {
    const model = modelOf({
      ...network,
      Conn: {
        ...glueConnection('c', ref('Sub'), [ref('Sg')]),
        Metadata: { 'cdk-glue-netplan:data-store': { SubnetIds: [ref('Sub')], SecurityGroupIds: [ref('Sg')], Port: 5432, PubliclyAccessible: false } },
      },
    });
    expect(model.declaredStores.get('Stack/Conn')).toMatchObject({
      connectionId: 'Stack/Conn', subnetIds: ['Stack/Sub'], securityGroupIds: ['Stack/Sg'], port: 5432, publiclyAccessible: false,
    });
  });
});

describe('data stores', () => {
  const stores = modelOf({
    ...network,
    RdsGroup: anyResource('AWS::RDS::DBSubnetGroup', { SubnetIds: [ref('Sub')], DBSubnetGroupDescription: 'x' }),
    Aurora: anyResource('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', DBSubnetGroupName: ref('RdsGroup'), VpcSecurityGroupIds: [ref('Sg')] }),
    Member: anyResource('AWS::RDS::DBInstance', { Engine: 'aurora-postgresql', DBClusterIdentifier: ref('Aurora') }),
    Mysql: anyResource('AWS::RDS::DBInstance', { Engine: 'mysql', DBSubnetGroupName: 'literal-group', VPCSecurityGroups: ['sg-1'], PubliclyAccessible: true }),
    RsGroup: anyResource('AWS::Redshift::ClusterSubnetGroup', { SubnetIds: [ref('Sub')], Description: 'x' }),
    Redshift: anyResource('AWS::Redshift::Cluster', { ClusterSubnetGroupName: ref('RsGroup'), VpcSecurityGroupIds: [ref('Sg')] }),
    Msk: anyResource('AWS::MSK::Cluster', { BrokerNodeGroupInfo: { ClientSubnets: [ref('Sub')], SecurityGroups: [ref('Sg')] } }),
    DocGroup: anyResource('AWS::DocDB::DBSubnetGroup', { SubnetIds: [ref('Sub')] }),
    Doc: anyResource('AWS::DocDB::DBCluster', { DBSubnetGroupName: ref('DocGroup'), VpcSecurityGroupIds: [ref('Sg')] }),
  });

  test.each([
    ['Aurora', 'rds-cluster', 5432],
    ['Member', 'rds-instance', 5432],
    ['Redshift', 'redshift-cluster', 5439],
    ['Doc', 'docdb-cluster', 27017],
  ])('%s: subnets from its subnet group, groups, default port', (id, kind, port) => {
    expect(stores.dataStores.get(`Stack/${id}`)).toMatchObject({
      kind, subnetIds: { known: true, value: ['Stack/Sub'] }, securityGroupIds: { known: true, value: ['Stack/Sg'] }, port: { known: true, value: port },
    });
  });

  test('cluster member points at its cluster; MSK has no port; a literal subnet group name is unknown', () => {
    expect(stores.dataStores.get('Stack/Member')?.clusterId).toBe('Stack/Aurora');
    expect(stores.dataStores.get('Stack/Msk')).toMatchObject({ kind: 'msk-cluster', subnetIds: { known: true, value: ['Stack/Sub'] } });
    expect(stores.dataStores.get('Stack/Msk')?.port).toBeUndefined();
    expect(stores.dataStores.get('Stack/Mysql')).toMatchObject({
      subnetIds: { known: false, reason: expect.stringContaining('literal-group') }, port: { known: true, value: 3306 }, publiclyAccessible: true,
    });
  });
});

describe('facts merged with templates', () => {
  const facts = parseFacts({
    vpcs: [{ id: 'vpc-1', cidrBlocks: ['10.50.0.0/16'], region: 'us-east-1', enableDnsSupport: true, enableDnsHostnames: true }],
    subnets: [{ id: 'subnet-0abc', vpcId: 'vpc-1', cidr: '10.50.1.0/24', availabilityZone: 'us-east-1b', usedAddresses: 12 }],
    securityGroups: [{
      id: 'sg-1',
      vpcId: 'vpc-1',
      ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, securityGroupId: 'sg-1' }],
      egress: [{ protocol: -1, cidr: '0.0.0.0/0' }],
    }],
    connections: [{ name: 'external-conn', connectionType: 'JDBC', subnetId: 'subnet-0abc', securityGroupIds: ['sg-1'] }],
    dataStores: [{ connectionName: 'external-conn', subnetIds: ['subnet-0abc'], securityGroupIds: ['sg-1'], port: 5432 }],
  }, 'facts.json');

  test('a literal subnet in a template is described by the facts; a job finds a facts connection by name', () => {
    const model = modelOf({
      Conn: glueConnection('templated', 'subnet-0abc', ['sg-1']),
      Extra: { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/8' } },
      Job: glueJob(['external-conn', ref('Conn')], { Name: 'j' }),
    }, {}, facts);
    expect(model.subnets.get('subnet-0abc')).toMatchObject({ vpcId: { known: true, value: 'vpc-1' }, usedAddresses: 12, source: { stack: 'facts' } });
    expect(model.vpcs.get('vpc-1')?.mainRouteTableId).toBe('vpc-1#main');
    expect(model.routeTables.has('vpc-1#main')).toBe(true);
    expect(model.securityGroups.get('sg-1')!.ingress.map((r) => r.ports.from)).toEqual([5432, 443]);
    expect(model.jobs.get('Stack/Job')!.connections.map((c) => c.connectionId)).toEqual(['facts/external-conn', 'Stack/Conn']);
    expect(model.declaredStores.get('facts/external-conn')).toMatchObject({ subnetIds: ['subnet-0abc'], port: 5432 });
  });
});

describe('connection properties behind issue 12 points 7 and 8', () => {
  test('JDBC HOST and PORT without a URL make the address; SECRET_ID marks a secret read at run time', () => {
    const model = modelOf({ ...network, Conn: glueConnection('c', ref('Sub'), [], { HOST: 'db.internal', PORT: 6543, SECRET_ID: 'creds' }) });
    expect(model.connections.get('Stack/Conn')).toMatchObject({ address: { known: true, value: 'db.internal:6543' }, secretProperty: 'SECRET_ID' });
  });

  test('a secret in ConnectionInput.AuthenticationConfiguration.SecretArn (the newer form of the credentials) is a secret read at run time, as SECRET_ID', () => {
    const conn = glueConnection('c', ref('Sub'), [], { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.internal:5432/app' });
    (conn.Properties!.ConnectionInput as Record<string, unknown>).AuthenticationConfiguration = { AuthenticationType: 'BASIC', SecretArn: ref('Creds') };
    const model = modelOf({ ...network, Creds: anyResource('AWS::SecretsManager::Secret', {}), Conn: conn });
    expect(model.connections.get('Stack/Conn')).toMatchObject({ secretProperty: 'AuthenticationConfiguration.SecretArn' });
  });

  test('ConnectionProperties or AuthenticationConfiguration the templates do not resolve (a whole-object Fn::If on a deploy-time condition, an import) may name a secret: said, with the reason, never "no secret"', () => {
    const deployTime = { Parameters: { UseSecret: { Type: 'String' } }, Conditions: { WithSecret: { 'Fn::Equals': [ref('UseSecret'), 'yes'] } } };
    const behindIf = glueConnection('c', ref('Sub'), [], { 'Fn::If': ['WithSecret', { SECRET_ID: 'creds' }, { USERNAME: 'etl' }] } as Record<string, unknown>);
    expect(modelOf({ ...network, Conn: behindIf }, deployTime).connections.get('Stack/Conn')).toMatchObject({
      secretUnresolved: expect.stringMatching(/ConnectionInput\.ConnectionProperties cannot be resolved .*whether it names a Secrets Manager secret .* is unknown/),
    });
    const imported = glueConnection('c', ref('Sub'), [], { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.internal:5432/app' });
    (imported.Properties!.ConnectionInput as Record<string, unknown>).AuthenticationConfiguration = { 'Fn::ImportValue': 'SharedAuth' };
    const model = modelOf({ ...network, Conn: imported });
    expect(model.connections.get('Stack/Conn')!.secretProperty).toBeUndefined();
    expect(model.connections.get('Stack/Conn')!.secretUnresolved).toMatch(/ConnectionInput\.AuthenticationConfiguration cannot be resolved/);
    // Literal properties that name no secret: nothing unknown.
    expect(modelOf({ ...network, Conn: glueConnection('c', ref('Sub'), [], { USERNAME: 'etl' }) }).connections.get('Stack/Conn')!.secretUnresolved).toBeUndefined();
    // A secret named beside an unresolved part: it reads one, for sure.
    const both = glueConnection('c', ref('Sub'), [], { SECRET_ID: 'creds' });
    (both.Properties!.ConnectionInput as Record<string, unknown>).AuthenticationConfiguration = { 'Fn::ImportValue': 'SharedAuth' };
    expect(modelOf({ ...network, Conn: both }).connections.get('Stack/Conn')).toMatchObject({ secretProperty: 'SECRET_ID' });
    expect(modelOf({ ...network, Conn: both }).connections.get('Stack/Conn')!.secretUnresolved).toBeUndefined();
  });

  test('a secret key (SECRET_ID, AuthenticationConfiguration.SecretArn) whose value is an Fn::If on a deploy-time condition with AWS::NoValue on a branch may be absent: the connection may read a secret, never surely', () => {
    const deployTime = { Parameters: { UseSecret: { Type: 'String' } }, Conditions: { WithSecret: { 'Fn::Equals': [ref('UseSecret'), 'yes'] } } };
    const noValue = ref('AWS::NoValue');
    const secretId = glueConnection('c', ref('Sub'), [], { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.internal:5432/app', SECRET_ID: { 'Fn::If': ['WithSecret', 'creds', noValue] } });
    const byKey = modelOf({ ...network, Conn: secretId }, deployTime).connections.get('Stack/Conn')!;
    expect(byKey.secretProperty).toBeUndefined();
    expect(byKey.secretUnresolved).toMatch(/ConnectionProperties\.SECRET_ID may be absent .*whether it names a Secrets Manager secret .* is unknown/);
    // Nested: the NoValue one Fn::If further down.
    const nested = glueConnection('c', ref('Sub'), [], { SECRET_ID: { 'Fn::If': ['WithSecret', { 'Fn::If': ['WithSecret', 'creds', noValue] }, 'other'] } });
    expect(modelOf({ ...network, Conn: nested }, deployTime).connections.get('Stack/Conn')!.secretProperty).toBeUndefined();
    const arn = glueConnection('c', ref('Sub'), [], { JDBC_CONNECTION_URL: 'jdbc:postgresql://db.internal:5432/app' });
    (arn.Properties!.ConnectionInput as Record<string, unknown>).AuthenticationConfiguration = { AuthenticationType: 'BASIC', SecretArn: { 'Fn::If': ['WithSecret', ref('Creds'), noValue] } };
    const byArn = modelOf({ ...network, Creds: anyResource('AWS::SecretsManager::Secret', {}), Conn: arn }, deployTime).connections.get('Stack/Conn')!;
    expect(byArn.secretProperty).toBeUndefined();
    expect(byArn.secretUnresolved).toMatch(/AuthenticationConfiguration\.SecretArn may be absent/);
    // A value unknown but surely there (an Fn::If between two secrets, a parameter without a value): a sure reader.
    const either = glueConnection('c', ref('Sub'), [], { SECRET_ID: { 'Fn::If': ['WithSecret', 'creds', 'other-creds'] } });
    expect(modelOf({ ...network, Conn: either }, deployTime).connections.get('Stack/Conn')).toMatchObject({ secretProperty: 'SECRET_ID' });
    const byParameter = glueConnection('c', ref('Sub'), [], { SECRET_ID: ref('UseSecret') });
    expect(modelOf({ ...network, Conn: byParameter }, deployTime).connections.get('Stack/Conn')).toMatchObject({ secretProperty: 'SECRET_ID' });
  });

  test('a job\'s SecurityConfiguration the templates do not resolve (a parameter without a value, an import, an Fn::If on a deploy-time condition) may use AWS KMS keys: unknown with the reason, never "no KMS"', () => {
    const deployTime = { Parameters: { Sc: { Type: 'String' } }, Conditions: { Encrypt: { 'Fn::Equals': [ref('Sc'), 'yes'] } } };
    const sc = anyResource('AWS::Glue::SecurityConfiguration', { Name: 'sc', EncryptionConfiguration: { S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/k' }] } });
    for (const value of [ref('Sc'), { 'Fn::ImportValue': 'SharedSc' }, { 'Fn::If': ['Encrypt', ref('Config'), ref('AWS::NoValue')] }]) {
      const job = modelOf({ ...network, Config: sc, Job: glueJob([], { SecurityConfiguration: value }) }, deployTime).jobs.get('Stack/Job')!;
      expect(job.kmsUse).toMatchObject({ known: false, reason: expect.stringMatching(/whether it encrypts with AWS KMS keys is unknown/) });
    }
    // By its name, even one the templates define: unknown, without claiming the templates do not define it.
    const byName = modelOf({ ...network, Config: sc, Job: glueJob([], { SecurityConfiguration: 'sc' }) }).jobs.get('Stack/Job')!.kmsUse!;
    expect(byName.known).toBe(false);
    expect(byName.known ? '' : byName.reason).toMatch(/security configuration sc, by name \(the check reads a security configuration only through a Ref to an AWS::Glue::SecurityConfiguration of the templates\)/);
    // By Ref to one of the templates: its modes are read.
    expect(modelOf({ ...network, Config: sc, Job: glueJob([], { SecurityConfiguration: ref('Config') }) }).jobs.get('Stack/Job')!.kmsUse).toMatchObject({ known: true, value: expect.stringMatching(/S3 encryption SSE-KMS/) });
  });

  test('a Route 53 hosted zone with VPCs is a private hosted zone of those VPCs; one without VPCs is public and not read', () => {
    const model = modelOf({
      ...network,
      Private: anyResource('AWS::Route53::HostedZone', { Name: 'SecretsManager.us-east-1.amazonaws.com.', VPCs: [{ VPCId: ref('Vpc'), VPCRegion: 'us-east-1' }] }),
      Public: anyResource('AWS::Route53::HostedZone', { Name: 'example.com' }),
    });
    expect([...model.privateHostedZones!.values()]).toEqual([
      expect.objectContaining({ id: 'Stack/Private', name: { known: true, value: 'secretsmanager.us-east-1.amazonaws.com' }, vpcIds: { known: true, value: ['Stack/Vpc'] } }),
    ]);
  });

  test('a private hosted zone whose Condition cannot be decided may exist: read, marked uncertain (was: dropped, so a missing endpoint was the error)', () => {
    const model = modelOf({
      ...network,
      Private: { ...anyResource('AWS::Route53::HostedZone', { Name: 'secretsmanager.us-east-1.amazonaws.com', VPCs: [{ VPCId: ref('Vpc'), VPCRegion: 'us-east-1' }] }), Condition: 'Shared' } as Resource,
    }, {
      Parameters: { Share: { Type: 'String' } },
      Conditions: { Shared: { 'Fn::Equals': [ref('Share'), 'yes'] } },
    });
    expect(model.privateHostedZones!.get('Stack/Private')).toMatchObject({ name: { known: true, value: 'secretsmanager.us-east-1.amazonaws.com' }, uncertain: expect.stringMatching(/condition Shared/) });
  });

  test.each([
    [{ KAFKA_SASL_MECHANISM: 'AWS_MSK_IAM' }, 'iam'],
    [{ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_SCRAM_SECRETS_ARN: 'arn:x' }, 'sasl-scram'],
    [{ KAFKA_SSL_ENABLED: 'true' }, 'tls'],
    [{ KAFKA_SSL_ENABLED: 'false' }, 'plaintext'],
    [{}, undefined],
  ])('Kafka properties %j: authentication %s', (properties, expected) => {
    const model = modelOf({ ...network, Conn: glueConnection('k', ref('Sub'), [], { KAFKA_BOOTSTRAP_SERVERS: 'b-1.example', ...properties }, 'KAFKA') });
    expect(model.connections.get('Stack/Conn')!.kafkaAuthentication).toBe(expected);
  });

  test('a Secrets Manager interface endpoint: service secretsmanager (Region from the stack), PrivateDnsEnabled read, default false', () => {
    const endpoint = (props: Record<string, unknown>) => anyResource('AWS::EC2::VPCEndpoint', { VpcId: ref('Vpc'), VpcEndpointType: 'Interface', ServiceName: join('', ['com.amazonaws.', ref('AWS::Region'), '.secretsmanager']), ...props });
    const model = modelOf({ ...network, On: endpoint({ PrivateDnsEnabled: true }), Off: endpoint({}) });
    expect(model.gatewayEndpoints.get('Stack/On')).toMatchObject({ service: { known: true, value: 'secretsmanager' }, type: 'Interface', privateDnsEnabled: { known: true, value: true } });
    expect(model.gatewayEndpoints.get('Stack/Off')!.privateDnsEnabled).toEqual({ known: true, value: false });
  });

  test('facts: an interface endpoint with private DNS, a connection with a secret', () => {
    const facts = parseFacts({
      gatewayEndpoints: [{ id: 'vpce-1', vpcId: 'vpc-1', service: 'secretsmanager', type: 'Interface', privateDnsEnabled: true }],
      connections: [{ name: 'ext', connectionType: 'JDBC', secretId: 'creds', kafkaAuthentication: 'tls' }],
    }, 'facts.json');
    const model = buildModel([], facts);
    expect(model.gatewayEndpoints.get('vpce-1')).toMatchObject({ type: 'Interface', routeTableIds: [], privateDnsEnabled: { known: true, value: true } });
    expect(model.connections.get('facts/ext')).toMatchObject({ secretProperty: 'SECRET_ID', kafkaAuthentication: 'tls' });
  });

  test('a connection name made by a custom resource is "created by custom resource X"; no marker in any issue', () => {
    const model = modelOf({
      ...network,
      Namer: anyResource('Custom::Namer', { ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:n' }),
      Conn: glueConnection(getAtt('Namer', 'Name'), ref('Sub'), [], { JDBC_CONNECTION_URL: join('', ['jdbc:mysql://', getAtt('Namer', 'Host'), '/db']) }),
      Bad: anyResource('AWS::EC2::Subnet', { VpcId: getAtt('Namer', 'VpcId'), CidrBlock: join('', [getAtt('Namer', 'Block'), '/24']) }),
    });
    expect(model.connections.get('Stack/Conn')!.name).toEqual({ known: false, reason: 'created by custom resource Stack/Namer' });
    expect(JSON.stringify(model.issues)).not.toMatch(/\{\{(ref|unknown):/);
  });
});
