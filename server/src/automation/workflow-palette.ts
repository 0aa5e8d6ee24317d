import type { BundleRegistries, ConfigurableDefinition, JsonSchema, Presentation } from '@metacrm/metadata';
import type { WorkflowAction } from './action-contract.js';

/** A step type as the workflow designer's palette offers it. */
export interface PaletteStep {
  type: string;
  label: Presentation['label'];
  description: Presentation['description'] | null;
  group: string;
  icon: string;
  configSchema: JsonSchema;
  /** Reaches outside the platform's data (HTTP, email, notifications): a dry run plans it instead. */
  external: boolean;
  /** Changes something (records, messages, calls). */
  sideEffect: boolean;
  /** Run by the executor itself: `parallel`, `join`, `loop`. */
  control: 'parallel' | 'join' | 'loop' | null;
  /** Whether the palette offers it: a `join` comes with its `parallel`, never on its own. */
  placeable: boolean;
}

/** A trigger type as the palette offers it. */
export interface PaletteTrigger {
  type: string;
  label: Presentation['label'];
  description: Presentation['description'] | null;
  group: string;
  icon: string;
  configSchema: JsonSchema;
}

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * How the built-in steps and triggers look in the palette. Kept here rather than on each
 * definition so that the executor's files stay about running; a plugin's definition
 * carries its own `presentation`, which wins over this table.
 */
const BUILT_IN: Record<string, Presentation> = {
  create_record: {
    label: l('新增记录', 'Create record'),
    group: 'records',
    icon: 'plus',
    description: l('在某个实体中新建一条记录', 'Create a record of an entity'),
  },
  update_record: {
    label: l('更新记录', 'Update record'),
    group: 'records',
    icon: 'edit',
    description: l('修改触发记录或指定记录的字段', 'Change fields of the trigger record or another one'),
  },
  assign_owner: {
    label: l('分配负责人', 'Assign owner'),
    group: 'records',
    icon: 'user',
    description: l('按轮询或负载把记录分给团队成员', 'Give the record to a team member, round robin or by load'),
  },
  check_duplicates: {
    label: l('查重', 'Check duplicates'),
    group: 'records',
    icon: 'copy',
    description: l('按查重规则查找相似记录', 'Find similar records by the duplicate rules'),
  },
  query_records: {
    label: l('查询记录', 'Query records'),
    group: 'records',
    icon: 'search',
    description: l('按条件查出记录供后续步骤使用', 'Find records for later steps'),
  },
  set_variables: {
    label: l('设置变量', 'Set variables'),
    group: 'flow',
    icon: 'calculator',
    description: l('计算表达式并存为变量；可在其后分支', 'Compute values into variables; branch after it'),
  },
  delay: {
    label: l('延时', 'Delay'),
    group: 'flow',
    icon: 'clock',
    description: l('等待一段时间或到某个时刻', 'Wait for a while or until a time'),
  },
  parallel: {
    label: l('并行分支', 'Parallel paths'),
    group: 'flow',
    icon: 'parallel',
    description: l('同时执行多条路径，全部完成后汇合', 'Run several paths at once, then join'),
  },
  join: { label: l('汇合', 'Join'), group: 'flow', icon: 'join' },
  loop: {
    label: l('循环', 'Loop'),
    group: 'flow',
    icon: 'loop',
    description: l('对查询出的每条记录执行一遍循环体', 'Run the body once per record of a query'),
  },
  approval: {
    label: l('审批', 'Approval'),
    group: 'people',
    icon: 'audit',
    description: l('等待审批人同意或驳回', 'Wait for approvers to approve or reject'),
  },
  notify: {
    label: l('站内通知', 'In-app notification'),
    group: 'people',
    icon: 'bell',
    description: l('给平台用户发送站内通知', 'Notify platform users in the app'),
  },
  send_email: {
    label: l('发送邮件', 'Send email'),
    group: 'outside',
    icon: 'mail',
    description: l('通过 SMTP 发送一封邮件', 'Send one email through SMTP'),
  },
  http_request: {
    label: l('HTTP 请求', 'HTTP request'),
    group: 'outside',
    icon: 'api',
    description: l('调用外部接口（经 SSRF 防护）', 'Call an outside API (through the SSRF guard)'),
  },
  record_created: { label: l('记录创建时', 'When a record is created'), group: 'records', icon: 'plus' },
  record_updated: { label: l('记录更新时', 'When a record is updated'), group: 'records', icon: 'edit' },
  record_deleted: { label: l('记录删除时', 'When a record is deleted'), group: 'records', icon: 'delete' },
  manual: {
    label: l('按钮触发', 'Button'),
    group: 'manual',
    icon: 'button',
    description: l('用户在记录或列表上点按钮启动，可带输入表单', 'A user starts it from a button on records or lists, with an input form'),
  },
  webhook: {
    label: l('Webhook', 'Webhook'),
    group: 'outside',
    icon: 'api',
    description: l('外部系统调用带签名的地址启动', 'An outside system calls a signed address'),
  },
  schedule: {
    label: l('定时', 'Schedule'),
    group: 'time',
    icon: 'clock',
    description: l('按 cron 表达式定时启动', 'Start on a cron schedule'),
  },
  date_field: {
    label: l('日期字段到期', 'Date field reached'),
    group: 'time',
    icon: 'calendar',
    description: l('在记录的日期字段前后某个时间启动', 'Start before or after a date field of each record'),
  },
};

function presentationOf(type: string, definition: ConfigurableDefinition): Presentation & { group: string; icon: string } {
  const shown = definition.presentation ?? BUILT_IN[type] ?? { label: l(type, type) };
  return { ...shown, group: shown.group ?? 'other', icon: shown.icon ?? 'step' };
}

/**
 * The workflow designer's palette: every registered step type and trigger (plugins'
 * included, as they register into the same registries) with its settings schema, names
 * in both languages, group, icon, and for steps what they touch.
 */
export function workflowPalette(registries: Pick<BundleRegistries, 'actions' | 'triggers'>): {
  steps: PaletteStep[];
  triggers: PaletteTrigger[];
} {
  const steps = registries.actions.entries().map(([type, definition]): PaletteStep => {
    const action = definition as WorkflowAction;
    const shown = presentationOf(type, definition);
    return {
      type,
      label: shown.label,
      description: shown.description ?? null,
      group: shown.group,
      icon: shown.icon,
      configSchema: definition.configSchema,
      external: action.external === true,
      sideEffect: action.sideEffect === true,
      control: action.control ?? null,
      placeable: action.control !== 'join',
    };
  });
  const triggers = registries.triggers.entries().map(([type, definition]): PaletteTrigger => {
    const shown = presentationOf(type, definition);
    return {
      type,
      label: shown.label,
      description: shown.description ?? null,
      group: shown.group,
      icon: shown.icon,
      configSchema: definition.configSchema,
    };
  });
  return { steps, triggers };
}
