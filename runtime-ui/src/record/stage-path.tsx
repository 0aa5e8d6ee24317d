import type { Field, UserEntity } from '@metacrm/metadata';
import { App, Steps } from 'antd';
import { useState } from 'react';
import { toApiError, useLocale, useT, type ApiRecord, label } from '@metacrm/ui-kit';
import { recordMessages } from './record.messages';

type Option = { key: string; label: { en: string; 'zh-CN': string } };
type Process = { stages: Record<string, { next?: string[]; requiredFields?: string[] } | undefined> };
/** A server problem, as the record pipeline answers it. */
export type StageProblem = { pointer?: string; code: string; message: string; params?: Record<string, unknown> };
/** A move the server refused for missing fields: the form opens with them marked and the stage set. */
export interface RefusedMove {
  values: Record<string, unknown>;
  problems: StageProblem[];
}

/** The entity's guided-stage field (a select whose settings carry a `process`), if it has one the user may read. */
export function processField(entity: UserEntity): (Field & { options: Option[]; process: Process }) | undefined {
  return entity.fields.find(
    (f) => (f as { process?: unknown }).process !== undefined && Array.isArray((f as { options?: unknown }).options),
  ) as never;
}

export interface StagePathProps {
  entity: UserEntity;
  record: ApiRecord;
  /** Whether the user may change the record (else the path only shows where it stands). */
  editable: boolean;
  /** Saves the move (PATCH through the record pipeline); rejects with the API error. */
  move: (values: Record<string, unknown>, version: number) => Promise<ApiRecord>;
  /** The server asked for fields first: the details form takes over. */
  onRefused: (refused: RefusedMove) => void;
}

/**
 * The stage path of a record (Salesforce's Path, Zoho's Blueprint): the stages of its
 * process field in order, the current one marked, the ones its process allows next
 * clickable. A click moves the record through the same pipeline as any write; when the
 * stage needs fields the record lacks (STAGE_FIELD_REQUIRED), `onRefused` hands the
 * move and the problems to the form, which marks those fields.
 */
export function StagePath({ entity, record, editable, move, onRefused }: StagePathProps) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const field = processField(entity);
  if (!field) return null;
  const current = typeof record[field.key] === 'string' ? (record[field.key] as string) : undefined;
  const allowed = current === undefined ? undefined : field.process.stages[current]?.next;
  const index = field.options.findIndex((o) => o.key === current);
  const stageName = (key: string) => label(field.options.find((o) => o.key === key)?.label, locale, key);

  const go = async (stage: string) => {
    if (stage === current || busy) return;
    setBusy(true);
    try {
      await move({ [field.key]: stage }, record._version);
      void message.success(t('stageMoved', { stage: stageName(stage) }));
    } catch (err) {
      const error = toApiError(err);
      const problems = (error.details as { problems?: StageProblem[] } | undefined)?.problems ?? [];
      const missing = problems.filter((p) => p.code === 'STAGE_FIELD_REQUIRED');
      if (missing.length > 0) {
        const names = missing
          .map((p) => label(entity.fields.find((f) => `/${f.key}` === p.pointer)?.label, locale, p.pointer ?? ''))
          .join(', ');
        void message.warning({ content: t('stageNeeds', { stage: stageName(stage), fields: names }), key: 'stage-path' });
        onRefused({ values: { [field.key]: stage }, problems: missing });
      } else {
        const problem = problems[0];
        void message.error({ content: `${error.code}: ${problem?.message ?? error.message}`, key: 'stage-path' });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <nav className="mc-stage-path" aria-label={t('stagePath', { field: label(field.label, locale, field.key) })} data-testid="stage-path">
      <Steps
        size="small"
        current={index}
        responsive={false}
        onChange={editable ? (i) => void go(field.options[i]!.key) : undefined}
        items={field.options.map((option, i) => {
          const reachable = editable && option.key !== current && (allowed === undefined || allowed.includes(option.key));
          return {
            title: label(option.label, locale, option.key),
            disabled: !reachable && option.key !== current,
            status: i === index ? 'process' : i < index ? 'finish' : 'wait',
            // The path names each stage; a test and assistive tech find it by its key.
            ...({ 'data-testid': `stage-${option.key}`, 'data-allowed': reachable ? 'true' : 'false' } as object),
          };
        })}
      />
    </nav>
  );
}
