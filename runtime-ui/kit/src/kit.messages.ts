import { defineMessages } from './i18n/i18n';

// Messages of the kit's own components. Each app keeps its page texts in its own
// catalog, so neither bundle carries the other's strings.

const en = {
  'shell.skipToContent': 'Skip to content',
  'shell.designer': 'designer',
  'shell.openDesigner': 'Open designer',
  'shell.openApp': 'Open app',
  'shell.toolbar': 'App and language',
  'language.label': 'Language',

  'state.loading': 'Loading…',
  'state.retry': 'Try again',
  'state.requestId': 'Request ID',
  'error.NETWORK_ERROR': 'The server cannot be reached. Check the connection and try again.',
  'error.TIMEOUT': 'The server took too long to answer.',
  'error.BAD_RESPONSE': 'The server sent an answer this app does not understand.',
  'error.UNKNOWN_ERROR': 'Something unexpected went wrong.',
  'notFound.title': 'Page not found',
  'notFound.description': 'There is no page at {path}. The link may be outdated or mistyped.',
  'notFound.home': 'Go to the home page',

  'health.healthy': 'Healthy',
  'health.unavailable': 'Unavailable',
  'status.version': 'Version',
  'status.database': 'Database',
  'status.redis': 'Redis',
  'status.updatedAt': 'Updated {time}',
  'status.loadFailed': 'Could not load the system status',

  'queue.events': 'Events',
  'queue.workflows': 'Workflows',
  'queue.jobs': 'Jobs',
  'queueState.active': 'Active',
  'queueState.waiting': 'Waiting',
  'queueState.delayed': 'Delayed',
  'queueState.failed': 'Failed',
  'queueState.completed': 'Completed',
  'queues.depth': '{count} queued',
  'queues.scale': 'Full bar = {max} jobs',

  'summary.title': 'Platform status',
  'summary.details': 'View details',
  'summary.queued': 'Queued jobs',
} as const;

const zhCN = {
  'shell.skipToContent': '跳到主要内容',
  'shell.designer': '设计器',
  'shell.openDesigner': '打开设计器',
  'shell.openApp': '打开应用',
  'shell.toolbar': '应用与语言',
  'language.label': '语言',

  'state.loading': '加载中…',
  'state.retry': '重试',
  'state.requestId': '请求 ID',
  'error.NETWORK_ERROR': '无法连接服务器，请检查网络后重试。',
  'error.TIMEOUT': '服务器响应超时。',
  'error.BAD_RESPONSE': '服务器返回了本应用无法识别的响应。',
  'error.UNKNOWN_ERROR': '发生了意外错误。',
  'notFound.title': '页面不存在',
  'notFound.description': '{path} 没有对应的页面，链接可能已过期或有误。',
  'notFound.home': '返回首页',

  'health.healthy': '正常',
  'health.unavailable': '不可用',
  'status.version': '版本',
  'status.database': '数据库',
  'status.redis': 'Redis',
  'status.updatedAt': '更新于 {time}',
  'status.loadFailed': '无法加载系统状态',

  'queue.events': '事件',
  'queue.workflows': '工作流',
  'queue.jobs': '后台任务',
  'queueState.active': '执行中',
  'queueState.waiting': '等待中',
  'queueState.delayed': '已延迟',
  'queueState.failed': '失败',
  'queueState.completed': '已完成',
  'queues.depth': '排队 {count} 个',
  'queues.scale': '满条 = {max} 个任务',

  'summary.title': '平台状态',
  'summary.details': '查看详情',
  'summary.queued': '排队任务',
};

export const kitMessages = defineMessages(en, zhCN);
export type KitMessageKey = keyof typeof en;
