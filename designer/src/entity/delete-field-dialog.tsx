import { ITEM_KINDS, type Entity, type Field } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Alert, List, Modal, Skeleton, Typography, type ButtonProps } from 'antd';
import { ErrorState, toApiError, useLocale, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { labelOf } from '../common/labels';
import { designerMessages } from '../designer.messages';
import { entityMessages } from './entity.messages';

/**
 * Confirms deleting a field after showing its impact (`GET /api/meta/impact`): the
 * records holding values and the items that name it. A field never saved to the draft
 * has none. The display field cannot go until another one is chosen.
 */
export function DeleteFieldDialog({
  entity,
  field,
  saved,
  onConfirm,
  onClose,
}: {
  entity: Entity;
  field: Field;
  saved: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useT(entityMessages);
  const tk = useT(designerMessages);
  const { locale } = useLocale();
  const impact = useQuery({
    queryKey: ['meta', 'impact', entity.key, field.key],
    queryFn: () => metaApi.impact(entity.key, field.key),
    enabled: saved,
    staleTime: 0,
  });
  const isDisplay = entity.displayField === field.key;
  const references = impact.data ? ITEM_KINDS.flatMap((kind) => impact.data.references[kind]) : [];
  return (
    <Modal
      open
      title={t('delete.title', { label: labelOf(field.label, locale, field.key) })}
      okText={t('delete.confirm')}
      cancelText={t('delete.cancel')}
      okButtonProps={{ danger: true, disabled: isDisplay || (saved && !impact.data), 'data-testid': 'delete-confirm' } as ButtonProps}
      onOk={onConfirm}
      onCancel={onClose}
    >
      <div data-testid="delete-impact">
        {isDisplay && <Alert type="warning" showIcon message={t('delete.displayField')} />}
        {!saved && <Typography.Paragraph>{t('delete.unsaved')}</Typography.Paragraph>}
        {saved && impact.isPending && <Skeleton active title={{ width: '60%' }} paragraph={{ rows: 2 }} aria-label={t('delete.loading')} />}
        {impact.error && (
          <ErrorState compact title={t('loadFailed')} error={toApiError(impact.error)} onRetry={() => void impact.refetch()} />
        )}
        {impact.data && (
          <>
            <Typography.Paragraph data-testid="impact-records">
              {impact.data.records > 0 ? t('delete.records', { count: impact.data.records }) : t('delete.noRecords')}
            </Typography.Paragraph>
            <Typography.Paragraph>{references.length > 0 ? t('delete.references') : t('delete.noReferences')}</Typography.Paragraph>
            {references.length > 0 && (
              <List
                size="small"
                bordered
                dataSource={references}
                data-testid="impact-references"
                renderItem={(ref) => (
                  <List.Item>
                    <span>
                      <strong>{tk(`kind.${ref.kind}`)}</strong> <code className="mc-code">{ref.key}</code>: {ref.message}
                    </span>
                  </List.Item>
                )}
              />
            )}
          </>
        )}
      </div>
    </Modal>
  );
}
