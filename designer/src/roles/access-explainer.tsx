import type { Entity } from '@metacrm/metadata';
import { Alert, Button, Card, Descriptions, Form, Select, Space, Table, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, toApiError, useLocale, UserPicker, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { explainMessages } from './explain.messages';

type Allowed = { allowed: boolean; grantedBy?: string[] };
type RecordOp = { allowed: boolean; rules: { role: string; scope: string; matches: boolean }[]; shares: { id: string; access: string }[] };
/** The answer of `GET /api/access/explain` (server/src/records/access-explain.ts). */
interface Explanation {
  user: { id: string; name: string; roles: string[] };
  unrestricted: boolean;
  reason: string | null;
  unknownRoles: string[];
  operations: Record<string, Allowed>;
  record?: { id: string; ownerId: string | null; deleted: boolean; operations: Record<string, RecordOp> };
}

/**
 * The access explainer for one record: pick an entity, a record and a user, and read
 * the server's own explanation (the route runs the engine's policy and scope clauses,
 * so it cannot drift from what is enforced): per operation whether it is allowed and
 * which role grants it, and for the record which role's scope or share reaches it.
 */
export function AccessExplainer({ role, entities }: { role: string; entities: readonly Entity[] }) {
  const t = useT(explainMessages);
  const { locale } = useLocale();
  const [entity, setEntity] = useState<string>();
  const [record, setRecord] = useState<string>();
  const [user, setUser] = useState<string>();
  const [answer, setAnswer] = useState<Explanation>();
  const [error, setError] = useState<string>();
  const chosen = entities.find((e) => e.key === entity);
  const records = useQuery({
    queryKey: ['explain-records', entity],
    enabled: !!chosen,
    queryFn: async () => await api.get<{ records: Record<string, unknown>[] }>(`/api/records/${chosen!.key}?limit=50&sort=-_createdAt`),
  });
  const explain = async () => {
    setError(undefined);
    try {
      setAnswer(
        await api.get<Explanation>(
          `/api/access/explain?user=${encodeURIComponent(user!)}&entity=${encodeURIComponent(entity!)}${record ? `&record=${record}` : ''}`,
        ),
      );
    } catch (err) {
      setError(`${toApiError(err).code}: ${toApiError(err).message}`);
    }
  };
  const yes = (allowed: boolean) => <Tag color={allowed ? 'green' : 'default'}>{allowed ? t('allowed') : t('denied')}</Tag>;
  return (
    <Card size="small" title={t('title')} className="dz-role__card" data-testid="access-explainer">
      <p className="mc-page__subtitle">{t('hint', { role })}</p>
      <Form layout="vertical">
        <Space wrap align="end">
          <Form.Item label={t('entity')} htmlFor="explain-entity">
            <Select
              id="explain-entity"
              value={entity}
              onChange={(v: string) => {
                setEntity(v);
                setRecord(undefined);
              }}
              options={entities.map((e) => ({ value: e.key, label: labelOf(e.label, locale, e.key) }))}
              style={{ minWidth: 180 }}
              data-testid="explain-entity"
            />
          </Form.Item>
          <Form.Item label={t('record')} htmlFor="explain-record">
            <Select
              id="explain-record"
              value={record}
              onChange={(v: string) => setRecord(v)}
              allowClear
              showSearch
              optionFilterProp="label"
              disabled={!chosen}
              loading={records.isFetching}
              style={{ minWidth: 220 }}
              options={(records.data?.records ?? []).map((r) => ({
                value: String(r.id),
                label: String(r[chosen?.displayField ?? 'id'] ?? r.id),
              }))}
              data-testid="explain-record"
            />
          </Form.Item>
          <Form.Item label={t('user')} htmlFor="explain-user">
            <div className="dz-explain__user">
              <UserPicker id="explain-user" value={user} onChange={setUser} ariaLabel={t('user')} />
            </div>
          </Form.Item>
          <Form.Item>
            <Button type="primary" onClick={() => void explain()} disabled={!entity || !user} data-testid="explain-run">
              {t('run')}
            </Button>
          </Form.Item>
        </Space>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
      {answer && (
        <div data-testid="explain-answer">
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'user', label: t('user'), children: `${answer.user.name} (${answer.user.roles.join(', ') || '—'})` },
              ...(answer.reason ? [{ key: 'reason', label: t('reason'), children: answer.reason }] : []),
              ...(answer.unknownRoles.length
                ? [{ key: 'unknown', label: t('unknownRoles'), children: answer.unknownRoles.join(', ') }]
                : []),
            ]}
          />
          <Table
            size="small"
            pagination={false}
            rowKey="op"
            dataSource={Object.entries(answer.operations).map(([op, a]) => ({ op, ...a, onRecord: answer.record?.operations[op] }))}
            columns={[
              { title: t('operation'), dataIndex: 'op' },
              {
                title: t('onEntity'),
                key: 'entity',
                render: (_, r) => (
                  <>
                    {yes(r.allowed)} {r.grantedBy?.join(', ')}
                  </>
                ),
              },
              ...(answer.record
                ? [
                    {
                      title: t('onRecord'),
                      key: 'record',
                      render: (_: unknown, r: { onRecord?: RecordOp }) =>
                        r.onRecord ? (
                          <>
                            {yes(r.onRecord.allowed)}{' '}
                            {r.onRecord.rules.map((rule) => (
                              <Tag key={rule.role} color={rule.matches ? 'blue' : undefined}>
                                {t(rule.matches ? 'ruleMatches' : 'ruleMisses', { role: rule.role, scope: rule.scope })}
                              </Tag>
                            ))}
                            {r.onRecord.shares.length > 0 && <Tag color="purple">{t('shared', { count: r.onRecord.shares.length })}</Tag>}
                          </>
                        ) : (
                          ''
                        ),
                    },
                  ]
                : []),
            ]}
          />
        </div>
      )}
    </Card>
  );
}
