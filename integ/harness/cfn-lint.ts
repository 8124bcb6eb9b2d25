/**
 * cfn-lint (installed with the emulator in .venv/) on a synthesized template.
 */
import { spawnSync } from 'child_process';
import { ensureInstalled, venvExecutable } from './emulator';

export interface LintFinding {
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly rule: string;
  readonly message: string;
  /** Path in the template, e.g. Resources/OrderConsumer4A54EDB6/DependsOn/1. */
  readonly path: string;
}

/** Lints one template (region us-east-1); throws when cfn-lint itself fails. */
export function cfnLint(templateFile: string): LintFinding[] {
  ensureInstalled();
  const result = spawnSync(venvExecutable('cfn-lint'), ['--format', 'json', '--regions', 'us-east-1', '--', templateFile], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit status is a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a failure of cfn-lint.
  if (result.error || result.status === null || result.status % 2 === 1) {
    throw new Error(`cfn-lint failed on ${templateFile} (status ${result.status}): ${result.error ?? result.stderr}`);
  }
  const matches: any[] = result.stdout.trim() ? JSON.parse(result.stdout) : [];
  return matches.map((m) => ({
    level: m.Level,
    rule: m.Rule?.Id ?? '?',
    message: m.Message,
    path: (m.Location?.Path ?? []).join('/'),
  }));
}

export function formatFinding(f: LintFinding): string {
  return `${f.level} ${f.rule} at ${f.path}: ${f.message}`;
}
