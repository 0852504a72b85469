import { anyResource, getAtt, importValue, join, ref, stack, subnet, tpl, vpc } from './builders';
import { InputSet } from '../../src/ingest';

const db = anyResource('AWS::RDS::DBInstance', { Engine: 'mysql', Port: 3306 });

function evaluatorFor(template: any, env: Record<string, unknown> = {}, others: any[] = []) {
  const inputs = new InputSet([stack('Stack', template, env), ...others]);
  return inputs.evaluator('Stack');
}

describe('intrinsic evaluation', () => {
  const template = tpl({ Vpc: vpc('10.0.0.0/16'), Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a'), Db: db }, {
    Parameters: {
      WithDefault: { Type: 'String', Default: '10.9.0.0/16' },
      WithoutDefault: { Type: 'String' },
      Subnets: { Type: 'CommaDelimitedList', Default: 'subnet-1, subnet-2' },
      Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/aws/ami' },
    },
    Mappings: { Ports: { mysql: { port: 3306 } } },
    Conditions: { IsEast: { 'Fn::Equals': [ref('AWS::Region'), 'us-east-1'] }, Unknowable: { 'Fn::Equals': [ref('WithoutDefault'), 'x'] } },
  });
  const ev = evaluatorFor(template, { region: 'us-east-1', account: '111111111111' });

  test('Ref to a resource is a reference to its model id', () => {
    expect(ev.evaluate(ref('Vpc'))).toEqual({ kind: 'ref', modelId: 'Stack/Vpc' });
  });

  test('parameters: default, list, missing value, SSM-backed', () => {
    expect(ev.evaluate(ref('WithDefault'))).toBe('10.9.0.0/16');
    expect(ev.evaluate(ref('Subnets'))).toEqual(['subnet-1', 'subnet-2']);
    expect(ev.evaluate(ref('WithoutDefault'))).toEqual({ kind: 'unresolved', reason: expect.stringMatching(/Stack.*WithoutDefault.*no default/) });
    expect(ev.evaluate(ref('Ami'))).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('SSM parameter /aws/ami') });
  });

  test('parameters given by the caller win over defaults', () => {
    const given = evaluatorFor(template, {}, []);
    expect(given.evaluate(ref('WithDefault'))).toBe('10.9.0.0/16');
    const withValue = new InputSet([stack('Stack', template, { parameters: { WithoutDefault: 'given' } })]).evaluator('Stack');
    expect(withValue.evaluate(ref('WithoutDefault'))).toBe('given');
  });

  test('pseudo parameters', () => {
    expect(ev.evaluate(ref('AWS::Region'))).toBe('us-east-1');
    expect(ev.evaluate(ref('AWS::AccountId'))).toBe('111111111111');
    expect(ev.evaluate(ref('AWS::Partition'))).toBe('aws');
    expect(ev.evaluate(ref('AWS::URLSuffix'))).toBe('amazonaws.com');
    expect(ev.evaluate(ref('AWS::StackName'))).toBe('Stack');
    expect(evaluatorFor(template).evaluate(ref('AWS::Region'))).toMatchObject({ kind: 'unresolved' });
  });

  test('GetAtt of plain properties returns the property; others stay references', () => {
    expect(ev.evaluate(getAtt('Vpc', 'CidrBlock'))).toBe('10.0.0.0/16');
    expect(ev.evaluate(getAtt('Sub', 'AvailabilityZone'))).toBe('us-east-1a');
    expect(ev.evaluate(getAtt('Sub', 'VpcId'))).toEqual({ kind: 'ref', modelId: 'Stack/Vpc' });
    expect(ev.evaluate(getAtt('Vpc', 'DefaultSecurityGroup'))).toEqual({ kind: 'ref', modelId: 'Stack/Vpc#default-sg' });
    expect(ev.evaluate(getAtt('Vpc', 'DefaultNetworkAcl'))).toEqual({ kind: 'ref', modelId: 'Stack/Vpc#default-nacl' });
    expect(ev.evaluate(getAtt('Db', 'Endpoint.Port'))).toBe(3306);
    expect(ev.evaluate(getAtt('Db', 'Endpoint.Address'))).toEqual({ kind: 'ref', modelId: 'Stack/Db', attribute: 'Endpoint.Address' });
    expect(ev.evaluate({ 'Fn::GetAtt': 'Db.Endpoint.Address' })).toEqual({ kind: 'ref', modelId: 'Stack/Db', attribute: 'Endpoint.Address' });
  });

  test('Join keeps references and unknowns as markers', () => {
    const url = join('', ['jdbc:mysql://', getAtt('Db', 'Endpoint.Address'), ':', getAtt('Db', 'Endpoint.Port'), '/db']);
    expect(ev.evaluate(url)).toBe('jdbc:mysql://{{ref:Stack/Db:Endpoint.Address}}:3306/db');
    const s3 = evaluatorFor(template).evaluate(join('.', ['com.amazonaws', ref('AWS::Region'), 's3']));
    expect(s3).toMatch(/^com\.amazonaws\.\{\{unknown:.*Region.*\}\}\.s3$/);
  });

  test('Sub: resources, attributes, pseudo parameters, variable map, ${!literal}', () => {
    expect(ev.evaluate({ 'Fn::Sub': '${Vpc}/${Db.Endpoint.Address}/${AWS::Region}/${!Keep}' }))
      .toBe('{{ref:Stack/Vpc:}}/{{ref:Stack/Db:Endpoint.Address}}/us-east-1/${Keep}');
    expect(ev.evaluate({ 'Fn::Sub': ['${Host}:${Port}', { Host: 'h', Port: getAtt('Db', 'Endpoint.Port') }] })).toBe('h:3306');
  });

  test('Select, Split, FindInMap, If, Cidr, Base64', () => {
    expect(ev.evaluate({ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] })).toBe('b');
    expect(ev.evaluate({ 'Fn::FindInMap': ['Ports', 'mysql', 'port'] })).toBe(3306);
    expect(ev.evaluate({ 'Fn::If': ['IsEast', 'east', 'other'] })).toBe('east');
    expect(ev.evaluate({ 'Fn::If': ['Unknowable', 'a', 'b'] })).toMatchObject({ kind: 'unresolved' });
    expect(ev.evaluate({ 'Fn::Cidr': [getAtt('Vpc', 'CidrBlock'), 3, 8] })).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']);
    expect(ev.evaluate({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(ev.evaluate({ 'Fn::Select': [5, ['a']] })).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('out of range') });
  });

  test('Fn::Equals compares as CloudFormation does, as text: a YAML true or 5432 equals the parameter value "true" or "5432"', () => {
    // The shape of awslabs/aws-serverless-data-lake-framework's `RunInVpc: !Equals [!Ref pEnableVpc, true]`.
    const flags = tpl({}, {
      Parameters: { EnableVpc: { Type: 'String' }, Port: { Type: 'String' } },
      Conditions: { RunInVpc: { 'Fn::Equals': [ref('EnableVpc'), true] }, Postgres: { 'Fn::Equals': [ref('Port'), 5432] } },
    });
    const given = new InputSet([stack('Stack', flags, { parameters: { EnableVpc: 'true', Port: '5432' } })]).evaluator('Stack');
    expect(given.conditionValue({ Condition: 'RunInVpc' })).toBe(true);
    expect(given.conditionValue({ Condition: 'Postgres' })).toBe(true);
    const off = new InputSet([stack('Stack', flags, { parameters: { EnableVpc: 'false', Port: '3306' } })]).evaluator('Stack');
    expect(off.conditionValue({ Condition: 'RunInVpc' })).toBe(false);
    expect(off.conditionValue({ Condition: 'Postgres' })).toBe(false);
  });

  test('Fn::Equals of a template number or boolean and a text of the same value written otherwise ("4.0", "True") cannot be decided: the template\'s spelling is not kept', () => {
    // `!Equals [!Ref GlueVersion, 4.0]`: YAML reads 4.0 as the number 4, and CloudFormation compares text.
    const flags = tpl({}, {
      Parameters: { Version: { Type: 'String' }, Flag: { Type: 'String' } },
      Conditions: { Four: { 'Fn::Equals': [ref('Version'), 4] }, On: { 'Fn::Equals': [true, ref('Flag')] } },
    });
    const written = new InputSet([stack('Stack', flags, { parameters: { Version: '4.0', Flag: 'True' } })]).evaluator('Stack');
    expect(written.conditionValue({ Condition: 'Four' })).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('may be written "4.0"') });
    expect(written.conditionValue({ Condition: 'On' })).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('may be written "True"') });
    // Another value stays decided.
    const other = new InputSet([stack('Stack', flags, { parameters: { Version: '3.0', Flag: 'no' } })]).evaluator('Stack');
    expect(other.conditionValue({ Condition: 'Four' })).toBe(false);
    expect(other.conditionValue({ Condition: 'On' })).toBe(false);
  });

  test('Fn::Equals of a list, null or AWS::NoValue is not decided: CloudFormation refuses it ("every Fn::Equals object requires a list of 2 string parameters")', () => {
    const refused = tpl({}, {
      Parameters: { Names: { Type: 'CommaDelimitedList', Default: 'a,b' } },
      Conditions: {
        List: { 'Fn::Equals': [ref('Names'), ['a', 'b']] },
        Null: { 'Fn::Equals': [null, null] },
        NoValue: { 'Fn::Equals': [ref('AWS::NoValue'), ref('AWS::NoValue')] },
      },
    });
    const checked = new InputSet([stack('Stack', refused)]).evaluator('Stack');
    expect(checked.conditionValue({ Condition: 'List' })).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('compares a list, and CloudFormation refuses') });
    expect(checked.conditionValue({ Condition: 'Null' })).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('compares no value') });
    expect(checked.conditionValue({ Condition: 'NoValue' })).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('compares no value') });
  });

  test('GetAZs gives symbolic zones, not names: same index same zone, different index different zone', () => {
    const agnostic = evaluatorFor(template);
    const first = agnostic.evaluate({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] });
    expect(first).toEqual({ kind: 'zone', symbol: 'current-region-az1', list: 'current-region', index: 0 });
    expect(agnostic.evaluate({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] })).toEqual(first);
    expect(agnostic.evaluate({ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] })).toMatchObject({ symbol: 'current-region-az2' });
    expect(ev.evaluate({ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] })).toMatchObject({ symbol: 'us-east-1-az1', list: 'us-east-1' });
    // Inside a string the zone is unknown, with the reason, never a made-up name.
    expect(ev.evaluate({ 'Fn::Join': ['', ['x-', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }]] })).toMatch(/Fn::GetAZs: known only at deploy time/);
  });

  test('dangling Ref, unknown intrinsic and missing export are unresolved with a reason, never thrown', () => {
    expect(ev.evaluate(ref('Nope'))).toEqual({ kind: 'unresolved', reason: expect.stringMatching(/Stack.*Nope/) });
    expect(ev.evaluate(getAtt('Nope', 'Arn'))).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('Nope') });
    expect(ev.evaluate({ 'Fn::Transform': { Name: 'AWS::Include' } })).toEqual({ kind: 'unresolved', reason: expect.stringContaining('Fn::Transform') });
    expect(ev.evaluate(importValue('Missing-Export'))).toEqual({ kind: 'unresolved', reason: expect.stringContaining('Missing-Export') });
  });

  test('ImportValue evaluates the export in its own stack', () => {
    const network = stack('Network', tpl({ Vpc: vpc('10.1.0.0/16') }, {
      Outputs: { VpcOut: { Value: ref('Vpc'), Export: { Name: { 'Fn::Sub': '${AWS::StackName}-VpcId' } } } },
    }));
    const consumer = new InputSet([stack('App', tpl({}), {}), network]).evaluator('App');
    expect(consumer.evaluate(importValue('Network-VpcId'))).toEqual({ kind: 'ref', modelId: 'Network/Vpc' });
  });

  describe('exports are per account and Region (CloudFormation: no cross-stack references across Regions)', () => {
    const exporting = (stackName: string, cidr: string, env: { region?: string; account?: string }) => stack(stackName, tpl({ Vpc: vpc(cidr) }, {
      Outputs: { VpcOut: { Value: ref('Vpc'), Export: { Name: 'shared-vpc' } } },
    }), env);
    const importer = (env: { region?: string; account?: string }) => stack('App', tpl({}), env);

    test('an import in eu-west-1 of a name only a us-east-1 stack exports is unresolved (was: that stack\'s VPC)', () => {
      const set = new InputSet([importer({ region: 'eu-west-1', account: '1' }), exporting('Network', '10.1.0.0/16', { region: 'us-east-1', account: '1' })]);
      expect(set.evaluator('App').evaluate(importValue('shared-vpc'))).toEqual({
        kind: 'unresolved', reason: 'stack App: Fn::ImportValue shared-vpc: no loaded stack of its account and Region (1, eu-west-1) exports it',
      });
    });

    test('the same name exported in two Regions: each importer reads its own Region\'s (was: the last one read, for both)', () => {
      const east = exporting('East', '10.1.0.0/16', { region: 'us-east-1', account: '1' });
      const west = exporting('West', '10.2.0.0/16', { region: 'eu-west-1', account: '1' });
      const set = new InputSet([importer({ region: 'us-east-1', account: '1' }), east, west]);
      expect(set.evaluator('App').evaluate(importValue('shared-vpc'))).toEqual({ kind: 'ref', modelId: 'East/Vpc' });
      const agnostic = new InputSet([importer({}), east, west]);
      expect(agnostic.evaluator('App').evaluate(importValue('shared-vpc'))).toEqual({ kind: 'unresolved', reason: expect.stringContaining('stacks East, West all export it') });
    });
  });

  describe('Fn::GetStackOutput', () => {
    const producer = (env: { region?: string; account?: string }) => stack('Net', tpl({ Vpc: vpc('10.1.0.0/16') }, { Outputs: { VpcId: { Value: ref('Vpc') } } }), env);
    const get = (args: Record<string, unknown>) => ({ 'Fn::GetStackOutput': { StackName: 'Net', OutputName: 'VpcId', ...args } });

    test('reads the output of the stack of that name, in the Region given (no export needed); was: unsupported intrinsic', () => {
      const set = new InputSet([stack('App', tpl({}), { region: 'eu-west-1', account: '1' }), producer({ region: 'us-east-1', account: '1' })]);
      expect(set.evaluator('App').evaluate(get({ Region: 'us-east-1' }))).toEqual({ kind: 'ref', modelId: 'Net/Vpc' });
      // Without Region: the consumer's own, where no stack Net was read.
      expect(set.evaluator('App').evaluate(get({}))).toEqual({ kind: 'unresolved', reason: expect.stringContaining('Fn::GetStackOutput Net.VpcId: that stack is not loaded') });
    });

    test('another account (RoleArn) or an output the stack does not have: unresolved', () => {
      const set = new InputSet([stack('App', tpl({}), { region: 'us-east-1', account: '1' }), producer({ region: 'us-east-1', account: '1' })]);
      expect(set.evaluator('App').evaluate(get({ RoleArn: 'arn:aws:iam::222222222222:role/read' }))).toMatchObject({ kind: 'unresolved' });
      expect(set.evaluator('App').evaluate(get({ OutputName: 'Nope' }))).toEqual({ kind: 'unresolved', reason: expect.stringContaining('the stack has no output Nope') });
    });
  });

  test('circular references end as unresolved', () => {
    const loop = tpl({
      A: anyResource('AWS::EC2::Subnet', { CidrBlock: getAtt('B', 'CidrBlock') }),
      B: anyResource('AWS::EC2::Subnet', { CidrBlock: getAtt('A', 'CidrBlock') }),
    });
    expect(evaluatorFor(loop).evaluate(getAtt('A', 'CidrBlock'))).toMatchObject({ kind: 'unresolved' });
  });
});
