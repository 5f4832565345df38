// jest testSequencer: jest's own order (failed first, then slowest), except that the files under
// test/after-all/ run after every other file (with --runInBand, after they have finished).
const Sequencer = require('@jest/test-sequencer').default;

const last = (t) => /[\\/]test[\\/]after-all[\\/]/.test(t.path);

class AfterAllLast extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return Promise.resolve(sorted).then((s) => [...s.filter((t) => !last(t)), ...s.filter(last)]);
  }
}

module.exports = AfterAllLast;
