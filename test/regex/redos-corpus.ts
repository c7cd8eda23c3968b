// Catastrophic regex forms: nested quantifiers, overlapping alternations, bounded
// repetitions around an ambiguous body, adjacent overlapping quantifiers (degree ≥ 3),
// lookaround and back-references. Each must be refused by `uebac validate` with an attack.
export const REDOS_CORPUS: readonly string[] = [
  // nested quantifiers
  '^(a+)+$',
  '^(a*)*$',
  '^(\\d+)*x',
  '(\\w+\\s?)*$',
  '^(\\S+\\s*)*\\.$',
  '^(x+x+)+y$',
  '^(?:x*y*)*z$',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '^([a-z0-9]+[-._]?)*@example\\.com$',
  // overlapping alternations
  '^(a|a)*$',
  '^(a|aa)+$',
  '^(a|a?)+$',
  '^(\\w|\\d)+$',
  '^(\\d|\\d\\d)+$',
  '^(a|b|ab)*c$',
  '^(?:[a-z]+|[a-z0-9]+)*;$',
  '(?i)^(a|A)+$',
  // bounded repetitions around an ambiguous body
  '(a|a){1,40}$',
  '^(a{1,50}){1,50}$',
  '^(?:\\d{1,64}\\.?){1,64}x',
  '^(?:a|a){20}$',
  '^(a{2,}){2,}$',
  '^(?:\\w{1,30}\\s?){1,30}!',
  // adjacent overlapping quantifiers: polynomial of degree ≥ 3
  '\\s*\\s*\\s*x$',
  '^.*a.*a.*a.*!$',
  // lookaround and back-references (judged by the fuzzer)
  '^(a+)+\\1$',
  '^(?=a)(a+)+$',
  '^(?!b)(a|aa)+$',
];
