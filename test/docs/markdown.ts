/**
 * Reading the project's Markdown pages: which pages there are, their fenced
 * code blocks (with the `<!-- example: ... -->` marker written before a block),
 * their tables and their relative links.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

/** README.md, CONTRIBUTING.md and every page of docs/, relative to the root. */
export function markdownPages(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

export function readPage(page: string): string {
  return fs.readFileSync(path.join(ROOT, page), 'utf8');
}

/** A fenced code block of a page. */
export interface CodeBlock {
  /** The page, relative to the root (`docs/routing.md`). */
  readonly page: string;
  /** The 1-based line of the opening fence. */
  readonly fenceLine: number;
  /** The fence's language (`ts`, `typescript`, `python`...). */
  readonly language: string;
  /** The code, without the fences. */
  readonly code: string;
  /** The options of the `<!-- example: ... -->` comment on the line before the fence, if any. */
  readonly marker: Record<string, string | true>;
}

const MARKER = /^<!--\s*example:\s*(.*?)\s*-->\s*$/;

/** Every fenced code block of a Markdown text. */
export function codeBlocks(page: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) {
      body.push(lines[i]);
    }
    if (i >= lines.length) {
      throw new Error(`${page}:${start + 1}: code block never closed`);
    }
    const previous = start > 0 ? MARKER.exec(lines[start - 1]) : null;
    blocks.push({
      page,
      fenceLine: start + 1,
      language: open[1],
      code: body.join('\n'),
      marker: previous ? parseMarker(previous[1]) : {},
    });
  }
  return blocks;
}

/** `fixture=app, expect-error` → `{ fixture: 'app', 'expect-error': true }`. */
function parseMarker(text: string): Record<string, string | true> {
  const options: Record<string, string | true> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p)) {
    const [key, value] = part.split('=').map((p) => p.trim());
    options[key] = value ?? true;
  }
  return options;
}

/** The text of a page outside its fenced code blocks, line numbers kept (code lines are blanked). */
export function proseOf(text: string): string[] {
  let inFence = false;
  return text.split('\n').map((line) => {
    if (/^```/.test(line)) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : line;
  });
}

/** A Markdown table row: its 1-based line and its cells, trimmed. */
export interface TableRow {
  readonly line: number;
  readonly cells: string[];
}

/** A Markdown table: the heading it is under, its header cells and its rows. */
export interface Table {
  readonly heading: string;
  readonly line: number;
  readonly header: string[];
  readonly rows: TableRow[];
}

/** Every table of a page, outside code blocks. */
export function tables(text: string): Table[] {
  const lines = proseOf(text);
  const found: Table[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#+\s+(.*)$/.exec(lines[i]);
    if (h) {
      heading = h[1].trim();
      continue;
    }
    if (!isRow(lines[i]) || !isRow(lines[i + 1] ?? '') || !/^\|[\s:|-]+\|\s*$/.test(lines[i + 1])) {
      continue;
    }
    const table: Table = { heading, line: i + 1, header: cellsOf(lines[i]), rows: [] };
    for (i += 2; i < lines.length && isRow(lines[i]); i++) {
      table.rows.push({ line: i + 1, cells: cellsOf(lines[i]) });
    }
    found.push(table);
  }
  return found;
}

function isRow(line: string): boolean {
  return /^\|.*\|\s*$/.test(line);
}

/** The cells of a row; `|` inside backticks or escaped (`\|`) does not split a cell. */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  const text = line.trim().slice(1, -1);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '|') {
      current += '|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      current += c;
    } else if (c === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  cells.push(current.trim());
  return cells;
}

/** A link of a page: its 1-based line and its target. */
export interface Link {
  readonly line: number;
  readonly target: string;
}

/** Every Markdown link `[text](target)` of a page, outside code blocks and inline code. */
export function links(text: string): Link[] {
  const found: Link[] = [];
  proseOf(text).forEach((line, index) => {
    const withoutCode = line.replace(/`[^`]*`/g, '');
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      found.push({ line: index + 1, target: match[1] });
    }
  });
  return found;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings, numbered as GitHub numbers repeated ones (`defaults`, `defaults-1`). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of proseOf(text)) {
    const h = /^#+\s+(.*)$/.exec(line);
    if (!h) {
      continue;
    }
    const base = anchorOf(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}
