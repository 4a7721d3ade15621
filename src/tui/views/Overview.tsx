/**
 * View 1, Overview: head block and time to the next epoch, the coldkey's balance and stake, the peer's
 * state and device, its rank, incentive and emission trend.
 */
import { Box, Text } from 'ink';
import { createContext, useContext } from 'react';
import type { MarketSnapshot, Neuron } from '../data/types.js';
import { useSnapshot } from '../data/hooks.js';
import { duration, fitText, shortAddress, taoFixed, u16Fraction } from '../format.js';
import { FixedText } from '../components/FixedText.js';
import { useTheme } from '../theme/context.js';
import { styled } from '../theme/sgr.js';

/** Own neurons: hotkeys of the wallet, or neurons whose coldkey is the wallet's. */
export function ownNeurons(snapshot: Pick<MarketSnapshot, 'neurons' | 'own'>): Neuron[] {
  const hot = new Set(snapshot.own.hotkeys.map((h) => h.ss58));
  const cold = snapshot.own.coldkey;
  return snapshot.neurons.filter((n) => hot.has(n.hotkey) || (cold !== null && n.coldkey === cold));
}

/**
 * The own neurons' uids as a list that cannot be read as a count ("uid 9", "uids 3, 9 (2)"), short
 * enough for the Overview's half width.
 */
export function ownUidsText(mine: readonly Pick<Neuron, 'uid'>[]): string {
  if (mine.length === 0) return 'none registered';
  const uids = mine.map((n) => n.uid).sort((a, b) => a - b);
  if (uids.length === 1) return `uid ${uids[0]}`;
  const shown = uids.length > 6 ? `${uids.slice(0, 6).join(', ')}, …` : uids.join(', ');
  return `uids ${shown} (${uids.length})`;
}

/**
 * The own validator the Overview reports dividends for: a validator earns dividends, not rank or
 * incentive. The own neuron with a validator permit (or dividends) earning the most dividends; null
 * when none validates.
 */
export function ownValidator(mine: readonly Neuron[]): Neuron | null {
  let best: Neuron | null = null;
  for (const n of mine) {
    if (!n.validatorPermit && n.dividends === 0) continue;
    if (best === null || n.dividends > best.dividends) best = n;
  }
  return best;
}

export function sparkline(values: readonly bigint[], glyphs: readonly string[], width: number): string {
  const tail = values.slice(-width);
  if (tail.length === 0) return '';
  let min = tail[0]!;
  let max = tail[0]!;
  for (const v of tail) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const top = BigInt(glyphs.length - 1);
  return tail.map((v) => glyphs[span === 0n ? 0 : Number(((v - min) * top) / span)]).join('');
}

const RowWidth = createContext(40);

function Row({ label, value, color }: { label: string; value: string; color?: string | undefined }) {
  const theme = useTheme();
  const width = useContext(RowWidth);
  // Values such as the head block change every block: FixedText keeps them out of Ink's measure cache.
  const line =
    styled(fitText(label, 16), { color: theme.color.muted }) +
    styled(fitText(theme.glyphs.text(value), width - 17), { color });
  return <FixedText width={16 + Math.max(0, width - 17)} lines={[line]} />;
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold color={theme.color.accent}>
        {title}
      </Text>
      {children}
    </Box>
  );
}

export function OverviewView({ width }: { width: number }) {
  const theme = useTheme();
  const node = useSnapshot((s) => s.node);
  const subnet = useSnapshot((s) => s.subnet);
  const own = useSnapshot((s) => s.own);
  const neurons = useSnapshot((s) => s.neurons);
  const processes = useSnapshot((s) => s.processes);
  const history = useSnapshot((s) => s.emissionHistory);
  const mine = ownNeurons({ neurons, own });
  const peers = processes.filter((p) => p.kind === 'peer');
  const peer = peers[0];
  const stateColor =
    peer?.state === 'running'
      ? theme.color.ok
      : peer?.state === 'crash-looping'
        ? theme.color.error
        : theme.color.warn;
  const epoch =
    node.nextEpochIn === null
      ? 'unknown'
      : `${node.nextEpochIn} blocks${node.blockTimeMs ? ` (~${duration(node.nextEpochIn * node.blockTimeMs)})` : ''}`;
  const best = mine.reduce<Neuron | null>((a, n) => (a === null || n.rank > a.rank ? n : a), null);
  const validator = ownValidator(mine);
  const totalEmission = mine.reduce((a, n) => a + n.emission, 0n);
  const half = Math.floor(width / 2);
  return (
    <Box width={width}>
      <RowWidth.Provider value={half}>
        <Box flexDirection="column" width={half}>
          <Section title="Chain">
            <Row label="head block" value={node.head === null ? '-' : `#${node.head}`} />
            <Row label="next epoch in" value={epoch} />
            <Row
              label="subnet"
              value={
                subnet
                  ? `${subnet.netuid}: ${subnet.n}/${subnet.maxUids} neurons, tempo ${subnet.tempo}`
                  : '-'
              }
            />
            <Row label="chain" value={node.chain ?? '-'} />
          </Section>
          <Section title="Wallet">
            <Row label="coldkey" value={own.coldkey ? shortAddress(own.coldkey, 20) : 'no wallet found'} />
            <Row label="free" value={own.balance ? `${taoFixed(own.balance.free, 4)} τ` : '-'} />
            <Row label="staked" value={own.balance ? `${taoFixed(own.balance.staked, 4)} τ` : '-'} />
            <Row label="hotkeys" value={String(own.hotkeys.length)} />
          </Section>
        </Box>
      </RowWidth.Provider>
      <RowWidth.Provider value={width - half}>
        <Box flexDirection="column" width={width - half}>
          <Section title="Your peer">
            <Row
              label="state"
              value={peer ? peer.state : 'not running'}
              color={peer ? stateColor : theme.color.muted}
            />
            <Row label="device" value={peer?.device ? peer.device.toUpperCase() : '-'} />
            <Row label="restarts" value={peer ? String(peer.restarts) : '-'} />
            {peers.length > 1 ? <Row label="peers" value={String(peers.length)} /> : null}
          </Section>
          <Section title="Ranking">
            <Row label="own uids" value={ownUidsText(mine)} />
            <Row label="rank" value={best ? u16Fraction(best.rank) : '-'} />
            <Row label="incentive" value={best ? u16Fraction(best.incentive) : '-'} />
            <Row
              label="dividends"
              value={
                validator ? `${u16Fraction(validator.dividends)} (uid ${validator.uid}, validator)` : '-'
              }
            />
            <Row label="emission" value={mine.length > 0 ? `${taoFixed(totalEmission, 6)} τ` : '-'} />
            <Row
              label="trend"
              value={sparkline(history, theme.glyphs.spark, 24) || '-'}
              color={theme.color.accent}
            />
          </Section>
        </Box>
      </RowWidth.Provider>
    </Box>
  );
}
