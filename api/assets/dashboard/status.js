// What the dashboard knows about gap statuses: colours (in dashboard.css, by class), a letter so
// that no status is told by colour alone, and words for the legend.

export const STATUSES = [
  { status: 'CONTRADICTED', letter: 'C', label: 'Contradicted: committed, and practice since contradicts it' },
  { status: 'PARTIAL', letter: 'P', label: 'Partial: committed, and practice partly contradicts it' },
  { status: 'IMPLEMENTED', letter: 'I', label: 'Implemented: committed, and practice (or a body\'s finding) supports it' },
  { status: 'LAW_OR_POLICY_ONLY', letter: 'L', label: 'Law or policy only: committed, supported by a text adopted, no practice documented' },
  { status: 'UNVERIFIED', letter: 'U', label: 'Unverified: committed, no assessed practice either way' },
  { status: 'NOT_COMMITTED', letter: '', label: 'Not committed at the date' },
];

const BY_STATUS = new Map(STATUSES.map((s) => [s.status, s]));

/** The letter shown in a cell for `status`. */
export function letterOf(status) {
  const s = BY_STATUS.get(status);
  return s ? s.letter : '?';
}

/** A short label for `status` (the part before the colon of the legend's label). */
export function nameOf(status) {
  const s = BY_STATUS.get(status);
  return s ? s.label.split(':')[0] : status;
}

/** The CSS class that colours `status`. */
export function classOf(status) {
  return 'status-' + String(status).toLowerCase().replace(/_/g, '-');
}
