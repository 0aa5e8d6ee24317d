import { BellOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, List, Popover } from 'antd';
import { api, formatDateTime, navigate, useLocale, useT, label } from '@metacrm/ui-kit';
import { appMessages } from './app.messages';

type Text = string | { en: string; 'zh-CN': string };

interface Notification {
  id: string;
  title: Text;
  body?: Text | null;
  link: { entity: string; id: string } | null;
  readAt: string | null;
  createdAt: string;
}

/** A notification text: plain, or in both languages. */
function text(value: Text, locale: 'en' | 'zh-CN'): string {
  return typeof value === 'string' ? value : label(value, locale);
}

/** The bell: unread count, the latest notifications, a click marks one read and follows its link. */
export function NotificationsBell() {
  const t = useT(appMessages);
  const { locale } = useLocale();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ['notifications'],
    queryFn: async ({ signal }) =>
      await api.get<{ notifications: Notification[]; unread: number }>('/api/notifications?limit=20', { signal }),
    refetchInterval: 60_000,
  });
  const open = async (n: Notification) => {
    if (!n.readAt) await api.post(`/api/notifications/${n.id}/read`).catch(() => undefined);
    void client.invalidateQueries({ queryKey: ['notifications'] });
    if (n.link) navigate(`/e/${encodeURIComponent(n.link.entity)}?open=${encodeURIComponent(n.link.id)}`);
  };
  const list = (
    <List
      className="mc-notifications"
      size="small"
      dataSource={query.data?.notifications ?? []}
      locale={{ emptyText: t('noNotifications') }}
      renderItem={(n) => (
        <List.Item className={n.readAt ? '' : 'mc-unread'}>
          <button type="button" className="mc-link-button" onClick={() => void open(n)}>
            <strong>{text(n.title, locale)}</strong>
            {n.body && <span className="mc-muted"> {text(n.body, locale)}</span>}
            <div className="mc-muted">{formatDateTime(new Date(n.createdAt), locale)}</div>
          </button>
        </List.Item>
      )}
    />
  );
  return (
    <Popover trigger="click" title={t('notifications')} content={list} placement="bottomRight">
      <Badge count={query.data?.unread ?? 0} size="small">
        <Button icon={<BellOutlined />} aria-label={t('notifications')} data-testid="notifications-bell" />
      </Badge>
    </Popover>
  );
}
