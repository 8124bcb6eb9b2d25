/**
 * Type-checks the TypeScript examples of the Markdown pages against the
 * library's source, with one TypeScript Program for every block.
 *
 * The convention (documented in CONTRIBUTING.md, "Code examples in the docs"):
 *
 * - Every ```ts and ```typescript block is compiled.
 * - By default (fixture `stack`), the block's `import` and `declare`
 *   statements are moved to the top of a module and the rest of the block
 *   becomes the body of the constructor of a `Stack` subclass: `this` is a
 *   stack, as in a user's own stack. Names the example does not define are
 *   declared in the block with `declare const name: Type;`.
 * - `<!-- example: fixture=app -->` on the line before the fence compiles the
 *   block as a module as it is (a whole app file, top-level code).
 * - `<!-- example: expect-error -->` marks a block that must not compile (one
 *   that shows a mistake); the check fails if it compiles.
 *
 * `cdk-message-patterns` resolves to `src/index.ts`, with the `paths` of
 * tsconfig.dev.json, as in the unit tests.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { CodeBlock, ROOT } from './markdown';

/** A block that did not behave as marked: `page:line: message`. */
export interface ExampleFailure {
  readonly page: string;
  readonly line: number;
  readonly message: string;
}

const TS_LANGUAGES = new Set(['ts', 'typescript']);
const FIXTURES = new Set(['stack', 'app']);

/** Whether a block is a TypeScript example this checker compiles. */
export function isTypeScript(block: CodeBlock): boolean {
  return TS_LANGUAGES.has(block.language);
}

/** A line of a generated module, with the Markdown line it comes from. */
interface SourceLine {
  readonly text: string;
  readonly mdLine: number;
}

interface VirtualFile {
  readonly fileName: string;
  readonly block: CodeBlock;
  readonly lines: SourceLine[];
}

/** Type-checks every TypeScript block in one Program; returns the blocks that failed, with file:line. */
export function checkExamples(blocks: CodeBlock[]): ExampleFailure[] {
  const failures: ExampleFailure[] = [];
  const files: VirtualFile[] = [];
  blocks.filter(isTypeScript).forEach((block, index) => {
    const unknown = Object.keys(block.marker).filter((key) => key !== 'fixture' && key !== 'expect-error');
    const fixture = block.marker.fixture ?? 'stack';
    if (unknown.length > 0 || typeof fixture !== 'string' || !FIXTURES.has(fixture)) {
      failures.push({
        page: block.page,
        line: block.fenceLine,
        message: `unknown example marker ${JSON.stringify(block.marker)}: use fixture=stack|app and expect-error`,
      });
      return;
    }
    const fileName = path.join(ROOT, 'test', 'docs', '__examples__', `${block.page.replace(/[^\w.-]/g, '_')}-L${block.fenceLine}-${index}.ts`);
    files.push({ fileName, block, lines: fixture === 'app' ? asModule(block) : inStack(block) });
  });

  const byName = new Map(files.map((file) => [file.fileName, file]));
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const file = byName.get(path.resolve(fileName));
    return file
      ? ts.createSourceFile(fileName, file.lines.map((l) => l.text).join('\n'), languageVersion, true)
      : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => byName.has(path.resolve(fileName)) || fileExists(fileName);
  host.readFile = (fileName) => {
    const file = byName.get(path.resolve(fileName));
    return file ? file.lines.map((l) => l.text).join('\n') : readFile(fileName);
  };

  const program = ts.createProgram({ rootNames: files.map((f) => f.fileName), options, host });
  for (const file of files) {
    const sourceFile = program.getSourceFile(file.fileName)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    const expectError = file.block.marker['expect-error'] === true;
    if (expectError && diagnostics.length === 0) {
      failures.push({
        page: file.block.page,
        line: file.block.fenceLine,
        message: 'the block is marked expect-error but compiles',
      });
    }
    if (!expectError) {
      for (const diagnostic of diagnostics) {
        const line = diagnostic.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line;
        failures.push({
          page: file.block.page,
          line: file.lines[line]?.mdLine ?? file.block.fenceLine,
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
        });
      }
    }
  }
  return failures;
}

/** tsconfig.dev.json's options (its `paths` included), without emitting and without unused-name errors. */
function compilerOptions(): ts.CompilerOptions {
  const configFile = path.join(ROOT, 'tsconfig.dev.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) {
    throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  }
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configFile);
  return {
    ...parsed.options,
    noEmit: true,
    // An example shows a call; it need not use every name it defines.
    noUnusedLocals: false,
    noUnusedParameters: false,
  };
}

/** The block as it is, as a module. */
function asModule(block: CodeBlock): SourceLine[] {
  const lines = block.code.split('\n').map((text, i) => ({ text, mdLine: block.fenceLine + 1 + i }));
  return [...lines, { text: 'export {};', mdLine: block.fenceLine }];
}

/** The block's imports and declarations at the top of a module, the rest in the constructor of a Stack. */
function inStack(block: CodeBlock): SourceLine[] {
  const lines = block.code.split('\n');
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.Latest, true);
  const hoisted = new Set<number>();
  for (const statement of source.statements) {
    const isDeclare = ts.canHaveModifiers(statement)
      && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
    if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || isDeclare) {
      const first = source.getLineAndCharacterOfPosition(statement.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(statement.getEnd()).line;
      for (let l = first; l <= last; l++) {
        hoisted.add(l);
      }
    }
  }
  const at = (i: number): SourceLine => ({ text: lines[i], mdLine: block.fenceLine + 1 + i });
  const fence = (text: string): SourceLine => ({ text, mdLine: block.fenceLine });
  return [
    fence("import * as __cdk from 'aws-cdk-lib';"),
    ...lines.map((_, i) => i).filter((i) => hoisted.has(i)).map(at),
    fence('export class Example extends __cdk.Stack {'),
    fence('  constructor() {'),
    fence('    super();'),
    ...lines.map((_, i) => i).filter((i) => !hoisted.has(i)).map(at),
    fence('  }'),
    fence('}'),
  ];
}
