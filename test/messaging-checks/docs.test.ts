import * as fs from 'fs';
import { DOCS_PAGE, renderPage } from '../../scripts/messaging-checks-docs';

// The page lists every rule with its level, fix and sources as the code states them.
test('docs/messaging-checks.md is generated from the rules (run `npx projen docs:messaging-checks`)', () => {
  const page = fs.readFileSync(DOCS_PAGE, 'utf8');
  expect(page).toEqual(renderPage(page));
});
