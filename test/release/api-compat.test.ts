import * as fs from 'fs';
import * as path from 'path';
import { compareAssemblies, declaredBreakingChanges, gateVerdict, newestReleaseTag } from '../../scripts/api-compat';

/**
 * The API-compatibility gate of `npx projen release` (scripts/api-compat.ts):
 * which commits declare a breaking change, which tag is the previous release,
 * and what jsii-diff reports between two assemblies. The assemblies are the
 * library's own `.jsii` (compiled by the build before the tests run) and
 * copies of it with one change each.
 */
const ROOT = path.join(__dirname, '..', '..');
const PACKAGE = 'cdk-message-patterns';

describe('declared breaking changes', () => {
  // Conventional Commits 1.0.0 (https://www.conventionalcommits.org/en/v1.0.0/#specification), items 13 and 16: a
  // breaking change is declared by "!" immediately before the header's ":", or by a footer whose token is
  // "BREAKING CHANGE" (or its synonym "BREAKING-CHANGE"), in upper case. commit-and-tag-version's
  // conventionalcommits preset, which computes the version, reads both.
  test.each([
    ['feat!: drop the deprecated queueName prop', true],
    ['fix(queue-with-dlq)!: alarm on the oldest message by default', true],
    ['feat: a new alarm\n\nBREAKING CHANGE: QueueWithDlq.alarms is now a list', true],
    ['refactor: grants\n\nSome text.\n\nBREAKING-CHANGE: grantRedrive takes a role', true],
    ['feat: a new alarm', false],
    ['fix: the README says this is not a breaking change', false],
    ['docs: how to write "BREAKING CHANGE: ..." in a footer', false],
    ['feat: a new alarm\n\nbreaking change: lower case is not the token', false],
    ['Queue: the old style of message, with no type', false],
  ])('%j declares a breaking change: %s', (message, expected) => {
    expect(declaredBreakingChanges([{ sha: 'a'.repeat(40), message }]).length > 0).toBe(expected);
  });
});

describe('the previous release', () => {
  test('is the newest vX.Y.Z tag by version, not by spelling; other tags are not releases', () => {
    expect(newestReleaseTag(['v0.1.0', 'v0.10.0', 'v0.9.3', 'v1.0.0-rc.1', 'vnext', 'release-2', ''])).toBe('v0.10.0');
    expect(newestReleaseTag(['v0.2.0', 'v1.0.0', 'v0.11.5'])).toBe('v1.0.0');
  });

  test('does not exist before the first release', () => {
    expect(newestReleaseTag([''])).toBeUndefined();
  });
});

describe('jsii-diff between two assemblies', () => {
  const assembly = path.join(ROOT, '.jsii');
  let work: string;

  beforeAll(() => {
    if (!fs.existsSync(assembly)) {
      throw new Error('no .jsii: compile the library first (npx projen compile); `npx projen build` does it before the tests');
    }
    // Inside node_modules, so that jsii-diff resolves aws-cdk-lib and constructs, which the assemblies depend on.
    fs.mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
    work = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'api-compat-test-'));
  });

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** A folder holding the library's assembly, changed by `edit`. */
  function variant(name: string, edit: (types: Record<string, any>) => void = () => {}): string {
    const dir = path.join(work, name);
    fs.mkdirSync(dir, { recursive: true });
    const jsii = JSON.parse(fs.readFileSync(assembly, 'utf8'));
    edit(jsii.types);
    fs.writeFileSync(path.join(dir, '.jsii'), JSON.stringify(jsii));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    return dir;
  }

  test('an unchanged API has no breaking change', () => {
    expect(compareAssemblies(variant('same-a'), variant('same-b')).breaking).toEqual([]);
  });

  test('a removed method, and an optional prop made required, are breaking changes, each with its key', () => {
    const before = variant('before');
    const after = variant('after', (types) => {
      const queue = types[`${PACKAGE}.QueueWithDlq`];
      queue.methods = queue.methods.filter((m: { name: string }) => m.name !== 'grantRedrive');
      const props = types[`${PACKAGE}.QueueWithDlqProps`].properties.find((p: { name: string }) => p.name === 'alarmAction');
      delete props.optional;
    });

    const { breaking } = compareAssemblies(before, after);

    expect(breaking.some((line) => line.endsWith(`[removed:${PACKAGE}.QueueWithDlq.grantRedrive]`))).toBe(true);
    expect(breaking.some((line) => line.includes(`${PACKAGE}.QueueWithDlqProps: newly required property 'alarmAction'`))).toBe(true);
  });

  test('a new optional prop is not a breaking change', () => {
    const before = variant('without-prop', (types) => {
      const props = types[`${PACKAGE}.QueueWithDlqProps`];
      props.properties = props.properties.filter((p: { name: string }) => p.name !== 'alarmAction');
    });

    expect(compareAssemblies(before, variant('with-prop')).breaking).toEqual([]);
  });
});

describe('the gate', () => {
  const removal = { breaking: ['CLASS cdk-message-patterns.QueueWithDlq: method grantRedrive has been removed [removed:cdk-message-patterns.QueueWithDlq.grantRedrive]'], report: '(report)' };
  const commit = (message: string) => ({ sha: '0123456789abcdef0123456789abcdef01234567', message });

  test('passes an API with no breaking change, whatever the commits say', () => {
    expect(gateVerdict('v0.1.0', { breaking: [], report: '' }, [commit('feat: a new alarm')]).pass).toBe(true);
  });

  test('fails a breaking change that no commit since the release declares, naming the change and how to declare it', () => {
    const verdict = gateVerdict('v0.1.0', removal, [commit('feat: a new alarm'), commit('fix: a typo')]);
    expect(verdict.pass).toBe(false);
    expect(verdict.message).toContain('[removed:cdk-message-patterns.QueueWithDlq.grantRedrive]');
    expect(verdict.message).toContain('BREAKING CHANGE:');
  });

  test('passes a breaking change that a commit declares, and names that commit', () => {
    const verdict = gateVerdict('v0.1.0', removal, [commit('feat: a new alarm'), commit('feat!: grantRedrive is gone\n\nBREAKING CHANGE: use grantConsume')]);
    expect(verdict.pass).toBe(true);
    expect(verdict.message).toContain('0123456789ab feat!: grantRedrive is gone');
  });
});
