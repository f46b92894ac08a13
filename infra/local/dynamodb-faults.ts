import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../shared/adapters/aws-clients';

/**
 * DynamoDB Local serialises transactions and never reports `TransactionConflict`, which DynamoDB does whenever two
 * transactions touch one item at once. For tests only: makes a share of this process's TransactWriteItems calls fail
 * as DynamoDB would (cancelled, reason TransactionConflict on every item, nothing written), so the code paths that
 * retry or report conflicts run against the emulator. Returns a function that counts what was injected.
 */
export function injectTransactionConflicts(rate: number, random: () => number = Math.random): () => number {
  let injected = 0;
  dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TransactItems?: unknown[] };
      if (context.commandName === 'TransactWriteItemsCommand' && random() < rate) {
        injected++;
        throw new TransactionCanceledException({
          message:
            'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: (input.TransactItems ?? []).map(() => ({
            Code: 'TransactionConflict',
            Message: 'Transaction is ongoing for the item',
          })),
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectTransactionConflicts' },
  );
  return () => injected;
}
