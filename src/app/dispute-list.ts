/** One line of the register's list: the columns the page shows, not the whole dispute. */
export interface ListRow {
  id: string; reference: string; status: string; stage: number; subjects: string[]; cohort: string; setting: string;
  raisedAt: Date; resolvedAt: Date | null; outcome: string | null; overdue: boolean; parties: string[] | null; flags: string[] | null;
  themes: string[] | null; dueAt: Date | null;
  /** The lowest-numbered decision still waiting for confirmation, if any. */
  pendingDecision: number | null;
}

export const LIST_SORTS = ['reference', 'raised', 'stage', 'status', 'due'] as const;
export const LIST_PAGE_SIZE = 100;

/** Already validated: every field is a value the register knows. */
export interface ListFilter {
  raisedFrom?: Date;
  raisedBefore?: Date;
  organisationId?: string;
  subject?: string;
  stage?: number;
  /** OVERDUE: open and past the current stage's deadline at `now`, or marked overdue. */
  status?: 'OPEN' | 'RESOLVED' | 'OVERDUE';
  flag?: string;
  /** Only disputes this person takes part in (a viewer who does not see every dispute). */
  participantId?: string;
  /** With participantId: the person's organisation now, which must still be a party for them to take part. */
  participantOrganisationId?: string;
  /** With participantId: also every dispute this organisation is or was a party to (a senior officer's view). */
  orPartyOrganisationId?: string;
  /** A chosen column sorts ascending unless `desc`; without one, newest first. */
  sort?: (typeof LIST_SORTS)[number];
  desc?: boolean;
  /** From 1. */
  page: number;
  now: Date;
}

/** The register's filtered, sorted list, as one query so it stays fast on a large register. */
export interface DisputeList {
  list(filter: ListFilter): Promise<{ total: number; rows: ListRow[] }>;
}
