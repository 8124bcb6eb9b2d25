/**
 * The packages `npx projen release` writes to dist/, checked as the release
 * workflow (.github/workflows/release.yml) would publish them, with the same
 * publishers (publib) in their dry-run modes, and with the checks of each
 * registry that can be run without it:
 *
 * - dist/ holds the four packages of one version, its tag and its changelog;
 * - npm: `npm publish --dry-run` on the tarball, then publib-npm's dry run;
 * - PyPI: `twine check` (what PyPI refuses: metadata, a description it
 *   cannot render) on the wheel and the sdist, then publib-pypi's dry run;
 * - Maven: the bundle deployed with `deploy:deploy-file` (what publib does
 *   for a repository of one's own) into a new file repository, which holds
 *   the jar, its sources, its javadoc and the POM afterwards;
 * - Go: publib-golang's dry run against a new, empty module repository (a
 *   local bare repository standing for github.com), which commits the module
 *   and tags it as Go requires (`<module folder>/vX.Y.Z`).
 *
 * Installing each package into an app of its language is in
 * languages.test.ts. Run with `npx projen test:languages` after
 * `npx projen release`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const BIN = path.join(ROOT, 'node_modules', '.bin');
/** The version of the packages in dist/: that of the assembly they are generated from (a release's after `npx projen release`). */
const VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8')).version;
/** Whether dist/ is a release's: `npx projen release` writes the version it computed to dist/version.txt. */
const RELEASED = fs.existsSync(path.join(DIST, 'version.txt'));
const MAVEN_DIR = `java/io/github/cdk-message-patterns/cdk-message-patterns/${VERSION}`;
const GO_MODULE = 'github.com/cdk-message-patterns/cdk-message-patterns-go';

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'release-rehearsal-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Runs a command; returns its output (stdout and stderr), or throws with it. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  return output;
}

/** A new folder under this run's scratch folder. */
function scratchDir(name: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

test('dist/ holds the npm tarball, the Python wheel and sdist, the Maven bundle and the Go module of one version', () => {
  const expected = [
    `js/cdk-message-patterns@${VERSION}.jsii.tgz`,
    `python/cdk_message_patterns-${VERSION}-py3-none-any.whl`,
    `python/cdk_message_patterns-${VERSION}.tar.gz`,
    `${MAVEN_DIR}/cdk-message-patterns-${VERSION}.jar`,
    `${MAVEN_DIR}/cdk-message-patterns-${VERSION}.pom`,
    `${MAVEN_DIR}/cdk-message-patterns-${VERSION}-sources.jar`,
    `${MAVEN_DIR}/cdk-message-patterns-${VERSION}-javadoc.jar`,
    'go/cdkmessagepatterns/go.mod',
  ];
  expect(expected.filter((file) => !fs.existsSync(path.join(DIST, file)))).toEqual([]);
  // publib-golang tags the module with the version jsii-pacmak writes beside it.
  expect(fs.readFileSync(path.join(DIST, 'go/cdkmessagepatterns/version'), 'utf8').trim()).toBe(VERSION);
  expect(fs.readFileSync(path.join(DIST, 'go/cdkmessagepatterns/go.mod'), 'utf8')).toMatch(new RegExp(`^module ${GO_MODULE}/cdkmessagepatterns$`, 'm'));
});

(RELEASED ? test : test.skip)('the release wrote its version, its tag and a changelog entry of its version', () => {
  expect(fs.readFileSync(path.join(DIST, 'version.txt'), 'utf8').trim()).toBe(VERSION);
  expect(fs.readFileSync(path.join(DIST, 'releasetag.txt'), 'utf8').trim()).toBe(`v${VERSION}`);
  // commit-and-tag-version heads an entry "## X.Y.Z (date)" on a first release, "## [X.Y.Z](compare link) (date)" after.
  expect(fs.readFileSync(path.join(DIST, 'changelog.md'), 'utf8')).toMatch(new RegExp(`^## \\[?${VERSION.replace(/\./g, '\\.')}\\]?[ (]`, 'm'));
});

describe('npm', () => {
  const tarball = `dist/js/cdk-message-patterns@${VERSION}.jsii.tgz`;

  test('npm publish --dry-run accepts the tarball, with the compiled library, its assembly and the bundled functions', () => {
    // `npm publish --dry-run` runs every local check of a publish and lists the files it would upload.
    const out = run('npm', ['publish', '--dry-run', '--ignore-scripts', tarball], { env: { npm_config_loglevel: 'notice' } });
    expect(out).toContain(`cdk-message-patterns@${VERSION}`);
    for (const file of ['lib/index.js', 'lib/index.d.ts', '.jsii', 'README.md', 'LICENSE', 'bin/cdk-message-patterns']) {
      expect(out).toMatch(new RegExp(`\\s${file.replace(/\./g, '\\.')}\\n`));
    }
    expect(out).toMatch(/\sassets\/.+\/index\.js\n/);
  });

  test('publib-npm, dry run', () => {
    // NPM_TRUSTED_PUBLISHER: no token (publib writes a token to ~/.npmrc); HOME is a scratch folder all the same.
    const out = run(path.join(BIN, 'publib-npm'), ['dist/js'], {
      env: { PUBLIB_DRYRUN: 'true', NPM_TRUSTED_PUBLISHER: 'true', HOME: scratchDir('npm-home') },
    });
    expect(out).toContain(`(would publish ${tarball})`);
    expect(out).toContain('SUCCESS (dry run)');
  });
});

describe('PyPI', () => {
  // publib-pypi installs twine with `pip install --user`: a user base of this run's own, in a scratch HOME.
  const pythonEnv = (): NodeJS.ProcessEnv => ({
    HOME: scratchDir('pypi-home'),
    PYTHONUSERBASE: scratchDir('pypi-user'),
    PIP_BREAK_SYSTEM_PACKAGES: '1',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
  });

  test('publib-pypi, dry run', () => {
    const out = run(path.join(BIN, 'publib-pypi'), ['dist/python'], {
      env: { ...pythonEnv(), PUBLIB_DRYRUN: 'true', TWINE_USERNAME: '__token__', TWINE_PASSWORD: 'dry-run' },
    });
    expect(out).toContain(`(would upload cdk_message_patterns-${VERSION}-py3-none-any.whl)`);
    expect(out).toContain('SUCCESS (dry run)');
  });

  test('twine check passes the wheel and the sdist (after the dry run above, which installed twine)', () => {
    const twine = path.join(scratch, 'pypi-user', 'bin', 'twine');
    const files = fs.readdirSync(path.join(DIST, 'python')).map((f) => path.join('dist/python', f));
    const out = run(twine, ['check', '--strict', ...files], { env: pythonEnv() });
    expect(out.match(/PASSED/g)).toHaveLength(2);
  });
});

test('Maven: the bundle deploys into a new repository, with its sources and javadoc, as publib-maven deploys it', () => {
  // publib-maven's path for a repository of one's own (MAVEN_SERVER_ID other than Maven Central's): deploy:deploy-file
  // of every POM with the jars beside it. A file repository stands for the server.
  const repository = scratchDir('maven-repository');
  const out = run(path.join(BIN, 'publib-maven'), ['dist/java'], {
    env: {
      MAVEN_SERVER_ID: 'release-rehearsal',
      MAVEN_REPOSITORY_URL: `file://${repository}`,
      MAVEN_USERNAME: 'rehearsal',
      MAVEN_PASSWORD: 'rehearsal',
    },
  });
  expect(out).toContain('All Done');
  const deployed = path.join(repository, 'io/github/cdk-message-patterns/cdk-message-patterns', VERSION);
  const files = fs.readdirSync(deployed);
  for (const suffix of ['.jar', '.pom', '-sources.jar', '-javadoc.jar']) {
    expect(files).toContain(`cdk-message-patterns-${VERSION}${suffix}`);
  }
});

test('Go: publib-golang, dry run, commits the module to its repository and tags it cdkmessagepatterns/vX.Y.Z', () => {
  // The module repository (github.com/cdk-message-patterns/cdk-message-patterns-go) is replaced, for git only, by a
  // new bare repository: publib clones it, copies the module, commits and tags, and pushes nothing in a dry run.
  const bare = scratchDir('go-repository.git');
  run('git', ['init', '--quiet', '--bare', bare]);
  const out = run(path.join(BIN, 'publib-golang'), ['dist/go'], {
    env: {
      PUBLIB_DRYRUN: 'true',
      GITHUB_TOKEN: 'dry-run',
      GIT_USER_NAME: 'release rehearsal',
      GIT_USER_EMAIL: 'rehearsal@cdk-message-patterns.dev',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `url.file://${bare}.insteadOf`,
      GIT_CONFIG_VALUE_0: `https://dry-run@${GO_MODULE}.git`,
    },
  });
  expect(out).toContain('DRY-RUN MODE');
  expect(out).toContain(`Remote ref will be updated: cdkmessagepatterns/v${VERSION}`);
});
