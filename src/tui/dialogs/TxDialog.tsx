/**
 * The transfer / stake / unstake dialog: a form, then a review of exactly what will be signed (from, to,
 * amount, fee, resulting balance) that defaults to No, then the password (masked) unless the keychain
 * has it, then submission through the DataSource and the transaction's fate (in block N / rejected: why).
 *
 * On a source that prices and signs its own transactions (Subtensor, chain-tx.ts) a stake also asks for the
 * subnet and the price tolerance (default 0.005), the review is read from the chain (its fee estimate, the
 * pool's price, expected output, slippage and limit price), and the outcome shows the actual fee and the
 * alpha moved, or the chain's decoded refusal. On tao's ledger a stake asks for the subnet too (default 0 =
 * root, τ at price 1, reviewed from the snapshot as before); a subnet 1 or above stakes α through its pool
 * with the same review as on Subtensor (tolerance asked, the source's `pools` prices and signs it).
 *
 * A pooled stake is protected as `tao stake add|remove` protects it: the tolerance field and the review take
 * the keys of the table's dialog bindings (stake.partial: allow a partial fill within the limit, as
 * --partial; stake.unsafe: no limit price, the plain call, as --unsafe; each turns the other off), the
 * review re-read from the chain after a toggle. Unstaking α from the hotkey of a running validator of this
 * home warns in the review, in the words of `tao stake remove`, as a root unstake does.
 */
import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { DEFAULT_TOLERANCE, parseTolerance } from '../../chain/subtensor/stake.js';
import { ExitCode, isTaoError } from '../../core/errors.js';
import { addressProblem } from '../../crypto/check-address.js';
import { formatTao } from '../../core/amount.js';
import { chainSigningOf } from '../data/chain-tx.js';
import { useDataSource, useSnapshot } from '../data/hooks.js';
import type { PasswordSource, TxFate } from '../data/types.js';
import { LineInput } from '../components/LineInput.js';
import { taoFull } from '../format.js';
import { editLine, useKeySink } from '../hooks/use-key-sink.js';
import type { DialogSpec } from '../intents.js';
import { type Binding, dialogAction, displayKey, keyName } from '../keys.js';
import { useTheme } from '../theme/context.js';
import type { ChainTxPlan } from './chain-plan.js';
import {
  checkAmount,
  type LedgerTx,
  planTx,
  type TxKind,
  unstakeValidatorWarning,
  validatorWarning,
} from './tx-plan.js';

type Field = 'to' | 'netuid' | 'amount' | 'tolerance';
type Values = Partial<Record<Field, string>>;
type Lines = [string, string][];

/** How a pooled stake is protected: a limit price, fill or kill (both false), as --partial or --unsafe. */
interface Protection {
  partial: boolean;
  unsafe: boolean;
}

/** A plan ready for review: the ledger's (from the snapshot) or the chain's (read before the review). */
interface Reviewed {
  ledger?: LedgerTx;
  chain?: ChainTxPlan;
  /** A chain plan's form, to quote it again when its protection is toggled in the review. */
  values?: Values;
  review: Lines;
  /** Shown again next to a chain outcome. */
  summary: Lines;
}

type Fate = TxFate | { status: 'failed'; message: string };

type Step =
  | { kind: 'field'; index: number; values: Values }
  | { kind: 'quoting'; values: Values }
  | { kind: 'review'; plan: Reviewed }
  | { kind: 'password'; plan: Reviewed }
  | { kind: 'submitting'; plan: Reviewed }
  | { kind: 'pending'; plan: Reviewed; txHash: string }
  | { kind: 'done'; plan: Reviewed; txHash: string | null; fate: Fate; outcome: Lines };

const TITLES: Record<TxKind, string> = {
  transfer: 'Transfer TAO',
  'stake-add': 'Add stake',
  'stake-remove': 'Remove stake',
};

const NETUID = /^\d{1,5}$/;

const describe = (error: unknown): string => {
  const e = error as { code?: string; message?: string };
  return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
};

/** A thrown error as the dialog's fate: a chain refusal (exit 5) reads "rejected: CODE: why". */
function fateOf(error: unknown): Fate {
  if (isTaoError(error) && error.exitCode === ExitCode.rejected)
    return { status: 'rejected', code: error.code, message: error.message };
  return { status: 'failed', message: describe(error) };
}

export function TxDialog({
  spec,
  width,
  bindings,
  onClose,
}: {
  spec: DialogSpec;
  width: number;
  /** The session's key table: its dialog bindings toggle a pooled stake's protection. */
  bindings: readonly Binding[];
  onClose: () => void;
}) {
  const theme = useTheme();
  const source = useDataSource();
  const chain = chainSigningOf(source);
  const pools = source.pools ?? null;
  /** Who prices and signs a reviewed plan: Subtensor's source, or the ledger's pools. */
  const planner = chain ?? pools;
  const own = useSnapshot((s) => s.own);
  const node = useSnapshot((s) => s.node);
  const shownNetuid = useSnapshot((s) => s.subnet?.netuid ?? null);
  const kind: TxKind = spec.kind;
  /** A stake into a pool (priced, tolerance asked): every stake on Subtensor, netuid ≥ 1 on the ledger. */
  const pooled = (values: Values): boolean =>
    kind !== 'transfer' && (chain !== null || (pools !== null && Number(values.netuid ?? 0) > 0));
  const fieldsFor = (values: Values): Field[] =>
    kind === 'transfer' || (!chain && !pools)
      ? ['to', 'amount']
      : pooled(values)
        ? ['to', 'netuid', 'amount', 'tolerance']
        : ['to', 'netuid', 'amount'];
  const defaultHotkey = spec.kind === 'transfer' ? '' : (spec.hotkey ?? own.hotkeys[0]?.ss58 ?? '');
  const initial: Record<Field, string> = {
    to: defaultHotkey,
    netuid: chain ? (shownNetuid === null ? '' : String(shownNetuid)) : '0',
    amount: '',
    tolerance: DEFAULT_TOLERANCE,
  };
  const [step, setStep] = useState<Step>({ kind: 'field', index: 0, values: {} });
  const [problem, setProblem] = useState<string | null>(null);
  const [protection, setProtection] = useState<Protection>({ partial: false, unsafe: false });
  const [text, setText] = useState(initial.to);
  const [keychain, setKeychain] = useState<boolean | null>(null);
  const abort = useRef(new AbortController());
  const deciding = useRef(false);
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

  const submitLedger = async (
    { kind, to, amount }: LedgerTx['request'],
    reviewed: Reviewed,
    auth: PasswordSource,
  ) => {
    let txHash: string | null = null;
    try {
      const submitted =
        kind === 'transfer'
          ? await source.transfer({ dest: to, amount, auth })
          : kind === 'stake-add'
            ? await source.addStake({ hotkey: to, amount, auth })
            : await source.removeStake({ hotkey: to, amount, auth });
      txHash = submitted.txHash;
      setStep({ kind: 'pending', plan: reviewed, txHash });
      const fate = await source.waitForTx(txHash, abort.current.signal);
      setStep({ kind: 'done', plan: reviewed, txHash, fate, outcome: [] });
    } catch (error) {
      if (abort.current.signal.aborted) return;
      setStep({
        kind: 'done',
        plan: reviewed,
        txHash,
        fate: { status: 'failed', message: describe(error) },
        outcome: [],
      });
    }
  };

  const submit = async (reviewed: Reviewed, auth: PasswordSource) => {
    setStep({ kind: 'submitting', plan: reviewed });
    if (reviewed.ledger) return submitLedger(reviewed.ledger.request, reviewed, auth);
    if (!planner || !reviewed.chain) return;
    try {
      const outcome = await planner.signPlan(reviewed.chain, auth);
      if (abort.current.signal.aborted) return;
      setStep({
        kind: 'done',
        plan: reviewed,
        txHash: outcome.txHash,
        fate: { status: 'included', block: outcome.block },
        outcome: outcome.lines,
      });
    } catch (error) {
      if (abort.current.signal.aborted) return;
      setStep({ kind: 'done', plan: reviewed, txHash: null, fate: fateOf(error), outcome: [] });
    }
  };

  /** The lines of exactly what the ledger's plan signs (as `tao wallet transfer` / `tao stake` preview them). */
  const ledgerReview = (tx: LedgerTx, validators: string | null = null): Reviewed => {
    const review: Lines = [
      ['from', tx.request.from],
      ...tx.plan.details,
      ...(validators ? [unstakeValidatorWarning(tx.request, validators)] : []),
      ['fee', taoFull(tx.fee)],
      ['free after', `${taoFull(tx.freeAfter)} (now ${taoFull(tx.freeBefore)})`],
      ...(tx.stakeAfter !== null
        ? [
            ['stake after', `${taoFull(tx.stakeAfter)} (now ${taoFull(tx.stakeBefore ?? 0n)})`] as [
              string,
              string,
            ],
          ]
        : []),
    ];
    return { ledger: tx, review, summary: review };
  };

  /** Reads the chain's plan for the form's values; a problem sends the dialog back to the last field. */
  const quote = (values: Values, amount: bigint, p: Protection = protection) => {
    if (!planner) return;
    setText('');
    setStep({ kind: 'quoting', values });
    const fields = fieldsFor(values);
    const back = (message: string) => {
      if (abort.current.signal.aborted) return;
      setProblem(message);
      setStep({ kind: 'field', index: fields.length - 1, values });
      setText(values[fields[fields.length - 1]!] ?? '');
    };
    planner
      .quoteTx({
        kind,
        to: values.to ?? '',
        amount,
        ...(values.netuid !== undefined ? { netuid: Number(values.netuid) } : {}),
        ...(values.tolerance !== undefined && !p.unsafe
          ? { tolerance: parseTolerance(values.tolerance) }
          : {}),
        ...(p.partial ? { partial: true } : {}),
        ...(p.unsafe ? { unsafe: true } : {}),
      })
      .then(async (quoted) => {
        if (abort.current.signal.aborted) return;
        if ('problem' in quoted) return back(quoted.problem);
        const plan = quoted.plan;
        const head: Lines = [
          ['from', plan.from],
          [toLabel, plan.to],
        ];
        const warning = await poolValidatorWarning(plan);
        if (abort.current.signal.aborted) return;
        setProblem(null);
        setStep({
          kind: 'review',
          plan: {
            chain: plan,
            values,
            review: [...head, ...plan.lines, ...warning],
            summary: [...head, ...plan.summary],
          },
        });
      })
      .catch((error: unknown) => back(describe(error)));
  };

  /** Unstaking α from a running validator of this home (on that subnet) says so, as a root unstake does. */
  const poolValidatorWarning = async (plan: ChainTxPlan): Promise<Lines> => {
    if (plan.kind !== 'stake-remove' || !source.runningValidatorsOn || plan.call.pallet !== 'subtensorModule')
      return [];
    const netuid = plan.call.args[1];
    const validators = await source.runningValidatorsOn(plan.to, netuid).catch(() => null);
    return validators
      ? [validatorWarning(`${formatTao(plan.amount)} α of stake on subnet ${netuid}`, validators, plan.to)]
      : [];
  };

  /** Toggles a pooled stake's protection (the tolerance field or the review); the review is quoted again. */
  const toggle = (action: 'stake.partial' | 'stake.unsafe') => {
    const next: Protection =
      action === 'stake.partial'
        ? { partial: !protection.partial, unsafe: false }
        : { partial: false, unsafe: !protection.unsafe };
    setProtection(next);
    if (step.kind !== 'review' || !step.plan.values) return;
    const values = step.plan.values;
    const parsed = checkAmount(values.amount ?? '');
    if (!('problem' in parsed)) quote(values, parsed.amount, next);
  };

  /** The problem with a field's text, or null. */
  const check = (field: Field, value: string): string | null => {
    if (field === 'to') return addressProblem(value, toLabel);
    if (field === 'netuid')
      return NETUID.test(value.trim()) && Number(value) <= 65535
        ? null
        : 'netuid must be a whole number 0–65535';
    if (field === 'amount') {
      const parsed = checkAmount(value);
      return 'problem' in parsed ? parsed.problem : null;
    }
    if (protection.unsafe) return null; // no limit price: the tolerance is not used
    try {
      parseTolerance(value);
      return null;
    } catch (error) {
      if (isTaoError(error)) return error.message.replace('--tolerance', 'the tolerance');
      throw error;
    }
  };

  const submitField = (value: string) => {
    if (step.kind === 'password') {
      setText('');
      void submit(step.plan, { kind: 'password', password: value });
      return;
    }
    if (step.kind !== 'field') return;
    const field = fieldsFor(step.values)[step.index]!;
    const bad = check(field, value);
    setProblem(bad);
    if (bad) return;
    const values = { ...step.values, [field]: value.trim() };
    const fields = fieldsFor(values);
    if (step.index + 1 < fields.length) {
      const next = fields[step.index + 1]!;
      setStep({ kind: 'field', index: step.index + 1, values });
      setText(initial[next]);
      return;
    }
    const parsed = checkAmount(values.amount ?? '');
    if ('problem' in parsed) return setProblem(parsed.problem);
    if (chain || pooled(values)) return quote(values, parsed.amount);
    const planned = planTx(kind, values.to ?? '', parsed.amount, { own, node });
    if ('problem' in planned) return setProblem(planned.problem);
    setText('');
    if (kind !== 'stake-remove' || !source.runningValidatorsOn)
      return setStep({ kind: 'review', plan: ledgerReview(planned.tx) });
    // Unstaking a running validator of this home is said in the review, before y (as `tao stake remove`).
    setStep({ kind: 'quoting', values });
    const review = (validators: string | null) => {
      if (!abort.current.signal.aborted)
        setStep({ kind: 'review', plan: ledgerReview(planned.tx, validators) });
    };
    source.runningValidatorsOn(planned.tx.request.to).then(review, () => review(null));
  };

  useKeySink((input, key) => {
    if (step.kind === 'quoting') {
      if (key.escape) onClose();
      return;
    }
    // A chain submission waits for its block inside signPlan: esc may leave it running.
    if (step.kind === 'submitting') {
      if (key.escape && step.plan.chain) onClose();
      return;
    }
    if (key.escape) return onClose();
    // A pooled stake's protection toggles in its tolerance field (no letters in a tolerance) and review.
    const action = dialogAction(bindings, keyName(input, key));
    if (
      (action === 'stake.partial' || action === 'stake.unsafe') &&
      ((step.kind === 'field' && fieldsFor(step.values)[step.index] === 'tolerance') ||
        (step.kind === 'review' && step.plan.values))
    )
      return toggle(action);
    if (step.kind === 'review') {
      if (input.toLowerCase() === 'y') {
        const plan = step.plan;
        const go = (known: boolean) => {
          if (abort.current.signal.aborted) return;
          if (known) void submit(plan, { kind: 'keychain' });
          else setStep({ kind: 'password', plan });
        };
        // A y pressed before the keychain answered waits for it (once), instead of asking a password.
        if (keychain !== null) go(keychain);
        else if (!deciding.current) {
          deciding.current = true;
          source.hasKeychainPassword().then(go, () => go(false));
        }
      } else if (input.toLowerCase() === 'n' || key.return) onClose();
      return;
    }
    if (step.kind === 'done') {
      if (key.return) onClose();
      return;
    }
    if (step.kind === 'pending') return;
    if (
      step.kind === 'field' &&
      fieldsFor(step.values)[step.index] === 'to' &&
      key.tab &&
      own.hotkeys.length > 0
    ) {
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
  const lines = (ls: Lines) => ls.map(([label, value]) => line(label, value));

  const held = (values: Values): string => {
    const netuid = Number(values.netuid);
    const entry = own.stakes.find((s) => s.hotkey === values.to && s.netuid === netuid);
    return taoFull(entry?.alpha ?? 0n, 'α');
  };
  const prompt = (field: Field, values: Values): string => {
    if (field === 'to')
      return kind === 'transfer'
        ? 'Destination address (SS58):'
        : 'Hotkey (SS58; tab cycles your own hotkeys):';
    if (field === 'netuid') return 'Subnet (netuid):';
    if (field === 'tolerance')
      return 'Price tolerance (0.005 = 0.5 %): the limit price is price × (1 ± tolerance)';
    return pooled(values) && kind === 'stake-remove'
      ? `Alpha to unstake (up to 9 decimals; ${held(values)} held here):`
      : 'Amount in TAO (up to 9 decimals):';
  };
  const keyOf = (id: string) => {
    const k = bindings.find((b) => b.id === id)?.keys[0];
    return k ? displayKey(k) : null;
  };
  /** The protection toggles and their state, under a pooled stake's tolerance field and review. */
  const toggles = (() => {
    const [p, u] = [keyOf('stake.partial'), keyOf('stake.unsafe')];
    const parts = [
      p ? `${p}: partial fill ${protection.partial ? 'ON' : 'off'}` : null,
      u ? `${u}: price protection ${protection.unsafe ? 'OFF' : 'on'}` : null,
    ].filter(Boolean);
    return parts.length > 0 ? (
      <Text color={protection.unsafe ? theme.color.warn : theme.color.muted}>
        {g.text(parts.join('   '))}
      </Text>
    ) : null;
  })();
  const LABELS: Record<Field, string> = {
    to: toLabel,
    netuid: 'netuid',
    amount: 'amount',
    tolerance: 'tolerance',
  };
  const entered = (values: Values) =>
    fieldsFor(values)
      .filter((f) => values[f] !== undefined)
      .map((f) =>
        line(LABELS[f], f === 'tolerance' && protection.unsafe ? 'none (unsafe)' : (values[f] ?? '')),
      );

  let body: React.ReactNode;
  switch (step.kind) {
    case 'field': {
      const field = fieldsFor(step.values)[step.index]!;
      body = (
        <Box flexDirection="column">
          {entered(step.values)}
          <Text>{prompt(field, step.values)}</Text>
          <LineInput value={text} />
          {field === 'tolerance' ? toggles : null}
        </Box>
      );
      break;
    }
    case 'quoting':
      body = (
        <Box flexDirection="column">
          {entered(step.values)}
          <Text color={theme.color.muted}>
            {chain
              ? 'reading the price and the fee from the chain…'
              : pooled(step.values)
                ? "reading the pool's price and the fee from the ledger…"
                : 'asking the supervisor for running validators…'}
          </Text>
        </Box>
      );
      break;
    case 'review':
      body = (
        <Box flexDirection="column">
          <Text bold>You are about to sign:</Text>
          {lines(step.plan.review)}
          {step.plan.values ? toggles : null}
          <Text>
            Sign and submit? <Text bold>y/N</Text>
          </Text>
        </Box>
      );
      break;
    case 'password':
      body = (
        <Box flexDirection="column">
          {lines(step.plan.review)}
          <Text>Coldkey password (not shown):</Text>
          <LineInput value={text} mask />
        </Box>
      );
      break;
    case 'submitting':
      body = (
        <Text>
          {step.plan.chain
            ? 'Signing, submitting and waiting for the block… (esc closes, the tx goes on)'
            : 'Signing and submitting…'}
        </Text>
      );
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
      const status =
        f.status === 'included'
          ? `included in block #${f.block}`
          : f.status === 'rejected'
            ? `rejected: ${f.code}: ${f.message}`
            : f.status === 'unknown'
              ? `fate unknown: ${f.message}`
              : `failed: ${f.message}`;
      body = (
        <Box flexDirection="column">
          {lines(step.plan.chain ? step.plan.summary : step.plan.review)}
          {lines(step.outcome)}
          {step.txHash ? line('tx', step.txHash) : null}
          <Text bold color={f.status === 'included' ? theme.color.ok : theme.color.error}>
            {g.text(status)}
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
      {step.kind === 'field' ? (
        <Text color={theme.color.muted}>enter: next esc: cancel, nothing is signed</Text>
      ) : null}
    </Box>
  );
}
