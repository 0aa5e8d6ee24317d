import type { JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { jsonContent, jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tags of sign-in and administration. */
export const AUTH_TAGS: OpenApiObject[] = [
  { name: 'auth', description: "Sign-in, sessions, two-factor sign-in and the signed-in user's own API tokens." },
  { name: 'users', description: 'User and department administration (the `users` admin right).' },
  { name: 'security', description: 'Security settings and the audit log (the `users` admin right).' },
];

const id = { type: 'string', pattern: '^[0-9a-f]{24}$' } as const;
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: 'null' }] });
const idParam = (description: string): OpenApiObject => ({ name: 'id', in: 'path', required: true, description, schema: id });
const query = (name: string, description: string, schema: JsonSchema = str): OpenApiObject => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

/** Schemas of the identity API. */
export function authSchemas(): Record<string, JsonSchema> {
  const userFields = {
    email: { type: 'string', format: 'email' },
    name: str,
    phone: nullable(str),
    locale: { enum: ['zh-CN', 'en'] },
    active: bool,
    managerId: nullable(id),
    departmentId: nullable(id),
    roles: { type: 'array', items: str, description: 'Role keys of the metadata, and the built-in `admin`.' },
  };
  return {
    User: object(
      {
        id,
        ...userFields,
        twoFactorEnabled: bool,
        hasPassword: bool,
        lastLoginAt: nullable(dateTime),
        createdAt: dateTime,
        updatedAt: dateTime,
        _version: { type: 'integer' },
      },
      [],
      {
        description: 'A user as the API shows it: never a password hash, a TOTP secret or recovery codes.',
      },
    ),
    UserInput: object(
      { ...userFields, password: { type: 'string', minLength: 10 } },
      ['phone', 'locale', 'active', 'managerId', 'departmentId', 'roles', 'password'],
      { additionalProperties: false },
    ),
    UserPatch: object({ ...userFields, _version: { type: 'integer', minimum: 1 } }, [...Object.keys(userFields), '_version'], {
      additionalProperties: false,
    }),
    DirectoryUser: object(
      {
        id,
        name: str,
        initials: { type: 'string', description: 'The letters of an avatar.' },
        active: bool,
        email: { type: 'string', description: 'Only for holders of the `users` admin right.' },
      },
      ['email'],
      {
        description: 'A colleague as any signed-in user may see them: the name a user field shows. Never roles, manager or sign-ins.',
      },
    ),
    Department: object({ id, name: str, parentId: nullable(id), createdAt: dateTime, updatedAt: dateTime }),
    ApiToken: object({
      id,
      name: str,
      prefix: str,
      userId: id,
      roles: { type: 'array', items: str },
      rateLimitPerMinute: { type: 'integer' },
      createdAt: dateTime,
      lastUsedAt: nullable(dateTime),
      expiresAt: nullable(dateTime),
      revoked: bool,
    }),
    SignedIn: object({
      token: {
        type: 'string',
        description: 'The session token, for `Authorization: Bearer`; the same session is in the `mc_session` cookie.',
      },
      csrfToken: {
        type: 'string',
        description: 'Echo it in `X-CSRF-Token` on writes made with the cookie (it is also in the `mc_csrf` cookie).',
      },
      expiresAt: dateTime,
      user: schemaRef('User'),
      twoFactorSetupRequired: {
        type: 'boolean',
        description: 'True for an admin who must use 2FA and has not enrolled: the session can only enrol.',
      },
    }),
    TwoFactorChallenge: object({
      twoFactorRequired: { const: true },
      challenge: { type: 'string', description: 'Send it with the code to /api/auth/login/2fa within 5 minutes.' },
    }),
    AuditEntry: object({
      id,
      at: dateTime,
      action: str,
      actor: nullable(object({ kind: str, id: str, name: str }, [], { additionalProperties: true })),
      target: nullable({ type: 'object' }),
      data: nullable({ type: 'object' }),
      ip: nullable(str),
      requestId: nullable(str),
    }),
  };
}

function op(
  tag: string,
  operationId: string,
  summary: string,
  description: string,
  responses: OpenApiObject,
  extra: OpenApiObject = {},
): OpenApiObject {
  return { tags: [tag], operationId, summary, description, ...extra, responses };
}

const body = (schema: JsonSchema): OpenApiObject => ({ requestBody: { required: true, content: jsonContent(schema) } });
const noContent = { '204': { description: 'Done.' } };
const publicOp = { security: [] };

/** Sign-in, the signed-in user's account and tokens, user and department administration, settings and audit. */
export function authPaths(): Record<string, OpenApiObject> {
  const loginAnswer = {
    '200': jsonResponse('A session (and its cookies), or the challenge of a second step.', {
      oneOf: [schemaRef('SignedIn'), schemaRef('TwoFactorChallenge')],
    }),
  };
  const throttled = {
    '429': jsonResponse('LOGIN_THROTTLED: too many failures from this address; `Retry-After` says when to try again.', schemaRef('Error')),
  };
  return {
    '/api/auth/login': {
      post: op(
        'auth',
        'auth.login',
        'Sign in',
        'Email and password. Failures are slowed down per account and address, then refused per address (429). Sets the httpOnly `mc_session` cookie and the `mc_csrf` cookie.',
        { ...loginAnswer, ...throttled, ...errorResponses(['BadRequest', 'PayloadTooLarge']) },
        { ...publicOp, ...body(object({ email: str, password: str })) },
      ),
    },
    '/api/auth/login/2fa': {
      post: op(
        'auth',
        'auth.login2fa',
        'Second sign-in step',
        'A TOTP code (each code works once) or a recovery code (each works once) for the challenge of the first step.',
        { ...loginAnswer, ...throttled, ...errorResponses(['BadRequest']) },
        { ...publicOp, ...body(object({ challenge: str, code: str, recoveryCode: str }, ['code', 'recoveryCode'])) },
      ),
    },
    '/api/auth/logout': {
      post: op('auth', 'auth.logout', 'Sign out', 'Ends this session and clears the cookies.', { ...noContent, ...errorResponses([]) }),
    },
    '/api/auth/me': {
      get: op(
        'auth',
        'auth.me',
        'Who is signed in',
        "The user, the roles in effect (a token's may be fewer; a preview's, the one role) and the admin rights.",
        {
          '200': jsonResponse(
            'The signed-in user.',
            object({
              user: schemaRef('User'),
              via: { enum: ['session', 'token'] },
              roles: { type: 'array', items: str },
              adminRights: object({ metadata: bool, users: bool }),
              twoFactorSetupRequired: bool,
              previewRole: {
                type: ['string', 'null'],
                description: 'The role a metadata administrator previews with `X-Metacrm-Preview-Role` (read-only), or null.',
              },
            }),
          ),
          ...errorResponses([]),
        },
      ),
    },
    '/api/auth/password': {
      post: op(
        'auth',
        'auth.password',
        'Change my password',
        'Ends every other session of the user. The new password must differ from the current one (400 USER_INVALID, problem SAME_PASSWORD on `/newPassword`).',
        { '200': jsonResponse('Changed.', object({ endedSessions: { type: 'integer' } })), ...errorResponses(['BadRequest']) },
        body(object({ currentPassword: str, newPassword: { type: 'string', minLength: 10 } })),
      ),
    },
    '/api/auth/2fa/setup': {
      post: op(
        'auth',
        'auth.2faSetup',
        'Start 2FA enrolment',
        'A new TOTP secret and its otpauth:// URI, shown only now; not in force until confirmed.',
        { '200': jsonResponse('The secret.', object({ secret: str, otpauthUri: str })), ...errorResponses(['Conflict']) },
      ),
    },
    '/api/auth/2fa/confirm': {
      post: op(
        'auth',
        'auth.2faConfirm',
        'Turn 2FA on',
        'A first code from the app; answers 10 single-use recovery codes, shown only now.',
        { '200': jsonResponse('On.', object({ recoveryCodes: { type: 'array', items: str } })), ...errorResponses(['Conflict']) },
        body(object({ code: str })),
      ),
    },
    '/api/auth/2fa/disable': {
      post: op(
        'auth',
        'auth.2faDisable',
        'Turn 2FA off',
        'Needs the password; refused for admins while the workspace requires 2FA for them.',
        { ...noContent, ...errorResponses(['BadRequest', 'Conflict']) },
        body(object({ password: str })),
      ),
    },
    '/api/auth/tokens': {
      get: op('auth', 'auth.tokens', 'My API tokens', 'Never with their secrets.', {
        '200': jsonResponse('The tokens.', object({ tokens: { type: 'array', items: schemaRef('ApiToken') } })),
        ...errorResponses([]),
      }),
      post: op(
        'auth',
        'auth.createToken',
        'Create an API token',
        "The secret is in this answer and nowhere else. `roles` narrows the token to some of the user's roles; a token names none to act with all of them.",
        {
          '201': jsonResponse('The token and its secret.', { allOf: [schemaRef('ApiToken'), object({ token: str })] }),
          ...errorResponses(['BadRequest', 'Forbidden']),
        },
        body(
          object(
            { name: str, roles: { type: 'array', items: str }, expiresAt: dateTime, rateLimitPerMinute: { type: 'integer', minimum: 1 } },
            ['roles', 'expiresAt', 'rateLimitPerMinute'],
          ),
        ),
      ),
    },
    '/api/auth/tokens/{id}': {
      delete: op(
        'auth',
        'auth.revokeToken',
        'Revoke one of my API tokens',
        'It stops working at once.',
        { ...noContent, ...errorResponses(['NotFound']) },
        { parameters: [idParam('The token id.')] },
      ),
    },
    '/api/users': {
      get: op(
        'users',
        'users.list',
        'List users',
        'By id, 50 a page.',
        {
          '200': jsonResponse(
            'A page of users.',
            object({ users: { type: 'array', items: schemaRef('User') }, nextCursor: nullable(str) }),
          ),
          ...errorResponses(['BadRequest', 'Forbidden']),
        },
        {
          parameters: [
            query('q', 'Email prefix or part of the name.'),
            query('active', 'true or false.'),
            query('departmentId', 'Members of one department.'),
            query('limit', 'At most 200.'),
            query('cursor', 'The nextCursor of the previous page.'),
          ],
        },
      ),
      post: op(
        'users',
        'users.create',
        'Create a user',
        'Email unique (409 USER_EMAIL_TAKEN); manager and department must exist. Only an admin may grant `admin`.',
        { '201': jsonResponse('The user.', schemaRef('User')), ...errorResponses(['BadRequest', 'Forbidden', 'Conflict']) },
        body(schemaRef('UserInput')),
      ),
    },
    '/api/users/{id}': {
      get: op(
        'users',
        'users.get',
        'One user',
        '',
        { '200': jsonResponse('The user.', schemaRef('User')), ...errorResponses(['Forbidden', 'NotFound']) },
        { parameters: [idParam('The user id.')] },
      ),
      patch: op(
        'users',
        'users.update',
        'Change a user',
        'Version-guarded with `_version` or If-Match. `active: false` ends every session of the user at once and revokes their API tokens for good (reactivating does not revive them).',
        { '200': jsonResponse('The user.', schemaRef('User')), ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'Conflict']) },
        { parameters: [idParam('The user id.')], ...body(schemaRef('UserPatch')) },
      ),
    },
    '/api/users/{id}/reset-password': {
      post: op(
        'users',
        'users.resetPassword',
        'Reset a password',
        'Sets the password given, or a generated one answered once; ends every session of the user.',
        {
          '200': jsonResponse('Reset.', object({ user: schemaRef('User'), generatedPassword: str }, ['generatedPassword'])),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']),
        },
        { parameters: [idParam('The user id.')] },
      ),
    },
    '/api/directory/users': {
      get: op(
        'users',
        'directory.users',
        'Names of users',
        "For any signed-in user: the users a record's user fields name (`ids`, inactive users included, in the order asked; unknown ids left out), or active users whose name contains `q`, by name (a user picker). Emails only for holders of the `users` admin right.",
        {
          '200': jsonResponse('The users.', object({ users: { type: 'array', items: schemaRef('DirectoryUser') } })),
          ...errorResponses(['BadRequest']),
        },
        {
          parameters: [
            query('ids', 'Comma-separated user ids, at most 200.'),
            query('q', 'Part of the name (or, for user admins, the start of the email).'),
            query('limit', 'With q: 1 to 50, 20 by default.'),
          ],
        },
      ),
    },
    '/api/departments': {
      get: op('users', 'departments.list', 'List departments', 'The whole tree, by name.', {
        '200': jsonResponse('The departments.', object({ departments: { type: 'array', items: schemaRef('Department') } })),
        ...errorResponses(['Forbidden']),
      }),
      post: op(
        'users',
        'departments.create',
        'Create a department',
        '',
        { '201': jsonResponse('The department.', schemaRef('Department')), ...errorResponses(['BadRequest', 'Forbidden']) },
        body(object({ name: str, parentId: nullable(id) }, ['parentId'])),
      ),
    },
    '/api/departments/{id}': {
      patch: op(
        'users',
        'departments.update',
        'Rename or move a department',
        'A move under itself or a sub-department is refused (PARENT_CYCLE).',
        { '200': jsonResponse('The department.', schemaRef('Department')), ...errorResponses(['BadRequest', 'Forbidden', 'NotFound']) },
        { parameters: [idParam('The department id.')], ...body(object({ name: str, parentId: nullable(id) }, ['name', 'parentId'])) },
      ),
      delete: op(
        'users',
        'departments.delete',
        'Delete a department',
        'Refused with 409 DEPARTMENT_IN_USE while it has members or sub-departments.',
        { ...noContent, ...errorResponses(['Forbidden', 'NotFound', 'Conflict']) },
        { parameters: [idParam('The department id.')] },
      ),
    },
    '/api/settings/security': {
      get: op('security', 'settings.security', 'Security settings', '', {
        '200': jsonResponse('The settings.', object({ requireTwoFactorForAdmins: bool })),
        ...errorResponses(['Forbidden']),
      }),
      patch: op(
        'security',
        'settings.updateSecurity',
        'Change security settings',
        '`requireTwoFactorForAdmins`: holders of any admin right must sign in with 2FA (those not enrolled can only enrol).',
        {
          '200': jsonResponse('The settings.', object({ requireTwoFactorForAdmins: bool })),
          ...errorResponses(['BadRequest', 'Forbidden']),
        },
        body(object({ requireTwoFactorForAdmins: bool }, ['requireTwoFactorForAdmins'])),
      ),
    },
    '/api/audit': {
      get: op(
        'security',
        'audit.list',
        'The audit log',
        'Newest first: sign-ins and failures, user and role changes, publishes, exports, record writes. Never a secret.',
        {
          '200': jsonResponse(
            'A page of entries.',
            object({ entries: { type: 'array', items: schemaRef('AuditEntry') }, nextCursor: nullable(str) }),
          ),
          ...errorResponses(['BadRequest', 'Forbidden']),
        },
        {
          parameters: [
            query('action', 'An action (`auth.login`) or a family (`auth.`).'),
            query('actorId', 'Who did it.'),
            query('from', 'From this date-time.'),
            query('to', 'Before this date-time.'),
            query('limit', '1 to 200.'),
            query('cursor', 'The nextCursor of the previous page.'),
          ],
        },
      ),
    },
  };
}
