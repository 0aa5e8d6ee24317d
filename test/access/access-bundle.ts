import type { Bundle } from '@metacrm/metadata';

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * A deal entity with one field of each sensitivity, and three roles that see it
 * differently: `rep` (own records, no notes, masked phone), `manager` (own and
 * subordinates', everything, may export), `north` (a row filter on region, no amount),
 * `member` (own records, a masked phone it may still write, may change their owner).
 */
export function accessBundle(): Bundle {
  return {
    entities: [
      {
        key: 'account',
        label: l('客户', 'Account'),
        displayField: 'name',
        fields: [{ key: 'name', type: 'text', label: l('名称', 'Name'), required: true }],
      },
      {
        key: 'deal',
        label: l('交易', 'Deal'),
        displayField: 'title',
        fields: [
          { key: 'title', type: 'text', label: l('标题', 'Title'), required: true },
          { key: 'amount', type: 'decimal', label: l('金额', 'Amount'), scale: 2 },
          { key: 'phone', type: 'text', label: l('电话', 'Phone') },
          { key: 'note', type: 'text', label: l('备注', 'Note') },
          {
            key: 'region',
            type: 'single_select',
            label: l('区域', 'Region'),
            options: [
              { key: 'north', label: l('北', 'North') },
              { key: 'south', label: l('南', 'South') },
            ],
          },
          { key: 'account', type: 'lookup', label: l('客户', 'Account'), target: 'account', onDelete: 'set_null' },
        ],
      },
    ],
    forms: [],
    views: [],
    rules: [],
    workflows: [],
    roles: [
      {
        key: 'rep',
        label: l('销售', 'Rep'),
        entities: {
          deal: {
            create: true,
            read: true,
            update: true,
            scope: 'own',
            fields: { note: { read: false }, phone: { read: true, mask: { keepStart: 3, keepEnd: 4 } } },
          },
          account: { read: true, scope: 'own' },
        },
      },
      {
        key: 'manager',
        label: l('经理', 'Manager'),
        entities: {
          deal: { create: true, read: true, update: true, delete: true, export: true, scope: 'own_and_subordinates' },
          account: { read: true, scope: 'all' },
        },
      },
      {
        key: 'north',
        label: l('北区', 'North'),
        entities: {
          deal: {
            read: true,
            export: true,
            scope: 'filter',
            rowFilter: { '==': [{ var: 'region' }, 'north'] },
            fields: { amount: { read: false } },
          },
        },
      },
      {
        key: 'member',
        label: l('成员', 'Member'),
        entities: {
          deal: {
            create: true,
            read: true,
            update: true,
            changeOwner: true,
            scope: 'own',
            fields: { phone: { read: true, write: true, mask: { keepStart: 3, keepEnd: 4 } } },
          },
        },
      },
      {
        key: 'team',
        label: l('团队', 'Team'),
        entities: { deal: { read: true, scope: 'department_tree' } },
      },
    ],
  };
}
