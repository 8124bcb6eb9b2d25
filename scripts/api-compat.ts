/**
 * The API-compatibility gate of a release (`npx projen api:compat`, run by
 * `npx projen release` after the build): the public API of this commit, as
 * jsii compiled it into `.jsii`, compared with jsii-diff with the API of the
 * previous release, the latest `vX.Y.Z` tag merged into HEAD.
 *
 * - No such tag (the first release): nothing to compare, and it says so.
 * - No breaking change: passes.
 * - A breaking change that a commit since the tag declares, as conventional
 *   commits do (`feat!: ...`, or a `BREAKING CHANGE:` footer): passes, and
 *   lists the changes with the commits that declare them; the release's
 *   version then raises the major (the minor below 1.0.0), and the changelog
 *   shows the commit under "BREAKING CHANGES".
 * - A breaking change no commit declares: fails, with jsii-diff's report.
 *
 * The previous release's assembly is compiled by jsii from its tag, in a
 * temporary git worktree that shares this checkout's node_modules, and kept
 * in node_modules/.cache for the next run.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const RELEASE_TAG = /^v(\d+)\.(\d+)\.(\d+)$/;
const QUIET_NODE = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

export interface Commit {
  readonly sha: string;
  readonly message: string;
}

/**
 * The commits that declare a breaking change, as the Conventional Commits
 * specification (1.0.0, items 13 and 16) and commit-and-tag-version read them:
 * a `!` before the header's colon, or a `BREAKING CHANGE:` (or
 * `BREAKING-CHANGE:`) footer.
 */
export function declaredBreakingChanges(commits: readonly Commit[]): Commit[] {
  return commits.filter(({ message }) => {
    const [header, ...body] = message.split('\n');
    return /^[A-Za-z]+(\([^)]*\))?!: /.test(header) || body.some((line) => /^BREAKING[ -]CHANGE: /.test(line));
  });
}

/** Compares the sorted `vX.Y.Z` tags by version, newest first. */
export function newestReleaseTag(tags: readonly string[]): string | undefined {
  const parsed = tags
    .map((tag) => ({ tag, m: RELEASE_TAG.exec(tag.trim()) }))
    .filter((t): t is { tag: string; m: RegExpExecArray } => t.m !== null)
    .map(({ tag, m }) => ({ tag: tag.trim(), v: [Number(m[1]), Number(m[2]), Number(m[3])] }));
  parsed.sort((a, b) => b.v[0] - a.v[0] || b.v[1] - a.v[1] || b.v[2] - a.v[2]);
  return parsed[0]?.tag;
}

export interface ApiComparison {
  /** The changes jsii-diff counts as breaking, each with its suppression key. */
  readonly breaking: string[];
  /** jsii-diff's whole report. */
  readonly report: string;
}

/**
 * Compares two jsii assemblies (folders holding a `.jsii` and a package.json,
 * from which the assemblies they depend on can be resolved) with jsii-diff.
 */
export function compareAssemblies(originalDir: string, updatedDir: string): ApiComparison {
  const result = spawnSync(path.join(BIN, 'jsii-diff'), ['--keys', originalDir, updatedDir], {
    cwd: ROOT,
    env: QUIET_NODE,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const breaking = report.split('\n').filter((line) => line.startsWith('err ')).map((line) => line.replace(/^err\s+-\s+/, ''));
  // jsii-diff exits 1 on breaking changes, and with other codes when it cannot load an assembly.
  if (result.status !== 0 && breaking.length === 0) {
    throw new Error(`jsii-diff ${originalDir} ${updatedDir} failed (exit ${result.status}):\n${report}`);
  }
  return { breaking, report };
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The commits of `range`, each with its whole message. */
function commitsOf(range: string): Commit[] {
  return git(['log', '--format=%H%x1f%B%x1e', range])
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [sha, message] = entry.split('\x1f');
      return { sha: sha.trim(), message: message.trim() };
    });
}

/**
 * The assembly of a tagged release, compiled by jsii from the tag in a
 * temporary worktree (with this checkout's node_modules) and kept, with its
 * package.json, in node_modules/.cache; returns its folder.
 */
function assemblyOfRelease(tag: string): string {
  const sha = git(['rev-list', '-n', '1', tag]).trim();
  const cached = path.join(ROOT, 'node_modules', '.cache', 'cdk-message-patterns', 'api-compat', sha);
  if (fs.existsSync(path.join(cached, '.jsii'))) {
    return cached;
  }
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), `api-compat-${tag}-`));
  git(['worktree', 'add', '--detach', '--force', worktree, sha]);
  try {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');
    console.log(`api-compat: compiling the API of ${tag} (${sha.slice(0, 12)}) with jsii`);
    const compile = spawnSync(path.join(BIN, 'jsii'), ['--silence-warnings=reserved-word'], {
      cwd: worktree,
      env: QUIET_NODE,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (compile.status !== 0) {
      throw new Error(`jsii could not compile ${tag}:\n${compile.stdout}${compile.stderr}`);
    }
    fs.mkdirSync(cached, { recursive: true });
    for (const file of ['.jsii', 'package.json']) {
      fs.copyFileSync(path.join(worktree, file), path.join(cached, file));
    }
    return cached;
  } finally {
    git(['worktree', 'remove', '--force', worktree]);
    fs.rmSync(worktree, { recursive: true, force: true });
  }
}

export interface GateVerdict {
  readonly pass: boolean;
  readonly message: string;
}

/**
 * The gate's decision on the changes since `tag`: it passes when jsii-diff finds no breaking change, or when a
 * commit since the tag declares one; it fails on a breaking change no commit declares.
 */
export function gateVerdict(tag: string, comparison: ApiComparison, commitsSinceTag: readonly Commit[]): GateVerdict {
  const { breaking, report } = comparison;
  if (breaking.length === 0) {
    return { pass: true, message: `api-compat: no breaking change to the public API since ${tag} (jsii-diff)` };
  }
  const declared = declaredBreakingChanges(commitsSinceTag);
  const changes = breaking.map((line) => `  - ${line}`).join('\n');
  if (declared.length > 0) {
    const commits = declared.map((c) => `  ${c.sha.slice(0, 12)} ${c.message.split('\n')[0]}`).join('\n');
    return { pass: true, message: `api-compat: ${breaking.length} breaking change(s) since ${tag}, declared by:\n${commits}\nThe changes:\n${changes}` };
  }
  return {
    pass: false,
    message:
      `api-compat: ${breaking.length} breaking change(s) since ${tag} that no commit declares:\n${changes}\n\n` +
      'Keep the API compatible, or declare the break in the commit that makes it: a "!" after the type ' +
      '("feat!: ...") or a "BREAKING CHANGE: <what users must change>" footer. The release then raises the ' +
      `major version (the minor before 1.0.0), and the changelog lists it (docs/releases.md).\n\njsii-diff's report:\n${report}`,
  };
}

function main(): number {
  if (!fs.existsSync(path.join(ROOT, '.jsii'))) {
    console.error('api-compat: no .jsii in the project: compile first (npx projen compile)');
    return 1;
  }
  const tag = newestReleaseTag(git(['tag', '--merged', 'HEAD', '--list', 'v*']).split('\n'));
  if (!tag) {
    console.log('api-compat: no release tag (vX.Y.Z) in the history: this is the first release, there is no earlier API to compare with');
    return 0;
  }
  const verdict = gateVerdict(tag, compareAssemblies(assemblyOfRelease(tag), ROOT), commitsOf(`${tag}..HEAD`));
  (verdict.pass ? console.log : console.error)(verdict.message);
  return verdict.pass ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main();
}
