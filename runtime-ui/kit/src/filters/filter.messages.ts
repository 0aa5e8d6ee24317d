import { defineMessages } from '../i18n/i18n';

/** Texts of the filter builder (lists, view and role designers). */
export const filterMessages = defineMessages(
  {
    field: 'Field',
    filters: 'Filters',
    apply: 'Apply',
    clear: 'Clear',
    addCondition: 'Add condition',
    addGroup: 'Add group',
    remove: 'Remove',
    and: 'All of these (and)',
    or: 'Any of these (or)',
    operator: 'Operator',
    value: 'Value',
    'op.eq': 'is', 'op.ne': 'is not', 'op.gt': 'greater than', 'op.gte': 'at least', 'op.lt': 'less than', 'op.lte': 'at most',
    'op.in': 'is any of', 'op.nin': 'is none of', 'op.contains': 'contains', 'op.notContains': 'does not contain', 'op.startsWith': 'starts with',
    'op.isEmpty': 'is empty', 'op.isNotEmpty': 'is not empty', 'op.between': 'is between', 'op.relative': 'is in',
  },
  {
    field: '字段',
    filters: '筛选条件',
    apply: '应用',
    clear: '清除',
    addCondition: '添加条件',
    addGroup: '添加条件组',
    remove: '移除',
    and: '满足全部（且）',
    or: '满足任一（或）',
    operator: '运算符',
    value: '值',
    'op.eq': '等于', 'op.ne': '不等于', 'op.gt': '大于', 'op.gte': '大于等于', 'op.lt': '小于', 'op.lte': '小于等于',
    'op.in': '属于', 'op.nin': '不属于', 'op.contains': '包含', 'op.notContains': '不包含', 'op.startsWith': '开头是',
    'op.isEmpty': '为空', 'op.isNotEmpty': '不为空', 'op.between': '介于', 'op.relative': '处于',
  },
);
