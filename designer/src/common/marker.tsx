import { Tag } from 'antd';
import { useT } from '@metacrm/ui-kit';
import { designerMessages } from '../designer.messages';

/** The draft marker of an item or field changed since the last publish. */
export function DraftMarker({ change }: { change: 'added' | 'changed' | 'removed' | undefined }) {
  const t = useT(designerMessages);
  if (!change) return null;
  return (
    <Tag className={`dz-marker dz-marker--${change}`} data-testid={`marker-${change}`}>
      {t(`marker.${change}`)}
    </Tag>
  );
}
