import type { Entity, Field, Form, MetadataBundle, View } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { api, type Locale } from '../kit';

/** What the app draws from: the published metadata the signed-in user may see. */
export interface RuntimeMeta {
  version: number;
  bundle: MetadataBundle;
}

/**
 * The metadata route the app reads. `GET /api/meta` answers the current version and its
 * bundle; it is the admin route until the per-user route (filtered by roles, with an
 * ETag) lands, when only this constant changes.
 */
export const META_PATH = '/api/meta';

export const META_QUERY_KEY = ['meta'] as const;

/** The current metadata, fetched once and kept; a publish refetches it. */
export function useMeta() {
  return useQuery({
    queryKey: META_QUERY_KEY,
    queryFn: async ({ signal }) => await api.get<RuntimeMeta>(META_PATH, { signal }),
    staleTime: 60_000,
  });
}

/** A label in the user's language, falling back to the other one when an admin left it empty. */
export function label(text: { en: string; 'zh-CN': string } | undefined, locale: Locale, fallback = ''): string {
  if (!text) return fallback;
  return (locale === 'zh-CN' ? text['zh-CN'] || text.en : text.en || text['zh-CN']) || fallback;
}

export function entityOf(meta: RuntimeMeta, key: string): Entity | undefined {
  return meta.bundle.entities.find((e) => e.key === key);
}

export function fieldOf(entity: Entity, key: string): Field | undefined {
  return entity.fields.find((f) => f.key === key);
}

/** The entity's views, its default one first. */
export function viewsOf(meta: RuntimeMeta, entity: string): View[] {
  const own = meta.bundle.views.filter((v) => v.entity === entity);
  return [...own.filter((v) => v.default === true), ...own.filter((v) => v.default !== true)];
}

/** The form a record of the entity is shown and edited with: its default form, else its first one. */
export function formOf(meta: RuntimeMeta, entity: string): Form | undefined {
  const own = meta.bundle.forms.filter((f) => f.entity === entity);
  return own.find((f) => f.default === true) ?? own[0];
}

/** A form built from the entity's own field order, for entities that have none. */
export function fallbackForm(entity: Entity): Form {
  return {
    key: `${entity.key}_auto`,
    entity: entity.key,
    label: entity.label,
    layout: { tabs: [{ key: 'main', label: entity.label, sections: [{ key: 'main', columns: 2, fields: entity.fields.map((f) => ({ field: f.key })) }] }] },
  };
}

/** Entities and the plural label that names their list. */
export function entityTitle(entity: Entity, locale: Locale): string {
  return label(entity.pluralLabel ?? entity.label, locale, entity.key);
}
