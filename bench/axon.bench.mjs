// The axon under load on CPU: real signed forward requests over loopback HTTP to an axon serving a `good`
// ONNX model, batch 32. Sequential latency (one request at a time: p50/p99) and throughput with 1, 4 and
// 16 callers in flight (the axon serves at most 4 at once; the rest queue by caller stake). Each caller is
// its own registered hotkey: one caller's nonces must arrive in order (a later nonce that overtakes an
// earlier one makes the earlier a replay), as with many validators querying one axon. The full scoring
// round (K = 64, B = 256) is in peer.bench.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyPairFromUri } from '../dist/crypto/keys.js';
import { encodeAddress } from '../dist/crypto/ss58.js';
import { ensureModel } from '../dist/peer/model/cache.js';
import { openClassifier, resolveDevice } from '../dist/peer/model/session.js';
import { Axon } from '../dist/peer/net/axon.js';
import { Dendrite } from '../dist/peer/net/dendrite.js';
import { sampleBatch } from '../dist/peer/task/blocked-gaussian.js';
import { Rng } from '../dist/peer/task/prng.js';
import { fmtMs, median, percentile, printTable } from './table.mjs';

const BATCH = 32;
const dir = mkdtempSync(join(tmpdir(), 'tao-axon-bench-'));
const device = await resolveDevice('cpu');
const model = await openClassifier(ensureModel(dir, { kind: 'good', block: 0 }).path, device);
const server = keyPairFromUri('//Alice');
const callers = Array.from({ length: 16 }, (_, i) => keyPairFromUri(`//Caller${i}`));
const registered = new Map(callers.map((k, i) => [encodeAddress(k.publicKey), { uid: i + 1, stake: 1n }]));
const axon = new Axon({
  hotkeyPublicKey: server.publicKey,
  port: 0,
  forward: (x, b) => model.forward(x, b),
  resolveCaller: (ss58) => registered.get(ss58) ?? null,
  maxQueue: 1024,
});
const port = await axon.listen();
const endpoint = { uid: 0, hotkey: encodeAddress(server.publicKey), ip: '127.0.0.1', port };
const dendrites = callers.map((k) => new Dendrite(k, { timeoutMs: 10_000 }));
const { x } = sampleBatch(new Rng(1), BATCH);

const one = async (c = 0) => {
  const r = await dendrites[c].query(endpoint, x, BATCH);
  if (!r.ok) throw new Error(r.reason);
};

for (let i = 0; i < 50; i++) await one(); // warm-up

const N = 400;
const lat = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  await one();
  lat.push(performance.now() - t0);
}

const rows = [
  [
    'sequential (1 in flight)',
    String(N),
    fmtMs(median(lat)),
    fmtMs(percentile(lat, 99)),
    `${(1000 / (lat.reduce((a, b) => a + b, 0) / N)).toFixed(0)} req/s`,
    `${((1000 / (lat.reduce((a, b) => a + b, 0) / N)) * BATCH).toFixed(0)} rows/s`,
  ],
];
for (const inFlight of [4, 16]) {
  const total = 800;
  const times = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async (_, c) => {
      while (next++ < total) {
        const s = performance.now();
        await one(c);
        times.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  rows.push([
    `${inFlight} callers in flight`,
    String(total),
    fmtMs(median(times)),
    fmtMs(percentile(times, 99)),
    `${(total / secs).toFixed(0)} req/s`,
    `${((total / secs) * BATCH).toFixed(0)} rows/s`,
  ]);
}

console.log(`axon forward, batch ${BATCH}, good(b=0) on ${device.device}, signed requests over loopback`);
printTable(['load', 'requests', 'p50', 'p99', 'throughput', 'rows'], rows);
console.log(`axon counters: ${JSON.stringify(axon.snapshot())}`);

await Promise.all(dendrites.map((d) => d.close()));
await axon.close();
await model.dispose();
rmSync(dir, { recursive: true, force: true });
