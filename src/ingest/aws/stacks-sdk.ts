import { CloudFormationClient, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { classify } from './sdk';
import { LIST_STACK_RESOURCES, listStacks, StackRead, stackResources, StackToList } from './stacks';

/**
 * `--from-aws --compare`: `ListStackResources` (paginated, read-only) for each template stack and
 * its nested stacks, with the SDK's credential chain, configuration and retries. A stack that
 * does not exist is `not-deployed`; any other failure leaves the stack `unread` (matched by name).
 */
export async function readStacks(stacks: readonly (string | StackToList)[], options: { region?: string; maxAttempts?: number } = {}): Promise<StackRead[]> {
  const client = new CloudFormationClient({ ...(options.region ? { region: options.region } : {}), maxAttempts: options.maxAttempts ?? 5 });
  let denied: string | undefined;
  try {
    return await listStacks(stacks, async (stack) => {
      // Access denied is the same for every stack: asked once.
      if (denied) throw new Error(denied);
      try {
        const summaries: unknown[] = [];
        for await (const page of paginateListStackResources({ client }, { StackName: stack })) summaries.push(...(page.StackResourceSummaries ?? []));
        return stackResources(summaries);
      } catch (e: any) {
        if (e?.name === 'ValidationError' && /does not exist/i.test(String(e?.message))) return 'not-deployed';
        const reason = classify(LIST_STACK_RESOURCES, e);
        if (reason.startsWith('access denied')) denied = reason;
        throw new Error(reason);
      }
    });
  } finally {
    client.destroy();
  }
}
