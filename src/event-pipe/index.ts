export * from './event-pipe';
export * from './pipe-source';
export * from './pipe-enrichment';
export * from './pipe-target';
