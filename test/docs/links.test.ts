import * as fs from 'fs';
import * as path from 'path';
import { anchors, codeBlocks, links, markdownPages, proseOf, readPage, ROOT } from './markdown';

// Every relative link of README.md, CONTRIBUTING.md and docs/*.md leads to an
// existing file (and heading), every command they name exists, and the
// README's two commands do what it says.

const PAGES = markdownPages();
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TASKS = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;

test('every relative link leads to an existing file, and every anchor to a heading of its page', () => {
  const broken: string[] = [];
  for (const page of PAGES) {
    for (const { line, target } of links(readPage(page))) {
      if (/^[a-z]+:/i.test(target)) {
        continue; // https:, mailto:
      }
      const [file, anchor] = target.split('#');
      const resolved = file ? path.resolve(ROOT, path.dirname(page), decodeURIComponent(file)) : path.join(ROOT, page);
      if (!fs.existsSync(resolved)) {
        broken.push(`${page}:${line}: ${target}: no file ${path.relative(ROOT, resolved)}`);
      } else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${page}:${line}: ${target}: no heading #${anchor} in ${path.relative(ROOT, resolved)}`);
      }
    }
  }
  expect(broken).toEqual([]);
});

/** Inline code spans of the prose, and the lines of shell code blocks, with their lines. */
function commandTexts(page: string): { line: number; text: string }[] {
  const text = readPage(page);
  const spans = proseOf(text).flatMap((line, i) => [...line.matchAll(/`([^`]+)`/g)].map((m) => ({ line: i + 1, text: m[1] })));
  const shell = codeBlocks(page, text)
    .filter((b) => ['sh', 'bash', 'shell', ''].includes(b.language))
    .flatMap((b) => b.code.split('\n').map((l, i) => ({ line: b.fenceLine + 1 + i, text: l })));
  return [...spans, ...shell];
}

test('every `npm run` script and `npx projen` task the pages name exists', () => {
  const missing: string[] = [];
  for (const page of PAGES) {
    for (const { line, text } of commandTexts(page)) {
      for (const m of text.matchAll(/\bnpm run ([\w:.-]+)/g)) {
        if (!(m[1] in PACKAGE.scripts)) {
          missing.push(`${page}:${line}: npm run ${m[1]}: no such script in package.json`);
        }
      }
      for (const m of text.matchAll(/\bnpx projen ([\w:.-]+)/g)) {
        if (!(m[1] in TASKS)) {
          missing.push(`${page}:${line}: npx projen ${m[1]}: no such task in .projen/tasks.json`);
        }
      }
    }
  }
  expect(missing).toEqual([]);
});

test('every file of the repository the pages name in code exists', () => {
  const missing: string[] = [];
  const pathLike = /(?:^|[\s(`'"])((?:src|test|test-languages|integ|scripts|bench|examples|docs|\.ci)\/[\w./-]*)/g;
  for (const page of PAGES) {
    for (const { line, text } of commandTexts(page)) {
      for (const m of text.matchAll(pathLike)) {
        const file = m[1].replace(/[.,:;]+$/, '');
        if (/<|\*/.test(text.slice(m.index, m.index + m[0].length + 1)) || file.includes('cdk.out')) {
          continue; // a pattern such as examples/<name>/cdk.out
        }
        if (!fs.existsSync(path.join(ROOT, file))) {
          missing.push(`${page}:${line}: ${file} does not exist`);
        }
      }
    }
  }
  expect(missing).toEqual([]);
});

test('the README\'s two commands do what its table says', () => {
  // GIVEN the README's table of the two set-up commands
  const readme = readPage('README.md');
  expect(readme).toMatch(/^\| `npm run demo` \| The main job: installs the dependencies, starts a local AWS emulator, deploys every example app/m);
  expect(readme).toMatch(/^\| `npm run check` \| The tests: installs the dependencies and builds a release as `npx projen release` does \(the version and changelog from the commits, jsii, the linter and every unit test/m);

  // THEN demo installs, bundles the handlers and runs a demo script that exists
  const demo = /^npm ci && projen bundle && ts-node .* ([\w/.-]+\.ts)$/.exec(PACKAGE.scripts.demo);
  expect(demo).not.toBeNull();
  expect(`${demo![1]} exists: ${fs.existsSync(path.join(ROOT, demo![1]))}`).toBe(`${demo![1]} exists: true`);

  // AND check installs, builds a release (version, jsii, unit tests, lint, the four packages, the API gate), synthesizes
  // the examples, installs the packages into the language apps, then runs the integration suite
  expect(PACKAGE.scripts.check).toBe('npm ci && projen release && projen synth:examples && projen test:languages && projen integ');
  const steps = (task: string): string[] => (TASKS[task].steps ?? []).map((s: { spawn?: string; exec?: string; execArgs?: string[] }) =>
    s.spawn ?? s.exec ?? (s.execArgs ?? []).join(' '));
  expect(steps('release')).toEqual(expect.arrayContaining(['bump', 'build', 'package:languages', 'api:compat', 'unbump']));
  expect(steps('package:languages').join(' ')).toMatch(/language-apps\.sh package/);
  expect(steps('api:compat').join(' ')).toMatch(/scripts\/api-compat\.ts/);
  expect(steps('build')).toEqual(expect.arrayContaining(['compile', 'test']));
  expect(steps('compile').join(' ')).toMatch(/^jsii\b/);
  expect(steps('test')).toEqual(expect.arrayContaining(['eslint']));
  expect(steps('test:languages').join(' ')).toMatch(/test-languages\/jest\.config\.js/);
  expect(steps('integ').join(' ')).toMatch(/integ\/jest\.config\.js/);
});
