export * from './model/match-explanation';
export * from './eventbridge/event-pattern-matcher';
export * from './sns/sns-filter-policy-matcher';
export * from './lambda/sqs-event-filter-matcher';
