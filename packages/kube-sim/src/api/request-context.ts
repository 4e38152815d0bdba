/** Who is calling (authenticator.UserInfo as the server passes it around). */
export interface CallerInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** `fieldValidation` query parameter values (metav1.FieldValidation*). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Per-request facts every write needs. */
export interface RequestContext {
  user: CallerInfo;
  /** fieldManager query parameter, or the one derived from the User-Agent. */
  fieldManager: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
  /** Warnings to return in `Warning: 299 - "..."` headers. */
  warnings: string[];
}

/**
 * The manager name kube-apiserver derives from a User-Agent when no fieldManager is given
 * (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go prefixFromUserAgent).
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  return prefix.slice(0, 128);
}
