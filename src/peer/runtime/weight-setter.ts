/**
 * Putting the validator's row on the ledger (docs/pruning.md §3.5): at most once per tempo and never inside
 * the subnet's weights rate limit, never an empty row, one tx in flight at a time, and the last tx followed
 * to inclusion (or rejection) so `/status` can show what happened to it. While a tx is in flight the next
 * due block is unknown (it counts from the block the tx lands in), so `due()` answers null then instead of
 * the stale block computed from the previous set.
 */
import type { NodeClient } from '../../client/node-client.js';
import { prepareTx } from '../../client/send.js';
import type { KeyPair } from '../../crypto/keys.js';
import { signedTxHash } from '../../crypto/tx.js';
import type { WeightRow } from '../scoring/weights.js';
import type { SubnetRules } from './metagraph-cache.js';

export interface WeightsTxStatus {
  tx_hash: string | null;
  block: number | null;
  status: 'pending' | 'included' | 'rejected' | 'failed';
  error?: string;
  uids?: number[];
  weights?: number[];
}

/**
 * The next block at which weights may be set (pure): one tempo after our own last included set, never
 * inside the rate limit counted from the ledger's last_update of our uid (registration also sets it), and
 * not before a retry back-off after a rejection.
 */
export function nextWeightsDue(
  rules: SubnetRules,
  lastSetBlock: number | null,
  ledgerLastUpdate: number,
  retryAfterBlock: number | null,
): number {
  const fromLast =
    lastSetBlock === null ? 0 : lastSetBlock + Math.max(rules.tempo, rules.weightsRateLimit, 1);
  const rateLimit = ledgerLastUpdate > 0 ? ledgerLastUpdate + rules.weightsRateLimit : 0;
  return Math.max(fromLast, rateLimit, retryAfterBlock ?? 0);
}

export class WeightSetter {
  last: WeightsTxStatus | null = null;
  /** Block of our own last included weights (this process). */
  lastSetBlock: number | null = null;
  /** The ledger's last_update of our uid. */
  ledgerLastUpdate = 0;
  retryAfterBlock: number | null = null;
  inFlight = false;
  sets = 0;

  constructor(
    private readonly client: NodeClient,
    private readonly pair: KeyPair,
    private readonly netuid: number,
    private readonly log: (line: string) => void,
  ) {}

  observeLastUpdate(lastUpdate: number): void {
    this.ledgerLastUpdate = Math.max(this.ledgerLastUpdate, lastUpdate);
  }

  /** The next due block; null without rules or while a weights tx is in flight (see `pending`). */
  due(rules: SubnetRules | null): number | null {
    return rules && !this.inFlight
      ? nextWeightsDue(rules, this.lastSetBlock, this.ledgerLastUpdate, this.retryAfterBlock)
      : null;
  }

  /** True from the moment a weights tx is started until its fate is known. */
  get pending(): boolean {
    return this.inFlight;
  }

  /** Sends the row when it is due; returns whether a tx was started. Does not wait for inclusion. */
  maybeSet(head: number, rules: SubnetRules | null, row: WeightRow | null): boolean {
    if (this.inFlight || !rules || !row || !row.emit || row.uids.length === 0) return false;
    const due = this.due(rules)!;
    if (head < due) return false;
    this.inFlight = true;
    void this.send(row, rules).finally(() => {
      this.inFlight = false;
    });
    return true;
  }

  private async send(row: WeightRow, rules: SubnetRules): Promise<void> {
    const call = { type: 'set_weights', netuid: this.netuid, uids: row.uids, weights: row.u16 };
    const retry = (head: number) => {
      this.retryAfterBlock = head + Math.max(2, Math.ceil(rules.tempo / 2));
    };
    let head = 0;
    try {
      const tx = await prepareTx(this.client, this.pair, call, { expiryBlocks: Math.max(8, rules.tempo) });
      head = tx.expiry - Math.max(8, rules.tempo);
      // Pending from before the submit, so /status never pairs the previous tx with a stale due block.
      this.last = {
        tx_hash: signedTxHash(tx),
        block: null,
        status: 'pending',
        uids: row.uids,
        weights: row.u16,
      };
      const hash = await this.client.submitTx(tx);
      this.last = { ...this.last, tx_hash: hash };
      this.log(`set_weights submitted: ${hash} uids [${row.uids.join(',')}] u16 [${row.u16.join(',')}]`);
      const outcome = await this.client.waitForTx(hash, { expiry: tx.expiry, timeoutMs: 120_000 });
      if (outcome.status === 'included') {
        this.last = { ...this.last, block: outcome.block, status: 'included' };
        this.lastSetBlock = outcome.block;
        this.observeLastUpdate(outcome.block);
        this.retryAfterBlock = null;
        this.sets++;
        this.log(`set_weights included in block ${outcome.block}: ${hash}`);
      } else {
        this.last = {
          ...this.last,
          block: outcome.block ?? null,
          status: 'rejected',
          error: `${outcome.error.code}: ${outcome.error.message}`,
        };
        retry(outcome.block ?? head);
        this.log(`set_weights rejected: ${outcome.error.code}: ${outcome.error.message}`);
      }
    } catch (error) {
      const e = error as { code?: string; message?: string };
      const message = e.code ? `${e.code}: ${e.message}` : String(e.message ?? error);
      this.last = {
        tx_hash: this.last?.status === 'pending' ? this.last.tx_hash : null,
        block: null,
        status: e.code?.startsWith('E_') && e.code !== 'E_TX_TIMEOUT' ? 'rejected' : 'failed',
        error: message,
        uids: row.uids,
        weights: row.u16,
      };
      retry(head);
      this.log(`set_weights failed: ${message}`);
    }
  }
}
