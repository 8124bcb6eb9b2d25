/**
 * Every example template passes cfn-lint with no error (warnings are
 * printed, not failed). Needs no emulator; the synthesized assemblies are
 * reused by the deploy suites.
 */
import { cfnLint, formatFinding } from './harness/cfn-lint';
import { discoverExamples, EXAMPLES, exampleExists, synthesized } from './harness/session';
import { describeExample, suiteSession } from './harness/suite';

describe('cfn-lint', () => {
  for (const name of EXAMPLES) {
    describeExample(name, () => {
      test(`${name}: every template has no cfn-lint error`, async () => {
        const { stacks } = await synthesized(suiteSession().runDir, name);
        expect(stacks.length).toBeGreaterThan(0);
        const errors: string[] = [];
        for (const stack of stacks) {
          const findings = cfnLint(stack.templateFile);
          const lines = findings.map((f) => `  ${stack.stackName}: ${formatFinding(f)}`);
          process.stderr.write(`[cfn-lint] ${name}/${stack.stackName}: ${findings.filter((f) => f.level === 'Error').length} error(s), `
            + `${findings.filter((f) => f.level !== 'Error').length} warning(s)${lines.length ? `\n${lines.join('\n')}` : ''}\n`);
          errors.push(...findings.filter((f) => f.level === 'Error').map((f) => `${stack.stackName}: ${formatFinding(f)}`));
        }
        expect(errors).toEqual([]);
      }, 5 * 60_000);
    });
  }

  // The apps of the language packages (synthesized and compared with each other by test-languages/languages.test.ts).
  const LANGUAGE_APPS = ['go-app', 'java-app', 'python-app', 'ts-twin'];

  test('every example app has an integration scenario here, or is an app of the language packages\' test', () => {
    const known = [...EXAMPLES, ...LANGUAGE_APPS] as string[];
    expect(discoverExamples().filter((name) => !known.includes(name))).toEqual([]);
  });

  test('at least one example app exists', () => {
    expect(EXAMPLES.filter(exampleExists).length).toBeGreaterThan(0);
  });
});
