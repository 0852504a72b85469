import { MessagePort, receiveMessageOnPort } from 'worker_threads';
import type { IPolicyValidationContext } from 'aws-cdk-lib';
import { CheckQuestion, CheckRequest, MainMessage, requestFacts, runCheck, SLOT, WorkerMessage } from './check-protocol';
import { WrittenPlanFile, writePlanFiles } from './plan-files';
import type { Plan } from '../../engine';
import { writeJson } from '../../report';

/*
 * The check's worker thread (started by check-in-worker.ts): it waits for one check, runs it with
 * a heap of its own, writes the guard's plan file and Markdown report, and sends back the report.
 * What only the construct tree knows (nested stacks' files, construct paths) it asks CDK's thread,
 * which waits for it meanwhile. Nothing here loads aws-cdk-lib.
 */

export interface WorkerData {
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/** Serves one check, then returns (the worker ends). */
export function serve(data: WorkerData): void {
  const message = receive(data) as MainMessage;
  if (message.kind !== 'check') throw new Error(`the check's worker got ${message.kind} before a check`);
  const request: CheckRequest = message.request;
  let planFile: WrittenPlanFile | undefined;
  let planJson: string | undefined;
  let deferred: Plan | undefined;
  // No construct tree in this thread: what the check needs of it is asked of CDK's thread.
  const context = { templatePaths: request.templatePaths, stackTemplates: request.stackTemplates, appConstruct: undefined } as unknown as IPolicyValidationContext;
  const report = runCheck(context, request, {
    facts: () => requestFacts(request),
    nestedTemplates: () => new Map(ask(data, { kind: 'nested-templates' }) as [string, string][]),
    constructPaths: (files) => ask(data, { kind: 'construct-paths', files }) as Record<string, Record<string, string>>,
    onPlan: (plan) => {
      if (request.files && request.deferFiles) {
        // Written once the report is sent: the plan file names no finding CDK reports, so nothing
        // in the report waits for it (a plan file is only written when it has a name).
        deferred = plan;
        if (request.files.planFileName !== '' || !request.keepPlan) return;
      } else {
        planFile = request.files ? writePlanFiles(plan, request.files) : undefined;
      }
      if (!planFile && request.keepPlan) {
        const chunks: string[] = [];
        writeJson(plan, (chunk) => { chunks.push(chunk); });
        planJson = chunks.join('');
      }
    },
  });
  send(data, { kind: 'done', report, planFile, planJson, filesPending: deferred !== undefined });
  if (deferred === undefined || !request.files) return;
  let files: Extract<WorkerMessage, { kind: 'files' }>;
  try {
    files = { kind: 'files', planFile: writePlanFiles(deferred, request.files) };
  } catch (e) {
    files = { kind: 'files', error: (e as Error)?.message ?? String(e) };
  }
  data.port.postMessage(files);
  Atomics.store(data.state, SLOT.FILES, 1);
  Atomics.notify(data.state, SLOT.FILES);
}

/** Asks CDK's thread, and waits for the answer. */
function ask(data: WorkerData, question: CheckQuestion): unknown {
  send(data, { kind: 'question', question });
  const answer = receive(data) as MainMessage;
  if (answer.kind !== 'answer') throw new Error(`the check's worker got ${answer.kind} for an answer`);
  if (answer.error !== undefined) throw new Error(answer.error);
  return answer.answer;
}

export function send(data: WorkerData, message: WorkerMessage): void {
  data.port.postMessage(message);
  Atomics.store(data.state, SLOT.MAIN, 1);
  Atomics.notify(data.state, SLOT.MAIN);
}

/** The next message from CDK's thread: it posts it, then sets the worker's slot. */
function receive(data: WorkerData): unknown {
  for (;;) {
    const received = receiveMessageOnPort(data.port);
    if (received) return received.message;
    Atomics.wait(data.state, SLOT.WORKER, 0);
    Atomics.store(data.state, SLOT.WORKER, 0);
  }
}
