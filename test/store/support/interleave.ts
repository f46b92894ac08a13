import { dynamoClient } from '../../../shared/adapters/aws-clients';

/**
 * Lets another writer in just before the next DynamoDB call of this command (`TransactWriteItemsCommand`, …)
 * leaves the service under test: the state it read is then out of date when its write arrives, exactly as when a
 * concurrent request lands between the read and the write. `action` runs once, on the real table, and may itself
 * call the store (it is not intercepted). Nothing is mocked: the write that follows meets the real conditions.
 */
export function beforeNext(commandName: string, action: () => Promise<unknown>): void {
  const name = `interleave-${commandName}-${Math.random()}`;
  let done = false;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (!done && context.commandName === commandName) {
        done = true;
        dynamoClient().middlewareStack.remove(name);
        await action();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
}
