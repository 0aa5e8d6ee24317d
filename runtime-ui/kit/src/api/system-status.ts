import { api } from './api-client';
import { usePolling, type PollState } from './polling';

// The shape of GET /api/system/status (server/src/http/system.routes.ts).

export interface DependencyHealth {
  ok: boolean;
  /** When the state last changed (ISO time); the database check does not report it. */
  since?: string;
  latencyMs?: number;
  error?: string;
}

/** Job counts of one BullMQ queue by state. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface SystemStatus {
  version: string;
  role: string;
  startedAt: string;
  uptimeSeconds: number;
  database: DependencyHealth;
  redis: DependencyHealth;
  queues: Record<string, QueueCounts>;
}

/** How often the status views poll. */
export const STATUS_REFRESH_MS = 5_000;

export function fetchSystemStatus(signal: AbortSignal): Promise<SystemStatus> {
  return api.get<SystemStatus>('/api/system/status', { signal, timeoutMs: 4_000 });
}

/** The platform status, polled every {@link STATUS_REFRESH_MS}. */
export function useSystemStatus(): PollState<SystemStatus> {
  return usePolling(fetchSystemStatus, STATUS_REFRESH_MS);
}

/** Jobs that are queued but not finished: what "queue depth" means here. */
export function queueDepth(counts: QueueCounts): number {
  return counts.waiting + counts.active + counts.delayed;
}
