import type { Entity, View } from '@metacrm/metadata';
import { Alert, Checkbox, Form, Input, InputNumber, Segmented, Select, Typography } from 'antd';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { isDateField, isNumeric, isSingleChoice, switchType, VIEW_TYPES, type ViewType } from './view-model';
import { viewMessages } from './views.messages';

export interface ViewSettingsProps {
  view: View;
  entity: Entity;
  /** `group` merges a run of typing in one input into one undo step. */
  onChange: (next: View, group?: string) => void;
}

/** The view's names (both languages side by side), its type, whether it is the default, and the settings of its type. */
export function ViewSettings({ view, entity, onChange }: ViewSettingsProps) {
  const t = useT(viewMessages);
  const types = VIEW_TYPES.map((type) => ({
    value: type,
    label: t(`type.${type}`),
    disabled: switchType(view, type, entity) === undefined,
  }));
  return (
    <Form layout="vertical" className="dz-settings" data-testid="view-settings">
      <div className="dz-pair">
        <Form.Item label={t('settings.labelZh')} htmlFor="view-label-zh">
          <Input
            id="view-label-zh"
            value={view.label['zh-CN']}
            onChange={(e) => onChange({ ...view, label: { ...view.label, 'zh-CN': e.target.value } }, 'label:zh')}
            data-testid="view-label-zh"
          />
        </Form.Item>
        <Form.Item label={t('settings.labelEn')} htmlFor="view-label-en">
          <Input
            id="view-label-en"
            value={view.label.en}
            onChange={(e) => onChange({ ...view, label: { ...view.label, en: e.target.value } }, 'label:en')}
            data-testid="view-label-en"
          />
        </Form.Item>
      </div>
      <Form.Item label={t('settings.type')}>
        <Segmented<ViewType>
          aria-label={t('settings.type')}
          value={view.type}
          options={types}
          onChange={(type) => {
            const next = switchType(view, type, entity);
            if (next) onChange(next);
          }}
          data-testid="view-type"
        />
      </Form.Item>
      <Form.Item>
        <Checkbox
          checked={view.default === true}
          onChange={(e) => {
            const { default: _d, ...rest } = view;
            onChange((e.target.checked ? { ...rest, default: true } : rest) as View);
          }}
          data-testid="view-default"
        >
          {t('settings.default')}
        </Checkbox>
      </Form.Item>
      {view.type === 'list' && (
        <Form.Item label={t('settings.pageSize')} htmlFor="view-page-size">
          <InputNumber
            id="view-page-size"
            min={10}
            max={200}
            value={view.pageSize ?? 50}
            onChange={(n) =>
              onChange({ ...view, pageSize: typeof n === 'number' ? Math.min(200, Math.max(10, Math.round(n))) : 50 }, 'pageSize')
            }
          />
        </Form.Item>
      )}
      {view.type === 'kanban' && <KanbanSettings view={view} entity={entity} onChange={onChange} />}
      {view.type === 'calendar' && <CalendarSettings view={view} entity={entity} onChange={onChange} />}
    </Form>
  );
}

function KanbanSettings({
  view,
  entity,
  onChange,
}: {
  view: Extract<View, { type: 'kanban' }>;
  entity: Entity;
  onChange: (next: View) => void;
}) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const groups = entity.fields.filter(isSingleChoice);
  if (groups.length === 0) return <Alert type="warning" showIcon message={t('kanban.noGroup')} />;
  const sum = (view.cardFields ?? []).map((key) => entity.fields.find((f) => f.key === key)).find((f) => f && isNumeric(f));
  return (
    <>
      <Form.Item label={t('kanban.groupBy')} help={t('kanban.groupHelp')} htmlFor="view-group-by">
        <Select
          id="view-group-by"
          value={view.groupBy}
          options={groups.map((f) => ({ value: f.key, label: labelOf(f.label, locale, f.key) }))}
          onChange={(groupBy: string) => onChange({ ...view, groupBy, cardFields: (view.cardFields ?? []).filter((f) => f !== groupBy) })}
          data-testid="kanban-group-by"
        />
      </Form.Item>
      <Form.Item label={t('kanban.sum')} help={t('kanban.sumHelp')}>
        <Typography.Text data-testid="kanban-sum">{sum ? labelOf(sum.label, locale, sum.key) : t('kanban.noSum')}</Typography.Text>
      </Form.Item>
    </>
  );
}

function CalendarSettings({
  view,
  entity,
  onChange,
}: {
  view: Extract<View, { type: 'calendar' }>;
  entity: Entity;
  onChange: (next: View) => void;
}) {
  const t = useT(viewMessages);
  const { locale } = useLocale();
  const option = (f: Entity['fields'][number]) => ({ value: f.key, label: labelOf(f.label, locale, f.key) });
  const dates = entity.fields.filter(isDateField).map(option);
  const none = { value: '', label: t('calendar.none') };
  const optional = (key: 'endDateField' | 'titleField', value: string) => {
    const { [key]: _old, ...rest } = view;
    onChange((value ? { ...rest, [key]: value } : rest) as View);
  };
  return (
    <>
      <Form.Item label={t('calendar.date')} htmlFor="view-date">
        <Select
          id="view-date"
          value={view.dateField}
          options={dates}
          onChange={(dateField: string) => onChange({ ...view, dateField })}
          data-testid="calendar-date"
        />
      </Form.Item>
      <div className="dz-pair">
        <Form.Item label={t('calendar.end')} htmlFor="view-end">
          <Select
            id="view-end"
            value={view.endDateField ?? ''}
            options={[none, ...dates.filter((d) => d.value !== view.dateField)]}
            onChange={(v: string) => optional('endDateField', v)}
            data-testid="calendar-end"
          />
        </Form.Item>
        <Form.Item label={t('calendar.title')} htmlFor="view-title-field">
          <Select
            id="view-title-field"
            value={view.titleField ?? ''}
            options={[none, ...entity.fields.map(option)]}
            onChange={(v: string) => optional('titleField', v)}
            data-testid="calendar-title"
          />
        </Form.Item>
      </div>
    </>
  );
}
