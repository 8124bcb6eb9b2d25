import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventBusRoute, FanoutTopic, FilteredSubscription, RouteTarget, SnsMessageAttributes, SubscriptionFilters } from '../../src';
import { testStack, userFunction } from '../helpers/nag';

/** The order-fanout architecture: billing takes everything, shipping filters on an attribute, fraud-check on the body. */
function orderFanout(stack: Stack): FanoutTopic {
  return new FanoutTopic(stack, 'OrderPlaced', {
    subscribers: {
      'billing': {},
      'shipping': { filterPolicy: { country: sns.SubscriptionFilter.stringFilter({ allowlist: ['US', 'CA'] }) } },
      'fraud-check': {
        filterPolicyWithMessageBody: { amount: sns.FilterOrPolicy.filter(sns.SubscriptionFilter.numericFilter({ greaterThan: 1000 })) },
      },
    },
  });
}

describe('FanoutTopic.recipientsOf', () => {
  test('a subscriber without a filter receives every message', () => {
    const topic = orderFanout(testStack().stack);
    expect(topic.recipientsOf({ body: { amount: 10 } })).toEqual(['billing']);
  });

  test('attribute and body filters select their subscribers', () => {
    const topic = orderFanout(testStack().stack);
    expect(topic.recipientsOf({ attributes: { country: SnsMessageAttributes.ofString('CA') }, body: { amount: 1500 } })).toEqual([
      'billing',
      'shipping',
      'fraud-check',
    ]);
    expect(topic.recipientsOf({ attributes: { country: SnsMessageAttributes.ofString('FR') }, body: JSON.stringify({ amount: 5 }) })).toEqual([
      'billing',
    ]);
  });

  test('subscribers added later are counted, and a subscription explains a miss', () => {
    const { stack } = testStack();
    const topic = orderFanout(stack);
    topic.addQueueSubscriber('audit', { filterPolicy: { kind: SubscriptionFilters.equalsIgnoreCase('audit') } });
    expect(topic.recipientsOf({ attributes: { kind: SnsMessageAttributes.ofString('AUDIT') } })).toEqual(['billing', 'audit']);
    expect(topic.subscriptions.shipping.explain({ attributes: { country: SnsMessageAttributes.ofString('FR') } })).toEqual({
      matched: false,
      reasons: ['country: "FR" is none of "US", "CA"'],
    });
  });
});

describe('FilteredSubscription.matches', () => {
  test('answers from the policy given in props', () => {
    const { stack } = testStack();
    const subscription = new FilteredSubscription(stack, 'Sub', {
      topic: new sns.Topic(stack, 'Topic'),
      lambdaFunction: userFunction(stack, 'Fn'),
      filterPolicy: { price: sns.SubscriptionFilter.numericFilter({ between: { start: 10, stop: 20 } }) },
    });
    expect(subscription.matches({ attributes: { price: SnsMessageAttributes.ofNumber(15) } })).toBe(true);
    expect(subscription.matches({ attributes: { price: SnsMessageAttributes.ofNumber(25) } })).toBe(false);
    expect(subscription.explain({}).reasons).toEqual(['price: attribute missing']);
  });
});

describe('EventBusRoute.matches', () => {
  function placedRoute(stack: Stack): EventBusRoute {
    return new EventBusRoute(stack, 'Placed', {
      eventPattern: { detailType: ['OrderPlaced'], detail: { amount: events.Match.greaterThan(100) } },
      targets: [RouteTarget.lambdaFunction(userFunction(stack, 'Fn'))],
    });
  }

  test('takes matching events', () => {
    const route = placedRoute(testStack().stack);
    expect(route.matches({ 'source': 'shop', 'detail-type': 'OrderPlaced', 'detail': { amount: 150 } })).toBe(true);
  });

  test('refuses the others and says why', () => {
    const route = placedRoute(testStack().stack);
    expect(route.matches({ 'detail-type': 'OrderCancelled', 'detail': { amount: 150 } })).toBe(false);
    expect(route.explain({ 'detail-type': 'OrderPlaced', 'detail': { amount: 50 } })).toEqual({
      matched: false,
      reasons: ['detail.amount: 50 is not > 100'],
    });
  });
});
