// Signing and verification throughput per scheme (single thread), including the ledger's hot path:
// verifyTx on a transfer envelope. ed25519 verification is shown both through node:crypto (what verify()
// uses) and through noble's pure-JS code (the fallback); sr25519 through both backends, pure JS
// (@scure/sr25519, what the CLI uses) and schnorrkel's wasm (@polkadot/wasm-crypto, what the ledger's verify
// workers used before) and schnorrkel-wasm (what they use now), with the one-off cost of loading the wasm.
// Run after `npm run build`.
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed25519VerifyFast, ed25519VerifyNoble } from '../dist/crypto/ed25519-node.js';
import { keyPairFromUri, setSr25519Backend, sign, sr25519Js, verify } from '../dist/crypto/keys.js';
import { signMessage } from '../dist/crypto/message.js';
import { encodeAddress, decodeAddress } from '../dist/crypto/ss58.js';
import { signTx, verifyTx } from '../dist/crypto/tx.js';
import { printTable } from './table.mjs';

const KEYS = 64; // distinct signers, so the KeyObject cache sees realistic reuse
const MIN_MS = Number(process.env.BENCH_MS ?? 700);

function rate(fn) {
  for (let i = 0; i < 50; i++) fn(i); // warm up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    for (let k = 0; k < 50; k++) fn(n++);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}
const fmt = (ops) => Math.round(ops).toLocaleString('en-US');

const msg = new TextEncoder().encode('a 64-byte-ish message to sign, about the size of a small payload');
// The wasm backend's one-off cost, in a fresh process (import + compile + instantiate), against node -e 0.
const { execFileSync } = await import('node:child_process');
const wasmUrl = new URL('../dist/crypto/sr25519-wasm.js', import.meta.url).href;
const startMs = (code) => {
  const t = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', code]);
  return performance.now() - t;
};
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const bare = median(Array.from({ length: 5 }, () => startMs('')));
const withWasm = median(
  Array.from({ length: 5 }, () =>
    startMs(
      `const m = await import(${JSON.stringify(wasmUrl)}); if (!(await m.enableWasmSr25519())) process.exit(1);`,
    ),
  ),
);
const { enableWasmSr25519 } = await import(wasmUrl);
if (!(await enableWasmSr25519())) throw new Error('the sr25519 wasm backend did not load');
setSr25519Backend(sr25519Js);

const rows = [];
for (const scheme of ['sr25519', 'ed25519']) {
  const pairs = Array.from({ length: KEYS }, (_, i) => keyPairFromUri(`//bench//${i}`, scheme));
  const sigs = pairs.map((p) => sign(p, msg));
  const txs = pairs.map((p, i) =>
    signTx(p, {
      genesisHash: new Uint8Array(32).fill(7),
      nonce: i,
      expiry: 1000,
      call: { type: 'transfer', dest: encodeAddress(pairs[(i + 1) % KEYS].publicKey), amount: '1000000000' },
    }),
  );
  const wire = txs.map((t) => JSON.parse(JSON.stringify(t)));
  rows.push([
    `${scheme} sign${scheme === 'ed25519' ? ' (node:crypto)' : ''}`,
    fmt(rate((i) => sign(pairs[i % KEYS], msg))),
  ]);
  if (scheme === 'ed25519')
    rows.push(['ed25519 sign (noble)', fmt(rate((i) => ed25519.sign(msg, pairs[i % KEYS].secretKey)))]);
  rows.push([`${scheme} signMessage`, fmt(rate((i) => signMessage(pairs[i % KEYS], msg)))]);
  rows.push([
    `${scheme} verify${scheme === 'ed25519' ? ' (node:crypto)' : ''}`,
    fmt(rate((i) => verify(scheme, pairs[i % KEYS].publicKey, msg, sigs[i % KEYS]))),
  ]);
  if (scheme === 'ed25519')
    rows.push([
      'ed25519 verify (noble)',
      fmt(rate((i) => ed25519VerifyNoble(pairs[i % KEYS].publicKey, msg, sigs[i % KEYS]))),
    ]);
  if (scheme === 'ed25519')
    rows.push([
      'ed25519 verify (node:crypto, 1 key)',
      fmt(rate(() => ed25519VerifyFast(pairs[0].publicKey, msg, sigs[0]))),
    ]);
  rows.push([`${scheme} verifyTx (transfer)`, fmt(rate((i) => verifyTx(wire[i % KEYS])))]);
  if (scheme === 'sr25519') {
    await enableWasmSr25519();
    rows.push(['sr25519 sign (wasm)', fmt(rate((i) => sign(pairs[i % KEYS], msg)))]);
    rows.push([
      'sr25519 verify (wasm)',
      fmt(rate((i) => verify(scheme, pairs[i % KEYS].publicKey, msg, sigs[i % KEYS]))),
    ]);
    rows.push(['sr25519 verifyTx (transfer, wasm)', fmt(rate((i) => verifyTx(wire[i % KEYS])))]);
    // the verify workers' backend: schnorrkel-wasm over the wasm one (keys known after the first pass)
    const { enableFastSr25519 } = await import('../dist/crypto/sr25519-schnorrkel.js');
    if ((await enableFastSr25519()) !== 'schnorrkel')
      throw new Error('the fast sr25519 verifier did not load');
    for (let i = 0; i < KEYS; i++) verify(scheme, pairs[i].publicKey, msg, sigs[i]);
    rows.push([
      'sr25519 verify (schnorrkel, verify workers)',
      fmt(rate((i) => verify(scheme, pairs[i % KEYS].publicKey, msg, sigs[i % KEYS]))),
    ]);
    rows.push(['sr25519 verifyTx (transfer, schnorrkel)', fmt(rate((i) => verifyTx(wire[i % KEYS])))]);
    setSr25519Backend(sr25519Js);
  }
  rows.push([
    `${scheme} keyPairFromUri (mnemonic//x)`,
    fmt(rate((i) => keyPairFromUri(`//k//${i}`, scheme))),
  ]);
}
const alice = encodeAddress(keyPairFromUri('//Alice').publicKey);
rows.push(['ss58 decodeAddress', fmt(rate(() => decodeAddress(alice)))]);

printTable(['operation', 'ops/s'], rows);
printTable(
  ['process start (median of 5)', 'ms'],
  [
    ['node -e 0', bare.toFixed(0)],
    ['node + load the sr25519 wasm backend', withWasm.toFixed(0)],
  ],
);
