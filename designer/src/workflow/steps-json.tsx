import type { Workflow } from '@metacrm/metadata';
import { Button, Input, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '@metacrm/ui-kit';
import { workflowMessages } from './workflow.messages';

/** The steps and `start` as JSON, for a graph the canvas cannot draw: applied as one edit when it parses. */
export function StepsJson({ workflow, onApply }: { workflow: Workflow; onApply: (next: Workflow) => void }) {
  const t = useT(workflowMessages);
  const [text, setText] = useState(() => JSON.stringify({ start: workflow.start, steps: workflow.steps }, null, 2));
  const [bad, setBad] = useState(false);
  const apply = () => {
    try {
      const parsed = JSON.parse(text) as Pick<Workflow, 'start' | 'steps'>;
      setBad(false);
      onApply({ ...workflow, ...parsed });
    } catch {
      setBad(true);
    }
  };
  return (
    <div className="dz-steps-json">
      <label htmlFor="steps-json" className="dz-inspector__section">
        {t('json.title')}
      </label>
      <Input.TextArea
        id="steps-json"
        className="dz-mono"
        rows={18}
        value={text}
        onChange={(e) => setText(e.target.value)}
        status={bad ? 'error' : undefined}
      />
      {bad && <Typography.Text type="danger">{t('condition.badJson')}</Typography.Text>}
      <Button onClick={apply}>{t('json.apply')}</Button>
    </div>
  );
}
