/**
 * Template sections are looked up by names the template chooses: a name that is also a member of
 * every JavaScript object (`constructor`, `toString`, `valueOf`, `__proto__`) names only what the
 * template itself defines, never Object.prototype's members. And an export whose output's
 * `Condition` is false does not exist: importing it resolves to nothing.
 */
import { anyResource, glueConnection, glueJob, importValue, ref, stack, subnet, tpl, vpc } from './builders';
import { buildModel, InputSet, isUnresolved } from '../../src/ingest';

/** Template JSON as the CLI reads it: JSON.parse makes `__proto__` an ordinary own key. */
const fromJson = (text: string) => JSON.parse(text);

function evaluate(template: any, value: unknown, env: Record<string, unknown> = {}): unknown {
  return new InputSet([stack('Stack', template, env)]).evaluator('Stack').evaluate(value);
}

const reasonOf = (value: unknown) => (isUnresolved(value) ? value.reason : `resolved to ${String(value)}`);

describe('names that are members of every object name only what the template defines', () => {
  const template = tpl({ Vpc: vpc('10.0.0.0/16') }, {
    Parameters: { Env: { Type: 'String', Default: 'prod' } },
    Mappings: { Ports: { mysql: { port: 3306 } } },
    Conditions: { IsProd: { 'Fn::Equals': [ref('Env'), 'prod'] } },
  });

  test.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('Ref %s, which the template does not define, is not a parameter or a resource', (name) => {
    expect(reasonOf(evaluate(template, { Ref: name }))).toMatch(`Ref to ${name}, which is neither a resource nor a parameter`);
  });

  test.each<[string, unknown[]]>([
    ['a map named constructor (Object.name.length)', ['constructor', 'name', 'length']],
    ['a map named __proto__', ['__proto__', 'constructor', 'name']],
    ['a key named toString in a real map', ['Ports', 'toString', 'name']],
    ['a second-level key named valueOf', ['Ports', 'mysql', 'valueOf']],
  ])('Fn::FindInMap of %s is not in Mappings', (_what, keys) => {
    expect(reasonOf(evaluate(template, { 'Fn::FindInMap': keys }))).toMatch('is not in Mappings');
  });

  test.each(['toString', 'constructor', '__proto__'])('a condition named %s that the template does not define is undefined, not decided', (name) => {
    expect(reasonOf(evaluate(template, { 'Fn::If': [name, 'a', 'b'] }))).toMatch(`condition ${name} is not defined`);
  });

  test('a parameter really named toString (a valid CloudFormation name) is read in Fn::Sub with a variables map', () => {
    const withToString = tpl({ Vpc: vpc('10.0.0.0/16') }, { Parameters: { toString: { Type: 'String', Default: 'etl' } } });
    expect(evaluate(withToString, { 'Fn::Sub': ['${toString}-${Suffix}', { Suffix: 'db' }] })).toBe('etl-db');
    expect(evaluate(withToString, { Ref: 'toString' })).toBe('etl');
  });

  test('a nested stack\'s parameter named valueOf that the parent does not pass takes its default', () => {
    const child = stack('Parent/Child', tpl({ Vpc: vpc('10.0.0.0/16') }, { Parameters: { valueOf: { Type: 'String', Default: 'from-default' } } }), { parameters: {} });
    expect(new InputSet([child]).evaluator('Parent/Child').evaluate({ Ref: 'valueOf' })).toBe('from-default');
  });

  test('a nested stack\'s output named constructor or __proto__ that it does not define is no output', () => {
    const parent = stack('Parent', tpl({ Child: anyResource('AWS::CloudFormation::Stack', { TemplateURL: 'child.json' }) }));
    const child = stack('Parent/Child', tpl({ Vpc: vpc('10.0.0.0/16') }, { Outputs: { VpcId: { Value: ref('Vpc') } } }));
    const evaluator = new InputSet([parent, child]).evaluator('Parent');
    for (const name of ['constructor', '__proto__']) {
      expect(reasonOf(evaluator.evaluate({ 'Fn::GetAtt': ['Child', `Outputs.${name}`] }))).toMatch(`nested stack Child has no output ${name}`);
    }
  });

  test('a property object with a __proto__ key does not lend its keys to the object around it', () => {
    // Without an own-key copy, `{"__proto__": {"SubnetId": ...}}` became the prototype of the
    // evaluated requirements, and the connection seemed to be in subnet-0evil.
    const hostile = fromJson(JSON.stringify(tpl({
      Vpc: vpc('10.0.0.0/16'),
      Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a'),
      Conn: anyResource('AWS::Glue::Connection', { CatalogId: '111111111111', ConnectionInput: { Name: 'net', ConnectionType: 'NETWORK', PhysicalConnectionRequirements: { SecurityGroupIdList: [] } } }),
      Job: glueJob([ref('Conn')]),
    })).replace('"PhysicalConnectionRequirements":{', '"PhysicalConnectionRequirements":{"__proto__":{"SubnetId":"subnet-0evil"},'));
    expect(Object.keys(hostile.Resources.Conn.Properties.ConnectionInput.PhysicalConnectionRequirements)).toContain('__proto__');
    const model = buildModel([stack('Stack', hostile, { region: 'us-east-1' })]);
    expect(model.connections.get('Stack/Conn')?.subnetId).toBeUndefined();
    expect(model.subnets.has('subnet-0evil')).toBe(false);
  });
});

describe('a resource type that is a member of every object is no type the reader knows', () => {
  // Such a type was taken for a VPN resource (`type in readers`), and its "reader" was
  // Object.prototype's member: an internal error for hasOwnProperty, valueOf or __proto__.
  test.each(['hasOwnProperty', 'valueOf', '__proto__', 'constructor', 'toString'])('a resource of type %s is skipped like any unread type', (type) => {
    const template = fromJson(JSON.stringify(tpl({ Vpc: vpc('10.0.0.0/16'), Odd: anyResource('PLACEHOLDER', {}) })).replace('"PLACEHOLDER"', JSON.stringify(type)));
    const model = buildModel([stack('Stack', template)]);
    expect(model.vpcs.has('Stack/Vpc')).toBe(true);
    expect(model.issues).toEqual([]);
  });
});

describe('Outputs whose Condition is false export nothing', () => {
  /** A network stack exporting its subnet under a condition, and an ETL stack importing it. */
  function importing(condition: unknown, given: Record<string, string> = {}) {
    const network = stack('Network', tpl({ Vpc: vpc('10.0.0.0/16'), Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a') }, {
      Parameters: { Share: { Type: 'String', AllowedValues: ['yes', 'no'], ...(condition === undefined ? {} : { Default: condition }) } },
      Conditions: { Shared: { 'Fn::Equals': [ref('Share'), 'yes'] } },
      Outputs: { SubnetOut: { Condition: 'Shared', Value: ref('Sub'), Export: { Name: 'shared-subnet' } } },
    }), { region: 'us-east-1', givenParameters: given });
    const etl = stack('Etl', tpl({}), { region: 'us-east-1' });
    return new InputSet([network, etl]).evaluator('Etl').evaluate(importValue('shared-subnet'));
  }

  test('condition true: the import resolves to the exported subnet', () => {
    expect(importing('yes')).toEqual({ kind: 'ref', modelId: 'Network/Sub' });
  });

  test('condition false: the import does not resolve, and says why', () => {
    expect(reasonOf(importing('no'))).toBe(
      'stack Etl: Fn::ImportValue shared-subnet: no stack exports it: output SubnetOut of stack Network, which exports shared-subnet, exists only if condition Shared holds, which is false');
  });

  test('condition undecidable: the import is unknown', () => {
    expect(reasonOf(importing(undefined))).toMatch(/output SubnetOut of stack Network, which exports shared-subnet, exists only if condition Shared holds, which cannot be decided \(stack Network: Fn::Equals .* depends on values known only at deploy time\)/);
  });

  test('the parameters given decide it', () => {
    expect(isUnresolved(importing(undefined, { Share: 'no' }))).toBe(true);
    expect(importing(undefined, { Share: 'yes' })).toEqual({ kind: 'ref', modelId: 'Network/Sub' });
  });

  test('a job\'s connection in a subnet imported from a false-condition output has no described subnet', () => {
    const network = stack('Network', tpl({ Vpc: vpc('10.0.0.0/16'), Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a') }, {
      Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
      Outputs: { SubnetOut: { Condition: 'Never', Value: ref('Sub'), Export: { Name: 'shared-subnet' } } },
    }), { region: 'us-east-1' });
    const etl = stack('Etl', tpl({ Conn: glueConnection('net', importValue('shared-subnet'), [], {}, 'NETWORK'), Job: glueJob([ref('Conn')]) }), { region: 'us-east-1' });
    const model = buildModel([network, etl]);
    const connection = model.connections.get('Etl/Conn')!;
    expect(connection.subnetId).not.toBe('Network/Sub');
    expect(model.issues.map((i) => i.message)).toContainEqual(expect.stringContaining('exists only if condition Never holds, which is false'));
  });

  test('a nested stack output whose condition is false does not resolve either', () => {
    const parent = stack('Parent', tpl({ Child: anyResource('AWS::CloudFormation::Stack', { TemplateURL: 'child.json' }) }));
    const child = stack('Parent/Child', tpl({ Vpc: vpc('10.0.0.0/16') }, {
      Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
      Outputs: { VpcId: { Condition: 'Never', Value: ref('Vpc') } },
    }));
    expect(reasonOf(new InputSet([parent, child]).evaluator('Parent').evaluate({ 'Fn::GetAtt': ['Child', 'Outputs.VpcId'] })))
      .toMatch('output VpcId of nested stack Child exists only if condition Never holds, which is false');
  });
});
