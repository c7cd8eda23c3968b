// One formatter per log kind. Each returns the CEF/LEEF body (no syslog header);
// envelope.ts adds the header. Key order follows the vendor samples we mirror.
import { cefLine, leefLine, type Pair } from './cef.ts';
import type {
  ControlManagerEvent, DeviceAccessEvent, DlpBlockEvent, EmailEvent, JunkEvent, LogEvent, MalwareEvent,
  PrivilegedEvent, UsbCopyEvent, WebEvent, WebUploadEvent,
} from './events.ts';
import type { Host, User } from './org.ts';
import type { Rng } from './prng.ts';
import { rtClassic, rtIso } from './time.ts';
import { AD_DOMAIN, APEX_SERVER, DLP_POLICIES, DLP_RULES, DLP_TEMPLATES } from './vocab.ts';

/** Which system emitted the line; decides the syslog header host. */
export type Source = 'apex' | 'cm' | 'ds' | 'foreign' | 'raw';

export interface Rendered {
  source: Source;
  body: string;
}

export interface RenderContext {
  /** Render-time choices (timestamp spelling, scan type, ...) come from this stream. */
  rng: Rng;
  /** DLP log IDs increase in time order, so they are handed out while rendering. */
  nextExternalId(): number;
}

const APEX = { vendor: 'Trend Micro', product: 'Apex Central', version: '2019', severity: 3 };
const DS_AGENT = { vendor: 'Trend Micro', product: 'Deep Security Agent', version: '20.0.1' };

export function renderEvent(ev: LogEvent, ctx: RenderContext): Rendered {
  switch (ev.kind) {
    case 'usb-copy': return apex(usbCopyLine(ev, ctx));
    case 'device-access': return apex(deviceAccessLine(ev, ctx));
    case 'email': return apex(emailLine(ev, ctx));
    case 'web-upload': return apex(webUploadLine(ev, ctx));
    case 'dlp-block': return apex(dlpBlockLine(ev, ctx));
    case 'web': return apex(webLine(ev, ctx));
    case 'malware': return apex(malwareLine(ev, ctx));
    case 'privileged': return { source: 'ds', body: privilegedLine(ev, ctx) };
    case 'cm-dlp': return { source: 'cm', body: controlManagerLine(ev) };
    case 'junk': return junkLine(ev, ctx);
  }
}

const apex = (body: string): Rendered => ({ source: 'apex', body });

/** ~15% of Apex lines use the zone-less `rt` spelling seen in SaaS samples. */
function apexRt(t: number, ctx: RenderContext): string {
  return ctx.rng.chance(0.15) ? rtIso(t) : rtClassic(t);
}

const account = (u: User): string => `${AD_DOMAIN}\\${u.login}`;

/** The 700106 keys every endpoint DLP record starts with. */
function dlpHead(
  t: number, ctx: RenderContext, policy: readonly [string, string], host: Host, user: User,
  channel: number, action: number,
): Pair[] {
  return [
    ['rt', apexRt(t, ctx)],
    ['cs1Label', 'Policy_GUID'], ['cs1', policy[1]],
    ['cs2Label', 'Policy'], ['cs2', policy[0]],
    ['cs3Label', 'Product_Entity/Endpoint'], ['cs3', host.name],
    ['cs4Label', 'Incident_Source_(AD_Account)'], ['cs4', account(user)],
    ['cs5Label', 'Rule'], ['cs5', DLP_RULES[channel] ?? 'Custom'],
    ['cs6Label', 'Template'], ['cs6', ctx.rng.pick(DLP_TEMPLATES)],
    ['cn1Label', 'Product'], ['cn1', 15],
    ['cn2Label', 'Action'], ['cn2', action],
    ['cn3Label', 'Channel'], ['cn3', channel],
    ['src', host.ip], ['smac', host.mac], ['shost', host.name],
  ];
}

const dlpTail = (ctx: RenderContext): Pair[] => [
  ['externalId', ctx.nextExternalId()], ['dvchost', APEX_SERVER], ['deviceFacility', 'Apex One'],
];

const DLP = { ...APEX, signature: '700106', name: 'Data Loss Prevention' };

/** Kind 1: DLP removable storage, passed (cn3=0, cn2=4). */
export function usbCopyLine(ev: UsbCopyEvent, ctx: RenderContext): string {
  return cefLine(DLP, [
    ...dlpHead(ev.t, ctx, DLP_POLICIES.usb, ev.host, ev.user, 0, 4),
    ['filePath', `${ev.device.drive}:\\${ev.dir}\\${ev.file}`], ['fname', ev.file], ['fsize', ev.size],
    ...dlpTail(ctx),
  ]);
}

/** Kind 2 (cn3=0 modify) and the blocked variant of kind 5 (cn3=4). */
export function deviceAccessLine(ev: DeviceAccessEvent, ctx: RenderContext): string {
  return cefLine({ ...APEX, signature: '700107', name: 'Device Access Control' }, [
    ['rt', apexRt(ev.t, ctx)],
    ['cs1Label', 'Product_Entity/Endpoint'], ['cs1', APEX_SERVER],
    ['shost', ev.host.name], ['src', ev.host.ip], ['duser', account(ev.user)], ['dvchost', ev.host.name],
    ['cn1Label', 'Product'], ['cn1', 15],
    ['sproc', ev.process], ['fname', ev.file],
    ['cn2Label', 'Device_Type'], ['cn2', 0],
    ['cn3Label', 'Permission'], ['cn3', ev.blocked ? 4 : 0],
    ['cs2Label', 'Device_Vendor'], ['cs2', ev.device.vendor],
    ['cs3Label', 'Device_Model'], ['cs3', ev.device.model],
    ['cs4Label', 'Device_Serial'], ['cs4', ev.device.serial],
    ['deviceFacility', 'Apex One'],
  ]);
}

/** Kinds 3 (outbound, endpoint DLP) and 10 (inbound, Deep Discovery Email Inspector). */
export function emailLine(ev: EmailEvent, ctx: RenderContext): string {
  const names = ev.attachments.map((a) => a.name);
  // No attachment: the body matched, and fsize is the message size.
  const size = names.length ? ev.attachments.reduce((s, a) => s + a.size, 0) : ctx.rng.int(4_000, 40_000);
  const mail: Pair[] = [
    ['suser', ev.sender], ['duser', ev.recipients.map((r) => `${r};`).join('')], ['msg', ev.subject],
    ['fname', names.length ? names.join(';') : undefined], ['fsize', size], ['filePath', names[0]],
  ];
  if (ev.direction === 'in') {
    const gateway: Pair[] = [
      ['rt', apexRt(ev.t, ctx)],
      ['cs1Label', 'Policy_GUID'], ['cs1', DLP_POLICIES.inbound[1]],
      ['cs2Label', 'Policy'], ['cs2', DLP_POLICIES.inbound[0]],
      ['cs3Label', 'Product_Entity/Endpoint'], ['cs3', 'DDEI-01'],
      ['cs5Label', 'Rule'], ['cs5', DLP_RULES[ev.channel]],
      ['cs6Label', 'Template'], ['cs6', ctx.rng.pick(DLP_TEMPLATES)],
      ['cn1Label', 'Product'], ['cn1', 156],
      ['cn2Label', 'Action'], ['cn2', ev.delivered ? 2 : 0],
      ['cn3Label', 'Channel'], ['cn3', ev.channel],
    ];
    return cefLine(DLP, [
      ...gateway, ...mail,
      ['externalId', ctx.nextExternalId()], ['dvchost', 'ddei01'], ['deviceFacility', 'Deep Discovery Email Inspector'],
    ]);
  }
  return cefLine(DLP, [
    ...dlpHead(ev.t, ctx, DLP_POLICIES.email, ev.user.host, ev.user, ev.channel, ev.delivered ? 2 : 0),
    ...mail, ...dlpTail(ctx),
  ]);
}

/** Kind 4: DLP web upload, passed. */
export function webUploadLine(ev: WebUploadEvent, ctx: RenderContext): string {
  return cefLine(DLP, [
    ...dlpHead(ev.t, ctx, DLP_POLICIES.web, ev.user.host, ev.user, ev.channel, 4),
    ['request', ev.url], ['fname', ev.file], ['fsize', ev.size], ['filePath', ev.file],
    ...dlpTail(ctx),
  ]);
}

/** Kind 5: DLP blocked on USB, web, printer or clipboard. */
export function dlpBlockLine(ev: DlpBlockEvent, ctx: RenderContext): string {
  const docs = `C:\\Users\\${ev.user.login}\\Documents\\${ev.file}`;
  const filePath = ev.channel === 0 ? `E:\\${ev.file}` : docs;
  return cefLine(DLP, [
    ...dlpHead(ev.t, ctx, ev.policy, ev.user.host, ev.user, ev.channel, 0),
    ['request', ev.url], ['filePath', filePath], ['fname', ev.file], ['fsize', ev.size],
    ...dlpTail(ctx),
  ]);
}

/** Kind 6: web reputation (act 1 pass, 2 block, 3 monitor). */
export function webLine(ev: WebEvent, ctx: RenderContext): string {
  return cefLine({ ...APEX, signature: 'WB:36', name: '36' }, [
    ['rt', apexRt(ev.t, ctx)],
    ['cat', 36], ['act', ev.act], ['app', ev.url.startsWith('https:') ? 32 : 5],
    ['src', ev.user.host.ip], ['dst', ev.dst], ['dpt', ev.url.startsWith('https:') ? 443 : 80],
    ['request', ev.url],
    ['cs1Label', 'SLF_PolicyName'], ['cs1', 'External User Policy'],
    ['cn3Label', 'Web_Reputation_Rating'], ['cn3', ev.rating],
    ['deviceDirection', 2], ['deviceProcessName', ev.browser],
    ['duser', account(ev.user)], ['shost', ev.user.host.name], ['dvchost', ev.user.host.name],
  ]);
}

/** Kind 7: virus/malware (English and French consoles), PML, behaviour monitoring, C&C. */
export function malwareLine(ev: MalwareEvent, ctx: RenderContext): string {
  const u = ev.user;
  const host: Pair[] = [['dhost', u.host.name], ['dst', u.host.ip], ['duser', account(u)]];
  const folder = `C:\\Users\\${u.login}\\Downloads\\`;
  switch (ev.variant) {
    case 'av':
    case 'av-fr': {
      const fr = ev.variant === 'av-fr';
      const act = fr
        ? ctx.rng.pick(['Fichier nettoyé', 'Fichier mis en quarantaine'])
        : ctx.rng.pick(['File cleaned', 'File quarantined', 'File deleted']);
      const scan = fr
        ? ctx.rng.pick(['Analyse en temps réel', 'Analyse programmée'])
        : ctx.rng.pick(['Real-time Scan', 'Real-time Scan', 'Scheduled Scan', 'Manual Scan']);
      return cefLine({ ...APEX, signature: `AV:${act}`, name: ev.threat }, [
        ['rt', apexRt(ev.t, ctx)], ['act', act], ['cnt', 1], ...host,
        ['cs1Label', 'VLF_FunctionCode'], ['cs1', scan],
        ['cs3Label', 'CLF_ProductVersion'], ['cs3', '14.0'],
        ['fname', ev.file], ['filePath', folder], ['cat', 1703], ['fileHash', ev.hash], ['dvchost', APEX_SERVER],
      ]);
    }
    case 'pml':
      return cefLine({ ...APEX, signature: 'PML:File quarantined', name: ev.threat }, [
        ['rt', apexRt(ev.t, ctx)], ['act', 'File quarantined'], ['cnt', 1], ...host,
        ['cs1Label', 'Detection_Type'], ['cs1', 'File'],
        ['cs3Label', 'CLF_ProductVersion'], ['cs3', '14.0'],
        ['fname', ev.file], ['filePath', folder], ['fileHash', ev.hash], ['dvchost', APEX_SERVER],
      ]);
    case 'bm':
      return cefLine({ ...APEX, signature: 'BM:4', name: 'Unauthorized file encryption' }, [
        ['rt', apexRt(ev.t, ctx)],
        ['cs2Label', 'Policy'], ['cs2', 'Unauthorized file encryption'],
        ['sproc', `${folder}${ev.file}`],
        ['cs3Label', 'Event_Type'], ['cs3', 'File system'],
        ['cs4Label', 'Operation'], ['cs4', 'Write'],
        ['cs5Label', 'Risk_Level'], ['cs5', 1],
        ['TMCMLogTarget', `C:\\Users\\${u.login}\\Documents\\report.docx`],
        ['act', 'Terminate'], ['shost', u.host.name], ['src', u.host.ip], ['duser', account(u)],
        ['reason', 'G'], ['deviceFacility', 'Apex One'], ['dvchost', APEX_SERVER],
      ]);
    case 'cnc':
      return cefLine({ ...APEX, signature: 'CnC:Block', name: 'C&C callback' }, [
        ['rt', apexRt(ev.t, ctx)], ['cat', 1756], ['act', 2],
        ['shost', u.host.name], ['src', u.host.ip],
        ['cs3Label', 'SLF_DomainName'], ['cs3', AD_DOMAIN],
        ['cs4Label', 'SLF_PolicyName'], ['cs4', 'Global C&C IP list'],
        ['cn1Label', 'SLF_CCCA_RiskLevel'], ['cn1', 3],
        ['cn2Label', 'SLF_CCCA_DetectionSource'], ['cn2', 0],
        ['cn3Label', 'SLF_CCCA_DestinationFormat'], ['cn3', 2],
        ['request', `http://${ev.threat}/gate.php?id=${ev.hash.slice(0, 8)}`],
        ['dst', '203.0.113.66'], ['deviceDirection', 2],
        ['deviceProcessName', `${folder}${ev.file}`], ['duser', account(u)], ['reason', 'F'], ['dvchost', APEX_SERVER],
      ]);
  }
}

/** Kind 8: Windows 4674 through Deep Security Log Inspection, LEEF 2.0 (`^`) or CEF. */
export function privilegedLine(ev: PrivilegedEvent, ctx: RenderContext): string {
  const outcome = ev.success ? 'AUDIT_SUCCESS' : 'AUDIT_FAILURE';
  const logonId = ev.account === 'SYSTEM' ? '0x3E7' : `0x${ctx.rng.hex(6).toUpperCase()}`;
  const msg =
    `WinEvtLog Security: ${outcome}(4674): Microsoft-Windows-Security-Auditing: ${ev.account}: ${AD_DOMAIN}: ${ev.server}: ` +
    'An operation was attempted on a privileged object. ' +
    `Subject: Security ID: ${ev.sid} Account Name: ${ev.account} ` +
    `Account Domain: ${AD_DOMAIN} Logon ID: ${logonId} ` +
    `Object: Object Server: Security Object Type: ${ev.objectType} Object Name: ${ev.objectName} ` +
    `Object Handle: 0x${ctx.rng.hex(3)} Process Information: Process ID: 0x${ctx.rng.hex(3)} Process Name: ${ev.process} ` +
    `Requested Operation: Desired Access: ${ev.access} Privileges: ${ev.privilege}`;
  const name = 'Microsoft Windows Security Events - Medium';
  if (ev.format === 'cef') {
    return cefLine({ ...DS_AGENT, signature: '3004674', name, severity: 6 }, [
      ['cn1', ev.hostId], ['cn1Label', 'Host ID'], ['dvchost', ev.server],
      ['TrendMicroDsTenant', 'Primary'], ['TrendMicroDsTenantId', 0],
      ['rt', rtClassic(ev.t)], ['duser', ev.account], ['fname', 'Security'], ['msg', msg],
    ]);
  }
  return leefLine({ ...DS_AGENT, eventId: '3004674' }, [
    ['cat', 'Log Inspection'], ['name', name], ['desc', 'Windows privileged object operation'], ['sev', 6],
    // The syslog header has no year and some lines arrive without one, so the event time travels in devTime.
    ['devTime', rtClassic(ev.t)], ['devTimeFormat', 'MMM dd yyyy HH:mm:ss z'],
    ['cn1', ev.hostId], ['cn1Label', 'Host ID'], ['dvchost', ev.server],
    ['usrName', ev.account], ['fname', 'Security'], ['msg', msg],
  ]);
}

/** Kind 9: Control Manager / ArcSight flex-key USB record; `rt` is epoch milliseconds. */
export function controlManagerLine(ev: ControlManagerEvent): string {
  return cefLine({ vendor: 'Trend Micro', product: 'Control Manager', version: '7.0', signature: 'DLP', name: 'Data Loss Prevention', severity: 3 }, [
    ['rt', ev.t],
    ['flexString1Label', 'Action'], ['flexString1', ev.action],
    ['flexString2Label', 'Channel'], ['flexString2', 'Removable storage'],
    ['cs4Label', 'User'], ['cs4', ev.user.login],
    ['cs5Label', 'Activity'], ['cs5', 'File Copy'],
    ['fname', ev.file], ['filePath', `E:\\${ev.dir}`], ['dvchost', ev.host.name], ['fsize', ev.size],
  ]);
}

/** Lines that exist so a reader's reject accounting gets exercised. */
export function junkLine(ev: JunkEvent, ctx: RenderContext): Rendered {
  switch (ev.style) {
    case 'empty':
      return { source: 'raw', body: '' };
    case 'truncated': {
      // A real DLP record cut off mid-way, as when a UDP datagram is clipped.
      const full = cefLine(DLP, dlpHead(ev.t, ctx, DLP_POLICIES.usb, ev.user.host, ev.user, 0, 4));
      return { source: 'apex', body: full.slice(0, ctx.rng.int(40, full.length - 20)) };
    }
    case 'foreign':
      return {
        source: 'foreign',
        body: cefLine({ vendor: 'Acme', product: 'Firewall', version: '1.0', signature: '100', name: 'Connection allowed', severity: 3 }, [
          ['rt', rtClassic(ev.t)], ['src', ev.user.host.ip], ['dst', '198.51.100.23'], ['dpt', 443], ['proto', 'TCP'], ['act', 'allow'],
        ]),
      };
    case 'binary':
      return { source: 'raw', body: `\u0001\u0002\u0003\u0016\u001b[0m\u00ff\u00fe\u00c3\u00a9#015#012\ufffd\ufffd${ctx.rng.hex(16)}\u0007` };
  }
}
