export * from './filter-policy';
export * from './messages';
export * from './parse-policy';
export * from './policy-operators';
export * from './sns-filter-policy-matcher';
