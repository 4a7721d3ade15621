// Every synthetic sequence (shared vectors and our fixtures) through runSequence: tolerance 0 on every
// key the vectors check, via the exact text `tao sim epoch` prints.
import { describe, expect, it } from 'vitest';
import { parseSequence, runSequence } from '../../src/consensus/index.js';
import { epochsJson } from '../../src/consensus/report.js';
import { epochDiffs, fixture, loadCases, parseBigSafe, SEQUENCE_FILES } from './vectors.js';

const files = SEQUENCE_FILES;

for (const file of files) {
  describe(file.split('/').slice(-1)[0]!, () => {
    for (const c of loadCases(file)) {
      it(`${c.name}: every epoch equals the reference exactly`, () => {
        const outs = runSequence(parseSequence(c));
        const printed = parseBigSafe(epochsJson(outs)) as { epochs: Record<string, unknown>[] };
        expect(printed.epochs).toHaveLength(c.expected.epochs.length);
        c.expected.epochs.forEach((exp, k) => {
          expect(epochDiffs(printed.epochs[k]!, exp), `epoch ${k}`).toEqual([]);
        });
      });
    }
  });
}

describe('fixture coverage', () => {
  it('covers the edge cases the issue lists', () => {
    const names = loadCases(fixture('edge_cases.json.gz')).map((c) => c.name);
    for (const want of [
      'edge.empty_subnet',
      'edge.one_neuron_self_weight',
      'edge.all_weights_zero',
      'edge.validator_loses_permit',
      'edge.reregistration',
      'edge.param_kappa_0',
      'edge.param_kappa_max',
      'edge.param_rao_u64_max',
      'edge.param_liquid_steep_min_dense',
    ]) {
      expect(names).toContain(want);
    }
  });
});
