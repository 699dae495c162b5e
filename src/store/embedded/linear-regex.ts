// Regular expressions in filters run with RE2 (re2js, linear time) instead of V8's backtracking engine, so no
// pattern can hold the event loop for longer than a scan of the subject. mingo builds plain RegExps from a filter
// (its constructor clones the condition, `$regex` strings are compiled with `$options`) and then calls `test`/`exec`
// on them in `$regex`, `$in`, `$nin` and `$all`: those four operators are wrapped to hand mingo a LinearRegExp
// instead, a RegExp whose matching is delegated to RE2. Patterns reaching here were checked by
// domain/user-regex.ts, so they compile in both engines; `$` is rewritten to mean what it means to MongoDB's PCRE.
import { Context } from 'mingo/core';
import { Query as BaseQuery } from 'mingo/query';
import * as queryOperators from 'mingo/operators/query';
import { RE2JS } from 're2js';
import { pcreEquivalentSource, re2Flags } from '../../domain/user-regex.ts';

type QueryOperator = (selector: string, value: any, options: any) => (document: unknown) => boolean;

/** A RegExp whose `exec` and `test` run on RE2: mingo recognises it as a regex, V8 never backtracks on it. */
export class LinearRegExp extends RegExp {
  readonly #linear: RE2JS;

  constructor(pattern: RegExp) {
    super(pattern.source, pattern.flags);
    this.#linear = RE2JS.compile(pcreEquivalentSource(pattern.source, pattern.flags), re2Flags(pattern.flags));
  }

  override exec(text: string): RegExpExecArray | null {
    const matcher = this.#linear.matcher(text);
    if (!matcher.find()) return null;
    const result = [matcher.group(0) ?? ''] as unknown as RegExpExecArray;
    result.index = matcher.start(0);
    result.input = text;
    return result;
  }

  override test(text: string): boolean {
    return this.#linear.test(text);
  }
}

function linear(value: unknown): unknown {
  if (value instanceof LinearRegExp || !(value instanceof RegExp)) return value;
  return new LinearRegExp(value);
}

function withLinearRegexes(operator: QueryOperator): QueryOperator {
  return (selector, value, options) => operator(selector, Array.isArray(value) ? value.map(linear) : linear(value), options);
}

const LINEAR_CONTEXT = Context.init({
  query: {
    ...queryOperators,
    $regex: withLinearRegexes(queryOperators.$regex as QueryOperator),
    $in: withLinearRegexes(queryOperators.$in as QueryOperator),
    $nin: withLinearRegexes(queryOperators.$nin as QueryOperator),
    $all: withLinearRegexes(queryOperators.$all as QueryOperator),
  },
} as any);

/** mingo's Query with every regex of the condition matched by RE2, and no `$where` JavaScript (MongoDB's is off too). */
export class LinearQuery extends BaseQuery {
  constructor(condition: object) {
    super(condition as any, { context: LINEAR_CONTEXT, scriptEnabled: false } as any);
  }
}
