// ECharts, imported per chart type and loaded on demand (a dynamic import of this
// module), so it never enters the first-load bundle. The canvas renderer sets styles
// through the CSSOM only, which the CSP (`style-src 'self'`) allows.
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, PieChart, FunnelChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { init };
