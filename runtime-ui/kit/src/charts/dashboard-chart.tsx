import { useEffect, useRef, useState } from 'react';
import { toApiError } from '../api/api-error';
import { ErrorState } from '../states/error-state';
import type { AggregateKey } from './aggregate';
import type { ChartModel } from './chart-options';

export interface DashboardChartProps {
  model: ChartModel;
  /** What the chart shows, for screen readers (the data table below it has the figures). */
  ariaLabel: string;
  failedTitle: string;
  onPick: (keys: AggregateKey[]) => void;
}

/**
 * One ECharts chart, loaded on first use. A click on a bar, point, slice or funnel step
 * hands its group keys to `onPick`; the chart follows its box's size.
 */
export function DashboardChart({ model, ariaLabel, failedTitle, onPick }: DashboardChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const [failed, setFailed] = useState<unknown>();
  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    import('./echarts-setup')
      .then(({ init }) => {
        const node = box.current;
        if (disposed || !node) return;
        const chart = init(node, undefined, { renderer: 'canvas' });
        chart.setOption(model.option);
        chart.on('click', (params) => {
          const keys = model.keysAt(params.seriesIndex ?? 0, params.dataIndex);
          if (keys) pick.current(keys);
        });
        const observer = new ResizeObserver(() => chart.resize());
        observer.observe(node);
        node.dataset.rendered = 'true';
        cleanup = () => {
          observer.disconnect();
          chart.dispose();
        };
      })
      .catch(setFailed);
    return () => {
      disposed = true;
      cleanup();
    };
  }, [model]);
  if (failed) return <ErrorState title={failedTitle} error={toApiError(failed)} compact />;
  return <div ref={box} className="mc-widget__chart" role="img" aria-label={ariaLabel} data-testid="widget-chart" />;
}
