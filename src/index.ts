export * from './queue-with-dlq';
export * from './event-bus-route';
export * from './kinesis-cqrs-pipeline';
export * from './filtered-subscription';
export * from './fanout-topic';
export * from './routing';
export * from './core/async-invoke-options';
export * from './messaging-checks';
