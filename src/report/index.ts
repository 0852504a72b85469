export * from './json';
export * from './text';
export * from './sarif';
export { displayName, jobDiagrams, jobToDot, jobToMermaid, toDot, toMermaid } from './diagram';
export type { DiagramOptions, JobDiagram } from './diagram';
export { DEFAULT_RULES_URL, toMarkdown } from './markdown';
export type { MarkdownOptions } from './markdown';
