/**
 * The projector's settings, and how the Lambda function reads them from its environment.
 *
 * @module
 */
import { DEFAULT_PARTITION_KEY, READ_MODEL_ATTRIBUTES } from './read-model-store';

/** Projector settings. */
export interface ProjectorConfig {
  /** Name of the read-model table. */
  readonly tableName: string;
  /** Name of the table's partition key attribute. @default 'pk' */
  readonly partitionKey?: string;
  /** Conditional-write conflicts retried per entity and batch in patch mode. @default 3 */
  readonly maxConflictRetries?: number;
  /** Entities projected in parallel. @default 16 */
  readonly concurrency?: number;
  /**
   * The function's name, the dimension of the metrics the log line carries.
   * @default - no metrics in the log line
   */
  readonly functionName?: string;
}

/** Default of {@link ProjectorConfig.maxConflictRetries}. */
export const DEFAULT_MAX_CONFLICT_RETRIES = 3;
/** Default of {@link ProjectorConfig.concurrency}. */
export const DEFAULT_CONCURRENCY = 16;

/**
 * Reads the projector settings from environment variables: `TABLE_NAME` (required),
 * `PARTITION_KEY` (default `pk`) and `AWS_LAMBDA_FUNCTION_NAME` (set by Lambda:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * @throws if `TABLE_NAME` is missing or `PARTITION_KEY` collides with another item attribute
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ProjectorConfig {
  const tableName = env.TABLE_NAME?.trim();
  if (!tableName) {
    throw new Error('TABLE_NAME environment variable is required');
  }
  const partitionKey = env.PARTITION_KEY?.trim() || DEFAULT_PARTITION_KEY;
  if ((Object.values(READ_MODEL_ATTRIBUTES) as string[]).includes(partitionKey)) {
    throw new Error(`PARTITION_KEY must not be one of ${Object.values(READ_MODEL_ATTRIBUTES).join(', ')}`);
  }
  return { tableName, partitionKey, functionName: env.AWS_LAMBDA_FUNCTION_NAME?.trim() || undefined };
}
