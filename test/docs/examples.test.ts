import { checkExamples, ExampleFailure, isTypeScript } from './example-checker';
import { CodeBlock, codeBlocks, markdownPages, readPage } from './markdown';

// Every TypeScript example of README.md, CONTRIBUTING.md and docs/*.md is
// type-checked against the library's source, in one Program with the snippets
// below that prove the checker catches a broken example. The convention is in
// CONTRIBUTING.md ("Code examples in the docs").

const DOC_BLOCKS = markdownPages().flatMap((page) => codeBlocks(page, readPage(page)));

/** Snippets that are not in any page: each must be reported as written below. */
const PROBES: CodeBlock[] = [
  {
    // A prop QueueWithDlqProps does not have.
    page: 'probe/wrong-prop.md',
    fenceLine: 1,
    language: 'ts',
    code: [
      "import { QueueWithDlq } from 'cdk-message-patterns';",
      '',
      "new QueueWithDlq(this, 'Orders', { maxRecieveCount: 3 });",
    ].join('\n'),
    marker: {},
  },
  {
    // A block marked expect-error that compiles.
    page: 'probe/expect-error-compiles.md',
    fenceLine: 1,
    language: 'ts',
    code: [
      "import { QueueWithDlq } from 'cdk-message-patterns';",
      "new QueueWithDlq(this, 'Orders', { maxReceiveCount: 3 });",
    ].join('\n'),
    marker: { 'expect-error': true },
  },
  {
    // A block marked expect-error that does fail: nothing to report.
    page: 'probe/expect-error-fails.md',
    fenceLine: 1,
    language: 'typescript',
    code: [
      "import { QueueWithDlq } from 'cdk-message-patterns';",
      "new QueueWithDlq(this, 'Orders', { maxReceiveCount: '3' });",
    ].join('\n'),
    marker: { 'expect-error': true },
  },
  {
    // A whole app (fixture=app): top-level code, `this` is not a stack.
    page: 'probe/app.md',
    fenceLine: 1,
    language: 'ts',
    code: [
      "import { App, Stack } from 'aws-cdk-lib';",
      "import { QueueWithDlq } from 'cdk-message-patterns';",
      'const app = new App();',
      "new QueueWithDlq(new Stack(app, 'S'), 'Orders');",
    ].join('\n'),
    marker: { fixture: 'app' },
  },
];

let failures: ExampleFailure[];

beforeAll(() => {
  failures = checkExamples([...DOC_BLOCKS, ...PROBES]);
});

const format = (f: ExampleFailure) => `${f.page}:${f.line}: ${f.message}`;

test('the pages hold TypeScript examples to check', () => {
  const perPage = new Set(DOC_BLOCKS.filter(isTypeScript).map((b) => b.page));
  expect(perPage).toContain('README.md');
  expect(perPage).toContain('docs/queue-with-dlq.md');
  expect(DOC_BLOCKS.filter(isTypeScript).length).toBeGreaterThan(15);
});

test('every TypeScript example of README.md, CONTRIBUTING.md and docs/ compiles against the library', () => {
  const inDocs = failures.filter((f) => !f.page.startsWith('probe/'));
  expect(inDocs.map(format)).toEqual([]);
});

test('a broken example is reported with its page, its line and the compiler message', () => {
  const wrongProp = failures.filter((f) => f.page === 'probe/wrong-prop.md').map(format);
  expect(wrongProp).toEqual([
    expect.stringMatching(/^probe\/wrong-prop\.md:4: .*'maxRecieveCount' does not exist in type 'QueueWithDlqProps'/s),
  ]);
});

test('a block marked expect-error must fail to compile', () => {
  expect(failures.filter((f) => f.page.startsWith('probe/expect-error')).map(format)).toEqual([
    'probe/expect-error-compiles.md:1: the block is marked expect-error but compiles',
  ]);
});

test('a block marked fixture=app compiles as a module as it is', () => {
  expect(failures.filter((f) => f.page === 'probe/app.md').map(format)).toEqual([]);
});
