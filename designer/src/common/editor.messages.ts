import { defineMessages } from '@metacrm/ui-kit';

// The save state, undo / redo and conflict texts every item designer shows (EditorStatus).

const en = {
  'save.saving': 'Saving…',
  'save.saved': 'All changes saved to the draft',
  'save.pending': 'Unsaved changes',
  'save.invalid': 'Not saved: fix the problems below',
  'save.failed': 'Not saved: {code}',
  'save.retry': 'Retry',
  'conflict.title': 'Someone else changed this item in the draft',
  'conflict.description': 'Your edits are kept here. Load their version (your unsaved edits are dropped), or save yours over it.',
  'conflict.reload': 'Load their version',
  'conflict.overwrite': 'Save mine over it',
  undo: 'Undo',
  redo: 'Redo',
  publish: 'Review and publish',
} as const;

const zhCN: Record<keyof typeof en, string> = {
  'save.saving': '正在保存…',
  'save.saved': '所有更改已保存到草稿',
  'save.pending': '有未保存的更改',
  'save.invalid': '未保存：请修正下列问题',
  'save.failed': '未保存：{code}',
  'save.retry': '重试',
  'conflict.title': '其他人修改了草稿中的此项',
  'conflict.description': '你的修改仍保留在这里。可以加载对方的版本（丢弃你未保存的修改），或用你的版本覆盖。',
  'conflict.reload': '加载对方的版本',
  'conflict.overwrite': '用我的版本覆盖',
  undo: '撤销',
  redo: '重做',
  publish: '检查并发布',
};

export const editorMessages = defineMessages(en, zhCN);
