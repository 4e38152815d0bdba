/** Result of {@link parseGoDuration}. */
export type ParseGoDurationResult = { ok: true; nanoseconds: bigint } | { ok: false; error: string };

const NS = 1n;
const US = 1000n * NS;
const MS = 1000n * US;
const S = 1000n * MS;
const M = 60n * S;
const H = 60n * M;

/** Units of Go's `time.ParseDuration`, including both micro signs (U+00B5 and U+03BC). */
const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NS],
  ['us', US],
  ['\u00b5s', US],
  ['\u03bcs', US],
  ['ms', MS],
  ['s', S],
  ['m', M],
  ['h', H],
]);

const LIMIT = 1n << 63n; // Go works in uint64 and compares against 1<<63.
const MAX_INT64 = LIMIT - 1n;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function invalid(orig: string): { ok: false; error: string } {
  return { ok: false, error: `time: invalid duration ${JSON.stringify(orig)}` };
}

/**
 * Parses a duration string exactly like Go's `time.ParseDuration`: a possibly signed sequence
 * of decimal numbers with optional fraction and a unit (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`),
 * e.g. `300ms`, `-1.5h`, `2h45m`. `0` alone is valid; results outside int64 nanoseconds are
 * "invalid duration" errors, as in Go. Error texts follow Go's (`time: invalid duration "x"`,
 * `time: missing unit in duration "x"`, `time: unknown unit "d" in duration "30d"`).
 */
export function parseGoDuration(input: string): ParseGoDurationResult {
  const orig = input;
  let s = input;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, nanoseconds: 0n };
  if (s === '') return invalid(orig);

  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid(orig);

    // Integer part; Go reports overflow of the leading int as an invalid duration.
    let i = 0;
    let v = 0n;
    while (isDigit(s[i])) {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > LIMIT) return invalid(orig);
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);

    // Fraction part; Go stops accumulating digits once they would overflow but keeps consuming.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (isDigit(s[j])) {
        if (!overflow) {
          if (f > MAX_INT64 / 10n) {
            overflow = true;
          } else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
            if (y > LIMIT) {
              overflow = true;
            } else {
              f = y;
              scale *= 10;
            }
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid(orig);

    // The unit runs up to the next digit or dot.
    let k = 0;
    while (k < s.length && !(s[k] === '.' || isDigit(s[k]))) k++;
    if (k === 0) return { ok: false, error: `time: missing unit in duration ${JSON.stringify(orig)}` };
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS.get(u);
    if (unit === undefined) {
      return {
        ok: false,
        error: `time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(orig)}`,
      };
    }
    if (v > LIMIT / unit) return invalid(orig);
    v *= unit;
    if (f > 0n) {
      // Go computes the fractional part in float64 and truncates: uint64(float64(f) * (float64(unit) / scale)).
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) return invalid(orig);
    }
    total += v;
    if (total > LIMIT) return invalid(orig);
  }
  if (neg) return { ok: true, nanoseconds: -total };
  if (total > MAX_INT64) return invalid(orig);
  return { ok: true, nanoseconds: total };
}
