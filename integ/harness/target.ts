/**
 * Where the integration suite deploys and drives the examples: the local
 * emulator (`npm run integ`, started by the suite) or an AWS account
 * (`npm run integ:aws`: credentials and region from the caller's environment,
 * as the AWS CLI and the CDK CLI read them). Both go through the same code:
 * the target's identity is asked of STS, the CDK CLI and the operator command
 * get the target's AWS_* environment, and every wait is scaled by the
 * target's time scale.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** `emulator`: the suite's own MiniStack; `aws`: an account the caller's credentials name. */
export type TargetKind = 'emulator' | 'aws';

export interface Target {
  readonly kind: TargetKind;
  /** The endpoint of every service (the emulator's, or AWS_ENDPOINT_URL given to integ:aws); none: AWS's own endpoints. */
  readonly endpoint?: string;
  readonly region: string;
  /** The account the credentials belong to (STS GetCallerIdentity). */
  readonly account: string;
  /** Who the credentials are (STS GetCallerIdentity), for the run's first line. */
  readonly identity: string;
  /**
   * AWS_* environment of the processes the suite starts (CDK CLI, operator command): the target's
   * endpoint, region and credentials, and no other AWS_ or CDK_DEFAULT_ setting of the caller's
   * (for `aws`: the caller's AWS_* settings, which name its credentials, with the region resolved).
   */
  readonly env: Readonly<Record<string, string>>;
}

/** Environment variable that selects the target: `aws` for integ:aws; unset for the emulator. */
export const TARGET_ENV = 'INTEG_TARGET';

/** The target kind this run was started for (read when the suites load, before any target is resolved). */
export function targetKind(env: NodeJS.ProcessEnv = process.env): TargetKind {
  const value = env[TARGET_ENV];
  if (value === undefined || value === '' || value === 'emulator') {
    return 'emulator';
  }
  if (value === 'aws') {
    return 'aws';
  }
  throw new Error(`${TARGET_ENV} must be 'aws' or 'emulator', got '${value}'`);
}

/**
 * Factor applied to every wait of the suite (polls and test timeouts): AWS takes longer than the
 * emulator for some of what the suite awaits (CloudFormation, an event source mapping's first
 * poll, the delivery of function logs, an archive's replay). INTEG_TIME_SCALE overrides it.
 * @default 1 on the emulator, 3 on AWS
 */
export function timeScale(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.INTEG_TIME_SCALE;
  if (given !== undefined && given !== '') {
    const value = Number(given);
    if (!Number.isFinite(value) || value < 1) {
      throw new Error(`INTEG_TIME_SCALE must be a number of at least 1, got '${given}'`);
    }
    return value;
  }
  return targetKind(env) === 'aws' ? 3 : 1;
}

/** A wait of `ms` milliseconds on the emulator, scaled for this run's target. */
export function scaled(ms: number): number {
  return Math.round(ms * timeScale());
}

/** The caller's AWS_* settings (credentials, profile, region, endpoint, CA bundle). */
function awsSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('AWS_') && value !== undefined) {
      settings[key] = value;
    }
  }
  return settings;
}

/**
 * The target named by `env` (AWS_* settings: endpoint, credentials or profile, region): asks STS
 * who the credentials are. Fails with what to set when there is no region or no credentials.
 */
export async function resolveTarget(kind: TargetKind, env: NodeJS.ProcessEnv): Promise<Target> {
  const settings = awsSettings(env);
  const endpoint = settings.AWS_ENDPOINT_URL || undefined;
  const explicitRegion = settings.AWS_REGION || settings.AWS_DEFAULT_REGION || undefined;
  const credentials = settings.AWS_ACCESS_KEY_ID && settings.AWS_SECRET_ACCESS_KEY
    ? { accessKeyId: settings.AWS_ACCESS_KEY_ID, secretAccessKey: settings.AWS_SECRET_ACCESS_KEY, sessionToken: settings.AWS_SESSION_TOKEN }
    : undefined;
  // Without explicit keys the SDK's default chain reads the profile (AWS_PROFILE, SSO, ...) from the process's environment.
  const sts = new STSClient({
    ...(endpoint ? { endpoint } : {}),
    ...(explicitRegion ? { region: explicitRegion } : {}),
    ...(credentials ? { credentials } : {}),
  });
  try {
    let region: string;
    try {
      region = await sts.config.region();
    } catch {
      throw new Error('no AWS region: set AWS_REGION (or a region in the profile AWS_PROFILE names)');
    }
    let identity;
    try {
      identity = await sts.send(new GetCallerIdentityCommand({}));
    } catch (error) {
      throw new Error(`no usable AWS credentials for ${endpoint ?? `region ${region}`}: ${(error as Error).message} `
        + '(set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as for the AWS CLI)');
    }
    return {
      kind,
      endpoint,
      region,
      account: identity.Account!,
      identity: identity.Arn ?? identity.UserId ?? identity.Account!,
      env: { ...settings, AWS_REGION: region, AWS_DEFAULT_REGION: region },
    };
  } finally {
    sts.destroy();
  }
}

/**
 * The environment of a process the suite starts (the CDK CLI, the operator command, a nested
 * run): the caller's, without any AWS or CDK_DEFAULT_ setting of its own nor a variable that
 * starts with one of `dropPrefixes`, then the target's AWS_* settings (none without a target, for
 * a synth) and `extra`. So the process reaches the target and nothing else the caller's profile or
 * endpoint names.
 */
export function targetProcessEnv(
  target: Target | undefined, options: { dropPrefixes?: readonly string[]; extra?: Record<string, string> } = {},
): NodeJS.ProcessEnv {
  const drop = ['AWS_', 'CDK_DEFAULT_', ...options.dropPrefixes ?? []];
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!drop.some((prefix) => key.startsWith(prefix))) {
      env[key] = value;
    }
  }
  return { ...env, ...target?.env, ...options.extra };
}

/** One line naming the target, for the run's output. */
export function describeTarget(target: Target): string {
  const where = target.endpoint ? `${target.endpoint} (region ${target.region})` : `region ${target.region}`;
  return `${target.kind === 'aws' ? 'AWS account' : 'emulator account'} ${target.account} at ${where} as ${target.identity}`;
}
