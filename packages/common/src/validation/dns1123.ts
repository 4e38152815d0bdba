const LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN_FMT = `${LABEL_FMT}(\\.${LABEL_FMT})*`;
const LABEL_RE = new RegExp(`^${LABEL_FMT}$`);
const SUBDOMAIN_RE = new RegExp(`^${SUBDOMAIN_FMT}$`);

/** Maximum length of a DNS-1123 label (Kubernetes `DNS1123LabelMaxLength`). */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** Maximum length of a DNS-1123 subdomain (Kubernetes `DNS1123SubdomainMaxLength`). */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/**
 * Checks a DNS-1123 label (namespace names, cluster names) like Kubernetes's `IsDNS1123Label`.
 * Returns the problems in Kubernetes's wording; empty when valid.
 */
export function isDns1123Label(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_LABEL_MAX_LENGTH} characters`);
  }
  if (!LABEL_RE.test(value)) {
    problems.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${LABEL_FMT}')`,
    );
  }
  return problems;
}

/**
 * Checks a DNS-1123 subdomain (most object names, ServiceAccount names) like Kubernetes's
 * `IsDNS1123Subdomain`. Returns the problems in Kubernetes's wording; empty when valid.
 */
export function isDns1123Subdomain(value: string): string[] {
  const problems: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    problems.push(`must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!SUBDOMAIN_RE.test(value)) {
    problems.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN_FMT}')`,
    );
  }
  return problems;
}
