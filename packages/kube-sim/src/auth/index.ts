/**
 * Authentication and authorization of kube-sim: cluster PKI, service account tokens,
 * the bearer-token authenticator and the RBAC authorizer.
 */
export {
  createCertificateAuthority,
  issueServingCertificate,
  type CertificateAuthority,
  type ServingCertificate,
} from './pki.js';
export {
  InvalidTokenRequestError,
  TokenIssuer,
  boundKindClaimKey,
  type BoundObjectReference,
  type CreateTokenRequest,
  type CreatedToken,
  type ObjectReferenceClaim,
  type ServiceAccountClaims,
  type TokenIssuerOptions,
  type TokenVerification,
} from './token-issuer.js';
export {
  DEFAULT_MIN_TOKEN_SECONDS,
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  MAX_TOKEN_REQUEST_SECONDS,
  validateTokenRequestSpec,
  type TokenLifetimeLimits,
  type TokenRequestFieldError,
  type TokenRequestValidation,
} from './token-request-validation.js';
export {
  ADMIN_USERNAME,
  AUTHENTICATED_GROUP,
  CREDENTIAL_ID_EXTRA,
  PRIVILEGED_GROUP,
  createAuthenticator,
  serviceAccountUsername,
  type Authenticator,
  type AuthenticatorOptions,
  type ObjectLookup,
  type TokenReviewStatus,
  type UserInfo,
} from './authenticator.js';
export {
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  createRbacAuthorizer,
  forbiddenMessage,
  forbiddenStatus,
  reviewAccess,
  ruleAllows,
  type AuthorizationDecision,
  type PolicyRule,
  type RbacAuthorizer,
  type RbacBindingObject,
  type RbacRoleObject,
  type RbacSubject,
  type RequestAttributes,
  type SubjectAccessReviewStatus,
} from './rbac.js';
