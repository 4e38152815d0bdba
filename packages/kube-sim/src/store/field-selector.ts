import type { KubeObject } from '../api/types.js';
import { SelectorParseError } from './label-selector.js';

/** One term of a field selector (fields.Requirement). */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Parse `a=b,c!=d` (also `==`), as fields.ParseSelector does. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  return selector
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((term) => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
      if (!m?.[1] || !m[2])
        throw new SelectorParseError(`invalid selector: '${term}'; can't understand '${term}'`);
      return { field: m[1].trim(), operator: m[2] === '!=' ? '!=' : '=', value: (m[3] ?? '').trim() };
    });
}

/**
 * The fields a kind can be selected by. Every kind supports metadata.name and metadata.namespace
 * (registry/generic.ObjectMetaFieldsSet); some add their own (pkg/registry/core/secret: type;
 * events: involvedObject.*, reason, type...).
 */
export function selectableFields(group: string, kind: string, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.name': obj.metadata.name ?? '',
    'metadata.namespace': obj.metadata.namespace ?? '',
  };
  if (group === '' && kind === 'Secret') fields.type = typeof obj.type === 'string' ? obj.type : '';
  if (group === '' && kind === 'Namespace') {
    const status = obj.status as { phase?: string } | undefined;
    fields['status.phase'] = status?.phase ?? '';
  }
  if (group === '' && kind === 'Event') {
    const io = (obj.involvedObject ?? {}) as Record<string, unknown>;
    for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
      fields[`involvedObject.${k}`] = typeof io[k] === 'string' ? io[k] : '';
    }
    fields.reason = typeof obj.reason === 'string' ? obj.reason : '';
    fields.type = typeof obj.type === 'string' ? obj.type : '';
    const source = (obj.source ?? {}) as Record<string, unknown>;
    fields.source = typeof source.component === 'string' ? source.component : '';
  }
  return fields;
}

/** Error text of the real server for an unsupported field label (runtime.FieldLabelConversionFunc). */
export function unsupportedFieldMessage(field: string, kind: string, apiVersion: string): string {
  return (
    `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"` +
    ` (${apiVersion}, Kind=${kind})`
  );
}

/** Does an object satisfy every field requirement? Unknown fields must be rejected beforehand. */
export function matchesFields(requirements: FieldRequirement[], fields: Record<string, string>): boolean {
  return requirements.every((r) => {
    const v = fields[r.field] ?? '';
    return r.operator === '=' ? v === r.value : v !== r.value;
  });
}
