CREATE TABLE "feature_materializations" (
	"view_version" text PRIMARY KEY NOT NULL,
	"watermark" timestamp with time zone,
	"rows" integer DEFAULT 0 NOT NULL,
	"last_source_hash" text,
	"last_run_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feature_online" (
	"view_version" text NOT NULL,
	"entity_key" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"values" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_online_view_version_entity_key_pk" PRIMARY KEY("view_version","entity_key")
);
--> statement-breakpoint
CREATE TABLE "feature_views" (
	"version" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "feature_views_name_idx" ON "feature_views" USING btree ("name","created_at");