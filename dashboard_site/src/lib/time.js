// Timestamps arrive as ISO-8601 UTC; merchants read them in their own time zone.

const dateTimeFormat = new Intl.DateTimeFormat('en-IN', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export function formatDateTime(iso) {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '-';
  return dateTimeFormat.format(date);
}

/** "in 12 s", "in 5 min", "in 2 h", "due now"; "-" when nothing is scheduled. */
export function formatCountdown(iso, now = Date.now()) {
  if (!iso) return '-';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '-';
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return 'due now';
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}
