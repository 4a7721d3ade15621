/** An axon address as Subtensor's serve_axon takes it (u128 + ip_type), and the addresses its runtime refuses. */
import { isIpv4 } from '../../core/ip.js';

/** IPv4 or IPv6 text (already checked by isAxonIp) → the chain's u128 and ip_type. */
export function ipToChain(ip: string): { value: bigint; ipType: 4 | 6 } {
  if (isIpv4(ip)) return { value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), ipType: 4 };
  let text = ip;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const v4 = tail.split('.').map(Number);
    const hi = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const lo = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    text = `${text.slice(0, text.lastIndexOf(':') + 1)}${hi}:${lo}`;
  }
  const [left = '', right] = text.split('::');
  const l = left === '' ? [] : left.split(':');
  const r = right === undefined || right === '' ? [] : right.split(':');
  const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), ipType: 6 };
}

/** Why the runtime (or any peer) would refuse to reach this axon address, or undefined when it is fine. */
export function unreachableAxonIp(ip: string): string | undefined {
  const { value, ipType } = ipToChain(ip);
  if (ipType === 4) {
    if (value >> 24n === 127n) return 'a loopback address (127.0.0.0/8)';
    if (value === 0n) return 'the unspecified address 0.0.0.0';
    if (value === 0xffffffffn) return 'the broadcast address 255.255.255.255';
    return undefined;
  }
  if (value === 1n) return 'the IPv6 loopback address ::1';
  if (value === 0n) return 'the unspecified IPv6 address ::';
  if (value === (1n << 128n) - 1n) return 'an all-ones IPv6 address';
  return undefined;
}
