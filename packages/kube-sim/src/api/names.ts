import type { StatusCause } from './status-error.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** apimachinery/pkg/util/validation IsDNS1123Subdomain, as a field cause. */
export function subdomainCauses(field: string, value: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (value.length > 253) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${value}": must be no more than 253 characters`,
    });
  }
  if (!DNS1123_SUBDOMAIN.test(value)) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${value}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  return causes;
}

/** IsDNS1123Label (namespace names). */
export function labelCauses(field: string, value: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (value.length > 63) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${value}": must be no more than 63 characters`,
    });
  }
  if (!DNS1123_LABEL.test(value)) {
    causes.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: "${value}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    });
  }
  return causes;
}

/** Random suffix for generateName (names.SimpleNameGenerator: 5 chars of [bcdfghjklmnpqrstvwxz2456789]). */
export function generateNameSuffix(random: () => number = Math.random): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(random() * alphabet.length)] ?? 'x';
  return s;
}
