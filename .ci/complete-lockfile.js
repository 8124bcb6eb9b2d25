#!/usr/bin/env node
// Adds to package-lock.json the entries of optional, platform-specific
// packages that npm left out because their registry could not serve them
// (npm then writes a lock file that its own `npm ci` rejects as incomplete).
// The entries carry the version and platform only: npm never installs them on
// another platform, and on theirs it resolves them from the registry.
// Run after any change of the lock file: node .ci/complete-lockfile.js
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const packages = lock.packages;
const PLATFORM = /-(android|darwin|freebsd|linux|openharmony|win32|wasm32)-([a-z0-9]+)/;
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const parent = location === '' ? '' : `${location}/`;
    if (packages[`${parent}node_modules/${name}`] || packages[`node_modules/${name}`]) {
      continue;
    }
    const match = PLATFORM.exec(name);
    if (!match) {
      continue;
    }
    const [, os, cpu] = match;
    packages[`node_modules/${name}`] = {
      version,
      dev: entry.dev,
      optional: true,
      ...(os === 'wasm32' ? { cpu: ['wasm32'] } : { os: [os], cpu: [cpu] }),
    };
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: ${added} entries added`);
