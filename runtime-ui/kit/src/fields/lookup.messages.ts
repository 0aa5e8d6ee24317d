import { defineMessages } from '../i18n/i18n';

/** Texts of the lookup widget's create-new. */
export const lookupMessages = defineMessages(
  { newTarget: 'New {entity}', created: '{entity} created' },
  { newTarget: '新建{entity}', created: '已新建{entity}' },
);
