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
      .requiredOption(
        '--input <file>',
        "a vector case or its inputs: JSON, or its binary form (tao sim convert), either gzipped or not ('-' = stdin)",
      )
      .option('--semantics <kind>', "'chain' (what the chain runs) or 'dense' (its test-only variant)")
      .action(async (opts: { input: string; semantics?: string }) => {
        await compileHotLoopsInline();
        await simEpoch(opts, (chunk) => process.stdout.write(chunk));
      }),
    'tao sim epoch --input case.json',
    'cat case.json | tao sim epoch --input - --semantics dense',
  );
  withExamples(
    sim
      .command('convert')
      .description(
        'write a vector case in the compact binary input form (docs/yuma-binary.md): same epochs, faster to read',
      )
      .requiredOption('--input <file>', "a vector case or its inputs, JSON or gzipped JSON ('-' = stdin)")
      .requiredOption('--output <file>', 'the binary file to write')
      .action(async (opts: { input: string; output: string }, command: Command) => {
        const r = await simConvert(opts);
        const { emit } = await import('./output.js');
        emit(
          Boolean((command.optsWithGlobals() as { json?: boolean }).json),
          { output: opts.output, bytes: r.bytes, matrices: r.matrices, json_bytes: r.jsonBytes },
          (d) =>
            `wrote ${d.output}: ${d.bytes} bytes (${d.matrices} matrices as arrays) from ${d.json_bytes} bytes of JSON`,
        );
      }),
    'tao sim convert --input case.json.gz --output case.bin',
    'tao sim epoch --input case.bin',
  );
}

/**
 * The epoch's hot loops each run once, in a fresh process: V8 interprets a loop until its optimized code
 * (on-stack replacement) is ready, and compiled on a background thread that code comes late when the
 * cores are busy. Compiling it on the spot, when the loop turns hot, cuts the CPU of a whole
 * `tao sim epoch` (n = 4096, two epochs) by about a quarter on a loaded 2-core box. Only this command's
 * process: set before the consensus modules load.
 */
async function compileHotLoopsInline(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString(V8_FLAGS);
}

const V8_FLAGS = '--no-concurrent-osr';

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

/** The input's bytes, gunzipped when gzipped. */
async function readBytes(path: string): Promise<Buffer> {
  const bytes = await readInput(path);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const { gunzipSync } = await import('node:zlib');
  try {
    return gunzipSync(bytes);
  } catch {
    throw usageError('E_INPUT', 'the input looks gzipped but does not decompress');
  }
}

function parseJson(bytes: Buffer, parseJsonBytes: (b: Uint8Array) => unknown): unknown {
  try {
    return parseJsonBytes(bytes);
  } catch {
    // the reader is strict; JSON.parse says what is wrong in its usual words
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw usageError('E_INPUT', `the input is not JSON: ${(error as Error).message}`);
    }
  }
}

/** `tao sim convert`: the case's JSON → its binary form in `output` (written whole, then renamed into place). */
export async function simConvert(opts: {
  input: string;
  output: string;
}): Promise<{ bytes: number; matrices: number; jsonBytes: number }> {
  const json = await readBytes(opts.input);
  const [{ parseJsonBytes }, { parseSequence }, { isYumaBinary, toYumaBinary }] = await Promise.all([
    import('../consensus/json-in.js'),
    import('../consensus/sequence.js'),
    import('../consensus/yuma-binary.js'),
  ]);
  if (isYumaBinary(json)) throw usageError('E_INPUT', 'the input is in the binary form already');
  // a case tao sim epoch would refuse is refused here, with the same message
  try {
    parseSequence(parseJson(json, parseJsonBytes));
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError)
      throw usageError('E_INPUT', `bad epoch input: ${error.message}`);
    throw error;
  }
  let out: { bytes: Uint8Array; matrices: number };
  try {
    out = toYumaBinary(json);
  } catch (error) {
    throw usageError('E_INPUT', `cannot convert: ${(error as Error).message}`);
  }
  const { rename, writeFile } = await import('node:fs/promises');
  const tmp = `${opts.output}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, out.bytes);
    await rename(tmp, opts.output);
  } catch (error) {
    const { rm } = await import('node:fs/promises');
    await rm(tmp, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw usageError('E_OUTPUT', `cannot write --output ${opts.output} (${code})`);
  }
  return { bytes: out.bytes.length, matrices: out.matrices, jsonBytes: json.length };
}

/**
 * The handler: read the case (file, stdin, gzip; JSON or the binary form), run it, hand the JSON document to `write` in chunks of
 * bytes (nothing is written when the input is bad).
 */
export async function simEpoch(
  opts: { input: string; semantics?: string },
  write: (chunk: Uint8Array) => void,
): Promise<void> {
  if (opts.semantics !== undefined && opts.semantics !== 'chain' && opts.semantics !== 'dense') {
    throw usageError('E_USAGE', `--semantics must be 'chain' or 'dense', not '${opts.semantics}'`);
  }
  const bytes = await readBytes(opts.input);
  const [{ parseJsonBytes }, { parseSequence, runSequence }, { writeEpochs }, { ByteWriter }, binary] =
    await Promise.all([
      import('../consensus/json-in.js'),
      import('../consensus/sequence.js'),
      import('../consensus/report.js'),
      import('../consensus/json-out.js'),
      import('../consensus/yuma-binary.js'),
    ]);
  let doc: unknown;
  if (binary.isYumaBinary(bytes)) {
    try {
      doc = binary.parseYumaBinary(bytes);
    } catch (error) {
      throw usageError('E_INPUT', (error as Error).message);
    }
  } else doc = parseJson(bytes, parseJsonBytes);
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
