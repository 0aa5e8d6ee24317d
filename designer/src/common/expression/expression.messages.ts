import { defineMessages } from '@metacrm/ui-kit';

const en = {
  expression: 'Expression (json-logic)',
  insertField: 'Insert a field',
  insertFunction: 'Insert a function',
  fields: 'Fields',
  context: 'Context',
  sample: 'Sample record (JSON)',
  result: 'Result on the sample',
  error: 'Error',
  invalid: 'Not valid JSON: {message}',
  problems: 'This expression would not publish:',
  empty: 'No expression yet.',
};

const zhCN: Record<keyof typeof en, string> = {
  expression: '表达式（json-logic）',
  insertField: '插入字段',
  insertFunction: '插入函数',
  fields: '字段',
  context: '上下文',
  sample: '示例记录（JSON）',
  result: '示例记录上的结果',
  error: '错误',
  invalid: 'JSON 格式错误：{message}',
  problems: '此表达式无法发布：',
  empty: '尚无表达式。',
};

export const expressionMessages = defineMessages(en, zhCN);
