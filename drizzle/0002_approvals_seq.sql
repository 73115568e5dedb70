DROP INDEX "approvals_run_idx";--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "seq" integer NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_run_seq_idx" ON "approvals" USING btree ("run_id","seq");