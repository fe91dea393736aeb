// The connect (or sendto, socket) events a network tool makes, checked whole per address kind of the
// tables: URLs (scheme ports, explicit ports, no scheme, unparseable), host and port operands (-u is
// UDP), [user@]host with -p/-P, scp-style remote paths, ping's raw socket, DNS, git URLs, fixed
// servers, socat addresses, the docker socket; a host given by name leaves the IP fields unset.
import { describe, expect, it } from 'vitest';
import { connectEvents } from '../../../src/emulate/network.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';

/** Server address of each event: "type proto host:port" (host as the name the tool was given). */
const brief = (tool: string, args: string[]): string[] => {
  const spec = readEmulationTables().network[tool]!;
  return connectEvents(spec, args).map((e) => `${e.type} ${e.fields['fd.l4proto']} ${e.fields['fd.sip.name']}:${e.fields['fd.sport']}`);
};

describe('connectEvents', () => {
  it('an IPv4 server: every fd field of the connection, the tuple and the address', () => {
    const events = connectEvents(readEmulationTables().network.nc!, ['-w', '3', '10.0.0.9', '4444']);
    expect(events).toEqual([{
      type: 'connect',
      fields: {
        'evt.arg.fd': 3,
        'fd.num': 3,
        'fd.typechar': '4',
        'fd.type': 'ipv4',
        'fd.l4proto': 'tcp',
        'fd.sockfamily': 'ip',
        'fd.is_server': false,
        'fd.connected': true,
        'fd.sport': 4444,
        'fd.rport': 4444,
        'fd.port': 4444,
        'fd.cip': '172.17.0.2',
        'fd.lip': '172.17.0.2',
        'fd.cport': 40000,
        'fd.lport': 40000,
        'fd.cnet': '172.17.0.2',
        'fd.lnet': '172.17.0.2',
        'fd.sip.name': '10.0.0.9',
        'fd.rip.name': '10.0.0.9',
        'fd.name_changed': false,
        'fd.sip': '10.0.0.9',
        'fd.rip': '10.0.0.9',
        'fd.ip': '10.0.0.9',
        'fd.snet': '10.0.0.9',
        'fd.rnet': '10.0.0.9',
        'fd.net': '10.0.0.9',
        'fd.name': '172.17.0.2:40000->10.0.0.9:4444',
        'evt.arg.tuple': '172.17.0.2:40000->10.0.0.9:4444',
        'evt.arg.addr': '10.0.0.9:4444',
      },
    }]);
  });

  it('a server by name: no IP, tuple or address fields (Falco would see the resolved address)', () => {
    expect(connectEvents(readEmulationTables().network.nc!, ['10.20.30.40', '80'])[0]!.fields['fd.sip']).toBe('10.20.30.40');
    for (const host of ['evil.example.com', 'a1.2.3.4', '1.2.3.4.nip.io', '1111.2.3.4']) {
      const [event] = connectEvents(readEmulationTables().network.nc!, [host, '80']);
      expect(Object.keys(event!.fields).filter((k) => /^fd\.(sip|rip|ip|snet|rnet|net|name)$|^evt\.arg\.(tuple|addr)$/.test(k))).toEqual([]);
      expect([event!.fields['fd.sip.name'], event!.fields['fd.sport']]).toEqual([host, 80]);
    }
  });

  it('URLs: the scheme gives the port unless one is written; no scheme is http; only URL-like operands count', () => {
    expect(brief('curl', ['-s', 'https://10.1.1.1/a'])).toEqual(['connect tcp 10.1.1.1:443']);
    expect(brief('curl', ['ftp://files.example.org/f'])).toEqual(['connect tcp files.example.org:21']);
    expect(brief('curl', ['HTTP://10.1.1.1:8080/a'])).toEqual(['connect tcp 10.1.1.1:8080']);
    expect(brief('curl', ['10.1.1.1/a'])).toEqual(['connect tcp 10.1.1.1:80']);
    expect(brief('wget', ['example.com'])).toEqual(['connect tcp example.com:80']);
    expect(brief('curl', ['gopher://10.1.1.1/a'])).toEqual(['connect tcp 10.1.1.1:80']);
    expect(brief('curl', ['localhost', 'data'])).toEqual([]);
    expect(brief('curl', [])).toEqual([]);
    expect(brief('wget', ['x.io'])).toEqual(['connect tcp x.io:80']);
    expect(brief('wget', ['a.b', 'x.1'])).toEqual([]);
    expect(brief('curl', ['10.10.1.1/r?u=http://x'])).toEqual(['connect tcp 10.10.1.1:80']);
    expect(brief('curl', ['1.2.3'])).toEqual([]);
    expect(brief('curl', ['1.2'])).toEqual([]);
    expect(brief('curl', ['x10.1.1.1'])).toEqual([]);
    expect(brief('curl', ['@10.1.1.1'])).toEqual([]);
    // Only the first operand that looks like a URL from its start counts.
    expect(brief('curl', ['data=a://b', '/tmp/x.sh', 'http://10.1.1.1/'])).toEqual(['connect tcp 10.1.1.1:80']);
    // Looks like a URL but is not one: no event.
    expect(brief('curl', ['http://[bad/'])).toEqual([]);
  });

  it('host and port operands: -u is UDP (a sendto), a missing or wrong port is the -p value or 0', () => {
    expect(brief('nc', ['-u', '10.0.0.9', '53'])).toEqual(['sendto udp 10.0.0.9:53']);
    expect(brief('nc', ['-p', '5555', '10.0.0.9'])).toEqual(['connect tcp 10.0.0.9:5555']);
    expect(brief('nc', ['-p', '5555', '10.0.0.9', 'http'])).toEqual(['connect tcp 10.0.0.9:5555']);
    expect(brief('telnet', ['10.0.0.9'])).toEqual(['connect tcp 10.0.0.9:0']);
    expect(brief('ftp', ['10.0.0.9'])).toEqual(['connect tcp 10.0.0.9:21']);
    expect(brief('nc', ['-l'])).toEqual([]);
  });

  it('[user@]host: the port from -p (ssh) or -P (sftp), else 22', () => {
    expect(brief('ssh', ['-i', 'key', 'root@10.0.0.9'])).toEqual(['connect tcp 10.0.0.9:22']);
    expect(brief('ssh', ['-p', '2222', 'bastion'])).toEqual(['connect tcp bastion:2222']);
    expect(brief('sftp', ['-P', '2200', 'u@10.0.0.9'])).toEqual(['connect tcp 10.0.0.9:2200']);
    expect(brief('ssh', [])).toEqual([]);
  });

  it('remote paths: the host before the colon of an operand that is not a local path', () => {
    expect(brief('scp', ['/etc/passwd', 'u@10.0.0.9:/tmp/'])).toEqual(['connect tcp 10.0.0.9:22']);
    expect(brief('scp', ['-P', '2022', 'host.example:/x', '.'])).toEqual(['connect tcp host.example:2022']);
    expect(brief('rsync', ['/a:b', 'c'])).toEqual([]);
    expect(brief('rsync', ['a/b:c', 'd'])).toEqual([]);
    expect(brief('rsync', ['-a', 'h:c', 'd'])).toEqual(['connect tcp h:22']);
    expect(brief('scp', ['root@10.0.0.9:/x', '.'])).toEqual(['connect tcp 10.0.0.9:22']);
    expect(brief('ssh', ['admin@h.example'])).toEqual(['connect tcp h.example:22']);
  });

  it('ping opens a raw ICMP socket; with no host, nothing', () => {
    const spec = readEmulationTables().network.ping!;
    expect(connectEvents(spec, ['-c', '1', '10.0.0.9'])).toEqual([{ type: 'socket', fields: { 'evt.arg.domain': 'AF_INET', 'evt.arg.type': 'SOCK_RAW', 'evt.arg.proto': 1 } }]);
    expect(connectEvents(spec, ['-c', '1'])).toEqual([]);
  });

  it('DNS tools ask the local resolver over UDP; git connects to its URL; package tools to their fixed server', () => {
    expect(brief('dig', ['example.com'])).toEqual(['sendto udp 127.0.0.53:53']);
    expect(brief('git', ['clone', 'https://10.2.2.2/r.git'])).toEqual(['connect tcp 10.2.2.2:443']);
    expect(brief('git', ['clone', 'git://10.2.2.2/r.git'])).toEqual(['connect tcp 10.2.2.2:443']);
    expect(brief('git', ['status'])).toEqual([]);
    expect(brief('pip', ['install', 'x'])).toEqual(['connect tcp pypi.org:443']);
    expect(connectEvents({ address: 'fixed', host: 'h.example' }, []).map((e) => e.fields['fd.sport'])).toEqual([443]);
    expect(connectEvents({ address: 'fixed' }, [])).toEqual([]);
    expect(brief('nmap', ['10.0.0.0/24'])).toEqual([]);
    expect(brief('podman', ['run', 'x'])).toEqual([]);
  });

  it('socat: the first TCP/UDP address with host and port; its options after a comma', () => {
    expect(brief('socat', ['-', 'TCP:10.0.0.9:4444,retry=3'])).toEqual(['connect tcp 10.0.0.9:4444']);
    expect(brief('socat', ['udp4-sendto:10.0.0.9:53', '-'])).toEqual(['sendto udp 10.0.0.9:53']);
    expect(brief('socat', ['openssl-connect:10.0.0.9:x'])).toEqual(['connect tcp 10.0.0.9:0']);
    expect(brief('socat', ['tcp:10.0.0.9', 'exec:sh'])).toEqual([]);
    expect(brief('socat', ['xtcp:10.0.0.9:1'])).toEqual([]);
    expect(brief('socat', ['tcp4:10.0.0.9:80', 'udp:10.0.0.8:53'])).toEqual(['connect tcp 10.0.0.9:80']);
    expect(brief('socat', ['-', 'UDP:10.0.0.8:53'])).toEqual(['sendto udp 10.0.0.8:53']);
    expect(brief('socat', ['tcp::80'])).toEqual([]);
    expect(brief('socat', ['tcp:udp.example:80'])).toEqual(['connect tcp udp.example:80']);
  });

  it('docker talks to its unix socket', () => {
    expect(connectEvents(readEmulationTables().network.docker!, ['ps'])).toEqual([{
      type: 'connect',
      fields: { 'fd.typechar': 'u', 'fd.type': 'unix', 'fd.name': '/var/run/docker.sock', 'fd.num': 3, 'evt.arg.fd': 3, 'evt.arg.addr': '/var/run/docker.sock', 'fd.connected': true },
    }]);
  });
});
