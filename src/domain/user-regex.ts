// Which user-supplied regular expressions (LL `$regex`, ERM's `~` shorthand) may reach a store. MongoDB runs them
// server-side with PCRE (a backtracking engine, so one nested repetition such as `(a+)+$` takes exponential time
// per document); the embedded store runs them with RE2 (linear time, see store/embedded/linear-regex.ts), after
// mingo has built a JavaScript RegExp from them. A pattern is accepted only when all three engines read it the
// same way and none of them can backtrack catastrophically:
// - it compiles as JavaScript and as RE2 (RE2 refuses backreferences and lookaround, the non-regular constructs
//   whose cost and meaning differ between engines);
// - no escape whose meaning differs between PCRE and JavaScript (`\z`, `\Q`, `\v`, `\u0041`, `\p{L}`, octal…);
// - no repetition (`*`, `+`, `{n,}`, `{n,m}` with m > 1) of a group that itself repeats or alternates: the
//   ambiguity that makes a backtracking engine try exponentially many splits (`(a+)+`, `(a|a)*`, `(aa?)+`).
// `$` without the m option means "at the end, or before a final newline" to PCRE and only "at the end" to RE2 and
// JavaScript: pcreEquivalentSource rewrites it for RE2, so the embedded store matches as MongoDB does.
import { RE2JS } from 're2js';
import regjsparser, { type AstNode as GenericAstNode, type RootNode } from 'regjsparser';

export const MAX_USER_REGEX_LENGTH = 512;
/** The largest `{n,m}` bound: RE2's own limit is 1,000; large counts multiply backtracking in PCRE. */
const MAX_REPEAT_COUNT = 100;
/** MongoDB's `$options` that mean the same in every engine; `x` (PCRE's extended syntax) has no JavaScript or RE2 equivalent. */
const SUPPORTED_FLAGS = /^[ims]*$/;
/** Escapes of letters that PCRE and JavaScript read alike (classes, word boundaries, control characters). */
/** The parser's features we enable: lookbehind and named groups parse (so they can be named in the refusal). */
type ParsedFeatures = { lookbehind: true; namedGroups: true };
type AstNode = GenericAstNode<ParsedFeatures>;
const PORTABLE_LETTER_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f']);

/** RE2 flags for MongoDB's `$options` letters (i, m, s). */
export function re2Flags(flags: string): number {
  return (
    (flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) |
    (flags.includes('m') ? RE2JS.MULTILINE : 0) |
    (flags.includes('s') ? RE2JS.DOTALL : 0)
  );
}

export interface RegexRefusal {
  /** `invalid`: too long or not a regular expression at all; `unsafe`: valid, but slow or store-dependent. */
  kind: 'invalid' | 'unsafe';
  reason: string;
}

/** Why `source` with MongoDB `$options` letters `flags` is refused, or null when it is safe on every store. */
export function userRegexRefusal(source: string, flags = ''): RegexRefusal | null {
  if (source.length > MAX_USER_REGEX_LENGTH)
    return { kind: 'invalid', reason: `regular expression longer than ${MAX_USER_REGEX_LENGTH} characters` };
  if (!SUPPORTED_FLAGS.test(flags)) return { kind: 'unsafe', reason: 'regex options must be among i, m and s' };
  let tree: RootNode<ParsedFeatures>;
  try {
    new RegExp(source, flags);
    tree = regjsparser.parse(source, flags, { lookbehind: true, namedGroups: true });
  } catch {
    return { kind: 'invalid', reason: 'is not a valid regular expression' };
  }
  const problem = portabilityProblem(tree) ?? backtrackingProblem(tree, false);
  if (problem) return { kind: 'unsafe', reason: problem };
  try {
    RE2JS.compile(source, re2Flags(flags));
  } catch {
    return { kind: 'unsafe', reason: 'uses a construct that filters do not support' };
  }
  return null;
}

/**
 * The RE2 source that matches what PCRE matches for `source` (for a yes/no match): each end anchor `$` outside
 * multiline mode becomes `\n?$`, PCRE's "end of the subject or before a newline that ends it".
 */
export function pcreEquivalentSource(source: string, flags: string): string {
  if (flags.includes('m')) return source;
  const ends: Array<[number, number]> = [];
  const collect = (node: AstNode): void => {
    if (node.type === 'anchor' && node.kind === 'end') ends.push(node.range);
    childrenOf(node).forEach(collect);
  };
  collect(regjsparser.parse(source, flags, { lookbehind: true, namedGroups: true }));
  let rewritten = source;
  for (const [start, end] of ends.sort((a, b) => b[0] - a[0])) rewritten = `${rewritten.slice(0, start)}(?:\\n?$)${rewritten.slice(end)}`;
  return rewritten;
}

function childrenOf(node: AstNode): AstNode[] {
  switch (node.type) {
    case 'alternative':
    case 'disjunction':
    case 'group':
    case 'characterClass':
      return node.body as AstNode[];
    case 'quantifier':
      return node.body as AstNode[];
    case 'characterClassRange':
      return [node.min, node.max];
    default:
      return [];
  }
}

function portabilityProblem(node: AstNode): string | null {
  if (node.type === 'reference') return 'backreferences are not supported in filters';
  if (node.type === 'group' && node.behavior !== 'normal' && node.behavior !== 'ignore') return 'lookaround is not supported in filters';
  if (node.type === 'characterClass' && node.body.length === 0)
    return 'an empty character class means different things to MongoDB and JavaScript';
  if (node.type === 'value') {
    const isLetterEscape = /^\\[a-zA-Z]/.test(node.raw) && node.kind !== 'controlLetter' && node.kind !== 'hexadecimalEscape';
    const isDivergent =
      node.kind === 'octal' ||
      node.kind === 'unicodeEscape' ||
      node.kind === 'unicodeCodePointEscape' ||
      (isLetterEscape && !PORTABLE_LETTER_ESCAPES.has(node.raw[1]));
    if (isDivergent) return `escape ${node.raw} means different things to MongoDB and JavaScript`;
  }
  for (const child of childrenOf(node)) {
    const problem = portabilityProblem(child);
    if (problem) return problem;
  }
  return null;
}

/** True when the quantifier can match its body more than once. */
function repeats(node: AstNode): boolean {
  return node.type === 'quantifier' && (node.max === undefined || node.max > 1);
}

function backtrackingProblem(node: AstNode, insideRepetition: boolean): string | null {
  if (node.type === 'quantifier') {
    if ((node.max ?? node.min) > MAX_REPEAT_COUNT) return `repetition counts are at most ${MAX_REPEAT_COUNT}`;
    if (insideRepetition) return 'nested repetition (such as (a+)+) can take exponential time; repeat a character class instead';
  }
  if (node.type === 'disjunction' && insideRepetition) {
    return 'a repeated alternation (such as (a|b)*) can take exponential time; use a character class such as [ab]*';
  }
  const nowInside = insideRepetition || (repeats(node) && node.type === 'quantifier' && node.body.some(isCompound));
  for (const child of childrenOf(node)) {
    const problem = backtrackingProblem(child, nowInside);
    if (problem) return problem;
  }
  return null;
}

/** A quantifier's body that is more than one character (a group or an alternation) can split its input in several ways. */
function isCompound(node: AstNode): boolean {
  return node.type === 'group' || node.type === 'disjunction' || node.type === 'alternative';
}
