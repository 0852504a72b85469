/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and ranks self time by function and by file,
 * over the whole profile or only under a frame (the guard's `visit`), so the guard's cost is not
 * lost in the rest of synth.
 */
import * as fs from 'fs';
import * as path from 'path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Self time of one function or file, in ms and as a share of the scope's total. */
export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  /** Wall time the profile covers, ms. */
  readonly totalMs: number;
  /** Time sampled under the scope frame (the whole profile when no scope), ms. */
  readonly scopeMs: number;
  readonly byFunction: SelfTime[];
  readonly byFile: SelfTime[];
  /** Inclusive time under each phase frame (the innermost phase on the stack wins); `(other)` for the rest. */
  readonly byPhase: SelfTime[];
}

/** A phase of the work: a function, by name and the end of its file's path. */
export interface Phase {
  readonly name: string;
  readonly functionName: string;
  readonly file: string;
}

/** A file name relative to the repository, or the last path segments of a dependency. */
function shortFile(url: string, root: string): string {
  if (!url) return '(native)';
  const file = url.startsWith('file://') ? url.slice('file://'.length) : url;
  if (file.startsWith(root)) {
    const rel = path.relative(root, file);
    const nm = rel.lastIndexOf('node_modules/');
    return nm >= 0 ? rel.slice(nm + 'node_modules/'.length) : rel;
  }
  return file;
}

/**
 * @param scope a predicate on call frames: only samples with such a frame on their stack count
 *   (the outermost match is the scope root); undefined for the whole profile
 */
export function summarizeProfile(file: string, root: string, scope?: (frame: ProfileNode['callFrame']) => boolean, top = 15, phases: Phase[] = []): ProfileSummary {
  const profile: CpuProfile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inScope = new Map<number, boolean>();
  const isInScope = (id: number): boolean => {
    const cached = inScope.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const result = (scope ? scope(node.callFrame) : true) || (up !== undefined && isInScope(up));
    inScope.set(id, result);
    return result;
  };
  const phaseOf = new Map<number, string>();
  const phaseOfNode = (id: number): string => {
    const cached = phaseOf.get(id);
    if (cached !== undefined) return cached;
    const frame = byId.get(id)!.callFrame;
    const own = phases.find((p) => p.functionName === frame.functionName && frame.url.endsWith(p.file));
    const up = parent.get(id);
    const result = own ? own.name : up !== undefined ? phaseOfNode(up) : '(other)';
    phaseOf.set(id, result);
    return result;
  };
  const phaseTime = new Map<string, number>();
  const fnTime = new Map<string, number>();
  const fileTime = new Map<string, number>();
  let scopeUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    // timeDeltas[i] is the time before sample i; the sample's own duration is the next delta.
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (!isInScope(id)) continue;
    const frame = byId.get(id)!.callFrame;
    const fileName = shortFile(frame.url, root);
    const fnName = `${frame.functionName || '(anonymous)'} ${fileName}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    fnTime.set(fnName, (fnTime.get(fnName) ?? 0) + us);
    fileTime.set(fileName, (fileTime.get(fileName) ?? 0) + us);
    if (phases.length) phaseTime.set(phaseOfNode(id), (phaseTime.get(phaseOfNode(id)) ?? 0) + us);
    scopeUs += us;
  }
  const rank = (m: Map<string, number>): SelfTime[] => [...m.entries()]
    .sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, share: scopeUs ? us / scopeUs : 0 }));
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    scopeMs: scopeUs / 1000,
    byFunction: rank(fnTime),
    byFile: rank(fileTime),
    byPhase: rank(phaseTime),
  };
}

export function formatSummary(title: string, summary: ProfileSummary): string {
  const lines = [`${title}: ${summary.scopeMs.toFixed(0)} ms sampled (profile covers ${summary.totalMs.toFixed(0)} ms)`];
  const section = (heading: string, items: SelfTime[]) => {
    if (!items.length) return;
    lines.push(`  ${heading}:`);
    for (const f of items) lines.push(`    ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
  };
  section('inclusive time by phase', summary.byPhase);
  section('self time by function', summary.byFunction);
  section('self time by file', summary.byFile);
  return lines.join('\n');
}

