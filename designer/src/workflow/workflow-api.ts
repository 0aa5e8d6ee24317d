import type { JsonSchema } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { api } from '@metacrm/ui-kit';
import type { I18nText } from '../common/labels';

// The workflow routes the designer calls beyond the metadata API (README "Workflows"):
// the palette, the dry run of the draft, and the runs with their retry.

/** A step or trigger type as GET /api/meta/workflow-palette describes it. */
export interface PaletteEntry {
  type: string;
  label: I18nText;
  description: I18nText | null;
  group: string;
  icon: string;
  configSchema: JsonSchema;
}

export interface PaletteStep extends PaletteEntry {
  external: boolean;
  sideEffect: boolean;
  control: 'parallel' | 'join' | 'loop' | null;
  placeable: boolean;
}

export interface Palette {
  steps: PaletteStep[];
  triggers: PaletteEntry[];
}

/** What a dry run says each step did (or would do: a side effect answers its plan). */
export interface DryRunStep {
  step: string;
  type: string;
  status: 'completed' | 'failed' | 'retrying' | 'waiting' | 'skipped';
  output?: unknown;
  error?: { code: string; message: string; problems?: unknown[] };
}

export interface DryRun {
  status: 'skipped' | 'completed' | 'waiting' | 'failed';
  condition: boolean | null;
  failure: { step: string | null; code: string; message: string } | null;
  steps: DryRunStep[];
  vars: Record<string, unknown>;
}

export type RunStatus = 'queued' | 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
export const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'];

export interface RunSummary {
  id: string;
  workflow: string;
  metadataVersion: number;
  status: RunStatus;
  trigger: { type: string; entity: string | null; recordId: string | null; actor: { id: string; name: string } };
  failure: { step: string | null; code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface RunLogEntry {
  step: string;
  path: string;
  type: string;
  attempt: number;
  status: DryRunStep['status'];
  startedAt: string;
  finishedAt: string;
  input?: unknown;
  output?: unknown;
  error?: { code: string; message: string; problems?: unknown[] };
}

export interface RunDetail extends RunSummary {
  scope: Record<string, unknown>;
  log: RunLogEntry[];
}

const key = (k: string) => encodeURIComponent(k);

/** The workflow routes the designer calls. */
export const workflowApi = {
  palette: () => api.get<Palette>('/api/meta/workflow-palette'),
  /** The draft's workflow over a sample record (`?draft=true`): nothing is written or sent. */
  dryRun: (
    workflow: string,
    body: { record: Record<string, unknown> | null; old?: Record<string, unknown> | null; skipCondition?: boolean },
  ) => api.post<DryRun>(`/api/workflows/${key(workflow)}/dry-run?draft=true`, body, { timeoutMs: 60_000 }),
  runs: (query: { workflow: string; status?: RunStatus | undefined; before?: string | undefined }) => {
    const params = new URLSearchParams({ workflow: query.workflow, limit: '20' });
    if (query.status) params.set('status', query.status);
    if (query.before) params.set('before', query.before);
    return api.get<{ runs: RunSummary[]; next: string | null }>(`/api/workflows/runs?${params.toString()}`);
  },
  run: (id: string) => api.get<RunDetail>(`/api/workflows/runs/${key(id)}`),
  retry: (id: string) => api.post<RunDetail>(`/api/workflows/runs/${key(id)}/retry`),
};

/** The palette changes only when the platform restarts with other plugins: loaded once per visit. */
export const usePalette = () => useQuery({ queryKey: ['workflow-palette'], queryFn: workflowApi.palette, staleTime: Infinity });
