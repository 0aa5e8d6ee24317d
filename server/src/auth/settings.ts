import type { Db } from 'mongodb';
import type { Actor } from '../actor/actor.js';
import { SettingsInvalid } from './auth.errors.js';
import { SETTINGS } from './user-model.js';

export interface SecuritySettings {
  /** Holders of any admin right must sign in with a second factor. */
  requireTwoFactorForAdmins: boolean;
}

const DEFAULTS: SecuritySettings = { requireTwoFactorForAdmins: false };

interface SettingsDoc extends SecuritySettings {
  _id: 'security';
  updatedAt: Date;
  updatedBy: { id: string; name: string };
}

/** Workspace security settings, one document in `settings`. */
export class SecuritySettingsStore {
  constructor(private readonly db: Db) {}

  async get(): Promise<SecuritySettings> {
    const doc = await this.db.collection<SettingsDoc>(SETTINGS).findOne({ _id: 'security' });
    return { requireTwoFactorForAdmins: doc?.requireTwoFactorForAdmins ?? DEFAULTS.requireTwoFactorForAdmins };
  }

  /** Applies a partial change after checking every key; answers the whole new settings. */
  async update(body: unknown, actor: Actor): Promise<{ before: SecuritySettings; after: SecuritySettings }> {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw SettingsInvalid('The body must be a JSON object', {
        problems: [{ pointer: '', code: 'WRONG_TYPE', message: 'must be an object' }],
      });
    const problems: { pointer: string; code: string; message: string }[] = [];
    const change: Partial<SecuritySettings> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'requireTwoFactorForAdmins') {
        if (typeof value === 'boolean') change.requireTwoFactorForAdmins = value;
        else problems.push({ pointer: `/${key}`, code: 'WRONG_TYPE', message: 'must be true or false' });
      } else {
        problems.push({ pointer: `/${key}`, code: 'UNKNOWN_PROPERTY', message: `"${key}" is not a setting` });
      }
    }
    if (problems.length > 0) throw SettingsInvalid(undefined, { problems });
    const before = await this.get();
    await this.db
      .collection<SettingsDoc>(SETTINGS)
      .updateOne(
        { _id: 'security' },
        { $set: { ...change, updatedAt: new Date(), updatedBy: { id: actor.id, name: actor.name } } },
        { upsert: true },
      );
    return { before, after: { ...before, ...change } };
  }
}
