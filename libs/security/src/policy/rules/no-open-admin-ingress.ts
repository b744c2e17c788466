import { blocks, isReference, isTrue, strings } from '../config';
import type { Finding, PolicyRule } from '../types';

/** Administrative ports that must never be open to the internet. */
export const ADMIN_PORTS: Readonly<Record<number, string>> = { 22: 'SSH', 3389: 'RDP' };

/** Protocols that carry ports; `all` covers every port of every protocol. */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'all', '6', '17', '132']);

/** True for a whole-internet source range (any `/0`: `0.0.0.0/0`, `::/0`). */
function isOpenRange(range: string): boolean {
  return !isReference(range) && /\/0$/.test(range.trim());
}

/** The admin ports an allow entry (protocol + ports) opens. */
function openedAdminPorts(protocol: unknown, ports: unknown): number[] {
  if (typeof protocol !== 'string' || isReference(protocol)) return [];
  if (!PORT_PROTOCOLS.has(protocol.toLowerCase())) return [];
  const admin = Object.keys(ADMIN_PORTS).map(Number);
  const list = strings(ports);
  if (protocol.toLowerCase() === 'all' || list.length === 0) return admin; // no ports = every port
  const opened = new Set<number>();
  for (const entry of list) {
    if (isReference(entry)) continue;
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(entry);
    if (!match) continue;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    for (const port of admin) if (port >= from && port <= to) opened.add(port);
  }
  return [...opened].sort((a, b) => a - b);
}

export const noOpenAdminIngress: PolicyRule = {
  id: 'no-open-admin-ingress',
  description: 'No firewall rule allows ingress from 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389).',
  check(resource) {
    if (resource.type !== 'google_compute_firewall') return [];
    const { config } = resource;
    const direction = config.direction;
    if (typeof direction === 'string' && direction.toUpperCase() === 'EGRESS') return [];
    if (isTrue(config.disabled)) return [];
    const openRanges = strings(config.source_ranges).filter(isOpenRange);
    if (openRanges.length === 0) return [];
    const findings: Finding[] = [];
    for (const allow of blocks(config.allow)) {
      const ports = openedAdminPorts(allow.protocol, allow.ports);
      if (ports.length === 0) continue;
      const what = ports.map((p) => `${p} (${ADMIN_PORTS[p]})`).join(', ');
      const portsSeen = strings(allow.ports);
      findings.push({
        message: `allows ${String(allow.protocol)} ${portsSeen.length > 0 ? `ports [${portsSeen.join(', ')}]` : 'on every port'} from ${openRanges.join(', ')}, which opens ${what} to the internet`,
        fix: 'restrict sourceRanges to known ranges (e.g. 35.235.240.0/20 for IAP TCP forwarding) or drop the admin ports; reach VMs through IAP or a bastion',
      });
    }
    return findings;
  },
};
