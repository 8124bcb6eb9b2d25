import { readPage, tables } from './markdown';
import { GAPS } from '../../integ/gaps';

// The gap table of docs/emulator.md lists every gap of the registry
// (integ/gaps/index.ts), in the registry's order (the order of the run's gap
// report), each with its handling; nothing else.

const PAGE = 'docs/emulator.md';

function gapTable() {
  const table = tables(readPage(PAGE)).find((t) => t.heading === 'Emulator gaps');
  if (!table) {
    throw new Error(`${PAGE} has no table under "Emulator gaps"`);
  }
  return table;
}

/** The gap id of a row: the last `(`id`)` or `(`id`;` of its first cell. */
function idOf(cell: string): string | undefined {
  return [...cell.matchAll(/\(`([a-z0-9-]+)`[);]/g)].pop()?.[1];
}

test('the gap table names every gap of the registry once, in its order', () => {
  const ids = gapTable().rows.map((row) => idOf(row.cells[0]) ?? `row ${row.line}: no gap id`);
  expect(ids).toEqual(GAPS.map((gap) => gap.id));
});

test('each row says the handling of its gap', () => {
  const words = { shim: /\bShim\b/, skip: /\bSkip\b/, note: /\bNote\b/ };
  const wrong = gapTable().rows.flatMap((row) => {
    const gap = GAPS.find((g) => g.id === idOf(row.cells[0]));
    const handling = row.cells[row.cells.length - 1];
    return gap && !words[gap.handling].test(handling) ? [`${gap.id}: "${gap.handling}" not said in "${handling.slice(0, 60)}…"`] : [];
  });
  expect(wrong).toEqual([]);
});
