import { AppstoreOutlined, CheckSquareOutlined, DashboardOutlined, LinkOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Locale } from '@metacrm/ui-kit';
import { entityOf, entityTitle, label, type RuntimeMeta } from '../meta/meta';

/** One entry of the left navigation: where it goes and what it says. */
export interface NavEntry {
  key: string;
  href: string;
  label: string;
  icon: ReactNode;
  external?: boolean;
}

export interface NavGroup {
  key: string;
  label: string;
  entries: NavEntry[];
}

type Item = { type: string; key: string; label?: { en: string; 'zh-CN': string }; order?: number; entity?: string; view?: string; dashboard?: string; url?: string };

const byOrder = <T extends { order?: number }>(a: T, b: T) => (a.order ?? 0) - (b.order ?? 0);

/**
 * The navigation groups for the user: the `navigation` metadata for their roles (the
 * server already left out what they cannot reach), else one group with every entity
 * they may read. Each item kind says where it goes; the ones this app cannot open yet
 * (dashboards) are left out rather than leading to an empty page.
 */
export function navGroups(meta: RuntimeMeta, locale: Locale, entitiesLabel: string): NavGroup[] {
  if (!meta.navigation) {
    const entities = meta.entities.filter((e) => e.rights.read);
    return entities.length === 0 ? [] : [{ key: 'entities', label: entitiesLabel, entries: entities.map((e) => ({ key: `/e/${e.key}`, href: `/e/${e.key}`, label: entityTitle(e, locale), icon: <AppstoreOutlined /> })) }];
  }
  return [...meta.navigation.groups].sort(byOrder).map((group) => ({
    key: group.key,
    label: label(group.label, locale, group.key),
    entries: ([...group.items] as Item[]).sort(byOrder).flatMap((item): NavEntry[] => {
      if (item.entity !== undefined) {
        const entity = entityOf(meta, item.entity);
        if (!entity) return [];
        const href = `/e/${item.entity}${item.view ? `?view=${encodeURIComponent(item.view)}` : ''}`;
        const view = item.view ? meta.views.find((v) => v.key === item.view) : undefined;
        return [{ key: href, href, label: label(item.label ?? view?.label, locale, entityTitle(entity, locale)), icon: <AppstoreOutlined /> }];
      }
      if (item.url !== undefined) {
        const external = !item.url.startsWith('/');
        return [{ key: `url:${item.key}`, href: item.url, label: label(item.label, locale, item.key), icon: <LinkOutlined />, external }];
      }
      return [];
    }),
  })).filter((g) => g.entries.length > 0);
}

/** The app's own pages, above the metadata's groups. */
export function appEntries(t: (key: 'status' | 'approvals') => string): NavEntry[] {
  return [
    { key: '/', href: '/', label: t('status'), icon: <DashboardOutlined /> },
    { key: '/approvals', href: '/approvals', label: t('approvals'), icon: <CheckSquareOutlined /> },
  ];
}
