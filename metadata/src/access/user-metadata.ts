import type { Dashboard, Entity, Form, Navigation, View, Workflow } from '../generated/types.js';
import type { FieldMask } from './mask.js';

/**
 * The shape of `GET /api/me/metadata`: the published metadata one user may see. The
 * server builds it (server/src/access/user-metadata.ts) and the runtime UI draws from it,
 * so both read the one contract here.
 */

/** What the user may do with one field. */
export interface UserFieldAccess {
  read: true;
  write: boolean;
  mask?: FieldMask;
}

/** An entity as one user sees it: only readable fields, each with its access, and the entity's rights. */
export type UserEntity = Omit<Entity, 'fields'> & {
  fields: (Entity['fields'][number] & { access: UserFieldAccess })[];
  rights: {
    create: boolean;
    read: boolean;
    update: boolean;
    delete: boolean;
    export: boolean;
    /** May change the owner of the records they may update (administrators: of any); the owner's managers may too, per record. */
    changeOwner: boolean;
    /** May share any record they read (administrators); everyone else shares the records they own. */
    shareAny: boolean;
  };
};

/** A manual workflow the user may start: what the runtime UI needs to offer it and ask its input. */
export interface UserAction {
  key: string;
  label: Workflow['label'];
  entity: string | null;
  inputSchema: Record<string, unknown> | null;
}

/** The published metadata one user may see. */
export interface UserMetadata {
  version: number;
  user: { id: string; name: string; roles: readonly string[]; locale: string | null };
  entities: UserEntity[];
  forms: Form[];
  views: View[];
  actions: UserAction[];
  /** The left navigation for the user's roles, or null when the metadata has none for them. */
  navigation: Navigation | null;
  dashboards: Dashboard[];
}
