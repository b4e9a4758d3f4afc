import { absolutePaths } from '../../src/cli/through-bot.ts';
import { packNotice } from '../../src/app/interactions/interactions.ts';
import { stageMark } from '../../src/domain/overdue.ts';
import { drawable } from '../../src/reports/pdf/document.ts';
import { letterFileName, packFileName } from '../../src/reports/referral-pack.ts';

describe('documents out of the register: the pieces', () => {
  it('[R9.1] one reading of a stage\'s timescale: met, missed, escalated (never met), or still open', () => {
    expect(stageMark({ met: true, endedAt: '2026-12-08T10:00:00Z', endReason: 'RESOLVED' })).toBe('met');
    expect(stageMark({ met: false, endedAt: '2026-12-08T10:00:00Z', endReason: 'MANUAL' })).toBe('missed');
    expect(stageMark({ met: null, endedAt: '2026-12-08T10:00:00Z', endReason: 'MANUAL' })).toBe('escalated');
    expect(stageMark({ met: null, endedAt: '2026-12-08T10:00:00Z', endReason: 'JOINT_DECISION' })).toBe('escalated');
    expect(stageMark({ met: null, endedAt: null, endReason: null })).toBeNull();
  });

  it('[R11.2] file names carry the dispute reference only', () => {
    expect(packFileName('S117-2026-0042', 'pdf')).toBe('S117-2026-0042-stage-4-referral-pack.pdf');
    expect(packFileName('S117-2026-0042/../../x', 'zip')).toBe('S117-2026-0042x-stage-4-referral-pack.zip');
    expect(letterFileName('S117-2026-0042', 3)).toBe('S117-2026-0042-letter-3.pdf');
  });

  it('[R5.7] the card\'s answer links to the register when PUBLIC_URL is set, and says where it is when not', () => {
    expect(packNotice('S117-2026-0042', 'https://s117.example.nhs.uk')).toMatch(/https:\/\/s117\.example\.nhs\.uk\/register\/dispute\/S117-2026-0042\/pack\.pdf/);
    expect(packNotice('S117-2026-0042', null)).toMatch(/PUBLIC_URL is not set.*s117 dispute pack S117-2026-0042 FILE\.pdf/);
  });

  it('a pack or letter file named on the command line is written where the user meant, when the running bot writes it', () => {
    expect(absolutePaths(['dispute', 'pack', 'S117-2026-0042', 'out/pack.zip'], '/home/me')).toEqual(['dispute', 'pack', 'S117-2026-0042', '/home/me/out/pack.zip']);
    expect(absolutePaths(['dispute', 'letter', 'S117-2026-0042', '2', 'l.pdf'], '/home/me')).toEqual(['dispute', 'letter', 'S117-2026-0042', '2', '/home/me/l.pdf']);
    expect(absolutePaths(['dispute', 'show', 'S117-2026-0042'], '/home/me')).toEqual(['dispute', 'show', 'S117-2026-0042']);
  });

  it('the PDF text keeps what the standard fonts can draw and visibly replaces the rest', () => {
    expect(drawable('Zoë’s care — “plain” €5\tok')).toBe('Zoë’s care — “plain” €5  ok');
    expect(drawable('a\u0007b\r\nc')).toBe('ab\nc');
    expect(drawable('日本 🙂')).toBe('?? ?');
  });
});
