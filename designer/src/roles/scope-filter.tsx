import type { Entity, Problem } from '@metacrm/metadata';
import { Alert, Button, Input, List, Space, Typography } from 'antd';
import { useState } from 'react';
import { FilterBuilder, fromFilter, toApiError, toFilter, useLocale, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { labelOf } from '../common/labels';
import { filterToRowFilter, rowFilterToFilter, type FilterLike } from './row-filter';
import type { EntityGrant } from './role-model';
import { rolesMessages } from './roles.messages';

export interface ScopeFilterProps {
  roleKey: string;
  entity: Entity;
  grant: EntityGrant;
  /** Whether the draft holds what is on screen, so the server's check is of this very role. */
  saved: boolean;
  onChange: (grant: EntityGrant, group?: string) => void;
}

/**
 * The record filter of a role on one entity (scope "filter"): built with the runtime's
 * filter builder, translated to the json-logic a row filter is, refusing conditions a
 * query cannot express; also editable as JSON (for `$user` values the builder cannot
 * show), and checked by the server's draft validation on demand.
 */
export function ScopeFilter({ roleKey, entity, grant, saved, onChange }: ScopeFilterProps) {
  const t = useT(rolesMessages);
  const { locale } = useLocale();
  const [unsupported, setUnsupported] = useState<string[]>([]);
  const [json, setJson] = useState<string>();
  const [jsonError, setJsonError] = useState<string>();
  const [check, setCheck] = useState<{ problems: Problem[] } | { error: string }>();
  const name = labelOf(entity.label, locale, entity.key);
  if (grant.scope !== 'filter')
    return <Typography.Paragraph type="secondary">{t('filter.notScopeFilter', { entity: name })}</Typography.Paragraph>;

  const shown = grant.rowFilter === undefined ? undefined : rowFilterToFilter(grant.rowFilter);
  const text = json ?? (grant.rowFilter === undefined ? '' : JSON.stringify(grant.rowFilter, null, 2));
  const apply = (filter: FilterLike | undefined) => {
    const result = filterToRowFilter(filter);
    setUnsupported(result.unsupported);
    if (result.unsupported.length > 0) return;
    const next = { ...grant };
    if (result.logic === undefined) delete next.rowFilter;
    else next.rowFilter = result.logic as EntityGrant['rowFilter'];
    setJson(undefined);
    onChange(next);
  };
  const applyJson = () => {
    try {
      const parsed = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
      setJsonError(undefined);
      setJson(undefined);
      const next = { ...grant };
      if (parsed === undefined) delete next.rowFilter;
      else next.rowFilter = parsed as EntityGrant['rowFilter'];
      onChange(next);
    } catch (err) {
      setJsonError(t('filter.jsonBad', { message: (err as Error).message }));
    }
  };
  const validate = async () => {
    try {
      const answer = await metaApi.validate();
      setCheck({ problems: answer.problems.filter((p) => p.pointer.startsWith(`/roles/${roleKey}`)) });
    } catch (err) {
      setCheck({ error: `${toApiError(err).code}: ${toApiError(err).message}` });
    }
  };
  return (
    <div className="dz-scope-filter" data-testid="scope-filter">
      <Typography.Paragraph type="secondary">{t('filter.hint')}</Typography.Paragraph>
      {grant.rowFilter !== undefined && shown === undefined ? (
        <Alert type="info" showIcon message={t('filter.jsonOnly')} />
      ) : (
        <FilterBuilder
          key={JSON.stringify(grant.rowFilter ?? null)}
          entity={entity}
          value={fromFilter(shown)}
          onApply={(group) => apply(toFilter(group) as FilterLike | undefined)}
        />
      )}
      {unsupported.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="filter-unsupported"
          message={t('filter.unsupported', { conditions: unsupported.join(', ') })}
        />
      )}
      <label className="dz-field-label" htmlFor={`row-filter-json-${entity.key}`}>
        {t('filter.json')}
      </label>
      <Input.TextArea
        id={`row-filter-json-${entity.key}`}
        className="dz-mono"
        autoSize={{ minRows: 3, maxRows: 12 }}
        value={text}
        onChange={(e) => setJson(e.target.value)}
        data-testid="row-filter-json"
      />
      {jsonError && <Alert type="error" showIcon message={jsonError} />}
      <Space wrap className="dz-scope-filter__actions">
        <Button onClick={applyJson} disabled={json === undefined} data-testid="row-filter-json-apply">
          {t('filter.apply')}
        </Button>
        <Button onClick={() => void validate()} disabled={!saved} data-testid="role-validate">
          {t('filter.validate')}
        </Button>
      </Space>
      {check && 'error' in check && <Alert type="error" showIcon message={check.error} />}
      {check && 'problems' in check && check.problems.length === 0 && (
        <Alert type="success" showIcon message={t('filter.valid')} data-testid="role-valid" />
      )}
      {check && 'problems' in check && check.problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="role-problems"
          message={
            <List
              size="small"
              dataSource={check.problems}
              renderItem={(p) => (
                <List.Item>
                  <code className="mc-code">{p.pointer}</code> {p.message}
                </List.Item>
              )}
            />
          }
        />
      )}
    </div>
  );
}
