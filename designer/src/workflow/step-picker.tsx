import { Modal, Tag } from 'antd';
import { BranchesOutlined } from '@ant-design/icons';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { iconOf } from './flow-nodes';
import type { PaletteStep } from './workflow-api';
import { workflowMessages } from './workflow.messages';

/** What the admin picked: a step type, or a condition (a set-variables step with a first condition path). */
export type PickedStep = { type: string; control: PaletteStep['control']; condition?: boolean };

const GROUP_ORDER = ['records', 'flow', 'people', 'outside'];
/** The step type a condition is made of: it computes nothing until given values, and its branches choose the path. */
const CONDITION_STEP = 'set_variables';

/**
 * The step palette "+" opens: the registry's step types grouped (records, flow, people,
 * outside, then plugins' groups), each with its help and whether it reaches outside,
 * and a condition first under flow. Buttons, so arrows aside, Tab and Enter pick.
 */
export function StepPicker({
  steps,
  onPick,
  onClose,
}: {
  steps: PaletteStep[];
  onPick: (picked: PickedStep) => void;
  onClose: () => void;
}) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const placeable = steps.filter((s) => s.placeable);
  const groups = [...new Set([...GROUP_ORDER, ...placeable.map((s) => s.group)])].filter((g) => placeable.some((s) => s.group === g));
  const groupName = (g: string) =>
    ['records', 'flow', 'people', 'outside', 'time', 'manual', 'other'].includes(g) ? t(`group.${g}` as 'group.records') : g;
  return (
    <Modal open title={t('picker.title')} onCancel={onClose} footer={null} width={640} data-testid="step-picker">
      {groups.map((group) => (
        <section key={group} aria-labelledby={`picker-${group}`} className="dz-picker__group">
          <h3 className="dz-palette__group-title" id={`picker-${group}`}>
            {groupName(group)}
          </h3>
          <div className="dz-picker__items">
            {group === 'flow' && steps.some((s) => s.type === CONDITION_STEP) && (
              <button
                type="button"
                className="dz-picker__item"
                onClick={() => onPick({ type: CONDITION_STEP, control: null, condition: true })}
                data-testid="pick-condition"
              >
                <span className="dz-picker__icon" aria-hidden>
                  <BranchesOutlined />
                </span>
                <span className="dz-picker__text">
                  <strong>{t('picker.condition')}</strong>
                  <span>{t('picker.conditionHelp')}</span>
                </span>
              </button>
            )}
            {placeable
              .filter((s) => s.group === group)
              .map((s) => (
                <button
                  type="button"
                  key={s.type}
                  className="dz-picker__item"
                  onClick={() => onPick({ type: s.type, control: s.control })}
                  data-testid={`pick-${s.type}`}
                >
                  <span className="dz-picker__icon" aria-hidden>
                    {iconOf(s.icon)}
                  </span>
                  <span className="dz-picker__text">
                    <strong>{labelOf(s.label, locale, s.type)}</strong>
                    {s.description && <span>{labelOf(s.description, locale, '')}</span>}
                  </span>
                  {s.external && <Tag className="dz-status dz-status--waiting dz-picker__tag">{t('picker.outside')}</Tag>}
                </button>
              ))}
          </div>
        </section>
      ))}
    </Modal>
  );
}
