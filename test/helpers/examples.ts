import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OrderEnrichmentStack } from '../../examples/order-enrichment/main';
import { OrderEventsStack } from '../../examples/order-events/main';
import { OrderFanoutStack } from '../../examples/order-fanout/main';
import { OrderLedgerStack } from '../../examples/order-ledger/main';
import { OrderProcessingStack } from '../../examples/order-processing/main';
import { MessagePatternsStack } from '../../examples/ts-twin/main';

/**
 * The stacks of the TypeScript example apps, by folder under examples/.
 * Loading an example synthesizes it once as its own app (each registers
 * MessagingChecks, so an error there fails the load).
 */
export const EXAMPLE_STACKS: Array<[string, new (scope: Construct, id: string) => Stack]> = [
  ['order-processing', OrderProcessingStack],
  ['order-fanout', OrderFanoutStack],
  ['order-events', OrderEventsStack],
  ['order-ledger', OrderLedgerStack],
  ['order-enrichment', OrderEnrichmentStack],
  ['ts-twin', MessagePatternsStack],
];
