import { describe, expect, it } from 'vitest';
import { trainGates, trainGatesYielding } from '../../src/peer/scoring/gates.js';
import { CLASSES } from '../../src/peer/task/blocked-gaussian.js';
import { Rng } from '../../src/peer/task/prng.js';

/** Random clipped log-probs for K neighbours on N rows, and labels. */
function data(K: number, N: number) {
  const rng = new Rng('gates-test');
  const F = new Float32Array(K * N * CLASSES);
  for (let i = 0; i < F.length; i++) F[i] = Math.log(0.01 + rng.uniform());
  const y = new Int32Array(N).map(() => Math.floor(rng.uniform() * CLASSES));
  return { F, y };
}

describe('gate training that yields to the event loop', () => {
  it('gives exactly the result of the blocking fit', async () => {
    const { F, y } = data(7, 200);
    const blocking = trainGates(F, y, 7, 200, { steps: 60 });
    const yielding = await trainGatesYielding(F, y, 7, 200, { steps: 60 }, 0);
    expect(yielding.theta).toEqual(blocking.theta);
    expect(yielding.lossBefore).toBe(blocking.lossBefore);
    expect(yielding.lossAfter).toBe(blocking.lossAfter);
    expect(blocking.lossAfter).toBeLessThan(blocking.lossBefore);
  });

  it('lets other work run between slices (an axon request is not held up by the whole fit)', async () => {
    const { F, y } = data(5, 100);
    let turns = 0;
    const other = setInterval(() => turns++, 0);
    let done = false;
    const fit = trainGatesYielding(F, y, 5, 100, { steps: 200 }, 0).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false); // still fitting after a turn of the loop
    await fit;
    clearInterval(other);
    expect(turns).toBeGreaterThan(0);
  });
});
