import { readFileSync } from 'fs';
import { join } from 'path';
import { seedPlan } from './report-fixtures';
import { jobToMermaid } from '../../src/report';

const root = join(__dirname, '..', '..');

/** The first ```mermaid block of a Markdown file, without its fences. */
function firstMermaidBlock(file: string): string {
  const text = readFileSync(join(root, file), 'utf8');
  const match = /```mermaid\n([\s\S]*?)```/.exec(text);
  if (!match) throw new Error(`${file} has no mermaid block`);
  return match[1];
}

describe('the diagrams shown in the documentation are what the code draws today', () => {
  // The seed's three unpeered VPCs, without the AZ what-if (docs/seed-blocked.svg has it).
  const drawn = jobToMermaid(seedPlan(false), 'etl', { failover: false });

  test.each(['README.md', 'docs/reports.md'])('%s', (file) => {
    expect(firstMermaidBlock(file)).toBe(drawn);
  });
});
