import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './parse-args.js';

describe('parseCliArgs', () => {
  it('accepts the documented flags, with or without =', () => {
    const r = parseCliArgs([
      '--port',
      '0',
      '--kubeconfig=/tmp/k',
      '--name',
      'spoke-1',
      '--min-token-seconds',
      '60',
      '--max-token-seconds=86400',
      '--issuer',
      'https://issuer.example',
      '--enforce-rbac',
    ]);
    expect(r).toEqual({
      ok: true,
      config: {
        kubeconfigPath: '/tmp/k',
        cluster: {
          port: 0,
          name: 'spoke-1',
          minTokenSeconds: 60,
          maxTokenSeconds: 86400,
          issuer: 'https://issuer.example',
          enforceRbac: true,
        },
      },
    });
    if (r.ok) expect(Object.isFrozen(r.config)).toBe(true);
  });

  it('reports every problem at once', () => {
    const r = parseCliArgs([
      '--port',
      'x',
      '--min-token-seconds',
      '900',
      '--max-token-seconds',
      '60',
      '--issuer',
      'http://plain',
      '--name',
      'Bad_Name',
      '--bogus',
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'unknown argument "--bogus"',
      '--port must be an integer, got "x"',
      '--kubeconfig is required',
      '--max-token-seconds must not be less than --min-token-seconds',
      '--issuer must be an https URL, got "http://plain"',
      '--name must be a DNS label, got "Bad_Name"',
    ]);
  });

  it('notices a missing value', () => {
    const r = parseCliArgs(['--port', '--kubeconfig', '/k']);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual(['--port needs a value', '--port is required (0 picks a free port)']);
  });
});
