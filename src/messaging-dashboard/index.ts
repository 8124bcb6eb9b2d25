export * from './messaging-dashboard';
