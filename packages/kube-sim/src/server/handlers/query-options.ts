import type { FieldValidation } from '../../api/request-context.js';
import type { ListOptions } from '../../api/service/list-options.js';
import { badRequest } from '../../api/status-error.js';
import type { ResourceType } from '../../api/resource-type.js';
import { parseFieldSelector, selectableFields } from '../../store/field-selector.js';
import { parseLabelSelector, SelectorParseError } from '../../store/label-selector.js';
import type { IncludeObject } from '../../table/table.js';

/** Parse list/watch query parameters; 400 for malformed selectors as the real server. */
export function parseListOptions(
  query: URLSearchParams,
  type: ResourceType,
  version: string,
  name: string,
): ListOptions {
  try {
    const fieldSelector = parseFieldSelector(query.get('fieldSelector') ?? '');
    if (name) fieldSelector.push({ field: 'metadata.name', operator: '=', value: name });
    const known = selectableFields(type.group, type.kind, { apiVersion: '', kind: type.kind, metadata: {} });
    for (const r of fieldSelector) {
      if (!(r.field in known)) {
        const gv = type.group ? `${type.group}/${version}` : version;
        throw badRequest(
          `Unable to find "${gv}, Resource=${type.plural}" that match label selector "", field selector "${query.get('fieldSelector') ?? ''}": field label not supported: ${r.field}`,
        );
      }
    }
    const limitRaw = query.get('limit');
    const options: ListOptions = {
      labelSelector: parseLabelSelector(query.get('labelSelector') ?? ''),
      fieldSelector,
    };
    if (limitRaw) options.limit = Number(limitRaw);
    const cont = query.get('continue');
    if (cont) options.continueToken = cont;
    const rv = query.get('resourceVersion');
    if (rv !== null) options.resourceVersion = rv;
    const rvm = query.get('resourceVersionMatch');
    if (rvm) options.resourceVersionMatch = rvm;
    return options;
  } catch (e) {
    if (e instanceof SelectorParseError) throw badRequest(e.message);
    throw e;
  }
}

/** `fieldValidation`; the server default without the parameter is Warn (handlers/rest.go), kubectl sends Strict. */
export function parseFieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}. Accepted values: Ignore, Warn, Strict`);
}

/** `includeObject` of a Table request. */
export function parseIncludeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** `?dryRun=All`. */
export function parseDryRun(query: URLSearchParams): boolean {
  const all = query.getAll('dryRun');
  if (all.some((v) => v !== 'All' && v !== '')) throw badRequest(`Invalid dry run value: ${all.join(',')}`);
  return all.includes('All');
}
