import { CfnElement, IResolveContext, Tokenization } from 'aws-cdk-lib';

/**
 * An element's logical ID, without a full token resolution of the stack (a third of the cost):
 * the ID is a lazy token whose producer gives the override, if any, or the stack's allocation.
 */
export function logicalIdOf(element: CfnElement): string {
  const token = Tokenization.reverseString(element.logicalId).firstToken;
  if (!token) return element.logicalId;
  const context: IResolveContext = {
    scope: element,
    preparing: false,
    documentPath: [],
    registerPostProcessor: () => undefined,
    resolve: (x: any) => element.stack.resolve(x),
  };
  const id = token.resolve(context);
  return typeof id === 'string' ? id : element.stack.resolve(element.logicalId);
}
