/** What `tao subnet …` prints for people (without --json): tables for reads, a report line for each tx. */
import { keyValues, table } from './output.js';
import { HYPER_AMOUNTS, type NeuronJsonRow, type PoolFields, type SubnetJsonRow } from './chain-json.js';
import { renderTxReport, type TxReport } from './tx-flow.js';

type PoolRow = SubnetJsonRow & Required<Pick<SubnetJsonRow, 'price' | 'tao_in' | 'alpha_in'>>;

/** Subnets with pools, the same columns on both backends (tao's ledger has no names: no name column). */
function renderPools(subnets: PoolRow[]): string {
  const named = subnets.some((s) => s.name !== undefined && s.name !== '');
  return table(
    [
      'netuid',
      ...(named ? ['name'] : []),
      'price',
      'τ in pool',
      'α in pool',
      'emission',
      'tempo',
      'neurons',
      'burn',
    ],
    subnets.map((s) => [
      String(s.netuid),
      ...(named ? [s.name !== undefined ? `${s.name}${s.symbol ? ` ${s.symbol}` : ''}` : ''] : []),
      `${s.price} τ/α`,
      `${s.tao_in} τ`,
      `${s.alpha_in} α`,
      `${((s.emission_share ?? 0) * 100).toFixed(2)}%${s.started === false ? ' (not started)' : ''}`,
      String(s.tempo),
      `${s.n}/${s.max_uids}`,
      `${s.burn} τ`,
    ]),
  );
}

export function renderSubnets(data: { subnets: SubnetJsonRow[] }): string {
  if (data.subnets.length === 0) return 'no subnets (create one with `tao subnet create`)';
  if (data.subnets.every((s) => s.price !== undefined)) return renderPools(data.subnets as PoolRow[]);
  return table(
    ['netuid', 'neurons', 'tempo', 'burn', 'pending emission', 'last epoch', 'owner'],
    data.subnets.map((s) => [
      String(s.netuid),
      `${s.n}/${s.max_uids}`,
      String(s.tempo),
      `${s.burn} τ`,
      `${s.pending_emission ?? '-'} τ`,
      String(s.last_epoch),
      s.owner,
    ]),
  );
}

const short = (ss58: string) => `${ss58.slice(0, 6)}…${ss58.slice(-4)}`;
const f4 = (x: number) => x.toFixed(4);

export function renderMetagraph(data: { netuid: number; block: number; neurons: NeuronJsonRow[] }): string {
  const head = `subnet ${data.netuid} at block ${data.block}: ${data.neurons.length} neurons`;
  if (data.neurons.length === 0) return head;
  return `${head}\n${table(
    [
      'uid',
      'hotkey',
      'stake',
      'rank',
      'trust',
      'consensus',
      'incentive',
      'dividends',
      'emission',
      'vtrust',
      'vpermit',
      'active',
      'axon',
    ],
    data.neurons.map((n) => [
      String(n.uid),
      short(n.hotkey),
      `${n.stake} τ`,
      f4(n.rank),
      f4(n.trust),
      f4(n.consensus),
      f4(n.incentive),
      f4(n.dividends),
      `${n.emission} τ`,
      f4(n.validator_trust),
      n.validator_permit ? 'yes' : 'no',
      n.active ? 'yes' : 'no',
      n.axon ? `${n.axon.ip.includes(':') ? `[${n.axon.ip}]` : n.axon.ip}:${n.axon.port}` : '-',
    ]),
  )}`;
}

export function renderHyperparameters(data: Record<string, unknown>): string {
  return keyValues(
    Object.entries(data).map(
      ([k, v]) =>
        [k, HYPER_AMOUNTS.has(k) ? `${v} τ` : typeof v === 'string' ? v : JSON.stringify(v)] as [
          string,
          string,
        ],
    ),
  );
}

export const renderCreated = (r: TxReport & { netuid: number | null; pool?: PoolFields }): string =>
  `${renderTxReport('create subnet', r)}${r.netuid !== null ? `\nnetuid ${r.netuid}` : ''}${
    r.pool
      ? `\npool ${r.pool.tao_in} τ / ${r.pool.alpha_in} α (price ${r.pool.price} τ/α)${r.pool.started ? '' : ', not started: tao subnet start'}`
      : ''
  }`;

export const renderRegistered = (r: TxReport & { netuid: number; uid: number | null }): string =>
  `${renderTxReport(`register on subnet ${r.netuid}`, r)}${r.uid !== null ? `\nuid ${r.uid}` : ''}`;

export const renderStarted = (
  r: TxReport & { netuid: number; first_emission_block: number | null },
): string =>
  `${renderTxReport(`start subnet ${r.netuid}`, r)}${r.first_emission_block !== null ? `\nemits from block ${r.first_emission_block}` : ''}`;

export const renderServed = (
  r: TxReport & { netuid: number; hotkey: string; axon: { ip: string; port: number } },
): string =>
  `${renderTxReport(`serve on subnet ${r.netuid}`, r)}\naxon ${r.axon.ip}:${r.axon.port} for ${r.hotkey}`;
