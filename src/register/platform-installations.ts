import type { InstallationStore, PlatformInstallationRecord } from '../app/platform.ts';
import type { Database } from './db.ts';
import { installationLabel } from './identifier-rows.ts';
import { IdentifierKeyError, openSecret, sealSecret } from './identifiers.ts';

/** Installs under way at once (ten minutes each) beyond which the install page asks people to wait. */
const MAX_LIVE_STATES = 500;

/**
 * Platform installations in the register (PlatformInstallation): the token
 * sealed under the identifier key, bound to its platform and workspace, so a
 * copy of the database acts as nobody's bot. Install states are kept as
 * hashes and taken once, by a delete that only one replica can win.
 */
export class RegisterInstallations implements InstallationStore {
  constructor(private readonly db: Database) {}

  private keys() {
    if (!this.db.identifiers) throw new IdentifierKeyError('The identifier keys are not loaded (see boot.ts).');
    return this.db.identifiers;
  }

  async list(platform: string): Promise<PlatformInstallationRecord[]> {
    const rows = await this.db.prisma.platformInstallation.findMany({ where: { platform }, orderBy: { installedAt: 'asc' } });
    return rows.map((r) => ({
      platform: r.platform, space: r.space, name: r.name, installedBy: r.installedBy, installedAt: r.installedAt,
      detail: (r.detail ?? {}) as Record<string, string | null>,
      secret: openSecret(this.keys(), installationLabel(r.platform, r.space), r.secretCipher),
    }));
  }

  async save(r: PlatformInstallationRecord, now: Date): Promise<void> {
    const data = {
      name: r.name, detail: r.detail, installedBy: r.installedBy, installedAt: r.installedAt, updatedAt: now,
      secretCipher: sealSecret(this.keys(), installationLabel(r.platform, r.space), r.secret),
    };
    await this.db.prisma.platformInstallation.upsert({
      where: { platform_space: { platform: r.platform, space: r.space } },
      create: { platform: r.platform, space: r.space, ...data }, update: data,
    });
  }

  async remove(platform: string, space: string): Promise<boolean> {
    const r = await this.db.prisma.platformInstallation.deleteMany({ where: { platform, space } });
    return r.count > 0;
  }

  async putState(platform: string, hash: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.db.prisma.installState.deleteMany({ where: { expiresAt: { lt: now } } });
    // The install page needs no sign-in: someone reloading it in a loop fills no table.
    if ((await this.db.prisma.installState.count({ where: { platform } })) >= MAX_LIVE_STATES) return false;
    await this.db.prisma.installState.create({ data: { hash, platform, expiresAt } });
    return true;
  }

  async takeState(platform: string, hash: string, now: Date): Promise<boolean> {
    const r = await this.db.prisma.installState.deleteMany({ where: { hash, platform, expiresAt: { gt: now } } });
    return r.count === 1;
  }
}
