import { CheckSquareOutlined, MenuOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Drawer, Grid, Layout, Menu, Tooltip } from 'antd';
import { useCallback, useState, type ReactNode } from 'react';
import { api, navigate, useLocale, useT, type RuntimeMeta } from '@metacrm/ui-kit';
import { appMessages } from './app.messages';
import { CommandMenu, useCommandShortcut } from './command-menu';
import { useLiveEvents } from './live-events';
import { appEntries, navGroups } from './nav-items';
import { NotificationsBell } from './notifications-bell';
import { PreviewBanner } from './preview-banner';

/**
 * The frame inside the shell: the navigation built from the metadata (collapsible at
 * desktop, a drawer at phone width), and a toolbar with the command menu
 * (Ctrl/Cmd+K), the notifications bell and the approvals inbox.
 */
export function AppFrame({ meta, path, children }: { meta: RuntimeMeta | undefined; path: string; children: ReactNode }) {
  const t = useT(appMessages);
  const { locale } = useLocale();
  const narrow = Grid.useBreakpoint().md === false;
  const [collapsed, setCollapsed] = useState(false);
  const [drawer, setDrawer] = useState(false);
  const [commands, setCommands] = useState(false);
  const openCommands = useCallback(() => setCommands(true), []);
  useCommandShortcut(openCommands);
  // A preview's requests carry its role in a header, which an EventSource cannot send: no live events then.
  useLiveEvents(meta !== undefined && api.previewRole === undefined);

  const groups = meta ? navGroups(meta, locale, { entities: t('entities'), dashboards: t('dashboards') }) : [];
  const entries = [...appEntries(t), ...groups.flatMap((g) => g.entries)];
  const items = [
    ...appEntries(t).map((e) => ({ key: e.key, icon: e.icon, label: e.label })),
    ...groups.map((g) => ({
      type: 'group' as const,
      key: `group:${g.key}`,
      label: g.label,
      children: g.entries.map((e) => ({ key: e.key, icon: e.icon, label: e.label })),
    })),
  ];
  const here = `${path}${window.location.search}`;
  const selected = entries
    .filter((e) => e.href === here || e.href === path || (e.href !== '/' && !e.href.includes('?') && path.startsWith(`${e.href}/`)))
    .map((e) => e.key)
    .slice(0, 1);
  const go = (key: string) => {
    const entry = entries.find((e) => e.key === key);
    if (!entry) return;
    if (entry.external) window.open(entry.href, '_blank', 'noopener');
    else navigate(entry.href);
    setDrawer(false);
  };
  const menu = (
    <nav aria-label={t('navigation')}>
      <Menu
        mode="inline"
        items={items}
        selectedKeys={selected}
        inlineCollapsed={!narrow && collapsed}
        onClick={({ key }) => go(key)}
        data-testid="app-nav"
      />
    </nav>
  );
  return (
    <Layout className="mc-frame" hasSider={!narrow}>
      {!narrow && (
        <Layout.Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          theme="light"
          width={224}
          className="mc-frame__sider"
          trigger={<span aria-label={collapsed ? t('expand') : t('collapse')}>{collapsed ? '»' : '«'}</span>}
        >
          {menu}
        </Layout.Sider>
      )}
      {narrow && (
        <Drawer open={drawer} placement="left" size={280} onClose={() => setDrawer(false)} title={t('navigation')} data-testid="nav-drawer">
          {menu}
        </Drawer>
      )}
      <Layout.Content className="mc-frame__content">
        <div className="mc-frame__toolbar" role="toolbar" aria-label={t('actions')}>
          {narrow && <Button icon={<MenuOutlined />} aria-label={t('menu')} onClick={() => setDrawer(true)} data-testid="nav-open" />}
          <Button className="mc-frame__search" icon={<SearchOutlined />} onClick={() => setCommands(true)} data-testid="command-open">
            <span className="mc-frame__search-label">{t('commandHint')}</span>
            <kbd className="mc-kbd">{navigator.platform.startsWith('Mac') ? '⌘K' : 'Ctrl K'}</kbd>
          </Button>
          <Tooltip title={t('approvals')}>
            <Button icon={<CheckSquareOutlined />} aria-label={t('approvals')} onClick={() => navigate('/approvals')} />
          </Tooltip>
          <NotificationsBell />
        </div>
        <PreviewBanner />
        {children}
      </Layout.Content>
      {commands && meta && <CommandMenu meta={meta} onClose={() => setCommands(false)} />}
    </Layout>
  );
}
