import { defineMessages } from '@metacrm/ui-kit';

// The designer's own page texts; the shell and status widget texts live in the kit.

const en = {
  'app.title': 'metacrm designer',
  'home.title': 'Overview',
  'home.subtitle': 'Shape metacrm to the way your organisation works, without writing code.',
  'modules.title': 'Custom modules',
  'modules.emptyTitle': 'No custom modules yet',
  'modules.emptyDescription':
    'A module groups the entities, forms, views and workflows you design for your organisation. None exist in this workspace yet; once one does, it is listed here.',
} as const;

const zhCN = {
  'app.title': 'metacrm 设计器',
  'home.title': '概览',
  'home.subtitle': '无需编写代码，即可按组织的工作方式定制 metacrm。',
  'modules.title': '自定义模块',
  'modules.emptyTitle': '还没有自定义模块',
  'modules.emptyDescription':
    '模块用于组织你为本组织设计的实体、表单、视图和工作流。当前工作区还没有任何模块；创建后会列在这里。',
};

export const designerMessages = defineMessages(en, zhCN);
