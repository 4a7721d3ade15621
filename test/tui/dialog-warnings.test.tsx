/**
 * The two warnings an operator expects in the console's review (issues 11 and 14), with hard-coded lines:
 * a Subtensor transfer to a registered hotkey says so, in the words of `tao wallet transfer`; an unstake on
 * tao's ledger from the hotkey a running validator of this home uses says so, in the words of `tao stake
 * remove`, and still waits for y; so does an α unstake from a ledger subnet pool (netuid 1, the market's
 * subnet, where `tao up` stakes its validators as α) when that subnet's validator runs on the hotkey.
 * Rendered at 80x24 on recording sources (the Subtensor one and the ledger's pools quote with the real
 * planner over fixed chain facts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChainSigning, ChainTxOutcome } from '../../src/tui/data/chain-tx.js';
import { LiveDataSource } from '../../src/tui/data/live-source.js';
import type { PasswordSource } from '../../src/tui/data/types.js';
import {
  type ChainFacts,
  type ChainTxPlan,
  type ChainTxRequest,
  planChainTx,
} from '../../src/tui/dialogs/chain-plan.js';
import {
  consoleTree,
  freshPool,
  KEYS,
  OWN_COLDKEY,
  OWN_HOTKEY,
  RecordingSource,
  renderAt,
  tick,
} from './fixtures.js';

afterEach(() => cleanup());

const TAO = 1_000_000_000n;
const OWNER = encodeAddress(new Uint8Array(32).fill(0x77));
const DEST = encodeAddress(new Uint8Array(32).fill(0x78));
const FACTS: ChainFacts = { free: 10n * TAO, fee: 137_052n, existentialDeposit: 500n };
const HOTKEY_WARNING = `${DEST} is a hotkey (owned by coldkey ${OWNER}); funds sent to a hotkey are not its owner's balance`;
const VALIDATOR = 'peer:v (validator, pid 4242)';
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** The frame as one line (box borders and wraps folded to single spaces). */
const flat = (frame: string) => plain(frame).replace(/[│\s]+/g, ' ');
async function until(r: { frame: () => string }, text: string): Promise<string> {
  for (let i = 0; i < 200 && !flat(r.frame()).includes(text); i++) await tick(20);
  return flat(r.frame());
}

/** Subtensor signing over FACTS; `owner` is the destination's owning coldkey when it is a hotkey. */
class ChainSource extends RecordingSource implements ChainSigning {
  constructor(private readonly owner?: string) {
    super();
  }
  quoteTx(request: Omit<ChainTxRequest, 'from'>) {
    const facts = this.owner ? { ...FACTS, hotkeyOwner: this.owner } : FACTS;
    return Promise.resolve(planChainTx({ ...request, from: OWN_COLDKEY }, facts));
  }
  signPlan(_plan: ChainTxPlan, _auth: PasswordSource): Promise<ChainTxOutcome> {
    return Promise.reject(new Error('not signed in these tests'));
  }
}

describe('Subtensor transfer to a hotkey', () => {
  it('the plan adds the CLI warning after the keep-alive line, and only for a hotkey', () => {
    const request: ChainTxRequest = { kind: 'transfer', from: OWN_COLDKEY, to: DEST, amount: TAO };
    const warned = planChainTx(request, { ...FACTS, hotkeyOwner: OWNER });
    if (!('plan' in warned)) throw new Error(warned.problem);
    expect(warned.plan.lines).toEqual([
      ['amount', '1.000000000 τ'],
      ['fee', '0.000137052 τ (chain estimate)'],
      ['free after', '8.999862948 τ (now 10.000000000 τ)'],
      ['keep-alive', 'yes: the existential deposit 0.000000500 τ stays'],
      ['warning', HOTKEY_WARNING],
    ]);
    const plainPlan = planChainTx(request, FACTS);
    if (!('plan' in plainPlan)) throw new Error(plainPlan.problem);
    expect(plainPlan.plan.lines.map(([label]) => label)).toEqual([
      'amount',
      'fee',
      'free after',
      'keep-alive',
    ]);
  });

  async function reviewTransfer(source: ChainSource) {
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 80, 24);
    await r.press('t');
    await r.type(DEST);
    await r.press(KEYS.enter);
    await r.type('1');
    await r.press(KEYS.enter);
    return { r, shown: await until(r, 'Sign and submit?') };
  }

  it('the dialog shows it in the review at 80x24, before y', async () => {
    const { shown } = await reviewTransfer(new ChainSource(OWNER));
    expect(shown).toContain(`warning ${HOTKEY_WARNING}`);
    expect(shown).toContain('Sign and submit? y/N');
    const { shown: quiet } = await reviewTransfer(new ChainSource());
    expect(quiet).toContain('Sign and submit? y/N');
    expect(quiet).not.toContain('is a hotkey');
  });
});

/** tao's ledger with a supervisor whose running validator uses OWN_HOTKEY. */
class LedgerSource extends RecordingSource {
  readonly asked: [string, number | undefined][] = [];
  /** The validator's subnet (`tao up`'s market subnet 1). */
  private readonly validatorNetuid = 1;
  constructor(private readonly validatorHotkey: string | null) {
    super();
  }
  runningValidatorsOn(hotkey: string, netuid?: number) {
    this.asked.push([hotkey, netuid]);
    const on = hotkey === this.validatorHotkey && (netuid === undefined || netuid === this.validatorNetuid);
    return Promise.resolve(on ? VALIDATOR : null);
  }
}

/** The ledger's pools (netuid ≥ 1) priced by the real planner; 5 α held on every (hotkey, subnet). */
class PooledLedgerSource extends LedgerSource {
  readonly pools: ChainSigning = {
    quoteTx: (request) =>
      Promise.resolve(
        planChainTx(
          { ...request, from: OWN_COLDKEY },
          { ...FACTS, pool: freshPool(1), price: TAO, held: 5n * TAO, feeSource: "the ledger's fee" },
        ),
      ),
    signPlan: () => Promise.reject(new Error('not signed in these tests')),
  };
}

describe('ledger unstake from the running validator', () => {
  async function reviewUnstake(source: LedgerSource) {
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 80, 24);
    await r.press('r', KEYS.enter); // the default hotkey is the wallet's own
    await r.type('2');
    await r.press(KEYS.enter);
    return { r, shown: await until(r, 'Sign and submit?') };
  }

  it('warns in the review in the CLI words; y still signs it', async () => {
    const source = new LedgerSource(OWN_HOTKEY);
    const { r, shown } = await reviewUnstake(source);
    expect(source.asked).toEqual([[OWN_HOTKEY, undefined]]);
    expect(shown).toContain(
      `warning this removes 2.000000000 τ of stake from the running validator ${VALIDATOR} on hotkey ${OWN_HOTKEY}: its weights count less in consensus and it earns less`,
    );
    expect(shown).toContain('amount 2.000000000 τ');
    expect(source.calls).toEqual([]);
    await r.press('y');
    await r.type('hunter22');
    await r.press(KEYS.enter);
    await until(r, 'included in block');
    expect(source.calls).toEqual([
      {
        op: 'removeStake',
        request: { hotkey: OWN_HOTKEY, amount: 2n * TAO, auth: { kind: 'password', password: 'hunter22' } },
      },
    ]);
  });

  /** An unstake of 2 α from OWN_HOTKEY on `netuid` through the pool, up to its review. */
  async function reviewPoolUnstake(source: LedgerSource, netuid: string) {
    const r = await renderAt(consoleTree(source, { view: 'wallet' }), 80, 24);
    await r.press('r', KEYS.enter, KEYS.backspace);
    await r.type(netuid);
    await r.press(KEYS.enter);
    await r.type('2');
    await r.press(KEYS.enter, KEYS.enter); // tolerance 0.005
    return { r, shown: await until(r, 'Sign and submit?') };
  }

  it('an α unstake from the validator subnet pool warns in the same CLI words, naming the α and subnet', async () => {
    const source = new PooledLedgerSource(OWN_HOTKEY);
    const { shown } = await reviewPoolUnstake(source, '1');
    expect(source.asked).toEqual([[OWN_HOTKEY, 1]]);
    expect(shown).toContain('alpha 2.000000000 α of 5.000000000 α held');
    expect(shown).toContain(
      `warning this removes 2.000000000 α of stake on subnet 1 from the running validator ${VALIDATOR} on hotkey ${OWN_HOTKEY}: its weights count less in consensus and it earns less`,
    );
    expect(shown).toContain('Sign and submit? y/N');
    // Subnet 2's α is not what the subnet 1 validator's weights stand on: no warning.
    const other = await reviewPoolUnstake(new PooledLedgerSource(OWN_HOTKEY), '2');
    expect(other.shown).toContain('alpha 2.000000000 α of 5.000000000 α held');
    expect(other.shown).not.toContain('running validator');
  });

  it('says nothing when no running validator uses that hotkey', async () => {
    const { shown } = await reviewUnstake(new LedgerSource(null));
    expect(shown).toContain('amount 2.000000000 τ');
    expect(shown).not.toContain('running validator');
  });

  it('the live source finds none in a home without a supervisor (and never starts one)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tao-warn-'));
    try {
      const live = new LiveDataSource({
        url: 'http://127.0.0.1:1',
        netuid: 1,
        home,
        walletName: null,
        coldkey: null,
        hotkeys: [],
      });
      expect(await live.runningValidatorsOn(OWN_HOTKEY)).toBeNull();
      live.close();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
