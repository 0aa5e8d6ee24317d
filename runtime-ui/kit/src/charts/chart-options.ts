import { plotted, type AggregateAnswer, type AggregateKey } from './aggregate';

/** What the chart needs to know beyond the answer: how keys and measures read. */
export interface ChartTexts {
  /** A group key's text; `level` is the groupBy index. */
  key: (key: AggregateKey, level: number) => string;
  /** A measure's name (legend, tooltip). */
  measure: (index: number) => string;
  /** A measure's value as the locale writes it (tooltip, labels). */
  value: (value: number, index: number) => string;
}

/** An ECharts option, and the group keys under each clickable element. */
export interface ChartModel {
  option: Record<string, unknown>;
  /** The group keys of the element at (seriesIndex, dataIndex), for the click-through. */
  keysAt: (seriesIndex: number, dataIndex: number) => AggregateKey[] | undefined;
}

const sameKey = (a: AggregateKey, b: AggregateKey) => a.value === b.value;

/** The distinct keys of one level, in the order the answer gives them. */
function distinct(answer: AggregateAnswer, level: number): AggregateKey[] {
  const out: AggregateKey[] = [];
  for (const g of answer.groups) {
    const key = g.keys[level];
    if (key && !out.some((k) => sameKey(k, key))) out.push(key);
  }
  return out;
}

/**
 * The ECharts option of a bar, line, pie or funnel widget (no ECharts import: the
 * library loads on demand, this stays testable). Bar and line: one category per first
 * key, a series per measure, or per second key (stacked bars) when there are two.
 */
export function chartModel(type: string, answer: AggregateAnswer, texts: ChartTexts): ChartModel {
  const tooltipValue = { valueFormatter: (v: unknown) => (typeof v === 'number' ? texts.value(v, 0) : String(v ?? '')) };
  if (type === 'pie' || type === 'funnel') {
    const data = answer.groups.map((g) => ({
      name: texts.key(g.keys[0] ?? { value: null }, 0),
      value: plotted(g.values[0] ?? null),
      ...(g.keys[0]?.color ? { itemStyle: { color: g.keys[0].color } } : {}),
    }));
    const series =
      type === 'pie'
        ? { type: 'pie', radius: ['35%', '70%'], data, label: { formatter: '{d}%' } }
        : { type: 'funnel', sort: 'none', min: 0, left: '10%', width: '80%', data, label: { position: 'inside' } };
    return {
      option: {
        tooltip: { trigger: 'item', ...tooltipValue },
        legend: { type: 'scroll', bottom: 0 },
        series: [{ name: texts.measure(0), ...series }],
      },
      keysAt: (_s, i) => answer.groups[i]?.keys,
    };
  }
  const categories = distinct(answer, 0);
  const axis = { type: 'category', data: categories.map((k) => texts.key(k, 0)), axisLabel: { hideOverlap: true } };
  const common = {
    tooltip: { trigger: 'axis', ...tooltipValue },
    legend: { type: 'scroll', bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: axis,
    yAxis: { type: 'value' },
  };
  const seriesType = type === 'line' ? 'line' : 'bar';
  const seconds = distinct(answer, 1);
  if (seconds.length > 0) {
    const series = seconds.map((second) => ({
      type: seriesType,
      name: texts.key(second, 1),
      stack: seriesType === 'bar' ? 'total' : undefined,
      ...(second.color ? { itemStyle: { color: second.color } } : {}),
      data: categories.map((first) =>
        plotted(answer.groups.find((g) => sameKey(g.keys[0]!, first) && sameKey(g.keys[1]!, second))?.values[0] ?? null),
      ),
    }));
    return { option: { ...common, series }, keysAt: (s, i) => (categories[i] && seconds[s] ? [categories[i], seconds[s]] : undefined) };
  }
  const measures = answer.total.values.length;
  const series = Array.from({ length: measures }, (_, m) => ({
    type: seriesType,
    name: texts.measure(m),
    data: answer.groups.map((g) => plotted(g.values[m] ?? null)),
  }));
  return { option: { ...common, series }, keysAt: (_s, i) => answer.groups[i]?.keys };
}
