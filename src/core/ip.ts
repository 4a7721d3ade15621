/**
 * The one rule for an axon's IP address, shared by the ledger (`serve_axon`, a transaction rule every node must
 * apply identically, so it is pure code here rather than node:net, whose parser may change between Node
 * versions) and `tao subnet serve --ip`. Accepted: a dotted-quad IPv4 without leading zeros, or an IPv6 address
 * in RFC 4291 text form (eight groups of 1–4 hex digits, or fewer around one `::`, optionally ending in a
 * dotted-quad IPv4). No zone index, brackets, ports or host names.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const GROUP = /^[0-9a-fA-F]{1,4}$/;
/** The longest IPv6 text form: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`. */
const IPV6_MAX_LENGTH = 45;

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function isIpv6(text: string): boolean {
  if (text.length > IPV6_MAX_LENGTH) return false;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return false;
  let groups = text;
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // an embedded IPv4 is the last two groups
    if (!IPV4.test(tail)) return false;
    groups = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = groups.split('::');
  if (halves.length > 2) return false;
  const parts = (s: string) => (s === '' ? [] : s.split(':'));
  if (halves.length === 1) {
    const all = parts(groups);
    return all.length === 8 && all.every((g) => GROUP.test(g));
  }
  const left = parts(halves[0]!);
  const right = parts(halves[1]!);
  return left.length + right.length <= 7 && [...left, ...right].every((g) => GROUP.test(g));
}

/** Whether `value` is an IP address an axon may announce (see above). */
export function isAxonIp(value: unknown): value is string {
  return typeof value === 'string' && (isIpv4(value) || isIpv6(value));
}
