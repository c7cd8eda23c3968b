// Static word lists the generator draws from. All names and domains are fictional
// or reserved; nothing here identifies a real person.

export const COMPANY_DOMAIN = 'acme-corp.com';
export const AD_DOMAIN = 'CORP';
export const APEX_SERVER = 'APEXONE-SRV01';
/** Domain part of every CORP account SID; the account's RID is appended. */
export const DOMAIN_SID = 'S-1-5-21-1004336348-1177238915-682003330';

export const FIRST_NAMES = [
  'alice', 'bob', 'carol', 'david', 'emma', 'frank', 'grace', 'henry', 'irene', 'jack',
  'karen', 'liam', 'maria', 'nathan', 'olivia', 'peter', 'quinn', 'rachel', 'samuel', 'tina',
  'umar', 'vera', 'walter', 'xenia', 'yusuf', 'zoe', 'aaron', 'bianca', 'caleb', 'diana',
  'ethan', 'fiona', 'george', 'hannah', 'isaac', 'julia', 'kevin', 'laura', 'marcus', 'nina',
  'oscar', 'paula', 'ravi', 'sofia', 'thomas', 'ursula', 'victor', 'wendy', 'yara', 'zack',
  'amir', 'beatriz', 'chen', 'dmitri', 'elena', 'farid', 'greta', 'hugo', 'ingrid', 'jonas',
];

export const LAST_NAMES = [
  'johnson', 'smith', 'garcia', 'miller', 'davis', 'wilson', 'moore', 'taylor', 'anderson', 'thomas',
  'jackson', 'white', 'harris', 'martin', 'thompson', 'young', 'allen', 'king', 'wright', 'scott',
  'green', 'baker', 'adams', 'nelson', 'hill', 'campbell', 'mitchell', 'roberts', 'carter', 'phillips',
  'evans', 'turner', 'torres', 'parker', 'collins', 'edwards', 'stewart', 'morris', 'murphy', 'cook',
  'rogers', 'morgan', 'peterson', 'cooper', 'reed', 'bailey', 'bell', 'kelly', 'howard', 'ward',
  'cox', 'diaz', 'richardson', 'wood', 'watson', 'brooks', 'bennett', 'gray', 'james', 'reyes',
];

export type Dept = 'engineering' | 'finance' | 'sales' | 'hr' | 'legal' | 'executive' | 'it';

/** Head-count weights used to spread users over departments (executives are placed first). */
export const DEPT_WEIGHTS: readonly (readonly [Dept, number])[] = [
  ['engineering', 9], ['sales', 7], ['finance', 5], ['hr', 3], ['legal', 3], ['it', 2],
];

/** Each department's partners; a user mails a stable subset of these. */
export const PARTNER_DOMAINS: Record<Dept, readonly string[]> = {
  engineering: ['globex.com', 'initech.com', 'partner.de', 'umbrella-labs.io', 'cyberdyne-systems.com'],
  sales: ['globex.com', 'initech.com', 'hooli.com', 'partner.de', 'distribuzione.it', 'vandelay-imports.com'],
  finance: ['supplier.co.uk', 'firstbank-corp.com', 'audit-partners.co.uk', 'expertise-comptable.fr'],
  hr: ['payroll-services.com', 'benefitsplus.com', 'talent-agency.co.uk'],
  legal: ['outside-counsel.com', 'notaires-associes.fr', 'kanzlei-partner.de'],
  executive: ['globex.com', 'firstbank-corp.com', 'boardportal.com', 'outside-counsel.com'],
  it: ['msp-partner.nl', 'vendor-support.com', 'initech.com'],
};

export const DEPT_FILES: Record<Dept, readonly string[]> = {
  engineering: [
    'design_review.pptx', 'api_spec_v3.docx', 'test_results.xlsx', 'architecture.vsdx', 'release_notes.pdf',
    'build_logs.zip', 'requirements.docx', 'sprint_plan.xlsx', 'schematics_rev4.pdf', 'benchmark.csv',
  ],
  sales: [
    'Q3_pipeline.xlsx', 'proposal_globex.docx', 'price_list_2026.pdf', 'customer_deck.pptx', 'quote_4471.pdf',
    'territory_plan.xlsx', 'contract_draft.docx', 'win_loss_review.pptx', 'forecast.xlsx', 'rfp_response.docx',
  ],
  finance: [
    'budget_2027.xlsx', 'invoice_88123.pdf', 'ledger_export.csv', 'q3_close.xlsx', 'vendor_payments.xlsx',
    'audit_findings.docx', 'expense_report.pdf', 'cashflow_model.xlsx', 'tax_filing_draft.pdf', 'accruals.xlsx',
  ],
  hr: [
    'onboarding_checklist.docx', 'benefits_summary.pdf', 'org_chart.pptx', 'training_plan.xlsx', 'job_description.docx',
    'policy_handbook.pdf', 'headcount_plan.xlsx', 'survey_results.xlsx',
  ],
  legal: [
    'nda_template.docx', 'msa_redline.docx', 'contract_review.pdf', 'compliance_memo.docx', 'case_summary.pdf',
    'trademark_filing.pdf', 'dpa_annex.docx',
  ],
  executive: [
    'board_deck.pptx', 'strategy_2027.docx', 'kpi_dashboard.xlsx', 'investor_update.pdf', 'offsite_agenda.docx',
  ],
  it: ['drivers.zip', 'setup_log.txt', 'firmware_update.bin', 'inventory.xlsx', 'bios_settings.txt', 'diag_report.html'],
};

export const DEPT_SUBJECTS: Record<Dept, readonly string[]> = {
  engineering: [
    'Design review notes', 'RE: API spec questions', 'Test results for build 4.2', 'Integration timeline',
    'FW: Interface control document', 'Sprint demo follow-up', 'Query: timeout=30s enough?',
  ],
  sales: [
    'Proposal for review', 'RE: Pricing questions', 'Quote 4471', 'Meeting follow-up', 'Contract draft v2',
    'Updated price list', 'RE: Discount = 12% approved?',
  ],
  finance: [
    'Invoice 88123', 'RE: Payment schedule', 'Q3 close package', 'Audit request items', 'Remittance advice',
    'Balance check: debit = credit', 'Vendor statement',
  ],
  hr: ['Onboarding documents', 'Benefits enrollment', 'RE: Payroll cutoff', 'Training schedule', 'Policy update'],
  legal: ['NDA for signature', 'RE: MSA redlines', 'Compliance memo', 'Filing confirmation', 'DPA annex'],
  executive: ['Board prep', 'RE: Partnership terms', 'Quarterly update', 'Offsite agenda', 'Investor call notes'],
  it: ['Support ticket 5512', 'RE: License renewal', 'Maintenance window', 'Hardware quote', 'Firmware advisory'],
};

export const DLP_TEMPLATES = [
  'All: Confidential Document', 'All: Credit Card Number', 'All: SWIFT BIC (SWIFT Business Identifier Code)',
  'US: PII (Social Security Number)', 'All: Source Code', 'EU: GDPR (Personal Data)',
];

/** DLP policies by purpose: [name, GUID]. The name is what a dlp-alert calls the alert. */
export const DLP_POLICIES = {
  usb: ['Removable Storage Monitoring', '5C2E9B1A-7F44-4C1E-9D0B-3A6F12C8E901'],
  email: ['Outbound Email Monitoring', '0B9D4E77-21A3-4F6C-8E52-9C1D7A3B4F10'],
  inbound: ['Inbound Email Inspection', 'E41A77C2-9B0D-4B3E-A1F5-6D28C9E0B7A4'],
  web: ['Web Upload Monitoring', '8A6F3C19-4D2E-47B1-9F08-2E5C7D1A9B36'],
} as const;

export const DLP_BLOCK_POLICIES: readonly (readonly [string, string])[] = [
  ['PCI-DSS Compliance', '1F3A5C7E-9B2D-4E6F-8A1C-3E5D7F9B1A2C'],
  ['Confidential Documents', '2A4C6E8F-1B3D-4F5A-9C7E-5B3D1F9A7C6E'],
  ['Customer PII Protection', '3B5D7F9A-2C4E-4A6B-8D1F-7C5E3A1B9D8F'],
  ['Source Code Protection', '4C6E8A1B-3D5F-4B7C-9E2A-9D7F5B3C1E0A'],
  ['HR Records', '5D7F9B2C-4E6A-4C8D-8F3B-1E9A7C5D3F2B'],
];

export const DLP_RULES: Record<number, string> = {
  0: 'Removable Storage',
  2: 'Email',
  5: 'HTTP',
  6: 'HTTPS',
  9: 'Printer',
  10: 'Clipboard',
  15: 'Cloud Storage',
  121: 'SMTP Email',
  122: 'Email Client',
};

export const USB_MODELS: readonly (readonly [vendor: string, model: string])[] = [
  ['SanDisk', 'Cruzer Blade'], ['SanDisk', 'Ultra Flair'], ['SanDisk', 'Extreme Pro'],
  ['Kingston', 'DataTraveler 100 G3'], ['Kingston', 'DataTraveler Exodia'], ['Samsung', 'BAR Plus'],
  ['Samsung', 'T7 Shield'], ['Seagate', 'Expansion Portable'], ['Western Digital', 'My Passport'],
  ['Lexar', 'JumpDrive S47'], ['Verbatim', 'Store n Go'], ['PNY', 'Turbo Attache'],
];

export const USB_DIRS = ['Backup', 'Work', 'Docs', 'Transfer', 'Projects', 'Archive'];

/** Company sites a user uploads to as part of normal work. */
export const COMPANY_UPLOAD_SITES = [
  'acmecorp.sharepoint.com', 'acmecorp-my.sharepoint.com', 'acmecorp.box.com',
];

export const BROWSE_SITES = [
  'www.google.com', 'login.microsoftonline.com', 'outlook.office365.com', 'www.linkedin.com', 'news.bbc.co.uk',
  'www.reuters.com', 'docs.python.org', 'stackoverflow.com', 'www.wikipedia.org', 'github.com',
  'teams.microsoft.com', 'www.salesforce.com', 'app.workday.com', 'www.bloomberg.com',
];

/** Low-reputation sites that web reputation blocks (act=2). */
export const BAD_SITES = [
  'free-codecs-download.example', 'invoice-viewer-secure.example', 'update-flashplayer.example',
  'login-micr0soft.example', 'cheap-vpn-crack.example',
];

export const BROWSERS = [
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
];

export const MALWARE = [
  'TROJ_GEN.R002C0WKH23', 'JS_EXPLOIT.SMDN', 'WORM_GAMARUE.ITK', 'PUA_WIN32_MINER.A', 'HKTL_MIMIKATZ.A',
  'W97M_DOWNLOAD.SMA', 'RANSOM_WCRY.SMALYM', 'ADW_OPENCANDY',
];

export const MALWARE_FILES = [
  'invoice_scan.pdf.exe', 'setup_free.exe', 'document.js', 'macro_invoice.docm', 'crack_patch.exe',
  'update.hta', 'photo_album.scr', 'report.xlsm',
];

export const SERVERS = ['SRV-FS-01', 'SRV-DC-01', 'SRV-SQL-02', 'SRV-APP-03'];

/** Objects, processes and privileges that appear in forwarded Windows 4674 events. */
export const PRIV_OBJECTS: readonly (readonly [type: string, name: string])[] = [
  ['File', 'C:\\Windows\\System32\\config\\SAM'],
  ['File', 'C:\\Windows\\NTDS\\ntds.dit'],
  ['Key', '\\REGISTRY\\MACHINE\\SECURITY'],
  ['Key', '\\REGISTRY\\MACHINE\\SYSTEM\\CurrentControlSet\\Services\\EventLog'],
  ['File', 'D:\\Shares\\Finance\\Payroll'],
  ['File', 'D:\\Backups\\sql_nightly.bak'],
];
export const PRIV_PROCESSES = [
  'C:\\Windows\\System32\\lsass.exe', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\System32\\mmc.exe',
  'C:\\Program Files\\Veeam\\Endpoint Backup\\Veeam.EndPoint.Service.exe', 'C:\\Windows\\explorer.exe',
];
export const PRIVILEGES = ['SeTakeOwnershipPrivilege', 'SeBackupPrivilege', 'SeRestorePrivilege', 'SeSecurityPrivilege'];
export const DESIRED_ACCESS = ['READ_CONTROL', 'WRITE_DAC', 'ACCESS_SYS_SEC', 'WRITE_OWNER'];
