/** One choice of a filter form: a labelled select whose first option means "no filter" (anyLabel; omit it when a value is always chosen, as for a sort). */
export function FilterSelect({
  label, name, value, anyLabel, options, testId, className, labelClassName, selectClassName,
}: {
  label: string;
  name: string;
  value: string | undefined;
  anyLabel?: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  testId: string;
  /** The label element's classes (it wraps the text and the select). */
  className: string;
  /** When given, the text goes in a span of these classes. */
  labelClassName?: string;
  selectClassName: string;
}) {
  return (
    <label className={className}>
      {labelClassName ? <span className={labelClassName}>{label}</span> : label}
      <select name={name} defaultValue={value ?? ""} className={selectClassName} data-testid={testId}>
        {anyLabel !== undefined ? <option value="">{anyLabel}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
