import { bool, int, list, mergeList, mergeSet, obj, str, stringMap, time, anyJson } from './builders.js';
import type { JsonSchema } from './json-schema.js';

/** Component name of metav1.ObjectMeta in the OpenAPI documents. */
export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** metav1.OwnerReference. */
export const ownerReferenceSchema: JsonSchema = obj(
  {
    apiVersion: str(),
    kind: str(),
    name: str(),
    uid: str(),
    controller: bool(),
    blockOwnerDeletion: bool(),
  },
  { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
);

/**
 * metav1.ObjectMeta as published by kube-apiserver (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go),
 * including the strategic-merge keys of finalizers and ownerReferences.
 */
export const objectMetaSchema: JsonSchema = obj({
  name: str(),
  generateName: str(),
  namespace: str(),
  selfLink: str(),
  uid: str(),
  resourceVersion: str(),
  generation: int('int64'),
  creationTimestamp: time(),
  deletionTimestamp: time(),
  deletionGracePeriodSeconds: int('int64'),
  labels: stringMap(),
  annotations: stringMap(),
  ownerReferences: mergeList(ownerReferenceSchema, 'uid'),
  finalizers: mergeSet(str()),
  managedFields: list(
    obj({
      manager: str(),
      operation: str(),
      apiVersion: str(),
      time: time(),
      fieldsType: str(),
      fieldsV1: anyJson(),
      subresource: str(),
    }),
  ),
});

/** The common envelope of every kind: apiVersion, kind, metadata. */
export function envelope(
  properties: Record<string, JsonSchema>,
  metadata: JsonSchema = { $ref: `#/components/schemas/${OBJECT_META}` },
): Record<string, JsonSchema> {
  return { apiVersion: str(), kind: str(), metadata, ...properties };
}
