import type { Bundle } from '@metacrm/metadata';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

/** The entity whose creation triggers the measured workflow; its records are `rec_ticket`. */
export const TICKET = 'ticket';
/** The measured workflow. */
export const TRIAGE = 'triage';

/**
 * A small support-ticket entity and a three-step workflow on `record_created`, the
 * shape most automations have: compute something (set variables), write back to the
 * record (update record: a versioned update with its revision, audit entry and
 * event in one transaction), and tell another system (an HTTP request through the SSRF
 * guard to the benchmark's receiver, with its idempotency key and recorded effect).
 */
export function triageBundle(receiverUrl: string): Bundle {
  return {
    entities: [
      {
        key: TICKET,
        label: l('Ticket', '工单'),
        displayField: 'subject',
        fields: [
          { key: 'subject', type: 'text', label: l('Subject', '主题'), required: true },
          {
            key: 'priority',
            type: 'single_select',
            label: l('Priority', '优先级'),
            options: ['low', 'normal', 'high'].map((k) => ({ key: k, label: l(k, k) })),
          },
          {
            key: 'status',
            type: 'single_select',
            label: l('Status', '状态'),
            options: ['new', 'triaged'].map((k) => ({ key: k, label: l(k, k) })),
          },
          { key: 'urgent', type: 'boolean', label: l('Urgent', '紧急') },
        ],
      },
    ],
    forms: [],
    views: [],
    roles: [],
    workflows: [
      {
        key: TRIAGE,
        label: l('Triage', '分诊'),
        entity: TICKET,
        trigger: { type: 'record_created' },
        start: 'classify',
        steps: [
          {
            id: 'classify',
            type: 'set_variables',
            config: { values: { urgent: { '==': [{ var: 'record.priority' }, 'high'] } } },
            next: 'mark',
          },
          { id: 'mark', type: 'update_record', config: { values: { status: 'triaged', urgent: { var: 'vars.urgent' } } }, next: 'tell' },
          {
            id: 'tell',
            type: 'http_request',
            config: {
              method: 'POST',
              url: `${receiverUrl}/tickets`,
              body: { ticket: { var: 'record.id' }, urgent: { var: 'vars.urgent' } },
            },
          },
        ],
      },
    ],
  } as unknown as Bundle;
}
