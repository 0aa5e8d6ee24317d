import type { Problem, Workflow } from '@metacrm/metadata';
import { useCallback, useEffect, useState } from 'react';
import { metaApi } from '../api/meta-api';
import type { SaveStatus } from '../common/use-draft-editor';

/**
 * The draft's problems, asked of the server (the one judge of a publish) whenever the
 * workflow's edits have been saved, so that each node shows what would stop a publish.
 */
export function useDraftProblems(workflow: Workflow, status: SaveStatus) {
  const [problems, setProblems] = useState<Problem[] | undefined>();
  const [checking, setChecking] = useState(false);
  const check = useCallback(async () => {
    setChecking(true);
    try {
      setProblems((await metaApi.validate()).problems);
    } finally {
      setChecking(false);
    }
  }, []);
  useEffect(() => {
    if (status === 'saved') void check();
  }, [status, workflow.key, check]);
  return { problems, checking, check };
}
