import { getAtt, ref, stack, subnet, tpl, vpc } from './builders';
import { buildModel, InputSet } from '../../src/ingest';

// The input set indexes each template's resources by logical id once (`entryOf`), and knows
// whether any template has a nested stack. A Ref is resolved through that index: it must find the
// resource of the evaluating template only, and only a resource that is an object.

describe('the resource index (Ref, Fn::GetAtt)', () => {
  const network = stack('Network', tpl({ Vpc: vpc('10.1.0.0/16'), Sub: subnet(ref('Vpc'), '10.1.0.0/24') }));
  const app = stack('App', tpl({ Vpc: vpc('10.2.0.0/16'), NotAResource: 'text' as any }));

  test('a Ref names the resource of its own template, by its model id', () => {
    const set = new InputSet([network, app]);
    expect(set.evaluator('App').evaluate(ref('Vpc'))).toEqual({ kind: 'ref', modelId: 'App/Vpc' });
    expect(set.evaluator('Network').evaluate(ref('Vpc'))).toEqual({ kind: 'ref', modelId: 'Network/Vpc' });
    expect(set.evaluator('Network').evaluate(getAtt('Sub', 'VpcId'))).toEqual({ kind: 'ref', modelId: 'Network/Vpc' });
  });

  test('the model id of a reference is the string the model keys the resource by', () => {
    const set = new InputSet([network, app]);
    const evaluated = set.evaluator('App').evaluate(ref('Vpc')) as { modelId: string };
    expect(evaluated.modelId).toBe(set.modelId(app, 'Vpc'));
    expect(set.entryOf(app, 'Vpc')?.modelId).toBe(evaluated.modelId);
  });

  test('a Ref to a logical id of another template, or to an entry that is not an object, is not a resource', () => {
    const set = new InputSet([network, app]);
    expect(set.evaluator('App').evaluate(ref('Sub'))).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('neither a resource nor a parameter') });
    expect(set.evaluator('App').evaluate(ref('NotAResource'))).toMatchObject({ kind: 'unresolved' });
    expect(set.entryOf(app, 'NotAResource')).toBeUndefined();
    expect(set.entryOf(app, 'Sub')).toBeUndefined();
  });

  test('names Object.prototype gives are not resources', () => {
    const set = new InputSet([app]);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(set.evaluator('App').evaluate(ref(name))).toMatchObject({ kind: 'unresolved' });
    }
  });

  test('a template read as Ref targets resources it defines under such names', () => {
    const hostile = stack('Hostile', JSON.parse('{"Resources": {"__proto__": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.3.0.0/16"}}}}'));
    const set = new InputSet([hostile]);
    expect(set.evaluator('Hostile').evaluate(ref('__proto__'))).toEqual({ kind: 'ref', modelId: 'Hostile/__proto__' });
  });
});

describe('a reference to a nested stack itself', () => {
  test('is known to be one only when a template has a nested stack resource', () => {
    expect(new InputSet([stack('App', tpl({ Vpc: vpc('10.2.0.0/16') }))]).hasNestedStacks).toBe(false);
    const parent = stack('Parent', tpl({ Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json' } } }));
    expect(new InputSet([stack('App', tpl({})), parent]).hasNestedStacks).toBe(true);
  });

  test('a subnet id that is a nested stack is not a subnet', () => {
    const parent = stack('Parent', tpl({
      Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'child.json' } },
      Table: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('Child'), RouteTableId: 'rtb-1' } },
    }));
    const model = buildModel([parent]);
    expect(model.issues.map((i) => i.message)).toContainEqual(expect.stringContaining('refers to nested stack Parent/Child itself'));
  });
});
