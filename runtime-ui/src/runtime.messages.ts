import { defineMessages } from '@metacrm/ui-kit';

// The runtime UI's own page texts; shared widget texts live in the kit's catalog.

const en = {
  'status.title': 'System status',
  'status.subtitle': 'Health of this metacrm instance: the API process, its database, Redis and the work queues.',
  'status.refreshEvery': 'refreshes every {seconds} s',
  'status.stale': 'Showing data from {time}',
  'status.api': 'API server',
  'status.uptime': 'Uptime',
  'status.role': 'Process role',
  'status.startedAt': 'Started',
  'status.pingNote': 'Ping round trip from the API process',
  'status.since': 'In this state since {time}',
  'status.queues': 'Queues',
  'status.queuesNote': 'Jobs waiting, running or delayed in each queue',
} as const;

const zhCN = {
  'status.title': '系统状态',
  'status.subtitle': '本 metacrm 实例的运行状况：API 进程、数据库、Redis 和任务队列。',
  'status.refreshEvery': '每 {seconds} 秒刷新',
  'status.stale': '显示的是 {time} 的数据',
  'status.api': 'API 服务',
  'status.uptime': '运行时长',
  'status.role': '进程角色',
  'status.startedAt': '启动时间',
  'status.pingNote': '从 API 进程发出 ping 的往返时间',
  'status.since': '自 {time} 起保持此状态',
  'status.queues': '队列',
  'status.queuesNote': '各队列中等待、执行中和延迟的任务',
};

export const runtimeMessages = defineMessages(en, zhCN);
