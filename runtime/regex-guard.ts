/**
 * Caps a field value before it is fed to a content regex.
 *
 * Many ordinary log regexes backtrack polynomially (quadratic or worse) on
 * hostile input, and the compiler can only warn about them. Capping the input
 * length bounds the worst-case matching time of every regex, so one oversized
 * field cannot stall the whole event pipeline. Longer values are truncated, not
 * rejected: the leading part is what extraction regexes usually look at.
 */
export function capInput(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}
