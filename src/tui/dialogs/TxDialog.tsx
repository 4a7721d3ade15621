/**
 * The transfer / stake / unstake dialog: a form, then a review of exactly what will be signed (from, to,
 * amount, fee, resulting balance) that defaults to No, then the password (masked) unless the keychain
 * has it, then submission through the DataSource and the transaction's fate (in block N / rejected: why).
 */
import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { useDataSource, useSnapshot } from '../data/hooks.js';
import type { PasswordSource, TxFate } from '../data/types.js';
import { LineInput } from '../components/LineInput.js';
import { taoFull } from '../format.js';
import { editLine, useKeySink } from '../hooks/use-key-sink.js';
import type { DialogSpec } from '../intents.js';
import { useTheme } from '../theme/context.js';
import { checkAddress, checkAmount, planTx, type TxKind, type TxPlan } from './tx-plan.js';

type Step =
  | { kind: 'to' }
  | { kind: 'amount'; to: string }
  | { kind: 'review'; plan: TxPlan }
  | { kind: 'password'; plan: TxPlan }
  | { kind: 'submitting'; plan: TxPlan }
  | { kind: 'pending'; plan: TxPlan; txHash: string }
  | {
      kind: 'done';
      plan: TxPlan;
      txHash: string | null;
      fate: TxFate | { status: 'failed'; message: string };
    };

const TITLES: Record<TxKind, string> = {
  transfer: 'Transfer TAO',
  'stake-add': 'Add stake',
  'stake-remove': 'Remove stake',
};

export function TxDialog({ spec, width, onClose }: { spec: DialogSpec; width: number; onClose: () => void }) {
  const theme = useTheme();
  const source = useDataSource();
  const own = useSnapshot((s) => s.own);
  const node = useSnapshot((s) => s.node);
  const kind: TxKind = spec.kind;
  const defaultHotkey = spec.kind === 'transfer' ? '' : (spec.hotkey ?? own.hotkeys[0]?.ss58 ?? '');
  const [step, setStep] = useState<Step>({ kind: 'to' });
  const [problem, setProblem] = useState<string | null>(null);
  const [text, setText] = useState(defaultHotkey);
  const [keychain, setKeychain] = useState<boolean | null>(null);
  const abort = useRef(new AbortController());
  const toLabel = kind === 'transfer' ? 'to' : 'hotkey';

  useEffect(() => {
    let live = true;
    source.hasKeychainPassword().then(
      (has) => live && setKeychain(has),
      () => live && setKeychain(false),
    );
    const controller = abort.current;
    return () => {
      live = false;
      controller.abort();
    };
  }, [source]);

  const submit = async (plan: TxPlan, auth: PasswordSource) => {
    setStep({ kind: 'submitting', plan });
    let txHash: string | null = null;
    try {
      const request = { amount: plan.amount, auth };
      const submitted =
        plan.kind === 'transfer'
          ? await source.transfer({ ...request, dest: plan.to })
          : plan.kind === 'stake-add'
            ? await source.addStake({ ...request, hotkey: plan.to })
            : await source.removeStake({ ...request, hotkey: plan.to });
      txHash = submitted.txHash;
      setStep({ kind: 'pending', plan, txHash });
      const fate = await source.waitForTx(txHash, abort.current.signal);
      setStep({ kind: 'done', plan, txHash, fate });
    } catch (error) {
      if (abort.current.signal.aborted) return;
      const e = error as { code?: string; message?: string };
      const message = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
      setStep({ kind: 'done', plan, txHash, fate: { status: 'failed', message } });
    }
  };

  const submitField = (value: string) => {
    if (step.kind === 'to') {
      const bad = checkAddress(value, toLabel);
      setProblem(bad);
      if (!bad) {
        setStep({ kind: 'amount', to: value.trim() });
        setText('');
      }
    } else if (step.kind === 'amount') {
      const parsed = checkAmount(value);
      if ('problem' in parsed) return setProblem(parsed.problem);
      const planned = planTx(kind, step.to, parsed.amount, { own, node });
      if ('problem' in planned) return setProblem(planned.problem);
      setProblem(null);
      setText('');
      setStep({ kind: 'review', plan: planned.plan });
    } else if (step.kind === 'password') {
      setText('');
      void submit(step.plan, { kind: 'password', password: value });
    }
  };

  useKeySink((input, key) => {
    if (step.kind === 'submitting') return;
    if (key.escape) return onClose();
    if (step.kind === 'review') {
      if (input.toLowerCase() === 'y') {
        if (keychain) void submit(step.plan, { kind: 'keychain' });
        else setStep({ kind: 'password', plan: step.plan });
      } else if (input.toLowerCase() === 'n' || key.return) onClose();
      return;
    }
    if (step.kind === 'done') {
      if (key.return) onClose();
      return;
    }
    if (step.kind === 'pending') return;
    if (step.kind === 'to' && key.tab && own.hotkeys.length > 0) {
      const i = own.hotkeys.findIndex((h) => h.ss58 === text);
      setText(own.hotkeys[(i + 1) % own.hotkeys.length]!.ss58);
      return;
    }
    const edited = editLine(text, input, key);
    if (edited.submit) submitField(edited.text);
    else setText(edited.text);
  });

  const g = theme.glyphs;
  const line = (label: string, value: string, color?: string) => (
    <Text key={label}>
      <Text color={theme.color.muted}>{label.padEnd(16)}</Text>
      <Text color={color}>{g.text(value)}</Text>
    </Text>
  );

  const review = (plan: TxPlan) => [
    line('from', plan.from),
    line(toLabel, plan.to),
    line('amount', taoFull(plan.amount)),
    line('fee', taoFull(plan.fee)),
    line('free after', `${taoFull(plan.freeAfter)} (now ${taoFull(plan.freeBefore)})`),
    ...(plan.stakeAfter !== null
      ? [line('stake after', `${taoFull(plan.stakeAfter)} (now ${taoFull(plan.stakeBefore ?? 0n)})`)]
      : []),
  ];

  let body: React.ReactNode;
  switch (step.kind) {
    case 'to':
      body = (
        <Box flexDirection="column">
          <Text>
            {kind === 'transfer'
              ? 'Destination address (SS58):'
              : 'Hotkey (SS58; tab cycles your own hotkeys):'}
          </Text>
          <LineInput value={text} />
        </Box>
      );
      break;
    case 'amount':
      body = (
        <Box flexDirection="column">
          {line(toLabel, step.to)}
          <Text>Amount in TAO (up to 9 decimals):</Text>
          <LineInput value={text} />
        </Box>
      );
      break;
    case 'review':
      body = (
        <Box flexDirection="column">
          <Text bold>You are about to sign:</Text>
          {review(step.plan)}
          <Text>
            Sign and submit? <Text bold>y/N</Text>
          </Text>
        </Box>
      );
      break;
    case 'password':
      body = (
        <Box flexDirection="column">
          {review(step.plan)}
          <Text>Coldkey password (not shown):</Text>
          <LineInput value={text} mask />
        </Box>
      );
      break;
    case 'submitting':
      body = <Text>Signing and submitting…</Text>;
      break;
    case 'pending':
      body = (
        <Box flexDirection="column">
          {line('tx', step.txHash)}
          <Text color={theme.color.warn}>pending: waiting for a block… (esc closes, the tx goes on)</Text>
        </Box>
      );
      break;
    case 'done': {
      const f = step.fate;
      const text =
        f.status === 'included'
          ? `included in block #${f.block}`
          : f.status === 'rejected'
            ? `rejected: ${f.code}: ${f.message}`
            : f.status === 'unknown'
              ? `fate unknown: ${f.message}`
              : `failed: ${f.message}`;
      body = (
        <Box flexDirection="column">
          {review(step.plan)}
          {step.txHash ? line('tx', step.txHash) : null}
          <Text bold color={f.status === 'included' ? theme.color.ok : theme.color.error}>
            {g.text(text)}
          </Text>
          <Text color={theme.color.muted}>enter or esc closes</Text>
        </Box>
      );
      break;
    }
  }

  return (
    <Box
      flexDirection="column"
      borderStyle={g.borderStyle}
      borderColor={theme.color.accent}
      paddingX={1}
      width={width}
    >
      <Text bold color={theme.color.accent}>
        {TITLES[kind]}
      </Text>
      {body}
      {problem ? <Text color={theme.color.error}>{g.text(problem)}</Text> : null}
      {step.kind === 'to' || step.kind === 'amount' ? (
        <Text color={theme.color.muted}>enter: next esc: cancel, nothing is signed</Text>
      ) : null}
    </Box>
  );
}
