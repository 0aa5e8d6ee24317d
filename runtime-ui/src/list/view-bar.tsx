import { MoreOutlined } from '@ant-design/icons';
import type { View } from '@metacrm/metadata';
import { App, Button, Dropdown, Form, Input, Modal, Select, Space, type MenuProps, type SelectProps } from 'antd';
import { useState } from 'react';
import { label, problemText, toApiError, useLocale, useT } from '@metacrm/ui-kit';
import { listMessages } from './list.messages';
import { usePersonalViewActions, type PersonalView } from './personal-views';

export interface ViewBarProps {
  entity: string;
  /** The published views the user may use. */
  views: View[];
  /** The user's own views of the entity. */
  personal: PersonalView[];
  current: View | undefined;
  /** The screen as a view to save: the current view's kind with the filter, sort and columns on screen. */
  snapshot: () => Omit<View, 'key' | 'label'>;
  onSelect: (key: string) => void;
  /** Set while the user's column arrangement applies: goes back to the view's own columns. */
  onResetColumns?: (() => void) | undefined;
}

type Naming = { mode: 'create' | 'rename'; name: string } | undefined;

/**
 * The view switcher (published views, then the user's own, grouped) and what the user
 * may do with views: save the screen as a view of their own, and for one of theirs
 * save the changes, rename or delete it; reset the columns they arranged.
 */
export function ViewBar({ entity, views, personal, current, snapshot, onSelect, onResetColumns }: ViewBarProps) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message, modal } = App.useApp();
  const actions = usePersonalViewActions(entity);
  const [naming, setNaming] = useState<Naming>();
  const [busy, setBusy] = useState(false);
  const mine = personal.find((p) => p.view.key === current?.key);
  const fail = (err: unknown) => void message.error({ content: problemText(toApiError(err), locale), key: 'view-failed' });

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const named = (name: string) => ({ en: name, 'zh-CN': name });
  const submitName = () =>
    void run(async () => {
      const name = naming?.name.trim() ?? '';
      if (!name) return;
      if (naming?.mode === 'rename' && mine) await actions.replace(mine, { ...mine.view, label: named(name) } as View);
      else onSelect((await actions.create({ ...snapshot(), label: named(name) } as Omit<View, 'key'>)).view.key);
      setNaming(undefined);
      void message.success(t('viewSaved'));
    });

  const items: MenuProps['items'] = [
    {
      key: 'save-as',
      label: <span data-testid="view-save-as">{t('saveViewAs')}</span>,
      onClick: () => setNaming({ mode: 'create', name: '' }),
    },
    ...(mine
      ? [
          {
            key: 'save',
            label: <span data-testid="view-save">{t('saveView')}</span>,
            onClick: () =>
              void run(async () => {
                await actions.replace(mine, { ...snapshot(), key: mine.view.key, label: mine.view.label } as View);
                void message.success(t('viewSaved'));
              }),
          },
          {
            key: 'rename',
            label: <span data-testid="view-rename">{t('renameView')}</span>,
            onClick: () => setNaming({ mode: 'rename', name: label(mine.view.label, locale, '') }),
          },
          {
            key: 'delete',
            danger: true,
            label: <span data-testid="view-delete">{t('deleteView')}</span>,
            onClick: () =>
              modal.confirm({
                title: t('deleteViewConfirm', { name: label(mine.view.label, locale, mine.view.key) }),
                okButtonProps: { danger: true },
                okText: t('delete'),
                onOk: async () => {
                  await run(async () => {
                    await actions.remove(mine);
                    onSelect(views[0]?.key ?? '');
                  });
                },
              }),
          },
        ]
      : []),
    ...(onResetColumns
      ? [{ key: 'reset', label: <span data-testid="view-reset-columns">{t('resetColumns')}</span>, onClick: onResetColumns }]
      : []),
  ];
  const option = (v: View) => ({ value: v.key, label: label(v.label, locale, v.key) });
  const options: SelectProps['options'] =
    personal.length === 0
      ? views.map(option)
      : [
          { label: t('sharedViews'), title: t('sharedViews'), options: views.map(option) },
          { label: t('myViews'), title: t('myViews'), options: personal.map((p) => option(p.view)) },
        ];
  return (
    <Space.Compact>
      <Select
        aria-label={t('view')}
        value={current?.key}
        onChange={(key: string) => onSelect(key)}
        options={options}
        popupMatchSelectWidth={false}
        style={{ minWidth: 140 }}
        data-testid="view-select"
      />
      <Dropdown menu={{ items }} trigger={['click']}>
        <Button icon={<MoreOutlined />} aria-label={t('viewActions')} loading={busy} data-testid="view-actions" />
      </Dropdown>
      <Modal
        open={naming !== undefined}
        title={naming?.mode === 'rename' ? t('renameView') : t('saveViewAs')}
        okText={t('save')}
        onOk={submitName}
        okButtonProps={{ disabled: !naming?.name.trim(), loading: busy, 'data-testid': 'view-name-ok' } as never}
        onCancel={() => setNaming(undefined)}
        destroyOnHidden
      >
        <Form layout="vertical" component="div">
          <Form.Item label={t('viewName')} htmlFor="mc-view-name">
            <Input
              id="mc-view-name"
              autoFocus
              maxLength={200}
              value={naming?.name ?? ''}
              onChange={(e) => setNaming((n) => n && { ...n, name: e.target.value })}
              onPressEnter={submitName}
              data-testid="view-name"
            />
          </Form.Item>
        </Form>
      </Modal>
    </Space.Compact>
  );
}
