import { checkedApp, findingsOf } from './helpers';
import { EXAMPLE_STACKS } from '../helpers/examples';

// Every example app registers MessagingChecks itself (an error would fail its synth, on import);
// here each is checked again for warnings and notes too: the examples are what users copy.
test.each(EXAMPLE_STACKS)('the example %s has no finding of any level', (_name, StackClass) => {
  const app = checkedApp();
  new StackClass(app, 'Example');
  expect(findingsOf(app)).toEqual([]);
});
