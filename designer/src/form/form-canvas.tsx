import type { Entity, Form as FormMeta } from '@metacrm/metadata';
import Form from '@rjsf/antd';
import type { ObjectFieldTemplateProps } from '@rjsf/utils';
import { useDroppable } from '@dnd-kit/core';
import { Row, Tabs, Tag } from 'antd';
import { useMemo, type ReactNode } from 'react';
import { CspSafeValidator, fieldUis, fieldWidgets, formSchemas, label, useLocale, useT, type Locale } from '@metacrm/ui-kit';
import { CanvasCell } from './canvas-cell';
import { spanOf, type FormSection, type Selection } from './form-model';
import { formDesignerMessages } from './form.messages';

/** What the canvas template needs, passed through RJSF's form context. */
export interface CanvasContext {
  form: FormMeta;
  locale: Locale;
  selection: Selection;
  activeTab: number;
  onSelect: (selection: Selection) => void;
  onActiveTab: (tab: number) => void;
  /** A key pressed on a selected field: Delete, arrows, Shift+arrows. */
  onFieldKey: (field: string, key: 'remove' | 'earlier' | 'later' | 'narrower' | 'wider') => void;
  /** A field's label in the admin's language. */
  fieldLabel: (field: string) => string;
}

const NO_STATES = new Map();
const allWritable = () => true;

/**
 * The canvas: the form drawn by RJSF with the runtime's schemas and field widgets
 * (`formSchemas`, `fieldWidgets` from the kit, as RecordForm draws it), laid out by a
 * template that adds what designing needs: every tab shown, sections with their
 * headings and drop zones, and each field in a cell that is selected, dragged and moved
 * by keyboard instead of typed into.
 */
export function FormCanvas({ entity, ...context }: CanvasContext & { entity: Entity }) {
  const t = useT(formDesignerMessages);
  const { locale } = useLocale();
  const { schema, uiSchema } = useMemo(
    () => formSchemas(entity, context.form, NO_STATES, locale, allWritable, ''),
    [entity, context.form, locale],
  );
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const widgets = useMemo(() => fieldWidgets(fieldUis.keys()), []);
  return (
    <section className="dz-pane dz-canvas" aria-labelledby="canvas-title" data-testid="form-canvas">
      <h2 className="dz-pane__title" id="canvas-title">
        {t('canvas.title')}
      </h2>
      <p className="dz-pane__hint">{t('canvas.hint')}</p>
      <Form
        schema={schema}
        uiSchema={uiSchema}
        formData={{}}
        validator={validator}
        widgets={widgets}
        templates={{ ObjectFieldTemplate: CanvasTemplate }}
        formContext={context}
        showErrorList={false}
        noHtml5Validate
        idPrefix="canvas"
      />
    </section>
  );
}

function CanvasTemplate({ properties, registry }: ObjectFieldTemplateProps) {
  const context = registry.formContext as CanvasContext;
  const t = useT(formDesignerMessages);
  const { form, locale, activeTab } = context;
  const byName = new Map(properties.filter((p) => !p.hidden).map((p) => [p.name, p.content]));
  const items = form.layout.tabs.map((tab, ti) => ({
    key: String(ti),
    label: <span data-testid={`canvas-tab-${tab.key}`}>{label(tab.label, locale, tab.key)}</span>,
    children: (
      <div className="dz-canvas__tab">
        {tab.sections.map((section, si) => (
          <CanvasSection key={section.key} section={section} tab={ti} index={si} byName={byName} context={context} />
        ))}
      </div>
    ),
  }));
  return (
    <Tabs
      className="dz-canvas__tabs"
      aria-label={t('canvas.tabs')}
      activeKey={String(Math.min(activeTab, form.layout.tabs.length - 1))}
      onTabClick={(key) => {
        context.onActiveTab(Number(key));
        context.onSelect({ kind: 'tab', tab: Number(key) });
      }}
      items={items}
    />
  );
}

function CanvasSection({
  section,
  tab,
  index,
  byName,
  context,
}: {
  section: FormSection;
  tab: number;
  index: number;
  byName: Map<string, ReactNode>;
  context: CanvasContext;
}) {
  const t = useT(formDesignerMessages);
  const { locale, selection } = context;
  const end = useDroppable({ id: `end:${tab}:${index}` });
  const selected = selection.kind === 'section' && selection.tab === tab && selection.section === index;
  const columns = section.columns ?? 2;
  return (
    <div className={`dz-section${selected ? ' dz-section--selected' : ''}`} data-testid={`canvas-section-${section.key}`}>
      <button
        type="button"
        className="dz-section__head"
        aria-pressed={selected}
        onClick={() => context.onSelect({ kind: 'section', tab, section: index })}
        data-testid={`select-section-${section.key}`}
      >
        <span className="dz-section__title">{section.label ? label(section.label, locale) : t('canvas.untitled')}</span>
        <Tag>{t('canvas.columns', { count: columns })}</Tag>
        {section.collapsed && <Tag>{t('canvas.collapsed')}</Tag>}
        {section.visibleWhen !== undefined && <Tag className="dz-tag-strong">{t('canvas.conditional')}</Tag>}
      </button>
      <Row gutter={[16, 0]} className="dz-section__grid">
        {section.fields.map((placement) => (
          <CanvasCell
            key={placement.field}
            placement={placement}
            span={spanOf(columns, placement.colSpan)}
            content={byName.get(placement.field)}
            context={context}
          />
        ))}
      </Row>
      <div
        ref={end.setNodeRef}
        className={`dz-section__end${end.isOver ? ' dz-section__end--over' : ''}`}
        data-testid={`drop-${section.key}`}
      >
        {t('canvas.dropHere')}
      </div>
    </div>
  );
}
