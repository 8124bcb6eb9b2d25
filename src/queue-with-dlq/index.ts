export * from './queue-with-dlq';
