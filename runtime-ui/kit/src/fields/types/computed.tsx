import type { WidgetProps } from '@rjsf/utils';
import type { CellProps, FieldUi } from '../field-ui';
import { fieldUi, widgetField, widgetLocale } from '../field-ui';
import { numberTypes } from './number';
import { TextFilterInput } from './text';

// Values the engine computes: auto-number, formula (shown as its result type) and
// roll-up (a number). The form shows them read-only with the value the server answered.

/** A formula is displayed by the UI of its result type (asked of the registry, not compared). */
function FormulaCell(props: CellProps) {
  const resultType = (props.field as { resultType?: string }).resultType ?? 'text';
  const { Cell } = fieldUi({ type: resultType });
  return <Cell {...props} field={{ ...props.field, type: resultType } as CellProps['field']} />;
}

function computedWidget(Cell: FieldUi['Cell']) {
  return function ComputedWidget(props: WidgetProps) {
    return (
      <output id={props.id} className="mc-computed" aria-live="polite">
        <Cell field={widgetField(props)} value={props.value} record={{ id: '', _version: 0 }} locale={widgetLocale(props)} />
      </output>
    );
  };
}

function AutoNumberCell({ value }: CellProps) {
  return <span className="mc-cell-auto">{value === null || value === undefined ? '' : String(value)}</span>;
}

const RollupCell = numberTypes.decimal!.Cell;

/** The computed field types' UI, by type id. */
export const computedTypes: Record<string, FieldUi> = {
  auto_number: { Cell: AutoNumberCell, Widget: computedWidget(AutoNumberCell), FilterInput: TextFilterInput, computed: true },
  formula: { Cell: FormulaCell, Widget: computedWidget(FormulaCell), FilterInput: TextFilterInput, computed: true },
  rollup: {
    Cell: RollupCell,
    Widget: computedWidget(RollupCell),
    FilterInput: numberTypes.decimal!.FilterInput,
    computed: true,
    sum: numberTypes.decimal!.sum,
  },
};
