CREATE TABLE "audit_heads" (
	"model_name" text PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL,
	"hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"model_version" integer,
	"run_id" text,
	"key" text,
	"detail" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployments" ADD COLUMN "failed_verification" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_model_seq_idx" ON "audit_log" USING btree ("model_name","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_model_key_idx" ON "audit_log" USING btree ("model_name","key");--> statement-breakpoint
-- Hand-written below: the audit is append-only like the approvals (bosun_forbid_change comes from 0001).
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION bosun_forbid_change();
--> statement-breakpoint
-- Deployments recorded before this column existed: the deploy stage wrote these reasons for a failed
-- verification (canary/shadow: "… failed verification: …", direct: "automatic rollback of vN: …").
UPDATE deployments SET failed_verification = true
  WHERE status = 'rolled_back' AND (reason LIKE '%failed verification%' OR reason LIKE 'automatic rollback of %');
