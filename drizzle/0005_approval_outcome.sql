ALTER TABLE "approvals" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "artifact_hash" text;