import type { Json } from '../api/types.js';
import { isJsonObject } from '../api/types.js';

/**
 * Evaluate the subset of Kubernetes JSONPath used in printer columns: `.a.b`, `.a[0]`, `.a[*].b`,
 * `.a[?(@.type=="Ready")].status`, with or without surrounding `{}`. Returns every match.
 */
export function evaluateJsonPath(root: Json, expression: string): Json[] {
  let expr = expression.trim();
  if (expr.startsWith('{') && expr.endsWith('}')) expr = expr.slice(1, -1);
  if (expr.startsWith('$')) expr = expr.slice(1);
  let current: Json[] = [root];
  const tokens = expr.match(/\.[^.[\]]+|\[[^\]]*\]/g) ?? [];
  for (const token of tokens) {
    const next: Json[] = [];
    for (const value of current) {
      if (token.startsWith('.')) {
        const key = token.slice(1);
        if (key === '*') {
          if (isJsonObject(value)) for (const v of Object.values(value)) if (v !== undefined) next.push(v);
          if (Array.isArray(value)) next.push(...value);
        } else if (isJsonObject(value) && value[key] !== undefined) next.push(value[key]);
        continue;
      }
      const inner = token.slice(1, -1);
      if (!Array.isArray(value)) continue;
      if (inner === '*') next.push(...value);
      else if (/^-?\d+$/.test(inner)) {
        const i = Number(inner);
        const item = value[i < 0 ? value.length + i : i];
        if (item !== undefined) next.push(item);
      } else {
        const m = /^\?\(@\.([\w.-]+)\s*(==|!=)\s*["']?([^"']*)["']?\)$/.exec(inner);
        if (!m) continue;
        const [, field = '', op, expected] = m;
        for (const item of value) {
          const got = evaluateJsonPath(item, `.${field}`)[0];
          const equal =
            got !== undefined && (typeof got === 'string' ? got : JSON.stringify(got)) === expected;
          if ((op === '==') === equal) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
