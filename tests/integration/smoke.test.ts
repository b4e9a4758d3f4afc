import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
test('prisma on pglite', async () => {
  const pg = new PGlite('memory://');
  await pg.exec('create table "Organisation" (id text primary key, name text not null, kind text not null, "updatedAt" timestamp(3) not null)');
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pg) });
  const n = await prisma.$queryRaw`select 1 as one`;
  expect(n).toEqual([{ one: 1 }]);
});
