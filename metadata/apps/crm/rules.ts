/** Validation rules of the standard CRM: what no write path may break. */
import type { ValidationRule } from '@metacrm/metadata';
import { l } from './dsl.js';

export const crmRules: ValidationRule[] = [
  {
    key: 'contract_dates_in_order',
    entity: 'contract',
    label: l('合同日期', 'Contract dates'),
    errorWhen: { and: [{ var: 'start_date' }, { var: 'end_date' }, { '<': [{ var: 'end_date' }, { var: 'start_date' }] }] },
    message: l('结束日期不能早于开始日期', 'The end date cannot be before the start date'),
    fields: ['end_date'],
  },
  {
    key: 'campaign_dates_in_order',
    entity: 'campaign',
    label: l('活动日期', 'Campaign dates'),
    errorWhen: { and: [{ var: 'start_date' }, { var: 'end_date' }, { '<': [{ var: 'end_date' }, { var: 'start_date' }] }] },
    message: l('结束日期不能早于开始日期', 'The end date cannot be before the start date'),
    fields: ['end_date'],
  },
  {
    key: 'lead_needs_a_way_to_reach',
    entity: 'lead',
    label: l('联系方式', 'Contact details'),
    errorWhen: { and: [{ '!': { var: 'phone' } }, { '!': { var: 'email' } }] },
    message: l('电话和邮箱至少填写一项', 'Give a phone number or an email address'),
    fields: ['phone', 'email'],
  },
  {
    key: 'receipt_within_contract',
    entity: 'receipt',
    label: l('回款金额', 'Receipt amount'),
    errorWhen: { '<=': [{ var: 'amount' }, 0] },
    message: l('回款金额必须大于 0', 'A receipt must be more than 0'),
    fields: ['amount'],
  },
];
