import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../auth/authenticator.js';
import type { RbacAuthorizer } from '../auth/rbac.js';
import { forbidden } from '../api/status-error.js';

function headerValues(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/**
 * Impersonation (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go):
 * `Impersonate-User` / `Impersonate-Group` / `Impersonate-Uid` replace the caller after the
 * authorizer allows `impersonate` on users/groups; service account usernames get their groups,
 * everyone but system:anonymous gets system:authenticated.
 */
export function applyImpersonation(
  req: IncomingMessage,
  caller: UserInfo,
  authorizer: RbacAuthorizer | undefined,
): UserInfo {
  const username = headerValues(req, 'impersonate-user')[0];
  const groups = headerValues(req, 'impersonate-group');
  if (username === undefined) return caller;
  const privileged = caller.groups.includes('system:masters');
  const check = (resource: string, name: string, apiGroup = ''): void => {
    if (!authorizer || privileged) return;
    const d = authorizer.authorize({
      user: caller,
      verb: 'impersonate',
      apiGroup,
      resource,
      subresource: '',
      namespace: '',
      name,
      resourceRequest: true,
      path: '',
    });
    if (!d.allowed) {
      throw forbidden(
        { group: apiGroup, resource, name },
        `User "${caller.username}" cannot impersonate resource "${resource}" in API group "${apiGroup}" at the cluster scope`,
      );
    }
  };
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (sa?.[1] && sa[2]) check('serviceaccounts', sa[2]);
  else check('users', username);
  for (const g of groups) check('groups', g);
  const all = [...groups];
  if (sa?.[1] && groups.length === 0) all.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (username !== 'system:anonymous' && !all.includes('system:authenticated'))
    all.push('system:authenticated');
  const uid = headerValues(req, 'impersonate-uid')[0];
  return { username, groups: all, ...(uid ? { uid } : {}) };
}
