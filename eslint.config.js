import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Written before the print width below. They are being reworked on parallel
// branches, so reformatting them here would only make conflicts: each file
// gets reformatted when it is next reworked, and then leaves this list.
// Until then their long lines are warnings, not errors.
const WIDER_THAN_PRINT_WIDTH = [
  'src/domain/unlawful-grounds.ts',
  'src/adapters/log/log-chat-port.ts',
  'src/adapters/slack/blocks/home.ts',
  'src/adapters/slack/blocks/message.ts',
  'src/adapters/slack/blocks/modals.ts',
  'src/adapters/slack/blocks/stage-card.ts',
  'src/adapters/slack/chat-port.ts',
  'src/adapters/slack/context.ts',
  'src/adapters/slack/listeners/actions.ts',
  'src/adapters/slack/listeners/commands.ts',
  'src/adapters/slack/listeners/views.ts',
  'src/adapters/teams/bot.ts',
  'src/adapters/teams/cards.ts',
  'src/adapters/teams/case-spaces.ts',
  'src/adapters/teams/chat-port.ts',
  'src/adapters/teams/graph.ts',
  'src/adapters/teams/group-chat.ts',
  'src/adapters/teams/teams-app.ts',
  'src/app/dispatcher.ts',
  'src/app/logger.ts',
  'src/bot.ts',
  'src/cli/format.ts',
  'src/cli/s117.ts',
  'src/cli/schemas.ts',
  'src/config/directory.ts',
  'src/config/env.ts',
  'src/demo/build-demo.ts',
  'src/demo/main.ts',
  'src/demo/simulation.ts',
  'src/demo/stories.ts',
  'src/domain/alerts.ts',
  'src/domain/commands.ts',
  'src/domain/decide.ts',
  'src/domain/guards.ts',
  'src/domain/handlers/chc.ts',
  'src/domain/handlers/decisions.ts',
  'src/domain/handlers/person.ts',
  'src/domain/handlers/raise.ts',
  'src/domain/handlers/stage.ts',
  'src/domain/handlers/sweep.ts',
  'src/domain/letter.ts',
  'src/domain/participants.ts',
  'src/domain/resolution.ts',
  'src/domain/stage-ops.ts',
  'src/domain/stage-policy.ts',
  'src/domain/texts.ts',
  'src/domain/view.ts',
  'src/register/db.ts',
  'src/register/directory-sync.ts',
  'src/register/dispute-repo.ts',
  'src/register/migrate.ts',
  'src/reports/board-report.ts',
  'src/reports/charts.ts',
  'src/reports/register-export.ts',
  'src/scheduler/scheduler.ts',
  'src/web/assets.ts',
  'src/web/auth.ts',
  'src/web/pages.ts',
  'src/web/register-app.ts',
  'src/web/site-pages.ts',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/generated/', 'data/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { WebAssembly: 'readonly', fetch: 'readonly', process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The domain is pure: no platform, database or Node I/O (DESIGN.md).
    files: ['src/domain/**/*.ts', 'src/calendar/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'http', 'child_process'], message: 'domain/ and calendar/ stay free of Node I/O.' },
          { group: ['**/adapters/**', '**/register/**', '**/app/**', '**/generated/**', '@prisma/*', '@slack/*', 'botbuilder*', 'pg', '@electric-sql/*'], message: 'domain/ and calendar/ import nothing from adapters, the register or platforms.' },
        ],
      }],
    },
  },
  {
    // "Under about 300 lines" only means something with a print width: a file
    // cannot stay short by growing sideways. Imports, URLs and regular
    // expressions may run over; messages and code may not.
    files: ['src/**/*.ts'],
    rules: {
      'max-len': ['error', { code: 140, tabWidth: 2, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: '^\\s*(import|export)\\b.*\\bfrom\\s' }],
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  { files: WIDER_THAN_PRINT_WIDTH, rules: { 'max-len': 'warn' } },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.mjs', 'bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
