/**
 * KIP-848 regex subscriptions (ConsumerGroupHeartbeat v1 SubscribedTopicRegex), resolved as Kafka does:
 * RE2 syntax (Kafka uses RE2J) and a full match of the topic name (`pattern.matcher(topic).matches()`).
 * RE2 runs in time linear in the name, so no regex can freeze the broker as a backtracking engine does
 * (`(a+)+b` against 33 `a`s took JavaScript's RegExp ~45 s; DESIGN invariant 8). What still costs is
 * the size of the compiled program, so both the source length and the program size are bounded
 * (Kafka bounds neither; RE2 itself refuses repeat counts over 1000), and matching new names stops at
 * a time budget per call: the names left are matched by the next heartbeat (Kafka too resolves regexes
 * asynchronously, so a member's topics may arrive a heartbeat later).
 * Results are cached per (regex, topic name): a heartbeat looks names up instead of matching them again.
 * re2js is required on first use, not at broker start: ~15 ms that most brokers never need.
 */
import { createRequire } from 'node:module';

type Re2Module = typeof import('re2js');
type Re2Pattern = ReturnType<Re2Module['RE2JS']['compile']>;

/** Longest SubscribedTopicRegex accepted, in UTF-16 chars. */
export const topicRegexCharsMax = 1000;
/** Largest compiled RE2 program accepted, in instructions: one match of a 249-char name stays well under 100 ms. */
export const topicRegexProgramInstMax = 2000;
/** Time for matching names not seen before, per resolution (at least one name is matched per call). */
export const topicRegexMatchBudgetMs = 10;
const compiledRegexesMax = 256;
const memoNamesMax = 100_000;

let re2: Re2Module | undefined;

function re2js(): Re2Module {
  re2 ??= createRequire(import.meta.url)('re2js') as Re2Module;
  return re2;
}

/** A compiled subscription regex with its per-name results. */
export class TopicRegex {
  private readonly memo = new Map<string, boolean>();

  constructor(readonly source: string, private readonly pattern: Re2Pattern) {}

  /** Full match of the name, cached. */
  matches(name: string): boolean {
    let hit = this.memo.get(name);
    if (hit === undefined) {
      hit = this.pattern.matcher(name).matches();
      if (this.memo.size >= memoNamesMax) this.memo.clear();
      this.memo.set(name, hit);
    }
    return hit;
  }

  /** Whether the result for this name is cached (no matching needed). */
  known(name: string): boolean {
    return this.memo.has(name);
  }
}

export type CompiledTopicRegex = { ok: true; regex: TopicRegex } | { ok: false; message: string };

/** Most recently used last: a Map keeps insertion order. */
const cache = new Map<string, CompiledTopicRegex>();

/** Compiles (or finds in the cache) a subscription regex; an invalid one says why, for INVALID_REGULAR_EXPRESSION. */
export function compileTopicRegex(source: string): CompiledTopicRegex {
  const cached = cache.get(source);
  if (cached !== undefined) {
    cache.delete(source);
    cache.set(source, cached);
    return cached;
  }
  const compiled = compile(source);
  if (cache.size >= compiledRegexesMax) cache.delete(cache.keys().next().value!);
  cache.set(source, compiled);
  return compiled;
}

function compile(source: string): CompiledTopicRegex {
  if (source.length > topicRegexCharsMax) {
    return { ok: false, message: `SubscribedTopicRegex of ${source.length} chars is longer than ${topicRegexCharsMax}.` };
  }
  const { RE2JS, RE2JSException } = re2js();
  let pattern: Re2Pattern;
  try {
    pattern = RE2JS.compile(source);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    return { ok: false, message: `SubscribedTopicRegex \`${source}\` is not a valid regular expression: ${err.message}.` };
  }
  const size = pattern.matcher('').programSize();
  if (size > topicRegexProgramInstMax) {
    return { ok: false, message: `SubscribedTopicRegex \`${source}\` is too complex (${size} RE2 instructions; at most ${topicRegexProgramInstMax}).` };
  }
  return { ok: true, regex: new TopicRegex(source, pattern) };
}

/** A shared time budget for the matching done while answering one request. */
export class MatchBudget {
  private readonly deadline: number;
  /** Some name was left unmatched for lack of time. */
  exhausted = false;
  private matchedOne = false;

  constructor(budgetMs = topicRegexMatchBudgetMs, private readonly now: () => number = () => performance.now()) {
    this.deadline = now() + budgetMs;
  }

  /** Names of `names` the regex fully matches; names not yet matched wait once the budget is spent. */
  filter(regex: TopicRegex, names: Iterable<string>): string[] {
    const out: string[] = [];
    for (const name of names) {
      if (!regex.known(name)) {
        if (this.matchedOne && this.now() >= this.deadline) {
          this.exhausted = true;
          continue;
        }
        this.matchedOne = true;
      }
      if (regex.matches(name)) out.push(name);
    }
    return out;
  }
}
