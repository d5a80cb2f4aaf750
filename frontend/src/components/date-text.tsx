import { useFormat } from "../lib/use-format";

/** A date (YYYY-MM-DD) or an instant in the viewer's calendar, machine-readable in <time datetime>. */
export function DateText({ value, withTime = false }: { value: string | null | undefined; withTime?: boolean }) {
  const format = useFormat();
  if (!value) return null;
  return <time dateTime={value}>{value.length === 10 ? format.date(value) : withTime ? format.dateTime(value) : format.instantDate(value)}</time>;
}
