CREATE TABLE "reviewer_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"reviewer" text NOT NULL,
	"public_key" text NOT NULL,
	"added_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "reviewer_keys_public_key_idx" ON "reviewer_keys" USING btree ("public_key");--> statement-breakpoint
CREATE INDEX "reviewer_keys_reviewer_idx" ON "reviewer_keys" USING btree ("reviewer");