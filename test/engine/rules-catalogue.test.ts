import { readFileSync } from 'fs';
import { join } from 'path';
import { ALL_RULES } from '../../src/engine';

describe('rule catalogue', () => {
  const rulesMd = readFileSync(join(__dirname, '..', '..', 'RULES.md'), 'utf8');

  test.each(ALL_RULES.map((r) => [r.id, r.severity]))('%s is documented in RULES.md with severity %s', (id, severity) => {
    const row = rulesMd.split('\n').find((line) => line.includes(`\`${id}\``));
    expect(row).toBeDefined();
    expect(row).toContain(`| ${severity} |`);
  });

  test('rule ids are unique and well-formed', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^GNP-[A-Z0-9-]+$/);
  });
});
