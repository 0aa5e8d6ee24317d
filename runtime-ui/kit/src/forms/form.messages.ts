import { defineMessages } from '../i18n/i18n';

/** Texts of forms: buttons, conflicts, validation messages. */
export const formMessages = defineMessages(
  {
    save: 'Save',
    cancel: 'Cancel',
    saved: 'Saved',
    create: 'Create',
    'problems.title': 'The record was not saved',
    'conflict.title': 'Someone else changed this record',
    'conflict.body':
      'It was saved by someone else while you were editing. Keep editing to save your values over theirs, or reload to see their version (your changes here are dropped).',
    'conflict.keep': 'Keep editing',
    'conflict.reload': 'Reload',
    'conflict.kept': 'Your values are kept; saving now replaces the other version',
    'unsaved.title': 'Discard your changes?',
    'unsaved.body': 'You have changes that are not saved.',
    'unsaved.discard': 'Discard',
    'unsaved.stay': 'Keep editing',
    readOnlyTip: 'You cannot change this field',
  },
  {
    save: '保存',
    cancel: '取消',
    saved: '已保存',
    create: '新建',
    'problems.title': '记录未保存',
    'conflict.title': '此记录已被他人修改',
    'conflict.body': '在您编辑期间，其他人保存了此记录。继续编辑将用您的值覆盖对方的版本；重新加载则查看对方的版本（此处的修改会被丢弃）。',
    'conflict.keep': '继续编辑',
    'conflict.reload': '重新加载',
    'conflict.kept': '已保留您的值；现在保存将覆盖另一版本',
    'unsaved.title': '放弃修改？',
    'unsaved.body': '您有尚未保存的修改。',
    'unsaved.discard': '放弃',
    'unsaved.stay': '继续编辑',
    readOnlyTip: '您不能修改此字段',
  },
);
