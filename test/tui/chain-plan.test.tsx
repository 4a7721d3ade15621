/**
 * The Subtensor dialogs' pure logic with hard-coded values: the protected stake quote (limit price, the
 * pool's output in the runtime's U64F64 arithmetic, slippage, beyond-limit), the review's lines and
 * refusals (keep-alive, stake held, limit), the naming of the pool's CustomTransactionError refusals, and
 * the dialog's Subtensor flow (hotkey → netuid → amount → tolerance 0.005 → review → password → signPlan)
 * on a source whose quote is the real planner over fixed chain facts. The expected alpha below equals
 * ⌊L·Δ/(L+Δ)⌋ with Δ = amount − ⌊amount·33/65535⌋ computed with exact rationals (1,995,004,904 for 2 τ).
 */
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTolerance } from '../../src/chain/subtensor/stake.js';
import {
  milliPercentText,
  namePoolRefusal,
  quoteStake,
  slippageMilli,
} from '../../src/chain/subtensor/stake-quote.js';
import { TaoError } from '../../src/core/errors.js';
import type { ChainSigning, ChainTxOutcome } from '../../src/tui/data/chain-tx.js';
import { chainSigningOf } from '../../src/tui/data/chain-tx.js';
import { SubtensorDataSource } from '../../src/tui/data/subtensor-source.js';
import type { PasswordSource } from '../../src/tui/data/types.js';
import {
  type ChainTxPlan,
  type ChainTxRequest,
  ledgerStakeCall,
  planChainTx,
} from '../../src/tui/dialogs/chain-plan.js';
import { formatTao } from '../../src/core/amount.js';
import { applyOverrides, DEFAULT_BINDINGS } from '../../src/tui/keys.js';
import { Console } from '../../src/tui/root.js';
import {
  consoleTree,
  freshPool,
  KEYS,
  OWN_COLDKEY,
  OWN_HOTKEY,
  RecordingSource,
  renderAt,
  theme,
  tick,
} from './fixtures.js';

afterEach(() => cleanup());

const TAO = 1_000_000_000n;
/** A fresh dynamic pool: 1,000 τ / 1,000 α (price 1.0, L = 10^12), protocol liquidity only, fee 33/65535. */
const POOL = freshPool(2);
const T005 = parseTolerance('0.005');
const FACTS = { free: 10n * TAO, fee: 137_052n, existentialDeposit: 500n, pool: POOL, price: TAO };
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** The frame as one line (box borders and wraps folded to single spaces). */
const flat = (frame: string) => plain(frame).replace(/[│\s]+/g, ' ');
/** Waits (a bounded poll, no timing assertion) until the quote or the signing promise has rendered. */
async function until(r: { frame: () => string }, text: string): Promise<string> {
  for (let i = 0; i < 200 && !flat(r.frame()).includes(text); i++) await tick(20);
  return flat(r.frame());
}

describe('protected stake quote', () => {
  it('buys 2 τ within a 0.5 % ceiling: exact alpha out, slippage, limit', () => {
    const q = quoteStake('add', POOL, TAO, 2n * TAO, T005);
    expect(q.limit).toBe(1_005_000_000n);
    expect(q.estimate).toEqual({
      used: 2_000_000_000n,
      out: 1_995_004_904n,
      fee: 1_007_095n,
      priceAfter: 1_004_001_981n,
      limited: false,
      exact: true,
    });
    expect(q.slippageMilli).toBe(249n);
    expect(q.beyondLimit).toBe(false);
  });

  it('sells 2 α above a 0.5 % floor', () => {
    const q = quoteStake('remove', POOL, TAO, 2n * TAO, T005);
    expect(q.limit).toBe(995_000_000n);
    expect(q.estimate.out).toBe(1_995_004_904n);
    expect(q.beyondLimit).toBe(false);
  });

  it('10 τ would pass the ceiling (price after ≈ 1.02): beyond the limit', () => {
    const q = quoteStake('add', POOL, TAO, 10n * TAO, T005);
    expect(q.beyondLimit).toBe(true);
    expect(q.estimate.used).toBe(2_498_140_712n); // what would fit within the limit
    expect(quoteStake('add', POOL, TAO, 2n * TAO, parseTolerance('0.001')).beyondLimit).toBe(true);
  });

  it('slippage in thousandths of a percent', () => {
    expect(slippageMilli(1000n, 995n)).toBe(500n);
    expect(slippageMilli(1000n, 1001n)).toBe(0n);
    expect(slippageMilli(0n, 5n)).toBe(0n);
    expect(milliPercentText(249n)).toBe('0.249 %');
    expect(milliPercentText(12_345n)).toBe('12.345 %');
  });
});

describe('the Subtensor review plan', () => {
  const request = (kind: ChainTxRequest['kind'], amount: bigint): ChainTxRequest => ({
    kind,
    from: OWN_COLDKEY,
    to: OWN_HOTKEY,
    amount,
    ...(kind === 'transfer' ? {} : { netuid: 2, tolerance: T005 }),
  });

  it('transfer: keep-alive, the chain fee, the balance after; refused below the existential deposit', () => {
    const ok = planChainTx(request('transfer', 1_500_000_000n), FACTS);
    if (!('plan' in ok)) throw new Error(ok.problem);
    expect(ok.plan.call).toEqual({
      pallet: 'balances',
      call: 'transferKeepAlive',
      args: [OWN_HOTKEY, 1_500_000_000n],
    });
    expect(ok.plan.lines).toEqual([
      ['amount', '1.500000000 τ'],
      ['fee', '0.000137052 τ (chain estimate)'],
      ['free after', '8.499862948 τ (now 10.000000000 τ)'],
      ['keep-alive', 'yes: the existential deposit 0.000000500 τ stays'],
    ]);
    // 10 τ − fee − 499 rao leaves 499 rao < 500: refused; one rao less is fine.
    const most = 10n * TAO - 137_052n - 500n;
    expect(planChainTx(request('transfer', most + 1n), FACTS)).toEqual({
      problem:
        'keep-alive: 9.999862449 τ + fee 0.000137052 τ would leave 0.000000499 τ, below the existential deposit 0.000000500 τ',
    });
    expect('plan' in planChainTx(request('transfer', most), FACTS)).toBe(true);
    expect(planChainTx(request('transfer', 10n * TAO), FACTS)).toEqual({
      problem: 'insufficient balance: 10.000000000 τ + fee 0.000137052 τ > free 10.000000000 τ',
    });
  });

  it('stake add: price, expected alpha, slippage, ceiling, tolerance; addStakeLimit fill or kill', () => {
    const r = planChainTx(request('stake-add', 2n * TAO), FACTS);
    if (!('plan' in r)) throw new Error(r.problem);
    expect(r.plan.call).toEqual({
      pallet: 'subtensorModule',
      call: 'addStakeLimit',
      args: [OWN_HOTKEY, 2, 2n * TAO, 1_005_000_000n, false],
    });
    expect(r.plan.lines).toEqual([
      ['netuid', '2'],
      ['amount', '2.000000000 τ'],
      ['price', '1.000000000 τ/α'],
      ['expected α out', '1.995004904 α'],
      ['slippage', '0.249 % (pool fee included)'],
      ['limit price', '1.005000000 τ/α (ceiling)'],
      ['tolerance', '0.005 (0.5 %), fill or kill'],
      ['fee', '0.000137052 τ (chain estimate)'],
      ['free after', '7.999862948 τ (now 10.000000000 τ)'],
    ]);
    expect(planChainTx(request('stake-add', 10n * TAO - 1n), FACTS)).toEqual({
      problem:
        'staking 9.999999999 τ would move the price past the limit (tolerance 0.5 %): the chain would refuse it; lower the amount, raise the tolerance or allow a partial fill',
    });
  });

  it('--partial: 9 τ past the ceiling fills what fits (addStakeLimit, partial); the rest stays free', () => {
    const r = planChainTx({ ...request('stake-add', 9n * TAO), partial: true }, FACTS);
    if (!('plan' in r)) throw new Error(r.problem);
    expect(r.plan.call).toEqual({
      pallet: 'subtensorModule',
      call: 'addStakeLimit',
      args: [OWN_HOTKEY, 2, 9n * TAO, 1_005_000_000n, true],
    });
    const fits = quoteStake('add', POOL, TAO, 9n * TAO, T005).estimate;
    expect(fits.used).toBe(2_498_140_712n);
    expect(r.plan.lines).toContainEqual([
      'expected α out',
      `${formatTao(fits.out)} α (partial: 2.498140712 τ fits within the limit)`,
    ]);
    expect(r.plan.lines).toContainEqual(['tolerance', '0.005 (0.5 %), partial fill allowed']);
    expect(r.plan.lines.at(-1)).toEqual([
      'free after',
      `${formatTao(10n * TAO - fits.used - 137_052n)} τ (now 10.000000000 τ)`,
    ]);
    expect(ledgerStakeCall(r.plan.call)).toEqual({
      type: 'add_stake',
      hotkey: OWN_HOTKEY,
      netuid: 2,
      amount: String(9n * TAO),
      limit_price: '1005000000',
      allow_partial: true,
    });
  });

  it('--unsafe: no limit, the plain removeStake / remove_stake; the whole amount sells whatever the price', () => {
    const r = planChainTx(
      { ...request('stake-remove', 3n * TAO), unsafe: true, partial: true },
      { ...FACTS, held: 5n * TAO },
    );
    if (!('plan' in r)) throw new Error(r.problem);
    expect(r.plan.call).toEqual({
      pallet: 'subtensorModule',
      call: 'removeStake',
      args: [OWN_HOTKEY, 2, 3n * TAO],
    });
    const labels = r.plan.lines.map(([label]) => label);
    expect(labels).not.toContain('limit price');
    expect(labels).not.toContain('tolerance');
    expect(r.plan.lines).toContainEqual([
      'protection',
      'OFF: no limit price, executes at whatever price the pool has',
    ]);
    expect(r.plan.lines).toContainEqual([
      'expected τ out',
      `${formatTao(quoteStake('remove', POOL, TAO, 3n * TAO, undefined).estimate.out)} τ`,
    ]);
    expect(ledgerStakeCall(r.plan.call)).toEqual({
      type: 'remove_stake',
      hotkey: OWN_HOTKEY,
      netuid: 2,
      amount: String(3n * TAO),
    });
    // 10 τ, refused at 0.5 % fill or kill, goes through unprotected as the plain addStake.
    const all = planChainTx({ ...request('stake-add', 9n * TAO), unsafe: true }, FACTS);
    if (!('plan' in all)) throw new Error(all.problem);
    expect(all.plan.call).toEqual({
      pallet: 'subtensorModule',
      call: 'addStake',
      args: [OWN_HOTKEY, 2, 9n * TAO],
    });
  });

  it('stake remove: alpha held, τ out, floor; more than held is refused', () => {
    const r = planChainTx(request('stake-remove', 2n * TAO), { ...FACTS, held: 5n * TAO });
    if (!('plan' in r)) throw new Error(r.problem);
    expect(r.plan.call.call).toBe('removeStakeLimit');
    expect(r.plan.call.args).toEqual([OWN_HOTKEY, 2, 2n * TAO, 995_000_000n, false]);
    expect(r.plan.lines.slice(1, 4)).toEqual([
      ['alpha', '2.000000000 α of 5.000000000 α held'],
      ['price', '1.000000000 τ/α'],
      ['expected τ out', '1.995004904 τ'],
    ]);
    expect(r.plan.lines.at(-1)).toEqual(['free after', '11.994867852 τ (now 10.000000000 τ)']);
    expect(planChainTx(request('stake-remove', 6n * TAO), { ...FACTS, held: 5n * TAO })).toEqual({
      problem: 'cannot unstake 6.000000000 α: only 5.000000000 α staked on that hotkey in subnet 2',
    });
  });
});

describe('pool refusals named', () => {
  it('CustomTransactionError 14 reads SubtensorModule.ZeroMaxAmount, exit 5; others pass through', () => {
    const raw = new TaoError(
      'E_TX_INVALID',
      'the chain refused the transaction: 1010: Invalid Transaction: {"custom":14}',
      5,
    );
    const named = namePoolRefusal(raw);
    expect(named?.code).toBe('E_TX_INVALID');
    expect(named?.exitCode).toBe(5);
    expect(named?.message).toMatch(
      /^SubtensorModule\.ZeroMaxAmount \(CustomTransactionError 14\): the pool price is already past the limit price/,
    );
    expect(namePoolRefusal(new TaoError('E_TX_INVALID', '{"custom":99}', 5))).toBeNull();
    expect(namePoolRefusal(new Error('{"custom":14}'))).toBeNull();
  });
});

describe('Subtensor source gates', () => {
  it('signs through quoteTx/signPlan; --readonly refuses both before touching the chain', async () => {
    const source = new SubtensorDataSource({
      url: 'ws://127.0.0.1:1',
      netuid: 1,
      walletName: 'default',
      coldkey: OWN_COLDKEY,
      hotkeys: [],
      home: '/nonexistent',
      readonly: true,
    });
    expect(chainSigningOf(source)).toBe(source);
    expect(chainSigningOf(new RecordingSource())).toBeNull();
    await expect(source.quoteTx(request0())).rejects.toMatchObject({ code: 'E_READONLY' });
    const plan = { from: OWN_COLDKEY } as ChainTxPlan;
    await expect(source.signPlan(plan, { kind: 'keychain' })).rejects.toMatchObject({ code: 'E_READONLY' });
  });
});

const request0 = (): Omit<ChainTxRequest, 'from'> => ({ kind: 'transfer', to: OWN_HOTKEY, amount: TAO });

/** The console's recording source plus Subtensor's signing: quotes are the real planner over FACTS. */
class ChainRecordingSource extends RecordingSource implements ChainSigning {
  readonly quotes: Omit<ChainTxRequest, 'from'>[] = [];
  readonly signed: { plan: ChainTxPlan; auth: PasswordSource }[] = [];
  refusal: TaoError | null = null;

  quoteTx(request: Omit<ChainTxRequest, 'from'>) {
    this.quotes.push(request);
    return Promise.resolve(planChainTx({ ...request, from: OWN_COLDKEY }, FACTS));
  }

  signPlan(plan: ChainTxPlan, auth: PasswordSource): Promise<ChainTxOutcome> {
    this.signed.push({ plan, auth });
    if (this.refusal) return Promise.reject(this.refusal);
    return Promise.resolve({
      txHash: `0x${'ab'.repeat(32)}`,
      block: 77,
      lines: [
        ['staked', '1.995004904 α for 2.000000000 τ (StakeAdded)'],
        ['fee paid', '0.000137052 τ (estimate 0.000137052 τ)'],
      ],
    });
  }
}

describe('stake dialog on Subtensor', () => {
  /** Up to the review; `keys` are pressed in the tolerance field before its enter. */
  async function review(
    source: ChainRecordingSource,
    amount: string,
    tolerance?: string,
    keys: string[] = [],
  ) {
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 80, 24);
    await r.press('a');
    expect(plain(r.frame())).toContain('Hotkey (SS58');
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('Subnet (netuid):');
    expect(plain(r.frame())).toContain('> 1'); // the console's subnet
    await r.press(KEYS.backspace);
    await r.type('2');
    await r.press(KEYS.enter);
    await r.type(amount);
    await r.press(KEYS.enter);
    expect(plain(r.frame())).toContain('> 0.005');
    if (tolerance !== undefined) {
      for (let i = 0; i < 5; i++) await r.press(KEYS.backspace);
      await r.type(tolerance);
    }
    for (const k of keys) await r.press(k);
    await r.press(KEYS.enter);
    return r;
  }

  it('asks netuid and tolerance, reviews the chain plan at 80x24, signs it with the password', async () => {
    const source = new ChainRecordingSource();
    const r = await review(source, '2');
    await until(r, 'Sign and submit?');
    const shown = plain(r.frame());
    expect(source.quotes).toEqual([
      { kind: 'stake-add', to: OWN_HOTKEY, amount: 2n * TAO, netuid: 2, tolerance: T005 },
    ]);
    expect(shown).toContain(`from            ${OWN_COLDKEY}`);
    expect(shown).toContain('expected α out  1.995004904 α');
    expect(shown).toContain('limit price     1.005000000 τ/α (ceiling)');
    expect(shown).toContain('tolerance       0.005 (0.5 %), fill or kill');
    expect(shown).toContain('Sign and submit? y/N');
    await r.press('y');
    await r.type('hunter22');
    await r.press(KEYS.enter);
    await until(r, 'included in block');
    expect(source.signed).toHaveLength(1);
    expect(source.signed[0]!.auth).toEqual({ kind: 'password', password: 'hunter22' });
    expect(source.signed[0]!.plan.call.args).toEqual([OWN_HOTKEY, 2, 2n * TAO, 1_005_000_000n, false]);
    const done = plain(r.frame());
    expect(done).toContain('included in block #77');
    expect(done).toContain('staked          1.995004904 α for 2.000000000 τ (StakeAdded)');
    expect(source.calls.filter((c) => c.op === 'addStake')).toEqual([]); // never the ledger's entry point
  });

  it('a tolerance that is not a fraction stays on the field; a plan past the limit is not reviewed', async () => {
    const source = new ChainRecordingSource();
    const r = await review(source, '2', '5');
    expect(plain(r.frame())).toContain('the tolerance must be a decimal fraction between 0 and 1');
    expect(source.quotes).toEqual([]);
    const tight = await review(new ChainRecordingSource(), '2', '0.001');
    expect(await until(tight, 'past the limit')).toContain(
      'would move the price past the limit (tolerance 0.1 %)',
    );
    expect(plain(tight.frame())).not.toContain('Sign and submit?');
  });

  it('p in the tolerance field allows a partial fill, u in the review turns protection off: quoted and signed so', async () => {
    const source = new ChainRecordingSource();
    source.keychain = true;
    // 9 τ passes the 0.5 % ceiling: with p it is reviewed as a partial fill instead of refused.
    const r = await review(source, '9', undefined, ['p']);
    const partial = await until(r, 'Sign and submit?');
    expect(source.quotes).toEqual([
      { kind: 'stake-add', to: OWN_HOTKEY, amount: 9n * TAO, netuid: 2, tolerance: T005, partial: true },
    ]);
    expect(partial).toContain('(partial: 2.498140712 τ fits within the limit)');
    expect(partial).toContain('tolerance 0.005 (0.5 %), partial fill allowed');
    expect(partial).toContain('p: partial fill ON u: price protection on');
    await r.press('u');
    const unsafe = await until(r, 'protection OFF:');
    expect(source.quotes.at(-1)).toEqual({
      kind: 'stake-add',
      to: OWN_HOTKEY,
      amount: 9n * TAO,
      netuid: 2,
      unsafe: true,
    });
    expect(unsafe).toContain('protection OFF: no limit price, executes at whatever price the pool has');
    expect(unsafe).toContain('p: partial fill off u: price protection OFF');
    expect(unsafe).not.toContain('(ceiling)');
    expect(unsafe).toContain('Sign and submit? y/N');
    await r.press('y');
    await until(r, 'included in block');
    expect(source.signed.map((s) => s.plan.call)).toEqual([
      { pallet: 'subtensorModule', call: 'addStake', args: [OWN_HOTKEY, 2, 9n * TAO] },
    ]);
  });

  it('the toggles are keys of the one table: ? lists them, and an override rebinds them', async () => {
    const help = await renderAt(consoleTree(new ChainRecordingSource(), { view: 'wallet' }), 100, 60);
    await help.press('?');
    const shown = flat(help.frame());
    expect(shown).toContain('p stake dialog: partial fill (--partial)');
    expect(shown).toContain('u stake dialog: no price limit (--unsafe)');
    help.unmount();
    const source = new ChainRecordingSource();
    const bindings = applyOverrides(DEFAULT_BINDINGS, { 'stake.partial': 'P' });
    const r = await renderAt(
      <Console source={source} theme={theme()} readonly={false} bindings={bindings} initialView="wallet" />,
      80,
      24,
    );
    await r.press('a', KEYS.enter, KEYS.backspace);
    await r.type('2');
    await r.press(KEYS.enter);
    await r.type('9');
    await r.press(KEYS.enter);
    await until(r, 'Price tolerance');
    expect(flat(r.frame())).toContain('P: partial fill off');
    await r.press('P');
    expect(flat(r.frame())).toContain('P: partial fill ON');
    await r.press(KEYS.enter);
    await until(r, 'Sign and submit?');
    expect(source.quotes[0]).toMatchObject({ partial: true });
  });

  it("shows the chain's refusal, and the console goes on", async () => {
    const source = new ChainRecordingSource();
    source.refusal = namePoolRefusal(new TaoError('E_TX_INVALID', 'Invalid Transaction: {"custom":14}', 5));
    source.keychain = true;
    const r = await review(source, '2');
    await until(r, 'Sign and submit?');
    await r.press('y');
    expect(await until(r, 'rejected:')).toContain(
      'rejected: E_TX_INVALID: SubtensorModule.ZeroMaxAmount (CustomTransactionError 14)',
    );
    expect(source.signed[0]!.auth).toEqual({ kind: 'keychain' });
    await r.press(KEYS.enter);
    await r.press('6');
    expect(plain(r.frame())).not.toContain('Add stake');
  });
});
