import type { Form as FormMeta } from '@metacrm/metadata';
import type { ObjectFieldTemplateProps } from '@rjsf/utils';
import { Col, Collapse, Row, Tabs } from 'antd';
import type { ReactNode } from 'react';
import type { Locale } from '../i18n/locale';
import { label } from '../meta/meta';

/** What the layout template needs from the form: passed through RJSF's form context. */
export interface LayoutContext {
  form: FormMeta;
  locale: Locale;
  /** One column at phone width, whatever the section says. */
  narrow: boolean;
  /** The entity and the record edited (absent for a new one): where widgets upload files to. */
  entity?: string;
  recordId?: string | undefined;
}

/**
 * Lays the fields out as the form metadata says: tabs, then sections on a 24-column
 * grid with the section's column count and each placement's span. A tab or section
 * with no visible field (its conditions hide them all) is left out; a form with one tab shows no tab bar.
 */
export function FormLayoutTemplate({ properties, registry }: ObjectFieldTemplateProps) {
  const { form, locale, narrow } = registry.formContext as LayoutContext;
  const byName = new Map(properties.filter((p) => !p.hidden).map((p) => [p.name, p.content]));
  const tabs = form.layout.tabs
    .map((tab) => {
      const sections = tab.sections
        .map((section) => {
          const columns = narrow ? 1 : Math.max(1, Math.min(4, section.columns ?? 2));
          const cells = section.fields
            .filter((p) => byName.has(p.field))
            .map((p) => (
              <Col key={p.field} span={Math.min(24, (24 / columns) * (narrow ? 1 : (p.colSpan ?? 1)))}>
                {byName.get(p.field)}
              </Col>
            ));
          if (cells.length === 0) return null;
          const grid = <Row gutter={[16, 0]}>{cells}</Row>;
          if (!section.label)
            return (
              <div key={section.key} className="mc-form-section">
                {grid}
              </div>
            );
          return (
            <Collapse
              key={section.key}
              className="mc-form-section"
              ghost
              defaultActiveKey={section.collapsed ? [] : [section.key]}
              items={[
                {
                  key: section.key,
                  label: <h3 className="mc-form-section__title">{label(section.label, locale)}</h3>,
                  children: grid,
                  forceRender: true,
                },
              ]}
            />
          );
        })
        .filter((s): s is Exclude<typeof s, null> => s !== null);
      return { key: tab.key, label: label(tab.label, locale, tab.key), children: sections as ReactNode[] };
    })
    .filter((tab) => tab.children.length > 0);
  if (tabs.length === 1) return <div className="mc-form-body">{tabs[0]!.children}</div>;
  return <Tabs className="mc-form-body" items={tabs.map((t) => ({ ...t, forceRender: true, children: <>{t.children}</> }))} />;
}
