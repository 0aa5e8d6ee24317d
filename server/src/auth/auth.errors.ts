import { defineError } from '../errors/app-error.js';

/** No credential, or one that is unknown, expired, revoked or belongs to an inactive user. */
export const AuthRequired = defineError('AUTH_REQUIRED', 401, 'Sign in to continue');
/** Wrong email or password; the message never says which. */
export const InvalidCredentials = defineError('AUTH_INVALID_CREDENTIALS', 401, 'The email or password is not correct');
/** The second step of a sign-in names a challenge that is unknown, used up or expired. */
export const ChallengeInvalid = defineError('AUTH_CHALLENGE_INVALID', 401, 'The sign-in has expired; start again');
/** A cookie-authenticated write without the matching X-CSRF-Token header. */
export const CsrfInvalid = defineError('CSRF_INVALID', 403, 'The request is missing its CSRF token; reload the page and try again');
/** The actor's roles do not grant this (details: `right` for admin rights). */
export const Forbidden = defineError('FORBIDDEN', 403, 'You do not have permission to do this');
/** Too many failed sign-ins for this account or address (Retry-After says when to try again). */
export const LoginThrottled = defineError('LOGIN_THROTTLED', 429, 'Too many failed sign-ins; try again later');
/** An API token went over its requests per minute (Retry-After says when to try again). */
export const RateLimited = defineError('RATE_LIMITED', 429, 'Too many requests; slow down');
export const PasswordIncorrect = defineError('PASSWORD_INCORRECT', 400, 'The current password is not correct');
export const TwoFactorInvalid = defineError('TWO_FACTOR_INVALID', 401, 'The code is not correct');
/** Setting up 2FA that is already on, confirming one never set up, and the like. */
export const TwoFactorConflict = defineError('TWO_FACTOR_CONFLICT', 409, 'Two-factor sign-in is not in the state this needs');
/** An admin must turn on 2FA before doing anything else (requireTwoFactorForAdmins). */
export const TwoFactorSetupRequired = defineError('TWO_FACTOR_SETUP_REQUIRED', 403, 'Set up two-factor sign-in to continue');
export const TokenNotFound = defineError('TOKEN_NOT_FOUND', 404, 'No such API token');
/** A user document that does not validate (details.problems, each with a pointer and a code). */
export const UserInvalid = defineError('USER_INVALID', 400, 'The user is not valid');
export const UserNotFound = defineError('USER_NOT_FOUND', 404, 'No such user');
export const UserEmailTaken = defineError('USER_EMAIL_TAKEN', 409, 'Another user already has this email');
export const UserVersionConflict = defineError('USER_VERSION_CONFLICT', 409, 'Someone else changed this user; reload and try again');
export const DepartmentInvalid = defineError('DEPARTMENT_INVALID', 400, 'The department is not valid');
export const DepartmentNotFound = defineError('DEPARTMENT_NOT_FOUND', 404, 'No such department');
/** A department that still has members or sub-departments cannot be deleted. */
export const DepartmentInUse = defineError('DEPARTMENT_IN_USE', 409, 'The department still has members or sub-departments');
export const SettingsInvalid = defineError('SETTINGS_INVALID', 400, 'The settings are not valid');
/** `X-Metacrm-Preview-Role` sent by someone without the metadata admin right. */
export const PreviewNotAllowed = defineError('PREVIEW_NOT_ALLOWED', 403, 'Only metadata administrators may preview a role');
/** `X-Metacrm-Preview-Role` names no role of the current metadata (or the built-in admin role). */
export const PreviewRoleUnknown = defineError('PREVIEW_ROLE_UNKNOWN', 400, 'There is no such role to preview');
/** A write while previewing a role: a preview only reads. */
export const PreviewReadOnly = defineError('PREVIEW_READ_ONLY', 403, 'A role preview is read-only');
