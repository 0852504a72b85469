import { importValue, ref, stack, tpl, vpc } from './builders';
import { InputSet } from '../../src/ingest';

// Fn::ImportValue evaluates each export once per InputSet and reuses the value. The nesting limit
// (circular references) makes the value depend on how deep the import is evaluated: a reused
// value must be what evaluating it again, at that depth, would give.

/** `value` wrapped in `levels` nested Fn::Select, each one nesting level deeper. */
function nested(value: unknown, levels: number): unknown {
  let wrapped = value;
  for (let i = 0; i < levels; i++) wrapped = { 'Fn::Select': [0, [wrapped]] };
  return wrapped;
}

function inputs(): InputSet {
  const network = stack('Network', tpl({ Vpc: vpc('10.1.0.0/16') }, {
    Outputs: {
      Shallow: { Value: ref('Vpc'), Export: { Name: 'Network-Shallow' } },
      Deep: { Value: nested(ref('Vpc'), 12), Export: { Name: 'Network-Deep' } },
      Chained: { Value: nested(importValue('Network-Deep'), 5), Export: { Name: 'Network-Chained' } },
      Loop: { Value: importValue('Network-Loop'), Export: { Name: 'Network-Loop' } },
    },
  }));
  return new InputSet([stack('App', tpl({}), {}), network]);
}

describe('Fn::ImportValue reuse', () => {
  const exports = ['Network-Shallow', 'Network-Deep', 'Network-Chained', 'Network-Loop'];

  test.each(exports)('%s: the same value at every depth, whichever depth is evaluated first', (name) => {
    for (let depth = 0; depth <= 100; depth += 1) {
      const expression = nested(importValue(name), depth);
      const fresh = inputs().evaluator('App').evaluate(expression);
      const shallowFirst = inputs();
      shallowFirst.evaluator('App').evaluate(importValue(name));
      const deepFirst = inputs();
      deepFirst.evaluator('App').evaluate(nested(importValue(name), 100));
      expect(shallowFirst.evaluator('App').evaluate(expression)).toEqual(fresh);
      expect(deepFirst.evaluator('App').evaluate(expression)).toEqual(fresh);
    }
  });

  test('a reused value is the evaluated export', () => {
    const set = inputs();
    const app = set.evaluator('App');
    expect(app.evaluate(importValue('Network-Deep'))).toEqual({ kind: 'ref', modelId: 'Network/Vpc' });
    expect(app.evaluate(importValue('Network-Deep'))).toEqual({ kind: 'ref', modelId: 'Network/Vpc' });
    expect(app.evaluate(importValue('Network-Chained'))).toEqual({ kind: 'ref', modelId: 'Network/Vpc' });
    expect(app.evaluate(importValue('Network-Loop'))).toMatchObject({ kind: 'unresolved' });
  });
});
