CREATE TYPE "public"."approval_decision" AS ENUM('approve', 'reject', 'timeout', 'auto');--> statement-breakpoint
CREATE TYPE "public"."model_alias" AS ENUM('production', 'staging');--> statement-breakpoint
CREATE TYPE "public"."model_status" AS ENUM('candidate', 'production', 'staging', 'archived', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('running', 'awaiting_approval', 'deploying', 'succeeded', 'failed', 'rejected', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."step_status" AS ENUM('running', 'succeeded', 'failed', 'cached');--> statement-breakpoint
CREATE TABLE "approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"model_version" text,
	"decision" "approval_decision" NOT NULL,
	"reviewer" text NOT NULL,
	"comment" text,
	"accepted" boolean NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "artifacts" (
	"hash" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"media_type" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dataset_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"dataset_id" integer NOT NULL,
	"content_hash" text NOT NULL,
	"table_hash" text NOT NULL,
	"rows" integer NOT NULL,
	"schema" jsonb NOT NULL,
	"statistics" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_source_unique" UNIQUE("source")
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"version_id" integer NOT NULL,
	"run_id" text,
	"strategy" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "drift_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"model_version" integer NOT NULL,
	"check_id" text NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"sample_size" integer NOT NULL,
	"drifted" boolean NOT NULL,
	"report" jsonb NOT NULL,
	"report_hash" text,
	"retrain_run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drift_reports_check_id_unique" UNIQUE("check_id")
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"model_version_id" integer NOT NULL,
	"champion_version_id" integer,
	"metrics" jsonb NOT NULL,
	"champion_metrics" jsonb,
	"blessed" boolean NOT NULL,
	"reasons" jsonb NOT NULL,
	"report_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluations_run_id_unique" UNIQUE("run_id")
);
--> statement-breakpoint
CREATE TABLE "feature_sets" (
	"id" serial PRIMARY KEY NOT NULL,
	"dataset_version_id" integer NOT NULL,
	"spec_hash" text NOT NULL,
	"fitted_hash" text NOT NULL,
	"train_hash" text NOT NULL,
	"test_hash" text NOT NULL,
	"feature_names" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "labels" (
	"request_id" text PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"label" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lineage_edges" (
	"from_kind" text NOT NULL,
	"from_id" text NOT NULL,
	"to_kind" text NOT NULL,
	"to_id" text NOT NULL,
	"relation" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lineage_edges_from_kind_from_id_to_kind_to_id_relation_pk" PRIMARY KEY("from_kind","from_id","to_kind","to_id","relation")
);
--> statement-breakpoint
CREATE TABLE "model_aliases" (
	"model_name" text NOT NULL,
	"alias" "model_alias" NOT NULL,
	"version_id" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_aliases_model_name_alias_pk" PRIMARY KEY("model_name","alias")
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"version" integer NOT NULL,
	"run_id" text NOT NULL,
	"feature_set_id" integer,
	"algorithm" text NOT NULL,
	"params" jsonb NOT NULL,
	"seed" integer NOT NULL,
	"artifact_hash" text NOT NULL,
	"profile_hash" text,
	"metrics" jsonb,
	"status" "model_status" DEFAULT 'candidate' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipelines" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"latest_spec_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pipelines_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "prediction_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model_name" text NOT NULL,
	"model_version" integer NOT NULL,
	"request_id" text NOT NULL,
	"features" jsonb NOT NULL,
	"output" jsonb NOT NULL,
	"latency_ms" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"pipeline_id" integer NOT NULL,
	"status" "run_status" DEFAULT 'running' NOT NULL,
	"stage" text DEFAULT 'ingest' NOT NULL,
	"started_by" text NOT NULL,
	"spec_hash" text NOT NULL,
	"code_version" text,
	"trigger" text DEFAULT 'manual' NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"run_id" text NOT NULL,
	"name" text NOT NULL,
	"status" "step_status" NOT NULL,
	"cache_key" text NOT NULL,
	"output" jsonb,
	"cached_from_run" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "steps_run_id_name_pk" PRIMARY KEY("run_id","name")
);
--> statement-breakpoint
ALTER TABLE "dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_champion_version_id_model_versions_id_fk" FOREIGN KEY ("champion_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feature_sets" ADD CONSTRAINT "feature_sets_dataset_version_id_dataset_versions_id_fk" FOREIGN KEY ("dataset_version_id") REFERENCES "public"."dataset_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_aliases" ADD CONSTRAINT "model_aliases_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_feature_set_id_feature_sets_id_fk" FOREIGN KEY ("feature_set_id") REFERENCES "public"."feature_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_pipeline_id_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steps" ADD CONSTRAINT "steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "approvals_run_idx" ON "approvals" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dataset_versions_content_idx" ON "dataset_versions" USING btree ("dataset_id","content_hash");--> statement-breakpoint
CREATE INDEX "drift_reports_model_idx" ON "drift_reports" USING btree ("model_name","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "feature_sets_key_idx" ON "feature_sets" USING btree ("dataset_version_id","spec_hash");--> statement-breakpoint
CREATE INDEX "lineage_to_idx" ON "lineage_edges" USING btree ("to_kind","to_id");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_name_version_idx" ON "model_versions" USING btree ("model_name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_run_idx" ON "model_versions" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "prediction_log_model_time_idx" ON "prediction_log" USING btree ("model_name","created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_request_idx" ON "prediction_log" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "runs_pipeline_idx" ON "runs" USING btree ("pipeline_id","created_at");--> statement-breakpoint
CREATE INDEX "steps_cache_idx" ON "steps" USING btree ("cache_key");