import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../src/adapters/slack/scopes.ts';

// Which bot scope each Web API method the bot calls needs (private case
// channels are "groups" in scope names). Views need no scope.
const SCOPE: Record<string, string | null> = {
  'conversations.create': 'groups:write', 'conversations.setPurpose': 'groups:write', 'conversations.invite': 'groups:write', 'conversations.kick': 'groups:write',
  'conversations.list': 'groups:read', 'conversations.join': 'channels:join', 'auth.test': null, 'auth.revoke': null, 'conversations.history': 'groups:history', 'conversations.open': 'im:write',
  'chat.postMessage': 'chat:write', 'chat.update': 'chat:write', 'chat.postEphemeral': 'chat:write', 'pins.add': 'pins:write',
  'views.open': null, 'views.publish': null, 'files.uploadV2': 'files:write',
  // Slack Connect (Slack's reference: the bot token scope of conversations.inviteShared).
  'conversations.inviteShared': 'conversations.connect:write',
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the Slack app manifest', () => {
  const manifest = parse(fs.readFileSync('manifests/slack/manifest.yaml', 'utf8'));
  const called = new Set<string>();
  for (const f of files('src/adapters/slack')) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/client\.(\w+)\.(\w+)\(/g)) called.add(`${m[1]}.${m[2]}`);
  }

  it('asks for exactly the bot scopes the code uses, no more', () => {
    for (const method of called) expect(Object.keys(SCOPE)).toContain(method);
    const needed = new Set([...called].map((m) => SCOPE[m]).filter((s): s is string => Boolean(s)));
    needed.add('commands'); // the slash command and the message shortcut
    needed.add('im:history'); // looking for an already-sent direct message on a retry (conversations.history in a DM)
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('declares the command, the shortcut, interactivity, App Home and the events the listeners handle', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/s117']);
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ type: 'message', callback_id: 's117_record_decision' })]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened', 'app_uninstalled', 'tokens_revoked',
      'shared_channel_invite_accepted', 'shared_channel_invite_approved', 'shared_channel_invite_declined']);
    const listeners = files('src/adapters/slack/listeners').map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(listeners).toContain("app.shortcut<MessageShortcut>('s117_record_decision'");
    expect(listeners).toContain("app.event('app_home_opened'");
    expect(listeners).toContain("app.command('/s117'");
    const adapter = fs.readFileSync('src/adapters/slack/adapter.ts', 'utf8');
    expect(adapter).toContain("app.event('app_uninstalled'");
    expect(adapter).toContain("app.event('tokens_revoked'");
    for (const e of ['accepted', 'approved', 'declined']) expect(adapter).toContain(`app.event('shared_channel_invite_${e}'`);
  });

  it('asks a workspace installing through the install link for the same scopes, and lists the redirect page', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://s117.example.nhs.uk/slack/oauth_redirect']);
  });
});
