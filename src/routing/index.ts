export * from './match-explanation';
export * from './event-pattern-matcher';
export * from './sns-filter-policy-matcher';
