import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fc from 'fast-check';
import { EventBusRoute, FilteredSubscription, RouteTarget } from '../../src';

/**
 * Resources imported from elsewhere cannot get the statements AWS needs to
 * deliver to them (a queue policy for SNS or EventBridge, a key policy
 * statement for a customer-managed key, an on-failure destination for a
 * function invoked asynchronously). Whatever mix of them a route or
 * subscription is given, the app synthesizes and every one of them is named
 * in a warning saying what its owner must add, never silently skipped.
 */

const ACCOUNT = '111111111111';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

type Kind = 'queue' | 'queueWithImportedKey' | 'function';

interface Endpoint {
  readonly kind: Kind;
  readonly via: 'route' | 'subscription';
}

function importEndpoint(stack: Stack, id: string, kind: Kind): { endpoint: sqs.IQueue | lambda.IFunction; warnedPath: string } {
  switch (kind) {
    case 'queue':
      return { endpoint: sqs.Queue.fromQueueArn(stack, id, `arn:aws:sqs:us-east-1:${ACCOUNT}:${id.toLowerCase()}`), warnedPath: `Test/${id}` };
    case 'queueWithImportedKey': {
      const key = kms.Key.fromKeyArn(stack, `${id}Key`, KEY_ARN);
      return { endpoint: new sqs.Queue(stack, id, { encryptionMasterKey: key }), warnedPath: `Test/${id}Key` };
    }
    case 'function':
      return { endpoint: lambda.Function.fromFunctionArn(stack, id, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${id.toLowerCase()}`), warnedPath: `Test/${id}` };
  }
}

/** Every warning message of the stack, in one list. */
function warnings(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
}

describe('imported endpoints are reported, whatever the mix', () => {
  test('property: each imported queue, key or function is named in a warning and the app synthesizes', () => {
    const endpoint = fc.record<Endpoint>({
      kind: fc.constantFrom<Kind>('queue', 'queueWithImportedKey', 'function'),
      via: fc.constantFrom<'route' | 'subscription'>('route', 'subscription'),
    });
    fc.assert(
      fc.property(fc.array(endpoint, { minLength: 1, maxLength: 5 }), (endpoints) => {
        const app = new App();
        const stack = new Stack(app, 'Test', { env: { account: ACCOUNT, region: 'us-east-1' } });
        const topic = new sns.Topic(stack, 'Topic');
        const expected: string[] = [];
        endpoints.forEach(({ kind, via }, i) => {
          const { endpoint: imported, warnedPath } = importEndpoint(stack, `Endpoint${i}`, kind);
          expected.push(warnedPath);
          const isFunction = kind === 'function';
          if (via === 'route') {
            const target = isFunction ? RouteTarget.lambdaFunction(imported as lambda.IFunction) : RouteTarget.queue(imported as sqs.IQueue);
            new EventBusRoute(stack, `Route${i}`, { eventPattern: { source: ['shop'] }, targets: [target] });
          } else {
            new FilteredSubscription(stack, `Sub${i}`, isFunction ? { topic, lambdaFunction: imported as lambda.IFunction } : { topic, queue: imported as sqs.IQueue });
          }
        });
        expect(() => app.synth()).not.toThrow();
        const all = warnings(stack);
        endpoints.forEach(({ kind }, i) => {
          if (kind === 'function') {
            // Attached to the function itself: give it an on-failure destination where it is defined.
            const onFunction = Annotations.fromStack(stack).findWarning(`/${expected[i]}`, Match.stringLikeRegexp('invokes this function asynchronously'));
            expect(onFunction.length).toBeGreaterThan(0);
          } else {
            // Attached to the route or subscription, naming the queue or key whose policy its owner must change.
            expect(all.filter((message) => message.includes(`${expected[i]})`) || message.includes(`${expected[i]} `))).not.toEqual([]);
          }
        });
      }),
      { numRuns: 25 },
    );
  });
});
