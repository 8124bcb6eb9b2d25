export * from './kinesis-cqrs-pipeline';
export * from './projection';
