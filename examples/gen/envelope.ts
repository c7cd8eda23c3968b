// Syslog framing. Most lines carry an RFC 3164 header, about 10% arrive bare (as
// when read from a file export) and a few carry an RFC 5424 header.
import type { Rng } from './prng.ts';
import type { Rendered, Source } from './lines.ts';
import { syslog3164, syslog5424 } from './time.ts';

/** local0.info, what Apex Central and Deep Security Manager send by default. */
const PRI = '<134>';

const SENDER: Record<Exclude<Source, 'raw'>, { host: string; app: string }> = {
  apex: { host: 'apexcentral', app: 'ApexCentral' },
  cm: { host: 'tmcm01', app: 'ControlManager' },
  ds: { host: 'dsm01', app: 'DeepSecurity' },
  foreign: { host: 'fw-edge-01', app: 'acmefw' },
};

export function frame(line: Rendered, t: number, rng: Rng): string {
  if (line.source === 'raw') return line.body;
  const r = rng.next();
  if (r < 0.1) return line.body;
  const { host, app } = SENDER[line.source];
  if (r < 0.13) return `${PRI}1 ${syslog5424(t)} ${host} ${app} - - - ${line.body}`;
  return `${PRI}${syslog3164(t)} ${host} ${line.body}`;
}
