/**
 * View 5, Wallet & stake: balances and stakes by hotkey (small fixed tables, rendered with
 * @alcalzone/ink-table), and the keys that open the transfer / stake / unstake dialogs.
 */
import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import type { PropsWithChildren } from 'react';
import { useSnapshot } from '../data/hooks.js';
import { shortAddress, taoFixed } from '../format.js';
import type { Binding } from '../keys.js';
import { displayKey } from '../keys.js';
import { useTheme } from '../theme/context.js';

function useTableParts() {
  const theme = useTheme();
  const g = theme.glyphs;
  return {
    header: (p: PropsWithChildren) => (
      <Text bold color={theme.color.header}>
        {g.text(String(p.children ?? ''))}
      </Text>
    ),
    cell: (p: PropsWithChildren<{ column: number }>) => <Text>{g.text(String(p.children ?? ''))}</Text>,
    skeleton: (p: PropsWithChildren) => (
      <Text color={theme.color.muted}>{g.text(String(p.children ?? ''))}</Text>
    ),
  };
}

export function WalletView({ width, bindings }: { width: number; bindings: readonly Binding[] }) {
  const theme = useTheme();
  const own = useSnapshot((s) => s.own);
  const fee = useSnapshot((s) => s.node.txFee);
  const signing = useSnapshot((s) => s.missing?.signing ?? null);
  const parts = useTableParts();
  const addrWidth = width >= 110 ? 48 : 24;
  const balances = own.balance
    ? [
        {
          account: shortAddress(own.coldkey ?? '-', addrWidth),
          free: taoFixed(own.balance.free, 9),
          staked: taoFixed(own.balance.staked, 9),
          total: taoFixed(own.balance.free + own.balance.staked, 9),
        },
      ]
    : [];
  const names = new Map(own.hotkeys.map((h) => [h.ss58, h.name]));
  // Alpha stakes (Subtensor) are per subnet: netuid and alpha columns, with the τ value at the spot price.
  const perSubnet = own.stakes.some((s) => s.netuid !== undefined);
  const stakes = own.stakes.map((s) => ({
    hotkey: shortAddress(s.hotkey, perSubnet ? Math.min(addrWidth, 20) : addrWidth),
    name: names.get(s.hotkey) ?? '(delegate)',
    ...(perSubnet
      ? { net: String(s.netuid ?? '-'), alpha: s.alpha === undefined ? '-' : taoFixed(s.alpha, 4) }
      : {}),
    stake: taoFixed(s.amount, perSubnet ? 4 : 9),
  }));
  const actions = bindings.filter((b) => b.scope === 'wallet' && !b.dialog);
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.color.accent}>
          Wallet & stake
        </Text>
        <Text color={theme.color.muted}>
          {theme.glyphs.text(
            `  ${own.walletName ?? 'no wallet'}  amounts in τ${fee !== null ? `  fee ${taoFixed(fee, 9)} τ per tx` : ''}`,
          )}
        </Text>
      </Text>
      {balances.length > 0 ? (
        <Table
          data={balances}
          columns={[
            'account',
            { key: 'free', align: 'right' },
            { key: 'staked', align: 'right' },
            { key: 'total', align: 'right' },
          ]}
          {...parts}
        />
      ) : (
        <Text color={theme.color.muted}>
          {own.coldkey ? 'balance not loaded yet' : 'no coldkey: create one with tao wallet create'}
        </Text>
      )}
      <Text bold color={theme.color.accent}>
        {perSubnet
          ? 'Stakes by hotkey and subnet (α; stake = its τ value at the pool price)'
          : 'Stakes by hotkey'}
      </Text>
      {stakes.length > 0 ? (
        <Table
          data={stakes}
          columns={
            perSubnet
              ? [
                  'hotkey',
                  'name',
                  { key: 'net', align: 'right' },
                  { key: 'alpha', align: 'right' },
                  { key: 'stake', align: 'right' },
                ]
              : ['hotkey', 'name', { key: 'stake', align: 'right' }]
          }
          {...parts}
        />
      ) : (
        <Text color={theme.color.muted}>no stake</Text>
      )}
      <Text color={theme.color.muted}>
        {theme.glyphs.text(
          signing
            ? signing
            : actions.length > 0
              ? actions.map((b) => `${displayKey(b.keys[0]!)} ${b.description}`).join('   ')
              : 'read-only console: transfers and staking are disabled',
        )}
      </Text>
    </Box>
  );
}
