import type { Locale } from '@metacrm/ui-kit';

// Names of field settings in both languages; a setting without one shows its key.
const TITLES: Record<string, [string, string]> = {
  description: ['Description', '描述'],
  helpText: ['Help text', '帮助文本'],
  required: ['Required', '必填'],
  readOnly: ['Read-only', '只读'],
  default: ['Default (value or json-logic)', '默认值（值或 json-logic）'],
  maxLength: ['Maximum length', '最大长度'],
  minLength: ['Minimum length', '最小长度'],
  pattern: ['Pattern (regular expression)', '格式（正则表达式）'],
  unique: ['Unique', '唯一'],
  uniqueExact: ['Unique exactly as typed', '唯一（区分大小写与空格）'],
  min: ['Minimum', '最小值'],
  max: ['Maximum', '最大值'],
  precision: ['Precision (digits)', '精度（位数）'],
  scale: ['Scale (decimal places)', '小数位数'],
  currencyCode: ['Currency (ISO code)', '币种（ISO 代码）'],
  options: ['Options', '选项'],
  process: ['Guided stages (JSON)', '阶段路径（JSON）'],
  maxSelected: ['Most options selected', '最多选择数'],
  target: ['Lookup target', '关联实体'],
  displayField: ['Shown field', '显示字段'],
  onDelete: ['When the target is deleted', '关联记录删除时'],
  relatedListLabel: ['Related list label', '相关列表名称'],
  prefix: ['Prefix', '前缀'],
  dateFormat: ['Date part', '日期部分'],
  digits: ['Digits', '位数'],
  separator: ['Separator', '分隔符'],
  expression: ['Formula (json-logic)', '公式（json-logic）'],
  resultType: ['Result type', '结果类型'],
  entity: ['Related entity', '相关实体'],
  via: ['Through the lookup', '通过关联字段'],
  function: ['Function', '函数'],
  field: ['Field summarised', '汇总字段'],
  filter: ['Only records matching (filter JSON)', '仅匹配的记录（筛选 JSON）'],
  maxFiles: ['Most files', '最多文件数'],
  maxSizeMb: ['Largest file (MB)', '单个文件上限（MB）'],
  accept: ['Accepted types', '允许的类型'],
  key: ['Key', '标识'],
  label: ['Label', '名称'],
  color: ['Colour', '颜色'],
  order: ['Order', '顺序'],
  active: ['Active', '启用'],
  'zh-CN': ['Chinese', '中文'],
  en: ['English', '英文'],
};

/** The title of a setting in the user's language. */
export function settingTitle(name: string, locale: Locale): string {
  const pair = TITLES[name];
  return pair ? pair[locale === 'zh-CN' ? 1 : 0] : name;
}
