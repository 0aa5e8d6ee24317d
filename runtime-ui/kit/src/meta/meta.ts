import type { Entity, Form, UserEntity, UserMetadata, View } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/api-client';
import { type Locale } from '../i18n/locale';
import { label } from './label';

export { label } from './label';

export type { UserAction, UserEntity } from '@metacrm/metadata';

/**
 * What the app draws from: the published metadata the signed-in user may see, filtered
 * by their roles on the server (`GET /api/me/metadata`): unreadable fields are absent,
 * denied actions are not offered.
 */
export type RuntimeMeta = UserMetadata;

/** The per-user metadata route (strong ETag: the browser's cache revalidates it). */
export const META_PATH = '/api/me/metadata';

export const META_QUERY_KEY = ['meta'] as const;

/** The current metadata, fetched once and kept; a publish refetches it. */
export function useMeta() {
  return useQuery({
    queryKey: META_QUERY_KEY,
    queryFn: async ({ signal }) => await api.get<RuntimeMeta>(META_PATH, { signal }),
    staleTime: 60_000,
  });
}

export function entityOf(meta: RuntimeMeta, key: string): UserEntity | undefined {
  return meta.entities.find((e) => e.key === key);
}

export function fieldOf(entity: UserEntity, key: string): UserEntity['fields'][number] | undefined {
  return entity.fields.find((f) => f.key === key);
}

/** The entity's views, its default one first. */
export function viewsOf(meta: RuntimeMeta, entity: string): View[] {
  const own = meta.views.filter((v) => v.entity === entity);
  return [...own.filter((v) => v.default === true), ...own.filter((v) => v.default !== true)];
}

/** The form a record of the entity is shown and edited with: its default form, else its first one. */
export function formOf(meta: RuntimeMeta, entity: string): Form | undefined {
  const own = meta.forms.filter((f) => f.entity === entity);
  return own.find((f) => f.default === true) ?? own[0];
}

/** A form built from the entity's own field order, for entities that have none. */
export function fallbackForm(entity: UserEntity): Form {
  return {
    key: `${entity.key}_auto`,
    entity: entity.key,
    label: entity.label,
    layout: {
      tabs: [
        { key: 'main', label: entity.label, sections: [{ key: 'main', columns: 2, fields: entity.fields.map((f) => ({ field: f.key })) }] },
      ],
    },
  };
}

/** Entities and the plural label that names their list. */
export function entityTitle(entity: Pick<Entity, 'key' | 'label' | 'pluralLabel'>, locale: Locale): string {
  return label(entity.pluralLabel ?? entity.label, locale, entity.key);
}
