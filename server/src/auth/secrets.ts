import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque bearer secrets: sessions (`mcs_`), API tokens (`mct_`), sign-in challenges
 * (`mcc_`) and CSRF tokens. 32 random bytes each, so a plain SHA-256 of the secret is
 * enough at rest (no salt or slow hash is needed against guessing 256 bits), and a
 * lookup by hash stays one indexed read. The prefix tells the kinds apart at a glance
 * and lets secret scanners recognise a leaked token.
 */
export type SecretKind = 'mcs' | 'mct' | 'mcc' | 'csrf';

export function newSecret(kind: SecretKind): string {
  return `${kind}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretKind(secret: string): SecretKind | undefined {
  const kind = secret.slice(0, secret.indexOf('_'));
  return kind === 'mcs' || kind === 'mct' || kind === 'mcc' || kind === 'csrf' ? kind : undefined;
}
