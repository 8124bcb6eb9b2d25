import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkedApp, findingsOf } from './helpers';
import { OrderEventsStack } from '../../examples/order-events/main';
import { OrderFanoutStack } from '../../examples/order-fanout/main';
import { OrderLedgerStack } from '../../examples/order-ledger/main';
import { OrderProcessingStack } from '../../examples/order-processing/main';
import { MessagePatternsStack } from '../../examples/ts-twin/main';

// Every example app registers MessagingChecks itself (an error would fail its synth above, on import);
// here each is checked again for warnings and notes too: the examples are what users copy.
const EXAMPLES: Array<[string, new (scope: Construct, id: string) => Stack]> = [
  ['order-processing', OrderProcessingStack],
  ['order-fanout', OrderFanoutStack],
  ['order-events', OrderEventsStack],
  ['order-ledger', OrderLedgerStack],
  ['ts-twin (the app every language reproduces)', MessagePatternsStack],
];

test.each(EXAMPLES)('the example %s has no finding of any level', (_name, StackClass) => {
  const app = checkedApp();
  new StackClass(app, 'Example');
  expect(findingsOf(app)).toEqual([]);
});
