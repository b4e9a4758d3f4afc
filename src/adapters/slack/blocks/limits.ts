// Block Kit limits (api.slack.com/reference/block-kit): views and messages
// built here stay within them; tests validate every outgoing view against
// zod schemas of the same numbers.
export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  actionsElements: 25,
  optionText: 75,
  options: 100,
  modalTitle: 24,
  modalSubmit: 24,
  inputLabel: 2000,
  plainTextInitial: 3000,
  privateMetadata: 3000,
  actionValue: 2000,
  fallbackText: 4000,
} as const;
