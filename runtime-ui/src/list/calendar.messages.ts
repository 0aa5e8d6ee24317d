import { defineMessages } from '@metacrm/ui-kit';

/** Texts of calendar views. */
export const calendarMessages = defineMessages(
  {
    mode: 'Calendar range',
    month: 'Month',
    week: 'Week',
    agenda: 'Agenda',
    today: 'Today',
    previous: 'Previous',
    next: 'Next',
    nothing: 'Nothing in this period',
    truncated: 'Showing the first {n} of {total} entries; narrow the filter to see the rest.',
    moveHint: 'Drag an entry to another day to change its date.',
  },
  {
    mode: '日历范围',
    month: '月',
    week: '周',
    agenda: '日程',
    today: '今天',
    previous: '上一页',
    next: '下一页',
    nothing: '此期间没有记录',
    truncated: '显示 {total} 条中的前 {n} 条；缩小筛选范围以查看其余记录。',
    moveHint: '把条目拖到另一天即可修改日期。',
  },
);
