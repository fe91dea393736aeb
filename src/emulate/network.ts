// The connect (or socket) events of a network tool, from the address its arguments name: a URL, host
// and port operands, [user@]host, a DNS query. A host given by name leaves the server IP unknown (Falco
// would see the resolved address). Pure.
import type { Scalar } from './event.js';
import { operands, optionValue } from './effects.js';
import type { NetworkSpec } from './tables.js';

const CLIENT = { ip: '172.17.0.2', port: 40000 };
const SCHEME_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, ssh: 22 };

interface Target {
  host: string;
  port: number;
  proto?: 'tcp' | 'udp';
}

function isIpv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

function fromUrl(text: string | undefined, fallback: number): Target | undefined {
  if (!text) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  if (!URL.canParse(withScheme)) return undefined;
  const url = new URL(withScheme);
  const scheme = url.protocol.replace(':', '');
  return { host: url.hostname, port: url.port ? Number(url.port) : SCHEME_PORTS[scheme] ?? fallback };
}

function targetOf(spec: NetworkSpec, args: string[]): Target | undefined {
  const words = operands(args, spec.value);
  const port = Number(optionValue(args, '-p') ?? optionValue(args, '-P') ?? spec.port ?? 0);
  switch (spec.address) {
    case 'url':
      return fromUrl(words.find((w) => /^[a-z]+:\/\/|^[\w.-]+\.[a-z]{2,}|^\d{1,3}(\.\d{1,3}){3}/i.test(w)), spec.port ?? 80);
    case 'hostPort':
      return words[0] ? { host: words[0], port: Number(words[1] ?? port) || port, proto: args.includes('-u') ? 'udp' : 'tcp' } : undefined;
    case 'userHost':
      return words[0] ? { host: words[0].replace(/.*@/, ''), port: port || 22 } : undefined;
    case 'remotePath': {
      // host:path, user@host:path; a local path has a slash before any colon.
      const remote = words.find((w) => /^[^/]*:/.test(w));
      return remote ? { host: remote.split(':')[0]!.replace(/.*@/, ''), port: port || 22 } : undefined;
    }
    case 'host':
      return words[0] ? { host: words[0], port: 0 } : undefined;
    case 'dns':
      return { host: '127.0.0.53', port: 53, proto: 'udp' };
    case 'gitUrl':
      return fromUrl(words.find((w) => /:\/\//.test(w)), 443);
    case 'fixed':
      return spec.host ? { host: spec.host, port: spec.port ?? 443 } : undefined;
    case 'socat': {
      const address = words.find((w) => /^(tcp|udp|tcp4|udp4|openssl)[:-]/i.test(w) && w.split(':').length >= 3);
      if (!address) return undefined;
      const [, host, p] = address.split(':');
      return host ? { host, port: Number(p!.split(',')[0]) || 0, proto: /^udp/i.test(address) ? 'udp' : 'tcp' } : undefined;
    }
  }
  // Any other kind (scan, none) names no target.
  return undefined;
}

function docker(): { type: string; fields: Record<string, Scalar> }[] {
  const name = '/var/run/docker.sock';
  return [{ type: 'connect', fields: { 'fd.typechar': 'u', 'fd.type': 'unix', 'fd.name': name, 'fd.num': 3, 'evt.arg.fd': 3, 'evt.arg.addr': name, 'fd.connected': true } }];
}

/** The events a network tool makes for these arguments (none when its target is not in them). */
export function connectEvents(spec: NetworkSpec, args: string[]): { type: string; fields: Record<string, Scalar> }[] {
  if (spec.address === 'docker') return docker();
  const target = targetOf(spec, args);
  if (!target) return [];
  const proto = target.proto ?? 'tcp';
  if (spec.socket === 'icmp') return [{ type: 'socket', fields: { 'evt.arg.domain': 'AF_INET', 'evt.arg.type': 'SOCK_RAW', 'evt.arg.proto': 1 } }];
  const fields: Record<string, Scalar> = {
    'evt.arg.fd': 3,
    'fd.num': 3,
    'fd.typechar': '4',
    'fd.type': 'ipv4',
    'fd.l4proto': proto,
    'fd.sockfamily': 'ip',
    'fd.is_server': false,
    'fd.connected': true,
    'fd.sport': target.port,
    'fd.rport': target.port,
    'fd.port': target.port,
    'fd.cip': CLIENT.ip,
    'fd.lip': CLIENT.ip,
    'fd.cport': CLIENT.port,
    'fd.lport': CLIENT.port,
    'fd.cnet': CLIENT.ip,
    'fd.lnet': CLIENT.ip,
    'fd.sip.name': target.host,
    'fd.rip.name': target.host,
    'fd.name_changed': false,
  };
  // With a name instead of an address the synthesis does not know the IP Falco would see.
  if (isIpv4(target.host)) {
    const tuple = `${CLIENT.ip}:${CLIENT.port}->${target.host}:${target.port}`;
    Object.assign(fields, { 'fd.sip': target.host, 'fd.rip': target.host, 'fd.ip': target.host, 'fd.snet': target.host, 'fd.rnet': target.host, 'fd.net': target.host, 'fd.name': tuple, 'evt.arg.tuple': tuple, 'evt.arg.addr': `${target.host}:${target.port}` });
  }
  return [{ type: proto === 'udp' ? 'sendto' : 'connect', fields }];
}
