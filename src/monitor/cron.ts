/**
 * Cron expressions as Bosun accepts them: five fields (minute hour day-of-month month day-of-week) or one of
 * @hourly, @daily, @weekly, @monthly, @yearly — the subset that Temporal Schedules and classic cron agree on.
 * The shape is checked here; the values (ranges, steps, month and weekday names) by croner, so a spec such as
 * "99 99 99 99 99" is refused when it is submitted instead of failing the monitor stage after deploy.
 */
import { Cron } from 'croner';

export const CRON_EXPECTED = 'expected a 5-field cron expression such as "0 * * * *" (hourly), "30 2 * * 1-5" (02:30 on weekdays) or @daily';

const NICKNAMES = new Set(['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually']);
const FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'];
// Numbers, *, ?, ranges, steps, lists and three-letter names. croner also knows L, W and # (last day, nearest
// weekday, nth weekday), which Temporal does not: refusing them here keeps "valid" meaning "will run".
const ATOM = '(?:[0-9]+|\\*|\\?|[A-Za-z]{3})';
const FIELD_RE = new RegExp(`^${ATOM}(?:-${ATOM})?(?:/[0-9]+)?(?:,${ATOM}(?:-${ATOM})?(?:/[0-9]+)?)*$`);

/** Why the expression is not a cron Bosun can schedule, or null when it is fine. */
export function cronProblem(expr: string): string | null {
  const text = expr.trim();
  if (text.startsWith('@')) {
    return NICKNAMES.has(text.toLowerCase()) ? null : `"${expr}" is not a cron nickname; use @hourly, @daily, @weekly, @monthly or @yearly`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    return `"${expr}" has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5 (minute hour day-of-month month day-of-week)`;
  }
  const bad = fields.findIndex((f) => !FIELD_RE.test(f));
  if (bad >= 0) return `"${expr}": the ${FIELDS[bad]} field "${fields[bad]}" is not valid cron syntax`;
  let job: Cron | undefined;
  try {
    job = new Cron(text, { paused: true });
    // A date that never comes (31 February) parses but would never run.
    if (!job.nextRun()) return `"${expr}" never fires (no date matches it)`;
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern:\s*/, '');
    return `"${expr}": ${why.charAt(0).toLowerCase()}${why.slice(1)}`;
  } finally {
    job?.stop();
  }
  return null;
}

/** The message a person reads, naming the field that holds the expression and an example that works. */
export function cronMessage(expr: string, field: string): string | null {
  const problem = cronProblem(expr);
  return problem && `${field}: ${CRON_EXPECTED}; ${problem}`;
}
