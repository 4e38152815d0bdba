import { describe, expect, it } from 'vitest';
import { createAuthenticator } from './authenticator.js';
import { MapLookup } from './test-lookup.js';
import { TokenIssuer } from './token-issuer.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const ADMIN = 'admin-token-0123456789';

function setup(): {
  lookup: MapLookup;
  issuer: TokenIssuer;
  auth: ReturnType<typeof createAuthenticator>;
  saUid: string;
} {
  const lookup = new MapLookup();
  const saUid = 'sa-uid-1';
  lookup.put({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'x', namespace: 'default', uid: saUid },
  });
  const issuer = new TokenIssuer({ issuer: ISSUER, audiences: [ISSUER], minSeconds: 600 });
  return { lookup, issuer, auth: createAuthenticator({ adminToken: ADMIN, issuer, lookup }), saUid };
}

const SA_REQ = { namespace: 'default', serviceAccountName: 'x', serviceAccountUid: 'sa-uid-1' };

describe('createAuthenticator', () => {
  it('maps the static admin token to a system:masters user, with or without "Bearer "', async () => {
    const { auth } = setup();
    const expected = { username: 'kube-sim-admin', groups: ['system:masters', 'system:authenticated'] };
    expect(await auth.authenticate(ADMIN)).toEqual(expected);
    expect(await auth.authenticate(`Bearer ${ADMIN}`)).toEqual(expected);
    expect(await auth.authenticate(`${ADMIN}x`)).toBeUndefined();
    expect(await auth.authenticate(undefined)).toBeUndefined();
    expect(await auth.authenticate('')).toBeUndefined();
  });

  it('maps a service account token to the user of pkg/serviceaccount (groups, uid, credential id)', async () => {
    const { auth, issuer, saUid } = setup();
    const { token } = await issuer.createToken(SA_REQ);
    const user = await auth.authenticate(`Bearer ${token}`);
    expect(user).toMatchObject({
      username: 'system:serviceaccount:default:x',
      uid: saUid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
    expect(user?.extra?.['authentication.kubernetes.io/credential-id']?.[0]).toMatch(/^JTI=[0-9a-f-]{36}$/);
  });

  it('invalidates tokens when the SA is deleted or recreated with a new uid (claims.go)', async () => {
    const { auth, issuer, lookup } = setup();
    const { token } = await issuer.createToken(SA_REQ);
    lookup.remove('v1', 'ServiceAccount', 'default', 'x');
    expect(await auth.authenticate(token)).toBeUndefined();
    // claims.go passes the getter's NotFound through.
    expect(await auth.review(token)).toEqual({
      authenticated: false,
      error: '[invalid bearer token, serviceaccounts "x" not found]',
    });
    lookup.put({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'x', namespace: 'default', uid: 'sa-uid-2' },
    });
    expect(await auth.authenticate(token)).toBeUndefined();
    expect((await auth.review(token)).error).toBe(
      '[invalid bearer token, service account UID (sa-uid-2) does not match claim (sa-uid-1)]',
    );
  });

  it('keeps a token valid briefly during graceful deletion, not after 60 s (claims.go)', async () => {
    let now = Date.now();
    const { lookup, issuer } = setup();
    const auth = createAuthenticator({ adminToken: ADMIN, issuer, lookup, now: () => now });
    const { token } = await issuer.createToken(SA_REQ);
    lookup.put({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'x',
        namespace: 'default',
        uid: 'sa-uid-1',
        deletionTimestamp: new Date(now).toISOString(),
      } as never,
    });
    expect(await auth.authenticate(token)).toBeDefined();
    now += 61_000;
    expect(await auth.authenticate(token)).toBeUndefined();
    expect((await auth.review(token)).error).toBe(
      '[invalid bearer token, service account default/x has been deleted]',
    );
  });

  it('invalidates a Secret-bound token when the Secret is deleted or replaced', async () => {
    const { auth, issuer, lookup } = setup();
    lookup.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default', uid: 'secret-1' },
    });
    const { token } = await issuer.createToken({
      ...SA_REQ,
      boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's', uid: 'secret-1' },
    });
    expect((await auth.review(token)).authenticated).toBe(true);
    lookup.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default', uid: 'secret-2' },
    });
    expect((await auth.review(token)).error).toBe(
      '[invalid bearer token, secret UID (secret-2) does not match service account secret ref claim (secret-1)]',
    );
    lookup.remove('v1', 'Secret', 'default', 's');
    expect(await auth.authenticate(token)).toBeUndefined();
  });

  it('reports pod and node of a Pod-bound token in extra', async () => {
    const { auth, issuer, lookup } = setup();
    lookup.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default', uid: 'pod-1' },
    });
    const { token } = await issuer.createToken({
      ...SA_REQ,
      boundObjectRef: { kind: 'Pod', name: 'p', uid: 'pod-1' },
    });
    const user = await auth.authenticate(token);
    expect(user?.extra).toMatchObject({
      'authentication.kubernetes.io/pod-name': ['p'],
      'authentication.kubernetes.io/pod-uid': ['pod-1'],
    });
  });

  it('honours TokenReview audiences and returns their intersection (jwt.go)', async () => {
    const { auth, issuer } = setup();
    const vault = await issuer.createToken({ ...SA_REQ, audiences: ['vault', 'other'] });
    // A token for another audience authenticates no API request...
    expect(await auth.authenticate(vault.token)).toBeUndefined();
    expect((await auth.review(vault.token)).error).toBe(
      `[invalid bearer token, token audiences ["vault" "other"] is invalid for the target audiences ["${ISSUER}"]]`,
    );
    // ...but a TokenReview asking for that audience accepts it.
    const review = await auth.review(vault.token, ['vault']);
    expect(review).toMatchObject({
      authenticated: true,
      audiences: ['vault'],
      user: { username: 'system:serviceaccount:default:x' },
    });
    const plain = await issuer.createToken(SA_REQ);
    expect(await auth.review(plain.token)).toMatchObject({ authenticated: true, audiences: [ISSUER] });
  });

  it('reviews the admin token only for the API audiences (WrapAudienceAgnosticToken)', async () => {
    const { auth } = setup();
    expect(await auth.review(ADMIN)).toMatchObject({
      authenticated: true,
      audiences: [ISSUER],
      user: { username: 'kube-sim-admin' },
    });
    expect((await auth.review(ADMIN, ['vault'])).authenticated).toBe(false);
  });

  it('never throws on garbage and never echoes the token', async () => {
    const { auth } = setup();
    for (const bad of ['', 'x', 'a.b.c', 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA']) {
      const status = await auth.review(bad);
      expect(status.authenticated).toBe(false);
      expect(status.error).toMatch(/^\[invalid bearer token/);
      if (bad.length > 3) expect(status.error).not.toContain(bad);
    }
  });

  it('checks a Node-bound token against the Node, but not the node info of a Pod-bound token', async () => {
    const { auth, issuer, lookup } = setup();
    lookup.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'node-1' } });
    const nodeBound = await issuer.createToken({
      ...SA_REQ,
      boundObjectRef: { kind: 'Node', name: 'n1', uid: 'node-1' },
    });
    expect((await auth.authenticate(nodeBound.token))?.extra).toMatchObject({
      'authentication.kubernetes.io/node-name': ['n1'],
      'authentication.kubernetes.io/node-uid': ['node-1'],
    });
    lookup.remove('v1', 'Node', undefined, 'n1');
    expect((await auth.review(nodeBound.token)).error).toBe(
      '[invalid bearer token, service account token has been invalidated]',
    );
  });
});
