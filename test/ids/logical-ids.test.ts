import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EXAMPLE_STACKS } from '../helpers/examples';

/**
 * Construct ids and logical ids are public API: a changed logical id makes
 * CloudFormation replace the resource (a queue with its messages, a table with
 * its items) in every stack that uses the construct. This test lists the
 * logical id and type of every resource of every example app, so that a change
 * that would replace a user's resource shows in review as a change to the
 * snapshot file beside this test; accept a deliberate one with
 * `npx projen test:update`, and say why in the commit.
 */
test.each(EXAMPLE_STACKS)('the logical ids of the example %s', (_name, StackClass) => {
  const stack = new StackClass(new App(), 'Example');
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  const ids = Object.entries(resources).map(([id, r]) => `${r.Type} ${id}`).sort();
  expect(ids).toMatchSnapshot();
});
