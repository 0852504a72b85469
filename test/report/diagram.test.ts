import { multiJobPlan, seedPlan } from './report-fixtures';
import { Plan } from '../../src/engine';
import { jobDiagrams, jobToDot, jobToMermaid, toDot, toMermaid } from '../../src/report';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { instance } = require('@viz-js/viz');

const GREEN = '#2e7d32';
const RED = '#c62828';

interface MermaidNode { id: string; label: string; subgraph?: string }
interface MermaidEdge { from: string; to: string; arrow: string; label: string; colour: string }

/** Reads back what the diagram says: nodes with their subgraph, subgraph labels, edges with their linkStyle colour. */
function readMermaid(text: string) {
  const nodes = new Map<string, MermaidNode>();
  const subgraphs = new Map<string, { label: string; parent?: string }>();
  const edges: MermaidEdge[] = [];
  const colours: string[] = [];
  const stack: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^subgraph (\w+)\["(.*)"\]$/.exec(line))) {
      subgraphs.set(m[1], { label: m[2], parent: stack[stack.length - 1] });
      stack.push(m[1]);
    } else if (line === 'end') {
      stack.pop();
    } else if ((m = /^(\w+) (-->|--x|-\.->|-\.-x)(?:\|"(.*)"\|)? (\w+)$/.exec(line))) {
      edges.push({ from: m[1], arrow: m[2], label: m[3] ?? '', to: m[4], colour: '' });
    } else if ((m = /^linkStyle (\d+) stroke:(#[0-9a-f]{6})/.exec(line))) {
      colours[Number(m[1])] = m[2];
    } else if ((m = /^(\w+)[([{]+"(.*)"[)\]}]+$/.exec(line))) {
      nodes.set(m[1], { id: m[1], label: m[2], subgraph: stack[stack.length - 1] });
    }
  }
  edges.forEach((e, i) => { e.colour = colours[i]; });
  const find = (pattern: RegExp) => {
    const found = [...nodes.values()].filter((n) => pattern.test(n.label));
    if (found.length !== 1) throw new Error(`expected one node matching ${pattern}, found ${found.length}`);
    return found[0];
  };
  /** The VPC subgraph a node is drawn in (its own subgraph or that subgraph's parent). */
  const vpcOf = (node: MermaidNode) => {
    let id = node.subgraph;
    while (id && !subgraphs.get(id)!.label.startsWith('VPC ')) id = subgraphs.get(id)!.parent;
    return id ? subgraphs.get(id)!.label : undefined;
  };
  return { nodes, subgraphs, edges, find, vpcOf };
}

describe('Mermaid diagram, seed case blocked (no peering)', () => {
  const plan = seedPlan(false);
  const text = jobToMermaid(plan, 'etl');
  const d = readMermaid(text);

  test('is a left-to-right flowchart with one subgraph per VPC, labelled with its CIDR', () => {
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    const vpcLabels = [...d.subgraphs.values()].map((s) => s.label).filter((l) => l.startsWith('VPC'));
    expect(vpcLabels).toEqual(['VPC vpcA<br/>10.1.0.0/16', 'VPC vpcB<br/>10.2.0.0/16', 'VPC vpcC<br/>10.3.0.0/16']);
  });

  test('the Glue ENI sits in VPC A, in the selected subnet, with the other candidates where their subnets are', () => {
    const eni = d.find(/^Glue ENIs<br\/>connection redshift \(#35;1, selected\)/);
    expect(d.vpcOf(eni)).toMatch(/^VPC vpcA/);
    expect(eni.label).toContain('in subnet subA · 10.1.1.0/24 · us-east-1a');
    const mysql = d.find(/^connection mysql \(#35;2\)<br\/>not considered/);
    expect(d.vpcOf(mysql)).toMatch(/^VPC vpcB/);
  });

  test('each store is a cylinder in its VPC, with its verdict', () => {
    expect(text).toMatch(/\w+\[\("data store of mysql<br\/>TCP 3306: UNREACHABLE/);
    expect(d.vpcOf(d.find(/^data store of mysql/))).toMatch(/^VPC vpcB/);
    expect(d.vpcOf(d.find(/^data store of redshift/))).toMatch(/^VPC vpcA/);
  });

  test('the path is green up to the route table that blocks it, in VPC A, labelled DISCONNECTED_VPCS, and red after it', () => {
    const eni = d.find(/^Glue ENIs<br/);
    const blocker = d.find(/^BLOCKED: DISCONNECTED_VPCS<br\/>route table subA-rt</);
    expect(d.vpcOf(blocker)).toMatch(/^VPC vpcA/);
    const into = d.edges.filter((e) => e.from === eni.id && e.to === blocker.id);
    expect(into).toHaveLength(1);
    expect(into[0]).toMatchObject({ arrow: '-->', colour: GREEN, label: 'TCP 3306<br/>TCP 5432' });
    const out = d.edges.filter((e) => e.from === blocker.id);
    expect(out.length).toBe(2);
    for (const e of out) expect(e).toMatchObject({ arrow: '--x', colour: RED });
    // Every setting that must change is on the way: the store's group and the route back.
    const sgB = d.find(/^BLOCKED: ENI_SG_RULES_MISMATCH<br\/>security group sgB/);
    expect(d.vpcOf(sgB)).toMatch(/^VPC vpcB/);
    const back = d.find(/^BLOCKED: DISCONNECTED_VPCS<br\/>route table subB-rt \(replies\)/);
    const store = d.find(/^data store of mysql/);
    expect(d.edges).toContainEqual(expect.objectContaining({ from: back.id, to: store.id, arrow: '--x', colour: RED }));
  });

  test('the reachable store in the ENI subnet gets a single green edge', () => {
    const eni = d.find(/^Glue ENIs<br/);
    const redshift = d.find(/^data store of redshift/);
    expect(d.edges.filter((e) => e.to === redshift.id && e.from === eni.id)).toEqual([expect.objectContaining({ arrow: '-->', colour: GREEN, label: 'TCP 5439' })]);
  });

  test('the single-AZ what-if is a separate ENI node with dotted edges', () => {
    const failover = d.find(/^Glue ENIs if us-east-1a fails/);
    expect(d.vpcOf(failover)).toMatch(/^VPC vpcB/);
    const edges = d.edges.filter((e) => e.from === failover.id);
    expect(edges.map((e) => e.arrow).sort()).toEqual(['-.->', '-.-x', '-.-x']);
    expect(failover.label).toContain('cannot reach redshift, postgres');
    expect(jobToMermaid(plan, 'etl', { failover: false })).not.toContain('if us-east-1a fails');
  });

  test('ids are safe and every linkStyle index matches an edge', () => {
    expect([...d.nodes.keys()].every((id) => /^n\d+$/.test(id))).toBe(true);
    expect([...d.subgraphs.keys()].every((id) => /^(vpc|sn)\d+$/.test(id))).toBe(true);
    expect(d.edges.every((e) => e.colour)).toBe(true);
    expect(text.match(/^ {2}linkStyle /gm)).toHaveLength(d.edges.length);
  });
});

describe('Mermaid diagram, seed case fixed (peered)', () => {
  const plan = seedPlan(true);
  const d = readMermaid(jobToMermaid(plan, 'etl', { failover: false }));

  test('no blocked hop, every edge green, the paths go through the peerings', () => {
    expect([...d.nodes.values()].filter((n) => n.label.startsWith('BLOCKED'))).toEqual([]);
    expect(d.edges.every((e) => e.colour === GREEN && e.arrow === '-->')).toBe(true);
    const pcx = d.find(/^VPC peering pcxAB$/);
    const eni = d.find(/^Glue ENIs<br/);
    const mysql = d.find(/^data store of mysql/);
    expect(d.edges).toContainEqual(expect.objectContaining({ from: eni.id, to: pcx.id, label: 'TCP 3306' }));
    expect(d.edges).toContainEqual(expect.objectContaining({ from: pcx.id, to: mysql.id }));
    expect(pcx.subgraph).toBeUndefined();
  });
});

describe('labels are escaped for Mermaid and DOT', () => {
  test('quotes, #, <, > and | in names become entity codes; DOT escapes quotes and backslashes', () => {
    const plan = seedPlan(false);
    const job = plan.jobs[0];
    const weird: Plan = {
      ...plan,
      jobs: [{ ...job, name: 'etl "nightly" #1 <a|b> \\x', selectedConnection: { ...job.selectedConnection!, name: 'red"shift|<x>' }, candidates: job.candidates.map((c, i) => (i === 0 ? { ...c, connection: { ...c.connection, name: 'red"shift|<x>' } } : c)) }],
    };
    const mermaid = jobToMermaid(weird, 'etl');
    expect(mermaid).toContain('connection red#34;shift#124;#60;x#62; (#35;1, selected)');
    for (const line of mermaid.split('\n').filter((l) => /^\s*n\d+[([{]/.test(l))) {
      // One quoted label per node line: no stray quote inside it.
      expect(line.match(/"/g)).toHaveLength(2);
    }
    const dot = jobToDot(weird, 'etl');
    expect(dot).toContain('digraph "etl \\"nightly\\" #1 <a|b> \\\\x" {');
    expect(dot).toContain('connection red\\"shift|<x> (#1, selected)');
  });
});

describe('one diagram per job, never a hairball (multi-job, multi-stack app)', () => {
  const plan = multiJobPlan();

  test('each job draws only the VPCs its connections and paths touch', () => {
    const diagrams = jobDiagrams(plan);
    expect(diagrams.map((d) => [d.jobName, d.title])).toEqual([['etl', 'Glue job etl (Etl/etl)'], ['report', 'Glue job report (Etl/report)']]);
    const report = readMermaid(diagrams[1].mermaid);
    expect([...report.subgraphs.values()].map((s) => s.label)).toEqual(['VPC NetworkC/vpcC<br/>10.3.0.0/16']);
    expect(report.edges.every((e) => e.colour === GREEN)).toBe(true);
    // Construct paths name the elements: the stack is in every label.
    expect(diagrams[0].mermaid).toContain('route table NetworkA/subA-rt');
  });

  test('toMermaid fences each job separately; toDot writes one digraph per job', () => {
    const md = toMermaid(plan);
    expect(md.match(/^```mermaid$/gm)).toHaveLength(2);
    expect(md).toContain('**Glue job report (Etl/report)**');
    const dot = toDot(plan);
    expect(dot.match(/^digraph /gm)).toHaveLength(2);
  });
});

// ------------------------------------------------------------------ real rendering with Graphviz

interface Box { minX: number; maxX: number; minY: number; maxY: number }

function numbersToBox(text: string): Box {
  const nums = (text.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);
  const xs = nums.filter((_, i) => i % 2 === 0);
  const ys = nums.filter((_, i) => i % 2 === 1);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}

/** The groups of an SVG Graphviz wrote, by title: their shape's bounds, stroke and texts. */
function readSvg(svg: string) {
  const groups = new Map<string, { cls: string; box: Box; stroke: string[]; texts: string[] }>();
  const re = /<g id="[^"]*" class="(node|cluster|edge)">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg))) {
    const body = m[3];
    const shape = /(?:points|d)="([^"]+)"/.exec(body)?.[1] ?? '';
    const texts = [...body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1].replace(/&#45;/g, '-').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
    const stroke = [...body.matchAll(/stroke="([^"]+)"/g)].map((s) => s[1]);
    groups.set(m[2].replace(/&#45;/g, '-').replace(/&gt;/g, '>'), { cls: m[1], box: numbersToBox(shape), stroke, texts });
  }
  return groups;
}

function inside(inner: Box, outer: Box): boolean {
  return inner.minX >= outer.minX && inner.maxX <= outer.maxX && inner.minY >= outer.minY && inner.maxY <= outer.maxY;
}

describe('DOT rendered by Graphviz (viz.js, wasm)', () => {
  let viz: { renderString(dot: string, options: { format: string }): string };
  beforeAll(async () => { viz = await instance(); });

  test('seed blocked: the ENI inside VPC A, the stores in their VPCs, a red edge after the blocking route table', () => {
    const plan = seedPlan(false);
    const dot = jobToDot(plan, 'etl');
    const svg = viz.renderString(dot, { format: 'svg' });
    const g = readSvg(svg);
    const byText = (pattern: RegExp) => [...g.entries()].filter(([, v]) => v.cls === 'node' && v.texts.some((t) => pattern.test(t)));
    const cluster = (pattern: RegExp) => [...g.values()].find((v) => v.cls === 'cluster' && v.texts.some((t) => pattern.test(t)))!;

    const vpcA = cluster(/^VPC vpcA$/);
    const vpcB = cluster(/^VPC vpcB$/);
    expect(vpcA.texts).toContain('10.1.0.0/16');
    const [[eniId, eni]] = byText(/^Glue ENIs$/);
    expect(inside(eni.box, vpcA.box)).toBe(true);
    expect(inside(eni.box, cluster(/^subnet subA$/).box)).toBe(true);
    const [[, mysql]] = byText(/^data store of mysql$/);
    expect(inside(mysql.box, vpcB.box)).toBe(true);
    expect(inside(mysql.box, vpcA.box)).toBe(false);
    const [[blockerId, blocker]] = byText(/^BLOCKED: DISCONNECTED_VPCS$/).filter(([, v]) => v.texts.includes('route table subA-rt'));
    expect(inside(blocker.box, vpcA.box)).toBe(true);
    expect(blocker.stroke).toContain(RED);

    const edgeInto = g.get(`${eniId}->${blockerId}`)!;
    expect(edgeInto.stroke).toContain(GREEN);
    const edgesOut = [...g.entries()].filter(([k, v]) => v.cls === 'edge' && k.startsWith(`${blockerId}->`));
    expect(edgesOut).toHaveLength(2);
    for (const [, e] of edgesOut) expect(e.stroke).toContain(RED);
    // Left to right: the packet leaves the ENI, meets the blocker, then the far side.
    expect(eni.box.maxX).toBeLessThan(blocker.box.minX);
    expect(blocker.box.maxX).toBeLessThan(mysql.box.minX);
  });

  test('seed fixed: peerings drawn between the VPCs, no red anywhere on the main paths', () => {
    const svg = viz.renderString(jobToDot(seedPlan(true), 'etl', { failover: false }), { format: 'svg' });
    const g = readSvg(svg);
    const edges = [...g.values()].filter((v) => v.cls === 'edge');
    expect(edges.length).toBe(5);
    expect(edges.every((e) => e.stroke.includes(GREEN))).toBe(true);
    const pcx = [...g.values()].find((v) => v.cls === 'node' && v.texts.includes('VPC peering pcxAB'))!;
    const vpcs = [...g.values()].filter((v) => v.cls === 'cluster' && v.texts.some((t) => t.startsWith('VPC ')));
    expect(vpcs).toHaveLength(3);
    expect(vpcs.some((c) => inside(pcx.box, c.box))).toBe(false);
  });

  test('every job of a multi-stack app renders on its own', () => {
    const plan = multiJobPlan();
    for (const job of plan.jobs) {
      const svg = viz.renderString(jobToDot(plan, job), { format: 'svg' });
      expect(svg).toContain(`Glue job ${job.name} (Etl/${job.id})`);
      expect(svg).toContain('VPC NetworkC/vpcC');
    }
  });
});
