import { Alert, Button } from 'antd';
import { api, clearPreviewRole, defineMessages, useSession, useT } from '@metacrm/ui-kit';

const previewMessages = defineMessages(
  {
    title: 'Preview as the role "{role}"',
    description: 'You see what a holder of this role sees, with your own records and department. Nothing can be changed in a preview.',
    end: 'End preview',
  },
  {
    title: '以角色“{role}”预览',
    description: '您看到的是持有该角色的用户所见的内容（以您自己的记录和部门为准）。预览中无法做任何修改。',
    end: '结束预览',
  },
);

/**
 * The banner a role preview keeps on every page: which role (as the server confirms it,
 * `previewRole` of /api/auth/me), that it is read-only, and a way out.
 */
export function PreviewBanner() {
  const t = useT(previewMessages);
  const session = useSession();
  if (api.previewRole === undefined) return null;
  const confirmed = session?.state.status === 'signed-in' ? session.state.me.previewRole : undefined;
  const end = () => {
    clearPreviewRole();
    api.setPreviewRole(undefined);
    window.location.reload();
  };
  return (
    <Alert
      type="warning"
      showIcon
      banner
      role="status"
      className="mc-preview-banner"
      data-testid="preview-banner"
      message={t('title', { role: confirmed ?? api.previewRole })}
      description={t('description')}
      action={
        <Button size="small" onClick={end} data-testid="preview-end">
          {t('end')}
        </Button>
      }
    />
  );
}
