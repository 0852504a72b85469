/**
 * A path's explanations: the blocking ones first, the unknowns after, each group in the order the
 * hops gave them (tracePath sorts them only when an unknown comes before a blocking one).
 */
import { Explanation } from '../../src/engine';
import { partitioned } from '../../src/engine/path';

const e = (code: string, unknown?: boolean): Explanation => ({ code, component: 'x', message: code, fix: '', ...unknown !== undefined ? { unknown } : {} });

describe('explanations in order: blocking first, unknowns after', () => {
  test('blocking ones, then unknowns: in order already', () => {
    expect(partitioned([e('A'), e('B', false), e('C', true), e('D', true)])).toBe(true);
    expect(partitioned([e('C', true)])).toBe(true);
    expect(partitioned([])).toBe(true);
  });

  test('an unknown before a blocking one: to be sorted', () => {
    expect(partitioned([e('C', true), e('A')])).toBe(false);
    expect(partitioned([e('A'), e('C', true), e('B', false), e('D', true)])).toBe(false);
  });
});
