// Runs in its own worker: proves the peer's model modules do not load onnxruntime until a model is used.
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ortLoaded = () => Object.keys(require.cache).some((k) => k.includes('onnxruntime-node'));

it('imports the model/scoring modules without loading onnxruntime, and loads it on first use', async () => {
  const session = await import('../../src/peer/model/session.js');
  await import('../../src/peer/model/cache.js');
  await import('../../src/peer/scoring/ablation.js');
  await import('../../src/peer/scoring/weights.js');
  expect(ortLoaded()).toBe(false);
  await session.loadOrt();
  expect(ortLoaded()).toBe(true);
});
