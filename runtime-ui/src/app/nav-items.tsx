import { AppstoreOutlined, BarChartOutlined, CheckSquareOutlined, DashboardOutlined, LinkOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Locale } from '@metacrm/ui-kit';
import { entityOf, entityTitle, label, type RuntimeMeta } from '@metacrm/ui-kit';

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

type Item = {
  type: string;
  key: string;
  label?: { en: string; 'zh-CN': string };
  order?: number;
  entity?: string;
  view?: string;
  dashboard?: string;
  url?: string;
};

const byOrder = <T extends { order?: number }>(a: T, b: T) => (a.order ?? 0) - (b.order ?? 0);

/**
 * The navigation groups for the user: the `navigation` metadata for their roles (the
 * server already left out what they cannot reach), else one group with every entity
 * they may read and one with every dashboard shown to them. Each item kind says where
 * it goes; an item whose entity or dashboard the user cannot see is left out.
 */
export function navGroups(meta: RuntimeMeta, locale: Locale, labels: { entities: string; dashboards: string }): NavGroup[] {
  if (!meta.navigation) {
    const entities = meta.entities.filter((e) => e.rights.read);
    const groups =
      entities.length === 0
        ? []
        : [
            {
              key: 'entities',
              label: labels.entities,
              entries: entities.map((e) => ({
                key: `/e/${e.key}`,
                href: `/e/${e.key}`,
                label: entityTitle(e, locale),
                icon: <AppstoreOutlined />,
              })),
            },
          ];
    const dashboards = meta.dashboards.map((d) => ({
      key: `/d/${d.key}`,
      href: `/d/${d.key}`,
      label: label(d.label, locale, d.key),
      icon: <BarChartOutlined />,
    }));
    return dashboards.length === 0 ? groups : [{ key: 'dashboards', label: labels.dashboards, entries: dashboards }, ...groups];
  }
  return [...meta.navigation.groups]
    .sort(byOrder)
    .map((group) => ({
      key: group.key,
      label: label(group.label, locale, group.key),
      entries: ([...group.items] as Item[]).sort(byOrder).flatMap((item): NavEntry[] => {
        if (item.entity !== undefined) {
          const entity = entityOf(meta, item.entity);
          if (!entity) return [];
          const href = `/e/${item.entity}${item.view ? `?view=${encodeURIComponent(item.view)}` : ''}`;
          const view = item.view ? meta.views.find((v) => v.key === item.view) : undefined;
          return [
            { key: href, href, label: label(item.label ?? view?.label, locale, entityTitle(entity, locale)), icon: <AppstoreOutlined /> },
          ];
        }
        if (item.dashboard !== undefined) {
          const dashboard = meta.dashboards.find((d) => d.key === item.dashboard);
          if (!dashboard) return [];
          return [
            {
              key: `/d/${dashboard.key}`,
              href: `/d/${dashboard.key}`,
              label: label(item.label ?? dashboard.label, locale, dashboard.key),
              icon: <BarChartOutlined />,
            },
          ];
        }
        if (item.url !== undefined) {
          const external = !item.url.startsWith('/');
          return [{ key: `url:${item.key}`, href: item.url, label: label(item.label, locale, item.key), icon: <LinkOutlined />, external }];
        }
        return [];
      }),
    }))
    .filter((g) => g.entries.length > 0);
}

/** The app's own pages, above the metadata's groups. */
export function appEntries(t: (key: 'status' | 'approvals') => string): NavEntry[] {
  return [
    { key: '/', href: '/', label: t('status'), icon: <DashboardOutlined /> },
    { key: '/approvals', href: '/approvals', label: t('approvals'), icon: <CheckSquareOutlined /> },
  ];
}
