export * from './fanout-topic';
export * from './topic-encryption';
