const SECOND = 1_000_000_000n;

/** Formats `v / 10**prec` as a fraction (".5"), omitting trailing zeros and the dot when zero. */
function fraction(v: bigint, prec: number): { text: string; rest: bigint } {
  let text = '';
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed = printed || digit !== 0n;
    if (printed) text = `${digit.toString()}${text}`;
    v /= 10n;
  }
  return { text: printed ? `.${text}` : '', rest: v };
}

/**
 * Formats nanoseconds as Go's `time.Duration.String()` does: `8640h0m0s`, `1h30m0s`, `1.5s`,
 * `300ms`, `1µs` (U+00B5), `0s`; negative values get a leading `-`. Values outside int64 are
 * formatted anyway (Go cannot represent them).
 */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = '\u00b5s';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const f = fraction(u, prec);
    out = `${f.rest.toString()}${f.text}${unit}`;
  } else {
    const f = fraction(u, 9);
    u = f.rest;
    out = `${(u % 60n).toString()}${f.text}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${(u % 60n).toString()}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u.toString()}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
