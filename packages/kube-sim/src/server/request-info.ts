/** What a URL path addresses, as kube-apiserver's RequestInfoFactory resolves it (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go). */
export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection (or the lower-case method for non-resource paths). */
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** The path used the legacy `/watch/` prefix. */
  legacyWatch: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Resolve a request path and method into a {@link RequestInfo}. */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    legacyWatch: false,
  };
  let parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info;
  info.apiPrefix = parts[0];
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 2) return info;
    info.group = parts[0] ?? '';
    parts = parts.slice(1);
  }
  if (parts.length < 1) return info;
  info.version = parts[0] ?? '';
  parts = parts.slice(1);
  if (parts.length < 1) return info;
  info.isResourceRequest = true;
  if (parts[0] === 'watch') {
    info.legacyWatch = true;
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length >= 2) {
    info.namespace = parts[1] ?? '';
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  if (parts.length > 3) info.subresource = parts.slice(2).join('/');
  const m = method.toUpperCase();
  const watchParam = query.get('watch');
  const isWatch = info.legacyWatch || watchParam === 'true' || watchParam === '1';
  if (m === 'GET' || m === 'HEAD')
    info.verb = info.name ? (isWatch ? 'watch' : 'get') : isWatch ? 'watch' : 'list';
  else if (m === 'POST') info.verb = 'create';
  else if (m === 'PUT') info.verb = 'update';
  else if (m === 'PATCH') info.verb = 'patch';
  else if (m === 'DELETE') info.verb = info.name ? 'delete' : 'deletecollection';
  // A watch of a single object is a list+watch with a metadata.name field selector.
  if (info.verb === 'watch' && info.name) info.verb = 'watch';
  return info;
}
