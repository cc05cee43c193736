import { addDays } from '../../../shared/domain/common';

/** Monday-first weeks covering a month, as local dates (null outside the month). */
export function monthWeeks(month: string): Array<Array<string | null>> {
  const first = `${month}-01`;
  const dow = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
  const weeks: Array<Array<string | null>> = [];
  let week: Array<string | null> = new Array<string | null>(dow).fill(null);
  for (let d = first; d.startsWith(month); d = addDays(d, 1)) {
    week.push(d);
    if (week.length === 7) {
      weeks.push(week);
      week = [];
    }
  }
  if (week.length) weeks.push([...week, ...new Array<string | null>(7 - week.length).fill(null)]);
  return weeks;
}
