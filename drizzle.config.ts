import { defineConfig } from 'drizzle-kit';

// Migrations are generated from the schema and checked in; Bosun applies them itself at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
