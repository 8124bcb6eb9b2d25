export * from './event-pattern';
export * from './event-pattern-matcher';
export * from './parse-context';
export * from './parse-operators';
export * from './parse-pattern';
export * from './pattern-json';
