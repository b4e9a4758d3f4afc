import { RegisterIdentityBindings } from '../../src/register/identity-bindings.ts';
import { DATABASES, testApp, type TestApp } from '../helpers/app.ts';

describe.each(DATABASES)('sign-in identity bindings (%s)', (_name, setup) => {
  let app: TestApp;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const db = await setup();
    cleanup = db.cleanup;
    app = await testApp(db.databaseUrl ? { databaseUrl: db.databaseUrl } : {});
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('records the first binding, and refuses a second subject for the person or a second person for the identity', async () => {
    const store = new RegisterIdentityBindings(app.db);
    const now = new Date('2026-12-07T10:00:00Z');
    const iss = 'https://login.example.org';
    expect(await store.personFor(iss, 'sub-1')).toBeNull();
    expect(await store.bind(iss, 'sub-1', 'pat-lee', now)).toBe(true);
    expect(await store.personFor(iss, 'sub-1')).toBe('pat-lee');
    expect(await store.subjectFor('pat-lee', iss)).toBe('sub-1');
    expect(await store.bind(iss, 'sub-2', 'pat-lee', now)).toBe(false);
    expect(await store.bind(iss, 'sub-1', 'ali-khan', now)).toBe(false);
    // Another issuer is another identity.
    expect(await store.bind('https://login.other.example', 'sub-1', 'pat-lee', now)).toBe(true);
    expect(await app.db.prisma.identityBinding.count()).toBe(2);
  });

  it('racing first sign-ins for one person: exactly one is recorded', async () => {
    const store = new RegisterIdentityBindings(app.db);
    const now = new Date('2026-12-07T10:00:00Z');
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((s) => store.bind('https://race.example', s, 'gus-hart', now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await app.db.prisma.identityBinding.count({ where: { personId: 'gus-hart', issuer: 'https://race.example' } })).toBe(1);
  });
});
