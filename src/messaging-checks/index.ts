export * from './messaging-checks';
