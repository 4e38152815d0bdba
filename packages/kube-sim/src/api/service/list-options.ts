import type { FieldRequirement } from '../../store/field-selector.js';
import type { LabelRequirement } from '../../store/label-selector.js';

/** Parsed list/watch query parameters (metav1.ListOptions). */
export interface ListOptions {
  labelSelector: LabelRequirement[];
  fieldSelector: FieldRequirement[];
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

/** The continue token content; base64 JSON as the real server encodes it (storage.continueToken). */
export interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

/** Encode a continue token. */
export function encodeContinue(rv: number, start: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** Decode a continue token, or undefined when malformed. */
export function decodeContinue(raw: string): ContinueToken | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<ContinueToken>;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string')
      return undefined;
    return parsed as ContinueToken;
  } catch {
    return undefined;
  }
}
