import type { ChcStatus, Cohort, DecisionOutcome, EndingReason, ExternalRouteKey, FlagCode, LearningArea, PartyRole, PersonStepKey, Role, Setting, Subject } from './types.ts';

// Plain-language labels. Chat adapters escape everything they render, so
// these are plain text with no markup.
export const SUBJECT_TEXT: Record<Subject, string> = {
  ELIGIBILITY: 'Eligibility for Section 117 aftercare',
  SCOPE: 'Scope of aftercare services',
  FUNDING: 'Funding responsibility (health and social care contributions)',
  ACCOMMODATION: 'Accommodation and "accommodation-plus"',
  TRANSPORT_MEDICATION_ACCESS: 'Transport, medication or access arrangements',
  CHC_INTERFACE: 'Interface with NHS Continuing Healthcare (CHC)',
  CARE_ACT_INTERFACE: 'Interface with the Care Act 2014',
  CHILDRENS_SERVICES_INTERFACE: "Interface with children's services legislation",
  ORDINARY_RESIDENCE: 'Ordinary residence and cross-boundary responsibility',
  REDUCING_AFTERCARE: 'Proposal to reduce Section 117 aftercare',
  ENDING_AFTERCARE: 'Proposal to end Section 117 aftercare',
};
export const COHORT_TEXT: Record<Cohort, string> = { ADULT: 'Adult', CHILD_YOUNG_PERSON: 'Child or young person' };
export const SETTING_TEXT: Record<Setting, string> = { COMMUNITY: 'Community', HOSPITAL: 'Hospital', PRISON: 'Prison', OTHER_SECURE: 'Other secure setting' };
export const PARTY_ROLE_TEXT: Record<PartyRole, string> = { RAISING: 'raising the dispute', RESPONDING: 'responding', INTERESTED: 'interested party' };
export const PERSON_STEP_TEXT: Record<PersonStepKey, string> = {
  INFORMED: 'Person (and representative) told that a dispute has arisen',
  REASSURED: 'Person reassured that their care will continue',
  EXPLAINED: 'Decision and outcome explained to the person',
  ADVOCACY_OFFERED: 'Advocacy offered where appropriate',
};
export const OUTCOME_TEXT: Record<DecisionOutcome, string> = {
  AGREEMENT: 'Agreement reached',
  DECISION: 'Decision agreed',
  ESCALATE: 'Escalate to the next stage',
  WRITTEN_DECISION: 'Written decision',
  END_AFTERCARE: 'End Section 117 aftercare',
};
export const ROUTE_TEXT: Record<ExternalRouteKey, string> = {
  NHS_ENGLAND: 'NHS England (ICB-related disputes)',
  DHSC: 'Department of Health and Social Care (cross-system disputes)',
  LEGAL: 'Formal legal advice or pre-action correspondence (last resort)',
};
export const CHC_TEXT: Record<ChcStatus, string> = {
  NOT_REFERRED: 'not referred yet', REFERRED: 'referred', ASSESSMENT: 'being assessed', ELIGIBLE: 'eligible for CHC', NOT_ELIGIBLE: 'not eligible for CHC',
};
export const ENDING_REASON_TEXT: Record<EndingReason, string> = {
  NEEDS_MET: 'Assessed needs no longer call for Section 117 aftercare',
  SERVICE_REDUCTION: 'Service reductions',
  COMMISSIONING_CHANGE: 'Commissioning changes',
  OTHER: 'Other reason (explained in the summary)',
};
export const FLAG_TEXT: Record<FlagCode, string> = {
  UNLAWFUL_GROUND: 'Cites a ground that is not lawful for delaying or withholding aftercare',
  CONTINUITY_ALERT: 'Care reported delayed, reduced or withdrawn',
  STAGE_OVERDUE: 'A stage passed its deadline',
  ENDING_WITHOUT_JOINT_ASSESSMENT: 'Ending proposed without a joint assessment',
  PERSON_NOT_INFORMED: 'The person has not been kept informed',
  PARTICIPANT_GAP: 'A party organisation has nobody at this stage',
};
export const ROLE_TEXT: Record<Role, string> = {
  CARE_COORDINATOR: 'care coordinator', SOCIAL_WORKER: 'social worker', HEALTH_PROFESSIONAL: 'health professional',
  OPERATIONAL_LEAD: 'operational lead', TEAM_MANAGER: 'team manager', SERVICE_MANAGER: 'service manager',
  MH_SERVICE_LEAD: 'mental health service lead', SENIOR_OFFICER: 'senior officer', LEGAL_ADVISOR: 'legal advisor',
  GOVERNANCE_LEAD: 'governance lead', ADMIN: 'administrator',
};

/** "team manager, service manager or senior officer". */
export function rolesText(roles: Role[]): string {
  const words = roles.map((r) => ROLE_TEXT[r]);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}` : words[0]!;
}

export const LEARNING_AREA_TEXT: Record<LearningArea, string> = {
  WORKFORCE_TRAINING: 'Workforce training', POLICY_REVISION: 'Policy revision', COMMISSIONING: 'Commissioning decisions', QUALITY_IMPROVEMENT: 'Quality improvement',
};

export const CONTINUITY_REMINDER = 'Care and support must continue while this dispute is resolved. It must not be delayed, reduced or withdrawn.';
export const UNLAWFUL_GROUND_NOTICE = 'These are not lawful grounds for delaying or withholding Section 117 aftercare (protocol section 4):';
