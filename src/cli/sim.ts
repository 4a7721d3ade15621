/** `tao sim epoch`: run Yuma epochs on a vector case (what-if tool; the ledger's consensus, offline). */
import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { withExamples } from './program.js';

export function registerSim(program: Command): void {
  const sim = program.command('sim').description('offline simulations of the ledger (Yuma consensus epochs)');
  withExamples(
    sim
      .command('epoch')
      .description('run the Yuma epoch(s) of a vector case and print {"epochs": [...]} as JSON')
      .requiredOption('--input <file>', "a vector case or its inputs, JSON or gzipped JSON ('-' = stdin)")
      .option('--semantics <kind>', "'chain' (what the chain runs) or 'dense' (its test-only variant)")
      .action(async (opts: { input: string; semantics?: string }) => {
        await simEpoch(opts, (chunk) => process.stdout.write(chunk));
      }),
    'tao sim epoch --input case.json',
    'cat case.json | tao sim epoch --input - --semantics dense',
  );
}

async function readInput(path: string): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw usageError('E_INPUT', `cannot read --input ${path} (${code})`);
  }
}

/**
 * The handler: read the case (file, stdin, gzip), run it, hand the JSON document to `write` in chunks of
 * bytes (nothing is written when the input is bad).
 */
export async function simEpoch(
  opts: { input: string; semantics?: string },
  write: (chunk: Uint8Array) => void,
): Promise<void> {
  if (opts.semantics !== undefined && opts.semantics !== 'chain' && opts.semantics !== 'dense') {
    throw usageError('E_USAGE', `--semantics must be 'chain' or 'dense', not '${opts.semantics}'`);
  }
  let bytes = await readInput(opts.input);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const { gunzipSync } = await import('node:zlib');
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw usageError('E_INPUT', 'the input looks gzipped but does not decompress');
    }
  }
  const [{ parseJsonBytes }, { parseSequence, runSequence }, { writeEpochs }, { ByteWriter }] =
    await Promise.all([
      import('../consensus/json-in.js'),
      import('../consensus/sequence.js'),
      import('../consensus/report.js'),
      import('../consensus/json-out.js'),
    ]);
  let doc: unknown;
  try {
    doc = parseJsonBytes(bytes);
  } catch {
    // the reader is strict; JSON.parse says what is wrong in its usual words
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw usageError('E_INPUT', `the input is not JSON: ${(error as Error).message}`);
    }
  }
  let outs: ReturnType<typeof runSequence>;
  try {
    const seq = parseSequence(doc);
    const semantics = opts.semantics as 'chain' | 'dense' | undefined;
    outs = runSequence(seq, semantics ? { semantics } : {});
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      throw usageError('E_INPUT', `bad epoch input: ${error.message}`);
    }
    throw error;
  }
  writeEpochs(new ByteWriter(write), outs);
}
