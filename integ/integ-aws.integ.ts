/**
 * `npm run integ:aws`, the run for an AWS account, pointed at this run's
 * emulator as an AWS-compatible endpoint (AWS_ENDPOINT_URL and the emulator's
 * keys in the environment, as a user would set them): its own global setup
 * asks STS who the credentials are, bootstraps the account because it has no
 * CDKToolkit stack, deploys order-processing with the suite's stack tag, runs
 * its checks with no gap, destroys it and deletes what the stack leaves; the
 * emulator-only suites are skipped. And a stack of an example's name that the
 * suite did not deploy is refused, not replaced.
 *
 * Only order-processing is deployed: every gap of its checks is fixed in the
 * installed emulator or shimmed by this run's start (the emulator the nested
 * run talks to is this run's), while the other examples meet gaps that
 * integ:aws, which probes nothing, would count as failures.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { CreateStackCommand, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { SUITE_STACK_TAG } from './harness/cdk';
import { REPO_ROOT, resetEmulator } from './harness/emulator';
import { pollUntil } from './harness/poll';
import { deployExample, isBootstrapped } from './harness/session';
import { describeOnEmulator, suiteSession } from './harness/suite';
import { targetProcessEnv } from './harness/target';

// cfn-lint is left out: it synthesizes every example (two minutes) and meets no target.
const SUITES = ['integ/gaps.integ.ts', 'integ/order-processing.integ.ts'];

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** `projen integ:aws <suites>` with the target's AWS_* settings and none of this run's own (INTEG_*, AWS_*). */
async function runIntegAws(): Promise<Run> {
  const { target } = suiteSession().clients;
  const env = targetProcessEnv(target, { dropPrefixes: ['INTEG_', 'JEST_'], extra: { JEST_JUNIT_OUTPUT_NAME: 'integ-aws-junit.xml' } });
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'projen'), ['integ:aws', ...SUITES], {
      cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describeOnEmulator('npm run integ:aws against this emulator as an AWS endpoint', 'it is the run itself', () => {
  let run: Run;

  beforeAll(async () => {
    // An account with nothing in it: no CDKToolkit stack, no example stack.
    await resetEmulator(suiteSession().clients.endpoint);
    run = await runIntegAws();
    process.stderr.write(run.output.split('\n').filter((l) => /^\[(integ|cdk|order-processing)\]|Tests:|✓|✕|○/.test(l.trim())).join('\n') + '\n');
  }, 15 * 60_000);

  test('it passes, against the account STS names, with the waits of an AWS account', () => {
    const { target } = suiteSession().clients;
    expect({ code: run.code, tail: run.code === 0 ? '' : run.output.slice(-3000) }).toEqual({ code: 0, tail: '' });
    expect(run.output).toContain(`[integ] target: AWS account ${target.account} at ${target.endpoint} (region ${target.region}) as arn:aws:`);
    expect(run.output).toContain('; waits scaled by 3');
    expect(run.output).toMatch(/Tests: +\d+ skipped, \d+ passed, \d+ total/);
  });

  test('the emulator-only suite is skipped with its reason; no gap is probed, so no check is skipped for one', () => {
    expect(run.output).toContain('[integ] SKIPPED "emulator gaps" on AWS: an AWS account is what the gaps are measured against');
    expect(run.output).not.toMatch(/\[integ\] SKIPPED "[^"]*": emulator gap/);
    expect(run.output).not.toContain('[gaps] probing');
  });

  test('it bootstraps the account that has no CDKToolkit stack, deploys with the suite\'s tag, destroys, and deletes the log groups Lambda made', async () => {
    const { clients } = suiteSession();
    expect(run.output).toMatch(/\[cdk\] bootstrap aws:\/\/000000000000\/us-east-1 …/);
    expect(await isBootstrapped(clients)).toBe(true);
    expect(run.output).toMatch(/\[cdk\] destroy order-processing in /);
    expect(run.output).toMatch(/\[order-processing\] after the destroy: AWS::Logs::LogGroup \/aws\/lambda\/\S+ \(created by Lambda\): deleted/);
    await expect(clients.cloudformation.send(new DescribeStacksCommand({ StackName: 'OrderProcessing' }))).rejects.toThrow(/does not exist/);
    const { QueueUrls = [] } = await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'order-processing' }));
    expect(QueueUrls).toEqual([]);
  });

  test('a stack named like an example\'s without the suite\'s tag is refused, and left as it was', async () => {
    const session = suiteSession();
    const { cloudformation } = session.clients;
    await cloudformation.send(new CreateStackCommand({
      StackName: 'OrderProcessing',
      TemplateBody: JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'someone-elses-queue' } } } }),
    }));
    try {
      const status = async () => (await cloudformation.send(new DescribeStacksCommand({ StackName: 'OrderProcessing' }))).Stacks![0];
      await pollUntil(status, (s) => !s.StackStatus!.endsWith('_IN_PROGRESS'), { description: 'the stack OrderProcessing created', timeoutMs: 60_000 });
      await expect(deployExample(session, 'order-processing')).rejects.toThrow(
        `a stack named OrderProcessing exists in account 000000000000, region us-east-1 (CREATE_COMPLETE) without the tag ${SUITE_STACK_TAG}`);
      expect((await status()).StackStatus).toBe('CREATE_COMPLETE');
      const { QueueUrls = [] } = await session.clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'someone-elses-queue' }));
      expect(QueueUrls).toHaveLength(1);
    } finally {
      await cloudformation.send(new DeleteStackCommand({ StackName: 'OrderProcessing' }));
    }
  });
});
