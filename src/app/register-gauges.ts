/** The register's figures that /metrics reports, read from the database at scrape time. */
export interface RegisterGauges {
  /** Undelivered notifications whose time has come. */
  outboxDue: number;
  /** Undelivered notifications held for later (working hours, reminders). */
  outboxScheduled: number;
  outboxOldestPendingSeconds: number;
  outboxFailed: number;
  openByStage: { stage: number; n: number }[];
  overdue: number;
}
