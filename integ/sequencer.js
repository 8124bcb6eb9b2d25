// Runs the integration suites in a fixed order: cfn-lint, the gap report,
// then the examples in the order of integ/harness/session.ts EXAMPLES, then the
// operator command's suites (they deploy order-processing and order-events again), then
// `npm run integ:aws` against the emulator, then the permissions suite (a second emulator, which evaluates policies).
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = ['cfn-lint', 'gaps', 'order-processing', 'order-fanout', 'order-events', 'order-ledger', 'order-enrichment', 'operations', 'operations-replay', 'integ-aws', 'permissions'];

function rank(path) {
  const name = path.split('/').pop().replace(/\.integ\.ts$/, '');
  const index = ORDER.indexOf(name);
  return index < 0 ? ORDER.length : index;
}

class IntegSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = IntegSequencer;
